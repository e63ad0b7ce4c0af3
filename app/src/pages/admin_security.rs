//! Admin: the recent security events — sign-ins and refused ones, sign-ups, sign-outs, password
//! changes, deletions, role changes, setup-link use, refused admin calls — newest first, a
//! hundred at a time.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::admin::{SecurityEventView, security_events},
    format::utc_time,
};

/// What each kind of event is called on the page.
pub(crate) fn kind_label(kind: &str) -> &str {
    match kind {
        "sign_in" => "Sign-in",
        "sign_up" => "Sign-up",
        "sign_out" => "Sign-out",
        "password_change" => "Password change",
        "account_deletion" => "Account deletion",
        "role_change" => "Role change",
        "setup_link" => "Setup link",
        "refused" => "Refused admin call",
        "sessions_ended" => "Sessions ended",
        "account_disabled" => "Disabled or enabled",
        "password_reset" => "Password-reset link",
        other => other,
    }
}

/// The newest security events, with a link to older ones.
#[component]
pub fn AdminSecurityPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || query.read().get("before").and_then(|v| v.parse::<i64>().ok());
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let events = Resource::new_blocking(before, security_events);
    view! {
        <Title text="Security events" />
        <section class="wide-page">
            <h1>"Security events"</h1>
            <p class="muted">"Times are UTC. Events are kept for 90 days."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading events…"</p> }>
                {move || Suspend::new(async move { match events.await {
                    Ok(events) => view! { <EventTable events /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn EventTable(events: Vec<SecurityEventView>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p>"No events."</p> }.into_any();
    }
    let older = (events.len() as i64 >= 100)
        .then(|| events.last().map(|e| format!("/admin/security?before={}", e.id)))
        .flatten();
    view! {
        <div class="table-scroll">
            <table>
                <caption class="visually-hidden">"Security events, newest first"</caption>
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"Outcome"</th>
                    <th scope="col">"Account"</th><th scope="col">"By"</th><th scope="col">"Client"</th><th scope="col">"Detail"</th>
                </tr></thead>
                <tbody>
                    {events.into_iter().map(|e| {
                        let row_class = format!("event-{}", e.outcome);
                        view! {
                        <tr class=row_class>
                            <td>{utc_time(e.at)}</td>
                            <td>{kind_label(&e.kind).to_owned()}</td>
                            <td>{e.outcome}</td>
                            <td>{e.account}</td>
                            <td>{e.actor}</td>
                            <td>{e.client}</td>
                            <td>{e.detail}</td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older.map(|href| view! { <nav class="pager" aria-label="Pages"><A href=href attr:rel="next">"Older events →"</A></nav> })}
    }
    .into_any()
}
