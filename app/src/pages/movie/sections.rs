//! The sections of a movie's page. Each shows its part of the movie and, in edit mode, the
//! inputs for it; they share one [`Editor`].

use leptos::{prelude::*, text_prop::TextProp};
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_navigate};

use super::{
    Editor,
    edit::{CastEditor, FieldNote, InlineInput, NamesEditor, Suggest},
};
use crate::words::Describe;
use crate::{
    api::catalog::{CreditView, MovieView, delete_movie},
    components::{
        add_to_list::ListButtons,
        star_rating::StarRating,
        toast::{Toast, Toasts},
    },
    error::AppError,
    viewer::ViewerContext,
};

/// The page's title and its description and OpenGraph tags, in `<head>`.
#[component]
pub(super) fn Head(editor: Editor) -> impl IntoView {
    let Editor { movie, is_new, .. } = editor;
    let heading_of = move |m: &MovieView| match (is_new, m.year) {
        (true, _) => "New movie".to_owned(),
        (false, Some(year)) => format!("{} ({year})", m.title),
        (false, None) => m.title.clone(),
    };
    // The server writes <title> after the rest of the page, when this page's signals may
    // already be disposed (reading one there panicked and dropped about 1 in 50 movie pages
    // under load, measured with scripts/hammer-pages): there the title is fixed text. In the
    // browser it follows edits.
    let heading: TextProp = if cfg!(feature = "ssr") {
        movie.with_untracked(heading_of).into()
    } else {
        (move || movie.with(heading_of)).into()
    };
    let description = move || movie.with(|m| m.synopsis.chars().take(200).collect::<String>());
    let og_image = movie.with_untracked(|m| m.cover.as_ref().map(|c| c.preview.clone()));
    view! {
        <Title text=heading />
        <Meta name="description" content=description />
        <Meta property="og:title" content=move || movie.with(|m| m.title.clone()) />
        <Meta property="og:description" content=description />
        <Meta property="og:type" content="video.movie" />
        // From the page as loaded: link previews read the server's HTML, and a reactive Option
        // around a <Meta> does not hydrate (it renders nothing in the body on the server).
        {og_image.map(|url| view! { <Meta property="og:image" content=url /> })}
    }
    .into_any()
}

/// For admins: Edit and Delete, or Save and Cancel while editing; the delete confirmation; and
/// what went wrong with a save that no field explains.
#[component]
pub(super) fn Toolbar(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, save, error, is_new, is_admin, .. } = editor;
    let toasts = expect_context::<Toasts>();
    let navigate = use_navigate();
    let delete = Action::new(move |id: &i64| delete_movie(*id));
    let confirming_delete = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            let (id, title) = movie.with_untracked(|m| (m.id, m.title.clone()));
            toasts.show(Toast { message: format!("Deleted “{title}”."), undo_movie: Some(id) });
            navigate("/movies", Default::default());
        }
    });
    let start_editing = move |_| {
        draft.load(&movie.get_untracked());
        save.value().set(None);
        editing.set(true);
    };
    let cancel = move |_| {
        if is_new {
            let _ = window().history().map(|h| h.back());
        } else {
            editing.set(false);
            save.value().set(None);
        }
    };
    let conflict = move || error.get().and_then(|e| e.field_message("version"));
    let other_error = move || error.get().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| e.to_string());
    let id = editor.id();
    view! {
        <Show when=move || is_admin.get()>
            <div class="admin-bar" role="toolbar" aria-label="Edit this movie">
                <Show
                    when=move || editing.get()
                    fallback=move || view! {
                        <button type="button" class="button" on:click=start_editing>"Edit"</button>
                        <button type="button" class="button secondary danger-text" on:click=move |_| confirming_delete.set(true)>"Delete"</button>
                    }
                >
                    <button type="submit" class="button" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else if is_new { "Create movie" } else { "Save" }}
                    </button>
                    <button type="button" class="button secondary" on:click=cancel>"Cancel"</button>
                    <span class="hint">"Editing — change any field where it is shown."</span>
                </Show>
            </div>
        </Show>
        <Show when=move || confirming_delete.get()>
            <div class="confirm card danger" role="alertdialog" aria-labelledby="confirm-delete-text">
                <p id="confirm-delete-text">
                    {move || format!("Delete “{}”? You can undo this for 10 minutes.", movie.with(|m| m.title.clone()))}
                </p>
                <button type="button" class="button danger" disabled=move || delete.pending().get()
                    on:click=move |_| { delete.dispatch(id); }>"Delete movie"</button>
                <button type="button" class="button secondary" on:click=move |_| confirming_delete.set(false)>"Keep it"</button>
                {move || delete.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            </div>
        </Show>
        {move || conflict().map(|message| view! {
            <div class="form-error conflict" role="alert">
                <p>{message}</p>
                <a href=format!("/movies/{id}") rel="external" class="button secondary">"Reload the movie"</a>
            </div>
        })}
        {move || other_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
    }
    .into_any()
}

