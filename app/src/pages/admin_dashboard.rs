//! Admin: the dashboard (`/admin`, #20) — figures at a glance, activity over the chosen period
//! (7, 30, 90 or 365 days, kept in the URL as `?days=`), the period's top movies, and the
//! recommender's quality per model version. Every chart is SVG drawn on the server with its
//! numbers as a table; days are UTC days.

use cinecloud_vocab::insights::{
    Dashboard, DayValue, Figures, ModelVersion, Period, StorageUsage, TOP_RATED_MIN_RATINGS, TopMovie,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::admin::{admin_dashboard, storage_usage},
    components::chart::{Chart, LineChart, Point, Series},
    error::AppError,
    format::{hours, iso_day, short_day, thousands, utc_time},
    words::stars,
};

/// The admins' home.
#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let query = use_query_map();
    let period = move || query.read().get("days").and_then(|d| d.parse::<Period>().ok()).unwrap_or_default();
    // Blocking: this answer decides the page's status (401, 403), which must be set before the
    // response head is sent.
    let data = Resource::new_blocking(period, admin_dashboard);
    // Not blocking: listing a large bucket takes a while, and the rest of the page need not wait.
    let storage = Resource::new(|| (), |_| storage_usage());
    view! {
        <Title text="Dashboard" />
        <section class="wide-page dashboard">
            <h1>"Dashboard"</h1>
            <PeriodPicker current=Signal::derive(period) />
            <Suspense fallback=|| view! { <p class="loading">"Loading the figures…"</p> }>
                {move || Suspend::new(async move { match data.await {
                    Ok(d) => view! { <DashboardBody d storage /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// Links to each period (they work without WebAssembly and keep the choice in the URL).
#[component]
fn PeriodPicker(current: Signal<Period>) -> impl IntoView {
    let label = |p: Period| match p {
        Period::Week => "7 days",
        Period::Month => "30 days",
        Period::Quarter => "90 days",
        Period::Year => "365 days",
    };
    view! {
        <nav class="period-picker" aria-label="Period">
            {Period::ALL.iter().map(|p| {
                let p = *p;
                view! {
                    // A plain link: the router's <A> marks every one current (same path).
                    <a href=format!("/admin?days={p}") aria-current=move || (current.get() == p).then_some("page")>
                        {label(p)}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn DashboardBody(d: Dashboard, storage: Resource<Result<StorageUsage, AppError>>) -> impl IntoView {
    let days = d.period.days();
    let span = format!("{} to {} (UTC days)", iso_day(d.today - days + 1), iso_day(d.today));
    let counts = |v: &[DayValue]| v.iter().map(|p| p.value as f64).collect::<Vec<_>>();
    let labels: Vec<String> = d.active_per_day.iter().map(|p| short_day(p.day)).collect();
    let daily = |name: &str, values: Vec<f64>| vec![Series { name: name.to_owned(), values }];
    let watched: Vec<f64> = d.watched_per_day.iter().map(|p| p.value as f64 / 3_600_000.0).collect();
    let sign_ups: Vec<Point> = d
        .sign_ups_per_week
        .iter()
        .map(|w| Point { label: format!("from {}", short_day(w.day)), value: w.value as f64 })
        .collect();
    let distribution: Vec<Point> = d
        .rating_distribution
        .iter()
        .enumerate()
        .map(|(i, n)| Point { label: stars(i as i64 + 1), value: *n as f64 })
        .collect();
    let genres = d.genres.iter().take(12);
    let genre_ratings: Vec<Point> =
        genres.clone().map(|g| Point { label: g.name.clone(), value: g.ratings as f64 }).collect();
    let genre_hours: Vec<Point> =
        genres.map(|g| Point { label: g.name.clone(), value: g.watched_ms as f64 / 3_600_000.0 }).collect();
    let activity = view! {
        <div class="chart-grid-2">
            <Chart id="sign-ups" unit="sign-ups" title="Sign-ups per week".into()
                description=format!("New accounts in each week of the last {days} days, weeks ending today.") points=sign_ups />
            <LineChart id="active" unit="viewers" title="Daily active viewers".into()
                description=format!("Accounts that signed in, played or rated on each of the last {days} days.")
                labels=labels.clone() series=daily("Active viewers", counts(&d.active_per_day)) />
            <LineChart id="ratings" unit="ratings" title="Ratings per day".into()
                description=format!("Ratings first given on each of the last {days} days.")
                labels=labels.clone() series=daily("Ratings", counts(&d.ratings_per_day)) />
            <LineChart id="watched" unit="hours" title="Hours watched per day".into()
                description=format!("Hours of video played on each of the last {days} days.")
                labels series=daily("Hours", watched) />
        </div>
    }
    .into_any();
    let by_genre = view! {
        <div class="chart-grid-2">
            <Chart id="distribution" unit="ratings" title="Rating distribution".into()
                description=format!("Ratings given in the last {days} days at each number of stars, from half a star to five.")
                points=distribution />
            <Chart id="genre-ratings" unit="ratings" title="Ratings by genre".into()
                description="Ratings given in the period to movies of each genre (a movie counts in each of its genres).".into()
                points=genre_ratings />
            <Chart id="genre-hours" unit="hours" title="Hours watched by genre".into()
                description="Hours watched in the period of movies of each genre (a movie counts in each of its genres).".into()
                points=genre_hours />
        </div>
    }
    .into_any();
    let top = view! {
        <div class="top-lists">
            <TopList title="Most watched" movies=d.top.most_watched
                show=|m| format!("{} h · {} viewers", hours(m.value as i64), m.count) />
            <TopList title="Most rated" movies=d.top.most_rated show=|m| format!("{} ratings", m.count) />
            <TopList title="Highest rated" movies=d.top.highest_rated
                show=|m| format!("{:.2}★ · {} ratings", m.value / 2.0, m.count) />
        </div>
    }
    .into_any();
    view! {
        <p class="muted">{span}</p>
        <FigureCards f=d.figures days />
        <h2>"Activity"</h2>
        {activity}
        <h2>"Ratings and genres"</h2>
        {by_genre}
        <h2>"Top movies"</h2>
        {top}
        <p class="muted">{format!("Highest rated needs at least {TOP_RATED_MIN_RATINGS} ratings in the period.")}</p>
        <h2>"Recommender"</h2>
        <ModelHistory models=d.models />
        <h2>"Media storage"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Measuring media storage…"</p> }>
            {move || Suspend::new(async move { match storage.await {
                Ok(usage) => view! { <Storage usage /> }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            } })}
        </Suspense>
    }
}

/// Media storage by kind: a figure per kind and the whole as a table.
#[component]
fn Storage(usage: StorageUsage) -> impl IntoView {
    let label = |kind: &str| match kind {
        "covers" => "Covers",
        "photos" => "Profile photos",
        "videos" => "Videos",
        "models" => "Recommender models",
        _ => "Other",
    };
    let total: i64 = usage.kinds.iter().map(|k| k.bytes).sum();
    view! {
        <div class="table-scroll">
            <table class="storage">
                <caption>{format!("Media storage by kind, measured {} (kept ten minutes)", utc_time(usage.measured_at))}</caption>
                <thead><tr><th scope="col">"Kind"</th><th scope="col">"Objects"</th><th scope="col">"Size"</th></tr></thead>
                <tbody>
                    {usage.kinds.into_iter().map(|k| view! {
                        <tr><th scope="row">{label(&k.kind)}</th><td>{thousands(k.objects)}</td><td>{bytes(k.bytes)}</td></tr>
                    }).collect_view()}
                    <tr><th scope="row">"All"</th><td></td><td>{bytes(total)}</td></tr>
                </tbody>
            </table>
        </div>
    }
}

/// A size in bytes the way people read it: 1.5 GB, 320 MB, 12 KB.
fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[component]
fn FigureCards(f: Figures, days: i64) -> impl IntoView {
    let card = |label: String, value: String| view! { <div class="figure"><dt>{label}</dt><dd>{value}</dd></div> };
    view! {
        <dl class="figures">
            {card("Viewers".into(), thousands(f.viewers))}
            {card("Active, last 7 days".into(), thousands(f.active_7_days))}
            {card("Active, last 30 days".into(), thousands(f.active_30_days))}
            {card(format!("Sign-ups, last {days} days"), thousands(f.sign_ups))}
            {card(format!("Ratings, last {days} days"), thousands(f.ratings))}
            {card(format!("Hours watched, last {days} days"), hours(f.watched_ms))}
            {card("Movies".into(), thousands(f.movies))}
            {card("With a cover".into(), thousands(f.movies_with_cover))}
            {card("With a video".into(), thousands(f.movies_with_video))}
        </dl>
    }
}

#[component]
fn TopList(title: &'static str, movies: Vec<TopMovie>, show: fn(&TopMovie) -> String) -> impl IntoView {
    let body = if movies.is_empty() {
        view! { <p class="muted">"Nothing in this period."</p> }.into_any()
    } else {
        view! {
            <ol>
                {movies.into_iter().map(|m| {
                    let figure = show(&m);
                    view! { <li><A href=format!("/movies/{}", m.id)>{m.title}</A>" "<span class="muted">{figure}</span></li> }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! { <section class="top-list" aria-label=title><h3>{title}</h3>{body}</section> }
}

#[component]
fn ModelHistory(models: Vec<ModelVersion>) -> impl IntoView {
    if models.is_empty() {
        return view! { <p class="muted">"No model has been trained yet."</p> }.into_any();
    }
    let measured: Vec<&ModelVersion> = models.iter().filter(|m| m.quality.is_some()).collect();
    let labels: Vec<String> = measured.iter().map(|m| format!("v{}", m.version)).collect();
    let quality = |pick: fn((f64, f64, f64)) -> f64| measured.iter().filter_map(|m| m.quality.map(pick)).collect();
    let precision = (!measured.is_empty()).then(|| {
        let series = vec![
            Series { name: "Model".into(), values: quality(|q| q.0) },
            Series { name: "Popularity".into(), values: quality(|q| q.2) },
        ];
        view! {
            <LineChart id="model-precision" unit="precision at 10" title="Precision at 10 per model version".into()
                description="Share of each measured viewer's top 10 that were held-out likes, for each model version and for recommending the most popular movies.".into()
                labels series />
        }
    });
    let fit: Vec<Point> =
        models.iter().map(|m| Point { label: format!("v{}", m.version), value: m.fit_seconds }).collect();
    let rows = models
        .iter()
        .rev()
        .map(|m| {
            let q = m.quality.map_or(["–".to_owned(), "–".to_owned(), "–".to_owned()], |(p, n, pop)| {
                [format!("{p:.3}"), format!("{n:.3}"), format!("{pop:.3}")]
            });
            let [p, n, pop] = q;
            view! {
                <tr>
                    <th scope="row">{format!("v{}", m.version)}</th>
                    <td>{utc_time(m.trained_at)}</td>
                    <td>{format!("{:.2} s", m.fit_seconds)}</td>
                    <td>{p}</td><td>{n}</td><td>{pop}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="chart-grid-2">
            {precision.map(IntoAny::into_any)}
            <Chart id="model-fit" unit="seconds" title="Training time per model version".into()
                description="Seconds each model version's fit took.".into() points=fit />
        </div>
        <div class="table-scroll">
            <table>
                <caption>"Model versions, newest first"</caption>
                <thead><tr>
                    <th scope="col">"Version"</th><th scope="col">"Trained"</th><th scope="col">"Fit"</th>
                    <th scope="col">"Precision at 10"</th><th scope="col">"nDCG at 10"</th><th scope="col">"Popularity's precision at 10"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
