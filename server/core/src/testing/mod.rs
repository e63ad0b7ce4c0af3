//! Real, throwaway backends for tests (feature `test-support`): every test gets its own SQLite
//! file or PostgreSQL database, and an S3 protocol server runs in-process on a free port.
//!
//! PostgreSQL comes from `CINECLOUD_TEST_POSTGRES_URL` (default `postgres://root@127.0.0.1:5432/postgres`,
//! the server this machine kind runs; the test script starts one where none runs). If it is not
//! reachable the tests fail: they are never skipped.

use std::net::SocketAddr;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use sqlx::{Connection, PgConnection};

use crate::{
    Backend, Db, Services,
    storage::{LocalStore, MediaStore, S3Settings, S3Store},
};

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("CINECLOUD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".to_owned())
}

/// A migrated database that exists for one test and is removed afterwards.
pub struct TestDb {
    /// The pool to use.
    pub db: Db,
    /// The URL it was opened with (for servers started by the test).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh, migrated database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A fresh SQLite file in a temporary folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("creating a temporary folder");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let db = Db::connect(&url).await.expect("opening the SQLite test database");
        db.migrate().await.expect("migrating the SQLite test database");
        Self { db, url, _dir: Some(dir), pg_name: None }
    }

    /// A fresh database on the test PostgreSQL server.
    pub async fn postgres() -> Self {
        let admin = postgres_admin_url();
        let name = format!("cinecloud_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is not reachable at {admin} ({e}); set CINECLOUD_TEST_POSTGRES_URL or run scripts/test")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("creating the PostgreSQL test database");
        conn.close().await.ok();
        let mut url = url::Url::parse(&admin).expect("CINECLOUD_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        let url = url.to_string();
        let db = Db::connect(&url).await.expect("opening the PostgreSQL test database");
        db.migrate().await.expect("migrating the PostgreSQL test database");
        Self { db, url, _dir: None, pg_name: Some(name) }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else { return };
        // Drop runs outside any runtime guarantee: use a private thread and runtime.
        let admin = postgres_admin_url();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await.ok()
            })
        })
        .join();
    }
}

/// An S3 protocol server (s3s + s3s-fs) on 127.0.0.1 with a bucket, for one test.
pub struct TestS3 {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket created for the test.
    pub bucket: String,
    /// Access key the server accepts.
    pub access_key: String,
    /// Secret key the server accepts.
    pub secret_key: String,
    _root: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl TestS3 {
    /// Starts the server on a free port and creates a bucket.
    pub async fn start() -> Self {
        use hyper_util::{rt::TokioExecutor, rt::TokioIo, server::conn::auto::Builder};

        let root = tempfile::tempdir().expect("creating the S3 root folder");
        let (access_key, secret_key) = ("cinecloud-test".to_owned(), "cinecloud-test-secret".to_owned());
        let fs = s3s_fs::FileSystem::new(root.path()).expect("opening the s3s-fs root");
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(access_key.clone(), secret_key.clone()));
        let service = builder.build();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding the S3 port");
        let addr: SocketAddr = listener.local_addr().expect("S3 listener address");
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        let this = Self {
            endpoint: format!("http://{addr}"),
            bucket: format!("cinecloud-{}", uuid::Uuid::new_v4().simple()),
            access_key,
            secret_key,
            _root: root,
            server,
        };
        this.client().create_bucket().bucket(&this.bucket).send().await.expect("creating the test bucket");
        this
    }

