//! Loads the admin dashboard's data (#20) at scale and prints how long the whole page's queries
//! take per period. Run through `scripts/bench-dashboard`, which points it at a fresh SQLite file
//! and a fresh PostgreSQL database; or directly:
//!
//! `DATABASE_URL=sqlite:///tmp/d.db cargo run --release -p cinecloud-core --example dashboard_latency`
//!
//! An empty database is first filled, in SQL, with 100,000 movies (one or two of 20 genres each),
//! 10,000 viewers who signed up over two years, 1,000,000 ratings and 1,000,000 playback events
//! over those two years (sessions of ten reports a minute apart), 30 model versions, and the
//! rollups the server keeps as events arrive (`viewing_days`, `active_days`), derived from those
//! events with migration 0020's SQL. Sizes: `MOVIES`, `VIEWERS`, `RATINGS`, `EVENTS`.
//!
//! Each period is then loaded `CINECLOUD_BENCH_ROUNDS` times (default 20) after a warm-up. The
//! goal is ≤ 200 ms for the whole page.

use std::time::{Duration, Instant};

use cinecloud_core::{
    Db,
    insights::{self, Period},
};

/// Two years, in seconds: the span the data's times fall in.
const SPAN: i64 = 730 * 86_400;

fn size(name: &str, default: i64) -> i64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The statements that fill an empty database; `$1` is "now". `n(i)` counts from 0 to the size.
fn fill(movies: i64, viewers: i64, ratings: i64, events: i64) -> Vec<String> {
    let count = |n: i64| {
        format!("WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {})", n - 1)
    };
    // Rating i is viewer i % viewers's (i / viewers)-th: a different movie for each of them, as
    // 7919 is prime to the number of movies (a power of ten times a small number).
    vec![
        format!(
            "{} INSERT INTO genres (slug, name) SELECT 'genre-' || i, 'Genre ' || i FROM n",
            count(20)
        ),
        format!(
            "{} INSERT INTO movies (title, sort_title, year, created_at, updated_at, cover_key) \
             SELECT 'Film ' || i, 'film ' || i, 1920 + i % 100, $1 - SPAN, $1 - SPAN, \
                    CASE WHEN i % 3 = 0 THEN NULL ELSE 'covers/' || i END FROM n ORDER BY i",
            count(movies)
        ),
        "INSERT INTO movie_genres (movie_id, genre_id, year, sort_title) \
         SELECT m.id, g.id, m.year, m.sort_title FROM movies m JOIN genres g ON g.id = 1 + m.id % 20 \
         UNION ALL SELECT m.id, g.id, m.year, m.sort_title FROM movies m JOIN genres g ON g.id = 1 + (m.id * 7) % 20 \
         WHERE m.id % 2 = 0 AND (m.id * 7) % 20 <> m.id % 20"
            .to_owned(),
        format!(
            "{} INSERT INTO users (email, display_name, password_hash, role, session_epoch, created_at, updated_at) \
             SELECT 'viewer' || i || '@bench.example', 'Viewer ' || i, 'x', 'viewer', 0, \
                    $1 - (i * 7777) % SPAN, $1 - (i * 7777) % SPAN FROM n ORDER BY i",
            count(viewers)
        ),
        format!(
            "{} INSERT INTO ratings (user_id, movie_id, half_stars, created_at, updated_at) \
             SELECT (SELECT MIN(id) FROM users) + i % {viewers}, \
                    (SELECT MIN(id) FROM movies) + ((i / {viewers}) * 7919 + (i % {viewers}) * 104729) % {movies}, \
                    1 + (i * 31 + i / 7) % 10, $1 - (i * 48271) % SPAN, $1 - (i * 48271) % SPAN FROM n",
            count(ratings)
        ),
        // Report e of session s of viewer u: start, eight progress reports, pause, a minute apart.
        format!(
            "{} INSERT INTO playback_events (user_id, movie_id, kind, position_ms, at) \
             SELECT (SELECT MIN(id) FROM users) + i % {viewers}, \
                    (SELECT MIN(id) FROM movies) + (((i / {viewers}) / 10) * 7919 + (i % {viewers}) * 104729 + 13) % {movies}, \
                    CASE (i / {viewers}) % 10 WHEN 0 THEN 'start' WHEN 9 THEN 'pause' ELSE 'progress' END, \
                    ((i / {viewers}) % 10) * 60000, \
                    $1 - (((i % {viewers}) * 10 + (i / {viewers}) / 10) * 104723) % SPAN + ((i / {viewers}) % 10) * 60 \
             FROM n ORDER BY i % {viewers}, i / {viewers}",
            count(events)
        ),
        // The rollups, exactly as migration 0020 derives them from events.
        "INSERT INTO active_days (day, user_id) \
         SELECT at / 86400, user_id FROM playback_events \
         UNION SELECT created_at / 86400, user_id FROM ratings"
            .to_owned(),
        "INSERT INTO viewing_days (user_id, movie_id, day, watched_ms) \
         SELECT user_id, movie_id, at / 86400, SUM(credit) FROM ( \
             SELECT user_id, movie_id, at, \
                 CASE WHEN kind IN ('progress', 'pause', 'finish') AND previous_ms IS NOT NULL \
                     THEN CASE WHEN position_ms - previous_ms < 0 THEN 0 \
                          WHEN position_ms - previous_ms > (at - previous_at) * 1000 + 2000 THEN (at - previous_at) * 1000 + 2000 \
                          ELSE position_ms - previous_ms END ELSE 0 END AS credit \
             FROM (SELECT user_id, movie_id, kind, position_ms, at, \
                       LAG(position_ms) OVER (PARTITION BY user_id, movie_id ORDER BY id) AS previous_ms, \
                       LAG(at) OVER (PARTITION BY user_id, movie_id ORDER BY id) AS previous_at \
                   FROM playback_events) AS e \
         ) AS credited GROUP BY user_id, movie_id, at / 86400 HAVING SUM(credit) > 0"
            .to_owned(),
        format!(
            "{} INSERT INTO recommender_history (version, trained_at, fit_seconds, viewers, movies, signals, metrics) \
             SELECT i + 1, $1 - (30 - i) * 86400, 2.5, {viewers}, {movies}, {ratings}, \
                    '{{\"p_at_10\":0.2,\"ndcg_at_10\":0.25,\"recall_at_20\":0.3,\"popularity_p_at_10\":0.1,\"viewers\":500}}' FROM n",
            count(30)
        ),
        "ANALYZE".to_owned(),
    ]
    .into_iter()
    .map(|sql| sql.replace("SPAN", &SPAN.to_string()))
    .collect()
}

