//! Persistence on SQLite (embedded default) or PostgreSQL (RDS). Only the domain modules of this
//! crate reach in here; the rest of Cinecloud sees [`Db`] (to connect and migrate) and the
//! domain's functions.
//!
//! Both backends run the same SQL text (`$1` placeholders, `RETURNING`); the [`on_db!`] macro
//! expands one body once per backend so each is type-checked against its own driver. This avoids
//! `sqlx::Any`, which cannot decode booleans on SQLite or several PostgreSQL types.

pub(crate) mod checkpoints;
pub(crate) mod insights;
pub(crate) mod known_devices;
pub(crate) mod lists;
pub(crate) mod media_refs;
pub(crate) mod movielens;
pub(crate) mod movies;
pub(crate) mod password_resets;
pub(crate) mod playback;
pub(crate) mod rate_counters;
pub(crate) mod ratings;
pub(crate) mod recommender;
pub(crate) mod security_events;
pub(crate) mod setup_tokens;
pub(crate) mod sign_ins;
pub(crate) mod users;
pub(crate) mod videos;
pub(crate) mod year;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    Connection, PgConnection, PgPool, SqliteConnection, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// Whether movie `$movie_id` exists and is not deleted, read through `$executor` (a pool, or
/// `&mut *tx` inside a transaction), as a `sqlx::Result<bool>` (it awaits; it never returns).
macro_rules! movie_visible {
    ($executor:expr, $movie_id:expr) => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM movies WHERE id = $1 AND deleted_at IS NULL")
            .bind($movie_id)
            .fetch_optional($executor)
            .await
            .map(|row| row.is_some())
    };
}
pub(crate) use movie_visible;

/// Ids as an SQL list for `IN (…)`: they are integers, so inlining them is safe, and one SQL text
/// serves both backends (SQLite has no array binds).
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Starts a transaction that will write.
///
/// On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken at the start, waiting up to the
/// busy timeout. A plain (deferred) `BEGIN` takes it at the first write instead, and SQLite fails
/// that at once with "database is locked", without waiting, whenever the connection already
/// holds a read snapshot while another connection writes (seen under load: an undo failing within
/// a millisecond of a refused delete on another connection). PostgreSQL's `BEGIN` has no such case.
pub(crate) trait BeginWrite {
    /// The pool's database.
    type Database: sqlx::Database;
    /// A transaction that holds the right to write from its start.
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Database>>;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
}

/// A PostgreSQL user name and password, e.g. from the secret RDS keeps and rotates. Never
/// printed: its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user to sign in as.
    pub username: String,
    /// Its password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).field("password", &"<hidden>").finish()
    }
}

/// Woken each time PostgreSQL refuses this process's password (SQLSTATE 28P01), so whatever
/// keeps the credentials current (the server's secret reader) reads them again at once instead of
/// at its next round: after a rotation, new connections are refused until it does.
pub fn credentials_refused() -> &'static tokio::sync::Notify {
    static REFUSED: tokio::sync::Notify = tokio::sync::Notify::const_new();
    &REFUSED
}

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    /// An SQLite file (or in-memory database) through the bundled libsqlite3.
    Sqlite(SqlitePool),
    /// A PostgreSQL server, e.g. Amazon RDS.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend `$db` is.
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Which kind of database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs.
    Sqlite,
    /// `postgres:` / `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// Picks the backend from a `DATABASE_URL`, or explains what is accepted.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err("must start with sqlite: or postgres://".into())
        }
    }
}