    /// A client with the server's credentials.
    pub fn client(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .credentials_provider(Credentials::new(&self.access_key, &self.secret_key, None, None, "test"))
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// A media store on this server's bucket, under `prefix`.
    pub fn store(&self, prefix: &str) -> MediaStore {
        let settings = S3Settings {
            bucket: self.bucket.clone(),
            prefix: prefix.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: Some("us-east-1".into()),
        };
        MediaStore::S3(S3Store::from_client(self.client(), &settings))
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Which media backend a test runs against.
#[derive(Clone, Copy, Debug)]
pub enum MediaBackend {
    /// A temporary local folder.
    Local,
    /// The in-process S3 server.
    S3,
}

/// Database plus media storage for one test, kept alive together.
pub struct TestServices {
    /// The handles to pass to code under test.
    pub services: Services,
    /// The database (dropped last).
    pub db: TestDb,
    _media_dir: Option<tempfile::TempDir>,
    _s3: Option<TestS3>,
}

impl TestServices {
    /// A fresh database on `backend` with local media storage.
    pub async fn new(backend: Backend) -> Self {
        Self::with_media(backend, MediaBackend::Local).await
    }

    /// A fresh database on `backend` with media on `media`.
    pub async fn with_media(backend: Backend, media: MediaBackend) -> Self {
        let db = TestDb::new(backend).await;
        let (store, media_dir, s3) = match media {
            MediaBackend::Local => {
                let dir = tempfile::tempdir().expect("creating the media folder");
                let store = MediaStore::Local(LocalStore::open(dir.path()).expect("opening the media folder"));
                (store, Some(dir), None)
            }
            MediaBackend::S3 => {
                let s3 = TestS3::start().await;
                (s3.store("media/"), None, Some(s3))
            }
        };
        Self {
            services: Services {
                db: db.db.clone(),
                media: store,
                recommender: Default::default(),
                videos: Default::default(),
                catalog: Default::default(),
                metadata: Default::default(),
            },
            db,
            _media_dir: media_dir,
            _s3: s3,
        }
    }

    /// Stops the in-process S3 server (an outage): from now on every media call fails.
    pub fn stop_s3(&mut self) {
        assert!(self._s3.take().is_some(), "these services have no S3 server");
    }
}

/// A viewer account `{name}@example.com` (its password hash is a fixed, valid PHC string: tests
/// that sign in create accounts through the accounts service instead); returns its id.
pub async fn viewer(db: &Db, name: &str) -> i64 {
    use crate::{
        accounts::{PasswordHash, Role},
        db::users::{self, NewUser},
    };
    let hash = PasswordHash::from_stored("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
    let email = format!("{name}@example.com");
    let new = NewUser { email: &email, display_name: name, password_hash: &hash, role: Role::Viewer };
    users::insert(db, &new, crate::clock::now_unix()).await.expect("inserting a test viewer").id
}

/// `n` bare movies ("Bulk film 1", …, year 1950) inserted in one statement; returns their ids in
/// order. For tests that need many movies and nothing else about them.
pub async fn bare_movies(db: &Db, n: usize) -> Vec<i64> {
    let now = crate::clock::now_unix();
    let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST($1 AS BIGINT)) \
               INSERT INTO movies (title, sort_title, year, created_at, updated_at) \
               SELECT 'Bulk film ' || i, 'bulk film ' || i, 1950, $2, $2 FROM n ORDER BY i RETURNING id";
    let mut ids: Vec<i64> =
        crate::db::on_db!(db, |pool| sqlx::query_scalar(sql).bind(n as i64).bind(now).fetch_all(pool).await)
            .expect("inserting bare movies");
    ids.sort_unstable();
    ids
}

/// Declares one `#[tokio::test]` per database backend for an `async fn(Backend)` test body.
#[macro_export]
macro_rules! test_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await
                }
            )+
        }
    };
}

/// What the database holds, read (and in one place set) directly, so tests can check what a
/// domain function stored. Never for the application: it goes through the domain modules.
pub mod stored {
    pub use crate::db::{
        lists::{count_owned as count_lists, fill as fill_list, positions as list_positions},
        password_resets::backdate as backdate_password_resets,
        playback::{Report as PlaybackReport, count_events as count_playback_events, record as record_playback},
        ratings::{all_ratings, all_signals, set as set_rating_at},
        recommender::{ModelRow, insert_model, latest_model, prune_models, try_lease},
        setup_tokens::backdate as backdate_setup_tokens,
    };

    use crate::db::{Db, on_db};

    /// The score "Top rated" sorts a movie by, as stored (`None` when unrated).
    pub async fn rating_score(db: &Db, movie_id: i64) -> Option<f64> {
        on_db!(db, |pool| sqlx::query_scalar::<_, Option<f64>>("SELECT rating_score FROM movies WHERE id = $1")
            .bind(movie_id)
            .fetch_one(pool)
            .await
            .expect("reading a movie's rating score"))
    }