/// The title and the original title.
#[component]
pub(super) fn Titles(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, error, .. } = editor;
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! {
                <h1>{move || movie.with(|m| m.title.clone())}</h1>
                {move || movie.with(|m| m.original_title.clone().map(|o| view! { <p class="original-title" lang=m.original_language.clone()>{o}</p> }))}
            }
        >
            <h1><InlineInput field="title" label="Title" value=draft.title error class="title-input" /></h1>
            <p class="original-title"><InlineInput field="original_title" label="Original title" value=draft.original_title error placeholder="Original title" /></p>
        </Show>
    }
    .into_any()
}

/// The genres, each a link to its list.
#[component]
pub(super) fn Genres(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, error, .. } = editor;
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! {
                <ul class="genre-list" aria-label="Genres">
                    {move || movie.with(|m| m.genres.clone()).into_iter().map(|g| view! {
                        <li><A href=format!("/movies?genre={}", g.slug)>{g.name}</A></li>
                    }).collect_view()}
                </ul>
            }
        >
            <NamesEditor field="genres" label="Genres" noun="genre" values=draft.genres error suggest=Suggest::Genres />
        </Show>
    }
    .into_any()
}

/// The language of an ISO 639-1 code, for the facts.
fn language_name(code: &str) -> String {
    match code {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "ru" => "Russian",
        "sv" => "Swedish",
        "es" => "Spanish",
        "it" => "Italian",
        "ja" => "Japanese",
        "nl" => "Dutch",
        "pt" => "Portuguese",
        other => return other.to_uppercase(),
    }
    .to_owned()
}

/// Year, runtime, country, language and age rating: text in view mode, inputs in edit mode.
#[component]
pub(super) fn Facts(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, error, .. } = editor;
    let view_mode = move || {
        let m = movie.get();
        let mut facts: Vec<(&'static str, String)> = Vec::new();
        if let Some(year) = m.year {
            facts.push(("Year", year.to_string()));
        }
        if let Some(minutes) = m.runtime_minutes {
            facts.push(("Runtime", format!("{minutes} min")));
        }
        if let Some(country) = &m.country {
            facts.push(("Country", country.clone()));
        }
        if let Some(language) = &m.original_language {
            facts.push(("Language", language_name(language)));
        }
        if let Some(rating) = &m.age_rating {
            facts.push(("Age rating", rating.clone()));
        }
        facts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()
    };
    let fact = move |label: &'static str,
                     field: &'static str,
                     value: RwSignal<String>,
                     kind: &'static str,
                     hint: &'static str| {
        view! {
            <div>
                <dt><label for=format!("edit-{field}")>{label}</label></dt>
                <dd><InlineInput field label value error kind placeholder=hint class="short" /></dd>
            </div>
        }
    };
    view! {
        <dl class="facts">
            <Show when=move || editing.get() fallback=view_mode>
                {fact("Year", "year", draft.year, "number", "1927")}
                {fact("Runtime (min)", "runtime_minutes", draft.runtime_minutes, "number", "90")}
                {fact("Country", "country", draft.country, "text", "FR")}
                {fact("Language", "original_language", draft.original_language, "text", "fr")}
                {fact("Age rating", "age_rating", draft.age_rating, "text", "PG")}
            </Show>
        </dl>
    }
    .into_any()
}

