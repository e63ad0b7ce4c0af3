//! `/me/stats`: the viewer's own "year in film" (#20), private to them — time watched and
//! movies finished per month, favourite genres, directors and actors, their ratings against
//! everyone's, firsts and lasts, the longest streak and the most rewatched movie — for the year
//! in the URL (`?year=`, UTC). A share card of the year is made only on request, reachable only
//! through its link, and revocable.

use cinecloud_vocab::year::{Favourite, ShareCard, YearInFilm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::stats::{MakeShareCard, RevokeShareCard, my_share_cards, my_year},
    components::{
        chart::{Chart, LineChart, Point, Series},
        form::last_error,
    },
    format::{hours, iso_day, thousands},
    words::stars,
};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The signed-in viewer's year.
#[component]
pub fn MyStatsPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("year").and_then(|y| y.parse::<i32>().ok());
    // Blocking: the answer decides the page's status (401 for a visitor) before the head is sent.
    let data = Resource::new_blocking(year, my_year);
    view! {
        <Title text="Your year in film" />
        <section class="wide-page year-in-film">
            <Suspense fallback=|| view! { <p class="loading">"Adding up your year…"</p> }>
                {move || Suspend::new(async move { match data.await {
                    Ok(y) => view! { <Year y /> }.into_any(),
                    Err(e) => view! { <h1>"Your year in film"</h1><p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn Year(y: YearInFilm) -> impl IntoView {
    let year = y.year;
    let empty = y.watched_ms == 0 && y.ratings_given == 0 && y.finished == 0;
    let picker = view! {
        <nav class="period-picker" aria-label="Year">
            {y.years.iter().map(|&option| view! {
                <a href=format!("/me/stats?year={option}") aria-current=(option == year).then_some("page")>{option}</a>
            }).collect_view()}
        </nav>
    };
    let body = if empty {
        view! { <p class="muted">{format!("Nothing watched or rated in {year} yet.")}</p> }.into_any()
    } else {
        view! { <YearBody y /> }.into_any()
    };
    view! {
        <h1>{format!("Your {year} in film")}</h1>
        <p class="muted">"Only you can see this page. Months and days are UTC."</p>
        {picker}
        {body}
        <ShareCards year />
    }
}

#[component]
fn YearBody(y: YearInFilm) -> impl IntoView {
    let card =
        |label: &str, value: String| view! { <div class="figure"><dt>{label.to_owned()}</dt><dd>{value}</dd></div> };
    let streak = y.longest_streak.map_or_else(|| "–".to_owned(), |s| format!("{} days", s.days));
    let months = |values: &[i64], scale: f64| -> Vec<Point> {
        MONTHS.iter().zip(values).map(|(m, v)| Point { label: (*m).to_owned(), value: *v as f64 / scale }).collect()
    };
    let share = |counts: &[i64]| {
        let total = counts.iter().sum::<i64>().max(1) as f64;
        counts.iter().map(|c| (*c as f64 * 100.0 / total * 10.0).round() / 10.0).collect::<Vec<f64>>()
    };
    let ratings = vec![
        Series { name: "You".into(), values: share(&y.my_ratings) },
        Series { name: "Everyone".into(), values: share(&y.all_ratings) },
    ];
    let labels: Vec<String> = (1..=10).map(stars).collect();
    let moments = [("First movie of the year", y.first.clone()), ("Latest movie", y.last.clone())];
    view! {
        <dl class="figures">
            {card("Hours watched", hours(y.watched_ms))}
            {card("Movies watched", thousands(y.movies_watched))}
            {card("Watched to the end", thousands(y.finished))}
            {card("Ratings given", thousands(y.ratings_given))}
            {card("Longest streak", streak)}
        </dl>
        <div class="chart-grid-2">
            <Chart id="hours-by-month" unit="hours" title="Hours watched per month".into()
                description=format!("Hours you watched in each month of {}.", y.year) points=months(&y.watched_by_month, 3_600_000.0) />
            <Chart id="finished-by-month" unit="movies" title="Movies watched to the end per month".into()
                description=format!("Movies you watched to their end in each month of {}, rewatches included.", y.year)
                points=months(&y.finished_by_month, 1.0) />
            <LineChart id="ratings-compared" unit="% of ratings" title="Your ratings and everyone's".into()
                description=format!("The share of ratings given in {} at each number of stars: yours against all viewers'.", y.year)
                labels series=ratings />
        </div>
        <div class="top-lists">
            <Favourites title="Top genres" items=y.top_genres link=false />
            <Favourites title="Top directors" items=y.top_directors link=true />
            <Favourites title="Top actors" items=y.top_actors link=true />
        </div>
        <h2>"Firsts and lasts"</h2>
        <dl class="facts">
            {moments.into_iter().map(|(label, m)| view! {
                <dt>{label}</dt>
                <dd>{m.map_or_else(|| view! { "–" }.into_any(), |m| view! {
                    <A href=format!("/movies/{}", m.movie_id)>{m.title}</A>{format!(" on {}", iso_day(m.day))}
                }.into_any())}</dd>
            }).collect_view()}
            <dt>"Longest streak"</dt>
            <dd>{y.longest_streak.map_or_else(|| "–".to_owned(), |s| format!("{} days in a row from {}", s.days, iso_day(s.first_day)))}</dd>
            <dt>"Most rewatched"</dt>
            <dd>{y.most_rewatched.map_or_else(|| view! { "No movie watched to the end twice" }.into_any(), |r| view! {
                <A href=format!("/movies/{}", r.movie_id)>{r.title}</A>{format!(", {} times", r.times)}
            }.into_any())}</dd>
        </dl>
    }
}

#[component]
fn Favourites(title: &'static str, items: Vec<Favourite>, link: bool) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="muted">"None yet."</p> }.into_any()
    } else {
        view! {
            <ol>
                {items.into_iter().map(|f| {
                    let figure = format!("{} movies · {} h", f.movies, hours(f.watched_ms));
                    let name = if link {
                        view! { <A href=format!("/people/{}", f.id)>{f.name}</A> }.into_any()
                    } else {
                        view! { {f.name} }.into_any()
                    };
                    view! { <li>{name}" "<span class="muted">{figure}</span></li> }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! { <section class="top-list" aria-label=title><h3>{title}</h3>{body}</section> }
}

/// The year's share card: make one (an image of a few figures, behind a link only its holder
/// can open), see it, or revoke it.
#[component]
fn ShareCards(year: i32) -> impl IntoView {
    let make = ServerAction::<MakeShareCard>::new();
    let revoke = ServerAction::<RevokeShareCard>::new();
    let cards = Resource::new(move || (make.version().get(), revoke.version().get()), |_| my_share_cards());
    let (make_error, revoke_error) = (last_error(make), last_error(revoke));
    let error = move || make_error.get().or_else(|| revoke_error.get()).map(|e| e.to_string());
    let this_year = move |cards: Vec<ShareCard>| cards.into_iter().find(|c| c.year == year);
    view! {
        <section aria-labelledby="share-heading" class="card share-card">
            <h2 id="share-heading">"Share card"</h2>
            <p>"An image of your hours, movies, streak, top genre and most rewatched movie, as they are when you make it. Only people you give its link to can see it, until you revoke it."</p>
            {move || error().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match cards.await.map(this_year) {
                        Ok(Some(card)) => {
                            // The whole address once in the browser (effects run only there).
                            let link = RwSignal::new(card.path.clone());
                            let path = card.path.clone();
                            Effect::new(move |_| {
                                if let Ok(origin) = window().location().origin() {
                                    link.set(format!("{origin}{path}"));
                                }
                            });
                            view! {
                                <img class="share-preview" src=card.path.clone() alt=format!("Your {year} in film, as a card") width="600" height="315" />
                                <label for="share-link">"Link to your card"</label>
                                <input id="share-link" type="text" readonly class="copy-field" prop:value=move || link.get() />
                                <ActionForm action=revoke attr:class="inline">
                                    <input type="hidden" name="year" value=year />
                                    <button type="submit" class="button danger">"Revoke the link"</button>
                                </ActionForm>
                            }.into_any()
                        }
                        _ => view! {
                            <ActionForm action=make>
                                <input type="hidden" name="year" value=year />
                                <button type="submit" class="button">{format!("Make a share card of {year}")}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
