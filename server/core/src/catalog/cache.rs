//! Catalog lists that cost the shared database almost nothing (#16).
//!
//! Every server of the fleet shares one database, so what a list page costs it decides how far
//! the fleet scales. A list's count, the genre menu and whole pages change only when the catalog
//! does, so each server keeps them keyed by the catalog's version (a row that triggers move on in
//! every writing transaction, migration 0015) and reads that row at most once per
//! [`CatalogCacheSettings::recheck`]:
//!
//! - an edit on this server is seen here at once ([`CatalogCache::changed`]), and on every other
//!   server within `recheck` (1 s by default) plus one version read;
//! - a count or the genre menu is used only under the version it was read at;
//! - a page is used under its version for at most [`CatalogCacheSettings::page_max_age`]: rating
//!   totals on cards change with every rating and do not move the version, so they are at most
//!   that old (15 s by default).
//!
//! Data read after the version can only be newer than it, never older, so nothing older than
//! its version is ever kept under it. Each map holds a bounded number of entries, least recently
//! used out first.

use std::{
    hash::Hash,
    num::NonZeroUsize,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use lru::LruCache;

use super::{Genre, MovieCard, MovieQuery, Page};
use crate::{
    Result,
    db::{
        Db,
        movies::{self, CountKey},
    },
};

/// How fresh the cached catalog is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogCacheSettings {
    /// How often the catalog's version is read: the bound on how long another server's edit
    /// stays unseen here.
    pub recheck: Duration,
    /// How long a cached page is used: the bound on how old its rating totals are.
    pub page_max_age: Duration,
}

impl Default for CatalogCacheSettings {
    fn default() -> Self {
        Self { recheck: Duration::from_secs(1), page_max_age: Duration::from_secs(15) }
    }
}

/// Pages kept per server (a page of 24 cards is a few KB).
const PAGES: usize = 4_096;
/// Counts kept per server.
const COUNTS: usize = 16_384;

/// What the cache has answered since start, for tests and the load script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages answered from the cache.
    pub page_hits: u64,
    /// Pages read from the database.
    pub page_misses: u64,
    /// Counts answered from the cache when the page was read.
    pub count_hits: u64,
    /// Reads of the catalog's version.
    pub version_reads: u64,
}

/// The state of the catalog something was built from (see [`CatalogCache::freshness`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// The catalog's version.
    pub version: i64,
    /// How many changes this server had made to the catalog and its ratings.
    pub local: u64,
}

/// The catalog caches of one server. Clones share them.
#[derive(Clone, Debug)]
pub struct CatalogCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: CatalogCacheSettings,
    /// The last version read, and when the read began (`None`: read it again).
    known: Mutex<(i64, Option<Instant>)>,
    /// Set while one request reads the version; the others use the one known meanwhile.
    reading: AtomicBool,
    /// Moved on by [`CatalogCache::changed`]: a read that began before it is not fresh.
    changes: AtomicU64,
    /// Moved on by every change this server makes, ratings included (see [`Freshness`]).
    local_changes: AtomicU64,
    pages: Versioned<MovieQuery, Page<MovieCard>>,
    counts: Versioned<CountKey, i64>,
    genres: Versioned<(), Arc<Vec<Genre>>>,
    page_hits: AtomicU64,
    page_misses: AtomicU64,
    count_hits: AtomicU64,
    version_reads: AtomicU64,
}

impl Default for CatalogCache {
    fn default() -> Self {
        Self::new(CatalogCacheSettings::default())
    }
}