impl Db {
    /// Connects to the database at `url`, creating an SQLite file (and its folder) if needed.
    /// PostgreSQL TLS options (`sslmode`, `sslrootcert`) are read from the URL.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_as(url, None).await
    }

    /// [`Db::connect`], signing in to PostgreSQL with `credentials` (from a secret) instead of
    /// the user and password in the URL.
    pub async fn connect_as(url: &str, credentials: Option<&Credentials>) -> anyhow::Result<Self> {
        match Backend::from_url(url).map_err(anyhow::Error::msg)? {
            Backend::Sqlite if credentials.is_some() => {
                anyhow::bail!("database credentials from a secret apply to PostgreSQL only")
            }
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .context("parsing the SQLite URL")?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                if let Some(parent) = options.get_filename().parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating the folder {}", parent.display()))?;
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .context("opening the SQLite database")?;
                Ok(Self::Sqlite(pool))
            }
            Backend::Postgres => {
                let mut options = PgConnectOptions::from_str(url).context("parsing the PostgreSQL URL")?;
                if let Some(c) = credentials {
                    options = options.username(&c.username).password(&c.password);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    // A request that waits longer than this for a connection answers 503 (with
                    // Retry-After) rather than hang: the server is cut off from the database or
                    // overloaded, and the balancer or the viewer should try again. Refused
                    // connections are retried until then (PostgreSQL restarting).
                    .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .context("connecting to PostgreSQL")?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// New connections sign in with `credentials` from now on; open ones are kept (PostgreSQL
    /// does not end a session when its password changes). Nothing to do on SQLite.
    pub fn set_credentials(&self, credentials: &Credentials) {
        if let Db::Postgres(pool) = self {
            let options = (*pool.connect_options()).clone();
            pool.set_connect_options(options.username(&credentials.username).password(&credentials.password));
        }
    }

    /// Applies every migration under `migrations/` for this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await,
            Db::Postgres(pool) => sqlx::migrate!("../../migrations/postgres").run(pool).await,
        }
        .context("applying database migrations")
    }

    /// Connections the pool holds, and how many of them are idle (for metrics).
    pub fn connections(&self) -> (u32, u32) {
        on_db!(self, |pool| (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX)))
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Refreshes the query planner's statistics after a bulk load; on PostgreSQL also the
    /// visibility map, without which counts and index-only scans visit every freshly written row
    /// until autovacuum comes by.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::query("ANALYZE").execute(pool).await.map(drop),
            // Not in a transaction: VACUUM refuses to run inside one.
            Db::Postgres(pool) => sqlx::query("VACUUM (ANALYZE)").execute(pool).await.map(drop),
        }?;
        Ok(())
    }

    /// During a bulk load that has written `before` and now `after` rows: refreshes statistics
    /// each time the load passes a power of ten (1,000, 10,000, …). PostgreSQL keeps each
    /// prepared statement's generic plan per connection, made for the table as it was then:
    /// planned against a nearly empty table, lookups by id (foreign-key checks, a movie's links)
    /// become sequential scans and the load turns quadratic. New statistics make every connection
    /// plan again.
    pub async fn analyze_as_it_grows(&self, before: usize, after: usize) -> anyhow::Result<()> {
        if (3..10).map(|e| 10usize.pow(e)).any(|n| before < n && n <= after) {
            self.analyze().await?;
        }
        Ok(())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_db!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
            .inspect_err(|e| {
                note_refused_password(e);
            })
            .context("pinging the database")
    }
}

/// How long a request waits for a PostgreSQL connection before it is told the database cannot be
/// reached. Under the 2 s in which a page must answer during an outage (#17).
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Tells whether the database answers, over a connection of its own outside the pool: a refused
/// connection is known at once (the pool retries refused connects until its timeout, for a
/// restart), and a pool busy with slow queries does not look like an outage.
pub struct Probe {
    db: Db,
    connection: Option<ProbeConnection>,
}

enum ProbeConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Probe {
    /// A probe of `db`'s database (it connects on its first check).
    pub fn new(db: &Db) -> Self {
        Self { db: db.clone(), connection: None }
    }

    /// A round trip within `limit`, connecting again first when the last check failed.
    pub async fn check(&mut self, limit: Duration) -> anyhow::Result<()> {
        let outcome = tokio::time::timeout(limit, self.round_trip()).await;
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                self.connection = None;
                Err(e)
            }
            Err(_) => {
                self.connection = None;
                anyhow::bail!("the database did not answer within {limit:?}")
            }
        }
    }

    async fn round_trip(&mut self) -> anyhow::Result<()> {
        if self.connection.is_none() {
            self.connection = Some(match &self.db {
                Db::Sqlite(pool) => ProbeConnection::Sqlite(
                    SqliteConnection::connect_with(&pool.connect_options()).await.context("connecting to SQLite")?,
                ),
                Db::Postgres(pool) => ProbeConnection::Postgres(
                    PgConnection::connect_with(&pool.connect_options())
                        .await
                        .inspect_err(|e| {
                            note_refused_password(e);
                        })
                        .context("connecting to PostgreSQL")?,
                ),
            });
        }
        match self.connection.as_mut() {
            Some(ProbeConnection::Sqlite(c)) => c.ping().await,
            Some(ProbeConnection::Postgres(c)) => c.ping().await,
            None => unreachable!("connected above"),
        }
        .context("pinging the database")
    }
}

/// True when PostgreSQL refused the password (SQLSTATE 28P01 `invalid_password`); then
/// [`credentials_refused`] is woken.
pub(crate) fn note_refused_password(error: &sqlx::Error) -> bool {
    let refused = matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("28P01"));
    if refused {
        credentials_refused().notify_one();
    }
    refused
}

/// True when a database error is a unique-constraint violation (same code on both backends'
/// drivers through sqlx's classification).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn credentials_never_print_their_password() {
        let credentials = Credentials { username: "cinecloud".into(), password: "s3cret-from-rds".into() };
        let printed = format!("{credentials:?}");
        assert!(printed.contains("cinecloud") && !printed.contains("s3cret"), "{printed}");
    }
}
