//! One movie's page: cover, facts, people, synopsis, related movies. Admins edit it in place:
//! the page switches to edit mode and every field becomes editable where it is shown.

mod cover;
mod edit;
mod finder;
mod history;
mod sections;
mod video;

pub use finder::TMDB_ATTRIBUTION;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use crate::words::Describe;
use crate::{
    api::catalog::{MovieForm, MovieView, create_movie, get_movie},
    api::metadata::import_movie,
    api::recommend::{RecommendedView, more_like_this},
    components::{movie_card::MovieCard, toast::Toasts},
    error::AppError,
    viewer::ViewerContext,
};
use edit::Draft;
use sections::{Facts, Genres, Head, People, Ratings, Story, Titles, Toolbar};

/// Loads the movie named by the URL and shows it (404 when it does not exist).
#[component]
pub fn MoviePage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let movie = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_movie(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Created here, once, rather than inside the editor: the server renders a suspended child
    // twice, and a resource created inside it would exist twice there but once in the browser,
    // so the browser would hydrate it from the wrong serialized value.
    let related = Resource::new(id, |id| async move {
        match id {
            Some(id) => more_like_this(id).await,
            None => Ok(Vec::new()),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the movie…"</p> }>
            {move || Suspend::new(async move {
                // The editor reads who is signed in; awaited first, nothing in it is still
                // loading when it renders (see `ViewerContext::signed_in_later`).
                let _signed_in = ctx.signed_in_later().await;
                match movie.await {
                    Ok(movie) => view! { <MovieEditor initial=movie is_new=false related=Some(related) /> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A blank movie page in edit mode, for admins to add a movie.
///
/// The editor itself is made only in the browser, once the page is interactive. Rendered on the
/// server inside this page's `Transition`, its browser-only suggestion resources (genres,
/// people) were read while the server waited for the boundary to resolve, and the response
/// stalled after the header on most fresh servers (#15). An editor is nothing to index or to
/// show before the page can be used, so nothing is lost.
#[component]
pub fn NewMoviePage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Title text="New movie" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match ctx.signed_in_later().await {
                    Some(v) if v.is_admin => view! {
                        <Show when=move || mounted.get() fallback=|| view! { <p class="loading">"Loading the editor…"</p> }>
                            <MovieEditor initial=MovieView::default() is_new=true related=None />
                        </Show>
                    }.into_any(),
                    Some(_) => view! { <p role="alert" class="form-error">"Only admins can add movies."</p> }.into_any(),
                    None => view! { <p>"Please " <A href="/login">"log in"</A> " as an admin to add movies."</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What a save did.
#[derive(Clone)]
enum Saved {
    Updated(Box<MovieView>),
    /// The new movie's id, and why its poster was not saved, if it was imported without one.
    Created(i64, Option<String>),
}

/// What every section of a movie's page shares, in view and in edit mode.
#[derive(Clone, Copy)]
struct Editor {
    /// The movie as last saved.
    movie: RwSignal<MovieView>,
    /// Whether the page is in edit mode.
    editing: RwSignal<bool>,
    /// The unsaved edit.
    draft: Draft,
    /// Saves the draft (creates the movie on the new-movie page).
    save: Action<MovieForm, Result<Saved, AppError>>,
    /// The last save's error, for the fields it names.
    error: Signal<Option<AppError>>,
    /// The new-movie page: no ratings, history or related movies yet.
    is_new: bool,
    /// Whether an admin is looking (edit controls are shown).
    is_admin: Signal<bool>,
    /// The film picked from the metadata provider, when the new movie is an import.
    pick: RwSignal<Option<finder::Pick>>,
}

impl Editor {
    fn new(initial: MovieView, is_new: bool) -> Self {
        let ctx = expect_context::<ViewerContext>();
        let movie = RwSignal::new(initial);
        let draft = Draft::new();
        if is_new {
            draft.load(&movie.get_untracked());
        }
        let pick = RwSignal::new(None::<finder::Pick>);
        let save = Action::new(move |form: &MovieForm| {
            let form = form.clone();
            let (id, version) = movie.with_untracked(|m| (m.id, m.version));
            let picked = pick.get_untracked();
            async move {
                if let (true, Some(picked)) = (is_new, picked) {
                    import_movie(picked.id, form).await.map(|i| Saved::Created(i.id, i.poster_problem))
                } else if is_new {
                    create_movie(form).await.map(|id| Saved::Created(id, None))
                } else {
                    crate::api::catalog::update_movie(id, version, form).await.map(|m| Saved::Updated(Box::new(m)))
                }
            }
        });
        Editor {
            movie,
            editing: RwSignal::new(is_new),
            draft,
            save,
            error: Signal::derive(move || save.value().get().and_then(Result::err)),
            is_new,
            is_admin: Signal::derive(move || ctx.is_admin()),
            pick,
        }
    }

    /// The movie's id (0 on the new-movie page).
    fn id(&self) -> i64 {
        self.movie.with_untracked(|m| m.id)
    }
}

/// The page of one movie, in view mode for everyone and in edit mode for admins.
#[component]
fn MovieEditor(
    initial: MovieView,
    is_new: bool,
    /// "More like this" (none on the new-movie page).
    related: Option<Resource<Result<Vec<RecommendedView>, AppError>>>,
) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let navigate = use_navigate();
    let editor = Editor::new(initial, is_new);
    let Editor { movie, editing, draft, save, is_admin, .. } = editor;
    Effect::new(move |_| match save.value().get() {
        Some(Ok(Saved::Updated(saved))) => {
            movie.set(*saved);
            editing.set(false);
            toasts.say("Saved.");
        }
        Some(Ok(Saved::Created(id, poster_problem))) => {
            toasts.say(poster_problem.as_deref().unwrap_or("Movie created."));
            navigate(&format!("/movies/{id}"), Default::default());
        }
        _ => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(draft.form());
    };

    // The history is for admins only and loads in the browser once the page is interactive.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let id = editor.id();
    let below = related.map(|related| {
        view! {
            <Related related />
            <Show when=move || is_admin.get() && mounted.get()>
                <history::History id version=Signal::derive(move || movie.with(|m| m.version)) />
            </Show>
        }
        .into_any()
    });
    let cover = view! { <cover::CoverPanel movie editing=editing.into() is_new /> }.into_any();
    let video = view! { <video::VideoPanel movie editing=editing.into() is_new /> }.into_any();
    let ratings = (!is_new).then(|| view! { <Ratings editor /> }.into_any());
    let finder =
        is_new.then(|| view! { <finder::MetadataFinder draft pick=editor.pick error=editor.error /> }.into_any());
    let page = view! {
        <form class="movie-page" class:editing=move || editing.get() on:submit=submit novalidate>
            {cover}
            <div class="movie-body">
                <Toolbar editor />
                <finder::RefreshFromTmdb movie editing=editing.into() is_admin />
                <Titles editor />
                <Genres editor />
                <Facts editor />
                {video}
                {ratings}
                <Story editor />
                <People editor />
                <p><A href="/movies">"← All movies"</A></p>
            </div>
        </form>
    }
    .into_any();
    view! { <Head editor /> {finder} {page} {below} }.into_any()
}

/// "More like this": what viewers who liked this movie liked, or, before the recommender knows
/// it, movies sharing its people or genres; each with its reason.
#[component]
fn Related(related: Resource<Result<Vec<RecommendedView>, AppError>>) -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move { related.await.ok().filter(|r| !r.is_empty()).map(|items| view! {
                <section class="related" aria-labelledby="related-heading">
                    <h2 id="related-heading">"More like this"</h2>
                    <ul class="movie-grid">
                        {items.into_iter().map(|item| view! {
                            <MovieCard movie=item.movie scope="related">
                                <p class="reason">{item.reason.describe()}</p>
                            </MovieCard>
                        }).collect_view()}
                    </ul>
                </section>
            })})}
        </Suspense>
    }
}