async fn run(db: &Db, sql: &str, now: i64) -> anyhow::Result<u64> {
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query(sql).bind(now).execute(pool).await?.rows_affected(),
        Db::Postgres(pool) => {
            // PostgreSQL cannot type an unused $1, and ANALYZE takes none.
            let q = sqlx::query(sql);
            let q = if sql.contains("$1") { q.bind(now) } else { q };
            q.execute(pool).await?.rows_affected()
        }
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL"))?;
    let rounds = size("CINECLOUD_BENCH_ROUNDS", 20) as usize;
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let now = cinecloud_core::clock::now_unix();
    let empty = match &db {
        Db::Sqlite(pool) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM movies").fetch_one(pool).await?,
        Db::Postgres(pool) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM movies").fetch_one(pool).await?,
    } == 0;
    if empty {
        let (movies, viewers) = (size("MOVIES", 100_000), size("VIEWERS", 10_000));
        let (ratings, events) = (size("RATINGS", 1_000_000), size("EVENTS", 1_000_000));
        for sql in fill(movies, viewers, ratings, events) {
            let start = Instant::now();
            let rows = run(&db, &sql, now).await?;
            let what: String = sql
                .split_whitespace()
                .skip_while(|w| *w != "INSERT" && *w != "ANALYZE")
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            println!("  {what:<40} {rows:>9} rows {:>7.1} s", start.elapsed().as_secs_f64());
        }
    }
    println!("{:?}, {rounds} rounds per period", db.backend());
    println!("{:<10} {:>9} {:>9} {:>9}", "period", "p50 ms", "p95 ms", "max ms");
    let mut worst = Duration::ZERO;
    for period in Period::ALL {
        let d = insights::dashboard(&db, *period, now).await?; // warm caches
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let start = Instant::now();
            insights::dashboard(&db, *period, now).await?;
            times.push(start.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        worst = worst.max(percentile(&times, 0.95));
        println!(
            "{:<10} {:>9.1} {:>9.1} {:>9.1}   ({} ratings, {:.0} hours, {} active in 30 days)",
            format!("{} days", period.days()),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().expect("rounds > 0")),
            d.figures.ratings,
            d.figures.watched_ms as f64 / 3.6e6,
            d.figures.active_30_days,
        );
    }
    println!("worst p95: {:.1} ms (goal: 200 ms for the whole page)", worst.as_secs_f64() * 1000.0);
    Ok(())
}