/// The viewers' ratings, and for a signed-in viewer their stars and list buttons.
#[component]
pub(super) fn Ratings(editor: Editor) -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let movie = editor.movie;
    let id = editor.id();
    let summary = RwSignal::new(movie.with_untracked(|m| m.rating));
    let my_rating = movie.with_untracked(|m| m.my_rating);
    let signed_in = Signal::derive(move || ctx.is_signed_in());
    view! {
        <section class="ratings" aria-label="Ratings">
            <p class="rating-summary">{move || summary.get().describe()}</p>
            <Show
                when=move || signed_in.get()
                fallback=|| view! { <p class="hint"><A href="/login">"Log in"</A><span>" to rate this movie."</span></p> }
            >
                <StarRating movie_id=id mine=my_rating summary />
                <ListButtons movie_id=id title=movie.with_untracked(|m| m.title.clone()) on_watchlist=movie.with_untracked(|m| m.on_watchlist) />
            </Show>
        </section>
    }
    .into_any()
}

/// The synopsis and the trailer link.
#[component]
pub(super) fn Story(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, error, .. } = editor;
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! { <p class="synopsis">{move || movie.with(|m| m.synopsis.clone())}</p> }
        >
            <div class="field">
                <label for="edit-synopsis">"Synopsis"</label>
                <textarea id="edit-synopsis" rows="6" bind:value=draft.synopsis
                    aria-invalid=move || error.get().and_then(|e| e.field_message("synopsis")).is_some().to_string()
                    aria-describedby="edit-synopsis-error"></textarea>
                <FieldNote field="synopsis" error />
            </div>
        </Show>
        <Show
            when=move || editing.get()
            fallback=move || movie.with(|m| m.trailer_url.clone()).map(|url| view! {
                <p><a href=url rel="noopener noreferrer" target="_blank">"Watch the trailer"</a></p>
            })
        >
            <div class="field">
                <label for="edit-trailer_url">"Trailer link"</label>
                <InlineInput field="trailer_url" label="Trailer link" value=draft.trailer_url error kind="url" placeholder="https://…" />
            </div>
        </Show>
    }
    .into_any()
}

/// Directors and cast, each a link to their page; in edit mode their editors.
#[component]
pub(super) fn People(editor: Editor) -> impl IntoView {
    let Editor { movie, editing, draft, error, .. } = editor;
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! { <MoviePeople directors=movie.with(|m| m.directors.clone()) cast=movie.with(|m| m.cast.clone()) /> }
        >
            <section aria-labelledby="people-heading">
                <h2 id="people-heading">"People"</h2>
                <NamesEditor field="directors" label="Directors" noun="director" values=draft.directors error suggest=Suggest::People />
                <CastEditor rows=draft.cast error />
            </section>
        </Show>
    }
    .into_any()
}

/// The credits as links to each person's page.
#[component]
fn MoviePeople(directors: Vec<CreditView>, cast: Vec<CreditView>) -> impl IntoView {
    let director_label = if directors.len() > 1 { "Directors" } else { "Director" };
    let person = |c: &CreditView| {
        let (href, name) = (format!("/people/{}", c.person_id), c.name.clone());
        view! { <A href=href>{name}</A> }
    };
    let cast_list = (!cast.is_empty()).then(|| {
        view! {
            <div>
                <dt>"Cast"</dt>
                <dd>
                    <ul class="cast">
                        {cast.iter().map(|c| view! {
                            <li>{person(c)}{c.character.clone().map(|ch| view! { <span class="character">{format!(" as {ch}")}</span> })}</li>
                        }).collect_view()}
                    </ul>
                </dd>
            </div>
        }
        .into_any()
    });
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <dl class="people">
                <div>
                    <dt>{director_label}</dt>
                    <dd class="comma-list">{directors.iter().map(|d| view! { <span>{person(d)}</span> }).collect_view()}</dd>
                </div>
                {cast_list}
            </dl>
        </section>
    }
    .into_any()
}