impl CatalogCache {
    /// Empty caches kept as fresh as `settings` says.
    pub fn new(settings: CatalogCacheSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                settings,
                known: Mutex::new((0, None)),
                reading: AtomicBool::new(false),
                changes: AtomicU64::new(0),
                local_changes: AtomicU64::new(0),
                pages: Versioned::new(PAGES),
                counts: Versioned::new(COUNTS),
                genres: Versioned::new(1),
                page_hits: AtomicU64::new(0),
                page_misses: AtomicU64::new(0),
                count_hits: AtomicU64::new(0),
                version_reads: AtomicU64::new(0),
            }),
        }
    }

    /// How fresh this cache is kept.
    pub fn settings(&self) -> CatalogCacheSettings {
        self.inner.settings
    }

    /// One page of movies matching the query, as [`super::browse`] reads it, from the cache
    /// when it holds the page under the current version.
    pub async fn browse(&self, db: &Db, query: &MovieQuery) -> Result<Page<MovieCard>> {
        super::check_paging(query)?;
        let inner = &self.inner;
        let version = self.version(db).await?;
        if let Some(page) = inner.pages.get(query, version, Some(inner.settings.page_max_age)) {
            inner.page_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(page);
        }
        inner.page_misses.fetch_add(1, Ordering::Relaxed);
        let known = |key: &CountKey| {
            let count = inner.counts.get(key, version, None);
            if count.is_some() {
                inner.count_hits.fetch_add(1, Ordering::Relaxed);
            }
            count
        };
        let (page, key, count) = movies::search_counted(db, query, known).await?;
        inner.counts.put(key, version, count);
        inner.pages.put(query.clone(), version, page.clone());
        Ok(page)
    }

    /// Every genre that has at least one visible movie, as [`super::genres`] reads it.
    pub async fn genres(&self, db: &Db) -> Result<Vec<Genre>> {
        let version = self.version(db).await?;
        if let Some(genres) = self.inner.genres.get(&(), version, None) {
            return Ok(genres.as_ref().clone());
        }
        let genres = Arc::new(movies::genres_in_use(db).await?);
        self.inner.genres.put((), version, Arc::clone(&genres));
        Ok(genres.as_ref().clone())
    }

    /// Says that this server just changed the catalog: the next request reads the version
    /// again, so the change shows here at once.
    pub fn changed(&self) {
        let mut known = self.inner.known.lock().expect("catalog version lock");
        self.inner.changes.fetch_add(1, Ordering::AcqRel);
        self.inner.local_changes.fetch_add(1, Ordering::AcqRel);
        known.1 = None;
    }

    /// Says that a rating changed on this server: its cached pages, whose cards show rating
    /// totals, are dropped, so whoever rated sees the new average here at once (other servers
    /// show it within [`CatalogCacheSettings::page_max_age`]). Counts and genres stay.
    pub fn ratings_changed(&self) {
        self.inner.local_changes.fetch_add(1, Ordering::AcqRel);
        self.inner.pages.clear();
    }

    /// What something built from the catalog (a rendered page) must be kept under: the
    /// catalog's version as [`Self::browse`] uses it, and this server's own changes since start.
    /// Something kept under an equal `Freshness` is as fresh as this cache's lists: other
    /// servers' edits show within `recheck`, this server's edits and ratings at once.
    pub async fn freshness(&self, db: &Db) -> Result<Freshness> {
        // Read first: a change made during the version read then shows as a new `local`.
        let local = self.inner.local_changes.load(Ordering::Acquire);
        let version = self.version(db).await?;
        Ok(Freshness { version, local })
    }

    /// What the cache has answered since start.
    pub fn stats(&self) -> CacheStats {
        let inner = &self.inner;
        CacheStats {
            page_hits: inner.page_hits.load(Ordering::Relaxed),
            page_misses: inner.page_misses.load(Ordering::Relaxed),
            count_hits: inner.count_hits.load(Ordering::Relaxed),
            version_reads: inner.version_reads.load(Ordering::Relaxed),
        }
    }

    /// The catalog's version, read from the database when the last read is older than
    /// `recheck`. While one request reads it, the others go on with the one known.
    async fn version(&self, db: &Db) -> Result<i64> {
        let inner = &self.inner;
        let (known, read_at) = *inner.known.lock().expect("catalog version lock");
        if let Some(at) = read_at {
            let fresh = at.elapsed() < inner.settings.recheck;
            if fresh || inner.reading.swap(true, Ordering::AcqRel) {
                return Ok(known);
            }
        }
        // Cleared however this ends, a cancelled request included.
        struct Reading<'a>(&'a AtomicBool);
        impl Drop for Reading<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _reading = Reading(&inner.reading);
        // Timed from before the read: the version is at least as new as this instant.
        let started = Instant::now();
        let changes = inner.changes.load(Ordering::Acquire);
        inner.version_reads.fetch_add(1, Ordering::Relaxed);
        let version = movies::catalog_version(db).await?;
        let mut known = inner.known.lock().expect("catalog version lock");
        // Reads can finish out of order: keep the newest version. One that began before this
        // server's own change may predate it, so it is used but read again next time.
        if version >= known.0 {
            known.0 = version;
            if inner.changes.load(Ordering::Acquire) == changes {
                known.1 = Some(started);
            }
        }
        Ok(version)
    }
}

/// A bounded map whose entries hold the catalog version they were read at.
#[derive(Debug)]
struct Versioned<K: Hash + Eq, V> {
    entries: Mutex<LruCache<K, Entry<V>>>,
}

#[derive(Debug)]
struct Entry<V> {
    version: i64,
    stored: Instant,
    value: V,
}

impl<K: Hash + Eq, V: Clone> Versioned<K, V> {
    fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).expect("a cache holds at least one entry");
        Self { entries: Mutex::new(LruCache::new(capacity)) }
    }

    /// The value kept for `key` under `version`, if it is younger than `max_age`.
    fn get(&self, key: &K, version: i64, max_age: Option<Duration>) -> Option<V> {
        let mut entries = self.entries.lock().expect("catalog cache lock");
        let entry = entries.get(key)?;
        let young = max_age.is_none_or(|age| entry.stored.elapsed() < age);
        (entry.version == version && young).then(|| entry.value.clone())
    }

    fn clear(&self) {
        self.entries.lock().expect("catalog cache lock").clear();
    }

    fn put(&self, key: K, version: i64, value: V) {
        let entry = Entry { version, stored: Instant::now(), value };
        self.entries.lock().expect("catalog cache lock").put(key, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_answers_only_under_its_version_and_while_young() {
        let map: Versioned<&str, i64> = Versioned::new(2);
        map.put("a", 7, 1);
        assert_eq!(map.get(&"a", 7, None), Some(1));
        assert_eq!(map.get(&"a", 8, None), None, "another version");
        assert_eq!(map.get(&"a", 7, Some(Duration::ZERO)), None, "too old");
        assert_eq!(map.get(&"a", 7, Some(Duration::from_secs(60))), Some(1));
    }

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let map: Versioned<&str, i64> = Versioned::new(2);
        map.put("a", 1, 1);
        map.put("b", 1, 2);
        assert_eq!(map.get(&"a", 1, None), Some(1));
        map.put("c", 1, 3);
        assert_eq!(map.get(&"b", 1, None), None, "b was used least recently");
        assert_eq!(map.get(&"a", 1, None), Some(1));
        assert_eq!(map.get(&"c", 1, None), Some(3));
    }
}
