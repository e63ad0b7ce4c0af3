//! Measures catalog search and filtered-list latency against a seeded database and prints
//! percentiles. Run through `scripts/bench-catalog`, which seeds 100,000 synthetic movies on
//! SQLite and PostgreSQL first; or directly:
//!
//! `DATABASE_URL=sqlite://… cargo run --release -p cinecloud-core --example catalog_latency`
//!
//! Each query kind runs `CINECLOUD_BENCH_ROUNDS` times (default 200) after a warm-up, cycling
//! through several terms, filters and pages, exactly as the browse page and the JSON API ask
//! (one page of 24 plus the total count).

use std::time::{Duration, Instant};

use cinecloud_core::{
    Db,
    catalog::{self, MovieQuery, Sort},
};

fn query(text: Option<&str>) -> MovieQuery {
    MovieQuery { text: text.map(str::to_owned), ..MovieQuery::default() }
}

/// The query kinds, each a list the rounds cycle through.
fn kinds() -> Vec<(&'static str, Vec<MovieQuery>)> {
    let words = ["river", "silent harbor", "cafe", "chateau noel", "lantern", "orbit 4"];
    let people = ["lucia", "zoe", "greta", "hiro"];
    let genres = ["drama", "horror", "science-fiction", "film-noir", "western"];
    vec![
        ("search: title/synopsis words", words.iter().map(|w| query(Some(w))).collect()),
        ("search: people, no accents", people.iter().map(|w| query(Some(w))).collect()),
        (
            "search + genre + years",
            words
                .iter()
                .zip(genres.iter().cycle())
                .map(|(w, g)| MovieQuery {
                    genre: Some(g.to_string()),
                    year_from: Some(1950),
                    year_to: Some(1999),
                    ..query(Some(w))
                })
                .collect(),
        ),
        (
            "list: genre + years, by title",
            genres
                .iter()
                .enumerate()
                .map(|(i, g)| MovieQuery {
                    genre: Some(g.to_string()),
                    year_from: Some(1930 + i as i32 * 10),
                    year_to: Some(1990 + i as i32 * 5),
                    sort: Sort::Title,
                    ..query(None)
                })
                .collect(),
        ),
        (
            "list: language + runtime, newest",
            ["fr", "ja", "sv", "de"]
                .iter()
                .map(|l| MovieQuery {
                    language: Some(l.to_string()),
                    runtime_max: Some(100),
                    sort: Sort::YearNewest,
                    ..query(None)
                })
                .collect(),
        ),
        (
            "list: all, recently added, deep pages",
            [1, 10, 100, 1000]
                .iter()
                .map(|p| MovieQuery { page: *p, sort: Sort::RecentlyAdded, ..query(None) })
                .collect(),
        ),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a seeded catalog"))?;
    let rounds: usize = std::env::var("CINECLOUD_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let db = Db::connect(&url).await?;
    let movies = catalog::seed::movie_count(&db).await?;
    println!("{:?} with {movies} movies, {rounds} rounds per kind", db.backend());
    println!("{:<40} {:>9} {:>9} {:>9} {:>9} {:>8}", "query", "p50 ms", "p95 ms", "p99 ms", "max ms", "matches");
    let mut worst_p99 = Duration::ZERO;
    for (name, queries) in kinds() {
        for q in &queries {
            catalog::browse(&db, q).await?; // warm caches
        }
        let mut times = Vec::with_capacity(rounds);
        // The most matches any query of the kind reported; "1000+" when a search's count stopped
        // at the cap.
        let mut matches = (0, false);
        for i in 0..rounds {
            let q = &queries[i % queries.len()];
            let start = Instant::now();
            let page = catalog::browse(&db, q).await?;
            times.push(start.elapsed());
            matches = matches.max((page.total, !page.total_exact));
        }
        times.sort();
        let matches = format!("{}{}", matches.0, if matches.1 { "+" } else { "" });
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p99 = percentile(&times, 0.99);
        worst_p99 = worst_p99.max(p99);
        println!(
            "{name:<40} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {matches:>8}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(p99),
            ms(*times.last().expect("rounds > 0")),
        );
    }
    println!("worst p99: {:.2} ms (goal: 20 ms)", worst_p99.as_secs_f64() * 1000.0);
    Ok(())
}
