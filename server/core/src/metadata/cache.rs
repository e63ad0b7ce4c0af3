//! Cache-aside storage for provider answers: in-process (moka) by default, or Redis shared by
//! every server of the fleet when `CINECLOUD_REDIS_URL` is set. Redis is an optimisation, never a
//! dependency: when it is down or slow every read is a miss and every write is dropped, it is
//! logged once (and once more when it is back), and the admin sees no error.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use redis::{AsyncCommands, aio::ConnectionManager};

/// Where keys live in a shared Redis (the version changes when what is cached changes shape).
const REDIS_PREFIX: &str = "cinecloud:metadata:v1:";

/// How long after a failed connection to Redis the next one is tried; meanwhile every read is a
/// miss at once.
const REDIS_RECONNECT_PAUSE: Duration = Duration::from_secs(5);

/// How the cache behaves.
#[derive(Clone, Debug)]
pub struct CacheSettings {
    /// How long an answer is kept (`CINECLOUD_METADATA_CACHE_SECONDS`, default 300).
    pub ttl: Duration,
    /// The in-process cache's size bound, in bytes of cached answers.
    pub max_bytes: u64,
    /// The longest a Redis command may take before it counts as a miss.
    pub redis_timeout: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self { ttl: Duration::from_secs(300), max_bytes: 32 * 1024 * 1024, redis_timeout: Duration::from_millis(250) }
    }
}

/// A cache of provider answers by request. Cheap to clone; clones share the entries.
#[derive(Clone)]
pub enum MetadataCache {
    /// In this process, bounded by size, entries expiring after the TTL.
    Memory(moka::future::Cache<String, Bytes>),
    /// In Redis, shared by every server, entries expiring after the TTL.
    Redis(Arc<RedisCache>),
}

impl fmt::Debug for MetadataCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataCache::Memory(cache) => write!(f, "Memory({} entries)", cache.entry_count()),
            MetadataCache::Redis(_) => f.write_str("Redis"),
        }
    }
}

impl MetadataCache {
    /// An in-process cache.
    pub fn memory(settings: &CacheSettings) -> Self {
        MetadataCache::Memory(
            moka::future::Cache::builder()
                .max_capacity(settings.max_bytes)
                .weigher(|key: &String, value: &Bytes| u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX))
                .time_to_live(settings.ttl)
                .build(),
        )
    }

    /// A Redis cache at `url` (`redis://host:port/db`). Only the URL is checked now: the
    /// connection is made on first use, and a Redis that is down at start-up is not an error.
    pub fn redis(url: &str, settings: &CacheSettings) -> anyhow::Result<Self> {
        let client =
            redis::Client::open(url).map_err(|e| anyhow::anyhow!("CINECLOUD_REDIS_URL is not a Redis URL: {e}"))?;
        Ok(MetadataCache::Redis(Arc::new(RedisCache {
            client,
            connection: tokio::sync::Mutex::new(Connection::None { retry_at: Instant::now() }),
            ttl_secs: settings.ttl.as_secs().max(1),
            timeout: settings.redis_timeout,
            degraded: AtomicBool::new(false),
        })))
    }

    /// The cached answer for `key`, if any.
    pub async fn get(&self, key: &str) -> Option<Bytes> {
        match self {
            MetadataCache::Memory(cache) => cache.get(key).await,
            MetadataCache::Redis(redis) => redis.get(key).await,
        }
    }

    /// Keeps `value` for `key` for the TTL.
    pub async fn put(&self, key: &str, value: Bytes) {
        match self {
            MetadataCache::Memory(cache) => cache.insert(key.to_owned(), value).await,
            MetadataCache::Redis(redis) => redis.put(key, value).await,
        }
    }
}

enum Connection {
    None { retry_at: Instant },
    Up(ConnectionManager),
}

/// The Redis side of [`MetadataCache`].
pub struct RedisCache {
    client: redis::Client,
    connection: tokio::sync::Mutex<Connection>,
    ttl_secs: u64,
    timeout: Duration,
    degraded: AtomicBool,
}

impl RedisCache {
    async fn get(&self, key: &str) -> Option<Bytes> {
        let mut conn = self.connection().await?;
        let key = format!("{REDIS_PREFIX}{key}");
        match tokio::time::timeout(self.timeout, conn.get::<_, Option<Vec<u8>>>(&key)).await {
            Ok(Ok(value)) => {
                self.healthy();
                value.map(Bytes::from)
            }
            Ok(Err(e)) => self.failed(&e.to_string()),
            Err(_) => self.failed("timed out"),
        }
    }

    async fn put(&self, key: &str, value: Bytes) {
        let Some(mut conn) = self.connection().await else { return };
        let key = format!("{REDIS_PREFIX}{key}");
        match tokio::time::timeout(self.timeout, conn.set_ex::<_, _, ()>(&key, value.as_ref(), self.ttl_secs)).await {
            Ok(Ok(())) => self.healthy(),
            Ok(Err(e)) => {
                self.failed::<()>(&e.to_string());
            }
            Err(_) => {
                self.failed::<()>("timed out");
            }
        }
    }

    /// The shared connection, made now if there is none and the last try is long enough ago.
    async fn connection(&self) -> Option<ConnectionManager> {
        let mut slot = self.connection.lock().await;
        match &*slot {
            Connection::Up(conn) => return Some(conn.clone()),
            Connection::None { retry_at } if Instant::now() < *retry_at => return None,
            Connection::None { .. } => {}
        }
        match tokio::time::timeout(self.timeout * 4, self.client.get_connection_manager()).await {
            Ok(Ok(conn)) => {
                *slot = Connection::Up(conn.clone());
                Some(conn)
            }
            outcome => {
                *slot = Connection::None { retry_at: Instant::now() + REDIS_RECONNECT_PAUSE };
                let why = match outcome {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_owned(),
                };
                self.failed(&why)
            }
        }
    }

    fn failed<T>(&self, why: &str) -> Option<T> {
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = why, "the metadata cache's Redis is not answering; asking the provider directly");
        }
        None
    }

    fn healthy(&self) {
        if self.degraded.swap(false, Ordering::Relaxed) {
            tracing::info!("the metadata cache's Redis answers again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memory_cache_keeps_answers_for_the_ttl_only() {
        let cache =
            MetadataCache::memory(&CacheSettings { ttl: Duration::from_millis(300), ..CacheSettings::default() });
        assert_eq!(cache.get("a").await, None);
        cache.put("a", Bytes::from_static(b"answer")).await;
        assert_eq!(cache.get("a").await.as_deref(), Some(&b"answer"[..]));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(cache.get("a").await, None, "expired");
    }

    #[test]
    fn a_redis_url_that_is_not_one_is_refused_at_start_up() {
        let error = MetadataCache::redis("http://cache:6379", &CacheSettings::default()).unwrap_err();
        assert!(error.to_string().contains("CINECLOUD_REDIS_URL"), "{error}");
    }
}
