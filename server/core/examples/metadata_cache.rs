//! What the metadata cache saves (#19): a burst of admins' searches against the in-process
//! TMDb-protocol server, through the in-process cache and through a shared Redis, printing the
//! provider calls made against the requests asked (from the service's own counters, the same
//! numbers `/metrics` exports) and the latency of an answer the cache already had.
//!
//! Run by `scripts/bench-metadata`. Redis is a server of this run's own (`redis-server` on a free
//! port); `CINECLOUD_TEST_REDIS_SERVER` names another binary.

use std::time::{Duration, Instant};

use cinecloud_core::{
    metadata::{CacheSettings, Metadata, MetadataCache, Provider, TmdbClient},
    testing::{TestRedis, tmdb::TestTmdb},
};

/// What admins type, as the finder sends it (after its 300 ms pause): partial titles, retyped.
const QUERIES: &[&str] =
    &["gl", "glass", "glass har", "glass harbour", "glass harbour 1931", "tr", "trip", "trip to the moon"];

/// How many times the burst repeats the queries (admins on several servers, retyping).
const ROUNDS: usize = 25;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs the burst on `servers` (services sharing one cache, or each its own) and prints what
/// it cost the provider, then times hits.
async fn burst(name: &str, tmdb: &TestTmdb, servers: &[Metadata]) {
    let before = tmdb.requests();
    let mut asked = 0;
    for round in 0..ROUNDS {
        let metadata = &servers[round % servers.len()];
        for query in QUERIES {
            let (text, year) = match query.rsplit_once(' ') {
                Some((text, y)) if y.len() == 4 && y.parse::<i32>().is_ok() => (text, y.parse().ok()),
                _ => (*query, None),
            };
            metadata.search(text, year).await.expect("a search");
            asked += 1;
        }
    }
    let calls: u64 = servers.iter().map(|m| m.stats().provider_calls).sum();
    let hits: u64 = servers.iter().map(|m| m.stats().cache_hits).sum();
    let misses: u64 = servers.iter().map(|m| m.stats().cache_misses).sum();
    assert_eq!(calls as usize, tmdb.requests() - before, "the counters match what the provider saw");
    println!(
        "{name}: {asked} searches made {} requests (each search, and the details of its first hits): \
         {calls} reached the provider ({hits} cache hits, {misses} misses)",
        hits + misses,
    );
    println!(
        "{name}: provider calls saved: {} of {} ({:.1} %)",
        (hits + misses) - calls,
        hits + misses,
        100.0 * ((hits + misses) - calls) as f64 / (hits + misses) as f64
    );

    // A search answered wholly from the cache: the search and its hits' details.
    let mut times = Vec::new();
    for i in 0..2_000 {
        let metadata = &servers[i % servers.len()];
        let started = Instant::now();
        metadata.search("glass harbour", None).await.expect("a search");
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{name}: a cached search (3 cache reads, parsed): p50 {:?}, p99 {:?}, max {:?} over {} searches",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1],
        times.len()
    );
}

#[tokio::main]
async fn main() {
    let tmdb = TestTmdb::start().await;
    let client = || Provider::Tmdb(TmdbClient::new(tmdb.settings()).expect("a client"));
    let settings = CacheSettings::default();

    // One server, its own cache.
    let memory = Metadata::new(client(), MetadataCache::memory(&settings));
    burst("in-process, 1 server", &tmdb, std::slice::from_ref(&memory)).await;

    // Three servers of a fleet sharing one Redis.
    let redis = TestRedis::start().await;
    let fleet: Vec<Metadata> = (0..3)
        .map(|_| Metadata::new(client(), MetadataCache::redis(&redis.url, &settings).expect("a Redis URL")))
        .collect();
    burst("Redis, 3 servers", &tmdb, &fleet).await;

    // The same fleet, each server with its own in-process cache: what Redis adds.
    let apart: Vec<Metadata> = (0..3).map(|_| Metadata::new(client(), MetadataCache::memory(&settings))).collect();
    burst("in-process, 3 servers", &tmdb, &apart).await;
}