    /// An account `{name}@example.com` with `role`, created at unix time `at`; returns its id.
    pub async fn account_created_at(db: &Db, name: &str, role: crate::accounts::Role, at: i64) -> i64 {
        use crate::{accounts::PasswordHash, db::users::NewUser};
        let hash = PasswordHash::from_stored("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
        let email = format!("{name}@example.com");
        let new = NewUser { email: &email, display_name: name, password_hash: &hash, role };
        crate::db::users::insert(db, &new, at).await.expect("inserting a test account").id
    }

    /// Gives a movie a cover key (no object behind it), as an upload would.
    pub async fn set_cover_key(db: &Db, movie_id: i64, key: &str) {
        on_db!(db, |pool| sqlx::query("UPDATE movies SET cover_key = $1 WHERE id = $2")
            .bind(key)
            .bind(movie_id)
            .execute(pool)
            .await
            .expect("setting a cover key")
            .rows_affected());
    }

    /// A person's id, by name.
    pub async fn person_id(db: &Db, name: &str) -> i64 {
        on_db!(db, |pool| sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .expect("reading a person's id"))
    }

    /// The TMDb id a person has, by name (`None` for no such person or no id).
    pub async fn person_tmdb_id(db: &Db, name: &str) -> Option<i64> {
        on_db!(db, |pool| sqlx::query_scalar::<_, Option<i64>>("SELECT tmdb_id FROM people WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await
            .expect("reading a person's TMDb id"))
        .flatten()
    }

    /// Gives a person a TMDb id, as an earlier import would have.
    pub async fn set_person_tmdb_id(db: &Db, name: &str, tmdb_id: i64) {
        on_db!(db, |pool| sqlx::query("UPDATE people SET tmdb_id = $1 WHERE name = $2")
            .bind(tmdb_id)
            .bind(name)
            .execute(pool)
            .await
            .expect("setting a person's TMDb id")
            .rows_affected());
    }

    /// Gives a movie a TMDb id, as MovieLens's links.csv would have.
    pub async fn set_movie_tmdb_id(db: &Db, movie_id: i64, tmdb_id: i64) {
        let ids = [(movie_id, None, Some(tmdb_id))];
        let stored = crate::db::movielens::store_external_ids(db, &ids).await.expect("giving a movie a TMDb id");
        assert_eq!(stored, 1, "movie {movie_id} took TMDb id {tmdb_id}");
    }

    /// Where job `job` stopped, if a run of it did not complete.
    pub async fn checkpoint(db: &Db, job: &str) -> Option<i64> {
        crate::db::checkpoints::get(db, job).await.expect("reading a checkpoint")
    }

    /// Records that a run of job `job` stopped after item `position`.
    pub async fn set_checkpoint(db: &Db, job: &str, position: i64) {
        crate::db::checkpoints::set(db, job, position, 0).await.expect("writing a checkpoint");
    }

    /// A movie's translations: (language, title, synopsis), by language.
    pub async fn translations(db: &Db, movie_id: i64) -> Vec<(String, String, String)> {
        on_db!(db, |pool| sqlx::query_as(
            "SELECT language, title, synopsis FROM movie_translations WHERE movie_id = $1 ORDER BY language"
        )
        .bind(movie_id)
        .fetch_all(pool)
        .await
        .expect("reading translations"))
    }
}

pub mod tmdb;

/// A Redis server of the test's own on a free port (so the test can stop it), from
/// `CINECLOUD_TEST_REDIS_SERVER` (default `redis-server`; scripts/test installs it). It keeps
/// nothing on disk and is killed when dropped.
pub struct TestRedis {
    /// `redis://127.0.0.1:PORT/`.
    pub url: String,
    child: Option<std::process::Child>,
}

impl TestRedis {
    /// Starts the server and waits until it accepts connections.
    pub async fn start() -> Self {
        let program = std::env::var("CINECLOUD_TEST_REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("finding a free port for Redis")
            .port();
        let child = std::process::Command::new(&program)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program} for the tests ({e}); run scripts/test, which installs it"));
        let started = std::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "Redis did not start on port {port}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Self { url: format!("redis://127.0.0.1:{port}/"), child: Some(child) }
    }

    /// Kills the server (an outage): from now on every command to it fails.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
