//! A movie's audit log, for admins: who changed which field, when, from what to what.

use leptos::prelude::*;

use crate::api::catalog::{AuditEntryView, movie_history};

use crate::format::utc_time;

/// A field's name as people read it (the audit log's and the TMDb refresh's).
pub(super) fn field_label(field: &str) -> &str {
    match field {
        "original_title" => "original title",
        "runtime_minutes" => "runtime",
        "original_language" => "language",
        "age_rating" => "age rating",
        "trailer_url" => "trailer link",
        other => other,
    }
}

fn shorten(value: Option<String>) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) if v.chars().count() > 80 => format!("{}…", v.chars().take(80).collect::<String>()),
        Some(v) => v,
    }
}

#[component]
fn Entry(entry: AuditEntryView) -> impl IntoView {
    let who = entry.who.clone().unwrap_or_else(|| "Cinecloud".to_owned());
    let what = match entry.field.as_str() {
        "created" => "created the movie".to_owned(),
        "deleted" => "deleted the movie".to_owned(),
        "restored" => "restored the movie".to_owned(),
        // "imported from TMDb #775"
        "source" => entry.new_value.clone().unwrap_or_default(),
        field => format!("changed the {}", field_label(field)),
    };
    let detail = (!matches!(entry.field.as_str(), "created" | "deleted" | "restored" | "source"))
        .then(|| view! { <span class="change">{format!("{} → {}", shorten(entry.old_value), shorten(entry.new_value))}</span> });
    view! {
        // One text per element: adjacent text nodes merge in the server's HTML and then fail
        // to hydrate.
        <li>
            <time datetime=entry.at.to_string()>{utc_time(entry.at)}</time>
            <span>" · "</span>
            <strong>{who}</strong>
            <span>{format!(" {what} ")}</span>
            {detail}
        </li>
    }
}

/// The log, loaded in the browser and again whenever the movie's version changes. Render it
/// only once the page is interactive: it is for admins, so nothing is lost by not rendering it
/// on the server, and a browser-only resource cannot be hydrated from the wrong serialized value
/// (the server renders a suspended page twice, creating its resources twice).
#[component]
pub fn History(id: i64, version: Signal<i64>) -> impl IntoView {
    let log = LocalResource::new(move || {
        version.track();
        movie_history(id)
    });
    view! {
        <section class="history card" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            {move || match log.get() {
                None => view! { <p class="loading">"Loading the history…"</p> }.into_any(),
                Some(Ok(entries)) if entries.is_empty() => view! { <p class="hint">"No changes recorded."</p> }.into_any(),
                Some(Ok(entries)) => view! {
                    <ol class="audit-log">
                        {entries.into_iter().map(|entry| view! { <Entry entry /> }).collect_view()}
                    </ol>
                }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            }}
        </section>
    }
}
