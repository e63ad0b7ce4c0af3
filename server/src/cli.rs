//! The `cinecloud` command line. Every option also reads an environment variable, and
//! `cinecloud --help` lists them all.

use clap::{Args, Parser, Subcommand};

/// Cinecloud: an open movie catalog and streaming web app.
#[derive(Debug, Parser)]
#[command(name = "cinecloud", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every command.
    #[command(flatten)]
    pub options: Options,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Manage admin accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Load the demo catalog into an empty database, or add synthetic movies for scale tests.
    Seed {
        /// Add this many generated movies instead of the demo catalog.
        #[arg(long, value_name = "N")]
        synthetic: Option<usize>,
        /// Random seed for --synthetic (the same seed gives the same movies).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Recommender tools.
    #[command(subcommand)]
    Recommend(RecommendCommand),
    /// Import rating data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write brotli (`.br`) and gzip (`.gz`) copies beside the built site's JavaScript,
    /// WebAssembly, CSS and other text files, for the server to send instead of compressing on
    /// every request. Run it after each `cargo leptos build --release`; `--site-root` names
    /// the built site.
    Precompress,
    /// Compare the database with media storage: list rows that name a missing object (dangling
    /// references), objects nothing names (orphans) and temporary files of uploads a stopped
    /// server never finished. Exits 0 when all agree, else 1. Safe while servers run.
    Check {
        /// Delete the orphans and unfinished uploads found (dangling references are only listed).
        #[arg(long)]
        fix: bool,
        /// Only call an unreferenced object an orphan once it is this old: an upload in progress
        /// stores its object a moment before its row points at it.
        #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
        older_than: u64,
    },
    /// Re-encode covers stored before WebP (three JPEGs) as WebP at every width, so phones get
    /// images sized for their screens. Safe while servers run; prints how many were converted.
    ConvertCovers,
    /// Exit 0 if the server listening at CINECLOUD_LISTEN answers `GET /healthz` with 200 within
    /// three seconds, else 1: the container image's HEALTHCHECK (it has no curl).
    Healthcheck,
}

/// `cinecloud import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a MovieLens download (a folder with movies.csv + ratings.csv, movies.dat +
    /// ratings.dat, or u.item + u.data): missing movies (title, year, genres), one viewer per
    /// MovieLens user (who cannot sign in), and their ratings. Running it again changes nothing.
    Movielens {
        /// The unpacked download, e.g. ml-latest-small/.
        dir: std::path::PathBuf,
    },
    /// Enrich movies from TMDb (needs CINECLOUD_TMDB_TOKEN or CINECLOUD_TMDB_API_KEY): those with
    /// a TMDb id (MovieLens's links.csv gives them), and those that match exactly one TMDb film
    /// by title and year. TMDb's facts, credits, translations and, for movies without a cover,
    /// poster replace ours wherever TMDb has a value. Ambiguous matches are listed, never
    /// guessed. A run that is stopped carries on where it stopped; running it again changes
    /// nothing. Exits 1 if a movie failed.
    Tmdb {
        /// Only fill what a movie lacks (empty fields, missing translations, no cover); keep
        /// every value it has.
        #[arg(long)]
        missing_only: bool,
        /// Only the movies in FILE, as the TMDb film given there: lines of `movie_id,tmdb_id`
        /// (the ambiguous list a run prints is in this form).
        #[arg(long, value_name = "FILE")]
        ids: Option<std::path::PathBuf>,
        /// Start from the first movie, even if an earlier run stopped midway.
        #[arg(long)]
        restart: bool,
    },
}

/// `cinecloud recommend …`.
#[derive(Debug, Subcommand)]
pub enum RecommendCommand {
    /// Fit a model with the production defaults on training ratings and measure it on test
    /// ratings. Files may be tab-separated `user item rating timestamp` (u.data), `::`-separated
    /// (ratings.dat) or CSV with a header (ratings.csv). The last line of output is one JSON
    /// object: {"rmse","mae","fit_seconds","predict_seconds"}, or with --implicit
    /// {"p_at_10","ndcg_at_10","recall_at_20","fit_seconds"}.
    Eval(EvalArgs),
}

/// What `cinecloud recommend eval` measures on.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["train", "data"]))]
pub struct EvalArgs {
    /// Ratings to fit on.
    #[arg(long, value_name = "FILE", requires = "test")]
    pub train: Option<std::path::PathBuf>,
    /// Ratings to measure on.
    #[arg(long, value_name = "FILE", requires = "train")]
    pub test: Option<std::path::PathBuf>,
    /// One file to split at random instead of --train and --test.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["train", "test"])]
    pub data: Option<std::path::PathBuf>,
    /// With --data: the fraction held out for testing (per user with --implicit).
    #[arg(long, default_value_t = 0.2, value_parser = fraction)]
    pub split: f64,
    /// With --data: the seed of the split.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Measure the implicit model: each training line is one positive interaction (its rating
    /// is ignored) and the report is ranking quality.
    #[arg(long)]
    pub implicit: bool,
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f > 0.0 && f < 1.0 => Ok(f),
        _ => Err(format!("{s:?} is not a fraction between 0 and 1 (exclusive)")),
    }
}

/// `cinecloud admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account. The password is read from CINECLOUD_ADMIN_PASSWORD or, if that
    /// is unset, from the first line of standard input.
    Create {
        /// Email of the new admin.
        #[arg(long)]
        email: String,
        /// Display name of the new admin.
        #[arg(long)]
        name: String,
    },
    /// Give the admin role to an existing account.
    Promote {
        /// Email of the account.
        email: String,
    },
    /// Print a new one-time link that creates the first admin (only while no admin exists).
    SetupLink,
}

/// Settings, each from a flag or its environment variable.
#[derive(Debug, Args)]
pub struct Options {
    /// Database: sqlite:PATH or postgres://USER@HOST/DB (TLS via ?sslmode=verify-full&sslrootcert=FILE).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/cinecloud.db", global = true)]
    pub database_url: String,
    /// PostgreSQL user and password from this AWS Secrets Manager secret (name or ARN; JSON with
    /// "username" and "password", as RDS keeps its managed master password) instead of the URL's;
    /// read at start, every --database-secret-refresh-seconds and when the password is refused.
    #[arg(long, env = "CINECLOUD_DATABASE_SECRET", global = true)]
    pub database_secret: Option<String>,
    /// How often the database secret is read again, in seconds (a rotation is also noticed at
    /// once by the first refused connection).
    #[arg(long, env = "CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS", default_value_t = 300, global = true)]
    pub database_secret_refresh_seconds: u64,
    /// Folder for media when no S3 bucket is set.
    #[arg(long, env = "CINECLOUD_MEDIA_DIR", default_value = "data/media", global = true)]
    pub media_dir: String,
    /// S3 bucket for media; credentials and region come from the standard AWS_* variables/chain.
    #[arg(long, env = "CINECLOUD_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// Key prefix inside the bucket, e.g. cinecloud/.
    #[arg(long, env = "CINECLOUD_S3_PREFIX", global = true)]
    pub s3_prefix: Option<String>,
    /// Endpoint of an S3-compatible server (path-style addressing is then used).
    #[arg(long, env = "CINECLOUD_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// Region of the bucket (otherwise AWS_REGION / the AWS config decides).
    #[arg(long, env = "CINECLOUD_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    /// The address people use to reach Cinecloud; https:// makes cookies Secure.
    #[arg(long, env = "CINECLOUD_PUBLIC_URL", default_value = "http://127.0.0.1:3000", global = true)]
    pub public_url: String,
    /// Address and port to listen on.
    #[arg(long, env = "CINECLOUD_LISTEN", default_value = "127.0.0.1:3000", global = true)]
    pub listen: String,
    /// Address and port for Prometheus metrics at /metrics (off when unset; never the public
    /// port: the scraper reaches it, visitors do not).
    #[arg(long, env = "CINECLOUD_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<String>,
    /// Behind a load balancer: take the client address from the last X-Forwarded-For hop.
    #[arg(long, env = "CINECLOUD_TRUST_PROXY", default_value_t = false, global = true)]
    pub trust_proxy: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "CINECLOUD_SESSION_IDLE_MINUTES", default_value_t = 120, global = true)]
    pub session_idle_minutes: u32,
    /// Days after sign-in after which a session ends, however active.
    #[arg(long, env = "CINECLOUD_SESSION_MAX_DAYS", default_value_t = 7, global = true)]
    pub session_max_days: u32,
    /// Sign-ups allowed per client address per hour (raise it for test suites, not for people).
    #[arg(long, env = "CINECLOUD_SIGN_UPS_PER_HOUR", default_value_t = 10, global = true)]
    pub sign_ups_per_hour: u32,
    /// Requests per minute each client address may make to /api/* (server functions, JSON API).
    #[arg(long, env = "CINECLOUD_API_REQUESTS_PER_MINUTE", default_value_t = 1200, global = true)]
    pub api_requests_per_minute: u32,
    /// Seconds a client has to send a request's head (method, path, headers): its first one from
    /// when it connects, each later one from when it starts.
    #[arg(long, env = "CINECLOUD_HEADER_READ_SECONDS", default_value_t = 10, global = true)]
    pub header_read_seconds: u64,
    /// Seconds between SIGTERM and closing the listener: meanwhile /readyz answers 503 so the load
    /// balancer stops sending new requests, and requests are still served. In-flight requests
    /// then get up to 30 s more.
    #[arg(long, env = "CINECLOUD_DRAIN_SECONDS", default_value_t = 5, global = true)]
    pub drain_seconds: u64,
    /// Seconds a request body may go without sending anything before the request is dropped.
    #[arg(long, env = "CINECLOUD_BODY_IDLE_SECONDS", default_value_t = 30, global = true)]
    pub body_idle_seconds: u64,
    /// Milliseconds between reads of the catalog's version: how long an edit made on another
    /// server can stay unseen here (its counts, genre menu and list pages are kept per version).
    #[arg(long, env = "CINECLOUD_CATALOG_RECHECK_MS", default_value_t = 1000, global = true)]
    pub catalog_recheck_ms: u64,
    /// Seconds a cached list page is used: how old the rating totals on its cards can be.
    #[arg(long, env = "CINECLOUD_CATALOG_PAGE_SECONDS", default_value_t = 15, global = true)]
    pub catalog_page_seconds: u64,
    /// Log format: auto (JSON unless on a terminal), json or pretty. Levels: RUST_LOG.
    #[arg(long, env = "CINECLOUD_LOG_FORMAT", default_value = "auto", global = true)]
    pub log_format: String,
    /// Load the demo catalog on the first start of an empty database.
    #[arg(long, env = "CINECLOUD_DEMO_CATALOG", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub demo_catalog: bool,
    /// Retrain the recommender once this many ratings, signals or movies are new.
    #[arg(long, env = "CINECLOUD_RECOMMENDER_RETRAIN_AFTER", default_value_t = 50, global = true)]
    pub recommender_retrain_after: u32,
    /// Retrain the recommender at least this often (hours) while anything is new.
    #[arg(long, env = "CINECLOUD_RECOMMENDER_RETRAIN_HOURS", default_value_t = 6, global = true)]
    pub recommender_retrain_hours: u32,
    /// How often (seconds) each server looks for a newer model and whether training is due.
    #[arg(long, env = "CINECLOUD_RECOMMENDER_POLL_SECONDS", default_value_t = 30, global = true)]
    pub recommender_poll_seconds: u32,
    /// Largest video upload, in megabytes.
    #[arg(long, env = "CINECLOUD_MAX_VIDEO_MB", default_value_t = 4096, global = true)]
    pub max_video_mb: u64,
    /// How long a presigned S3 video URL stays valid, in seconds.
    #[arg(long, env = "CINECLOUD_VIDEO_URL_SECONDS", default_value_t = 900, global = true)]
    pub video_url_seconds: u64,
    /// Folder with the compiled site (pkg/ and public assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,
    /// TMDb's v4 read access token; with it (or an API key) metadata comes from TMDb, without
    /// from the offline catalog.
    #[arg(long, env = "CINECLOUD_TMDB_TOKEN", hide_env_values = true, global = true)]
    pub tmdb_token: Option<String>,
    /// TMDb's v3 API key (when there is no token).
    #[arg(long, env = "CINECLOUD_TMDB_API_KEY", hide_env_values = true, global = true)]
    pub tmdb_api_key: Option<String>,
    /// TMDb's API base URL (tests point it elsewhere).
    #[arg(long, env = "CINECLOUD_TMDB_API_URL", default_value = "https://api.themoviedb.org/3/", global = true)]
    pub tmdb_api_url: String,
    /// Where TMDb's poster images are fetched from, ending in a size.
    #[arg(long, env = "CINECLOUD_TMDB_IMAGE_URL", default_value = "https://image.tmdb.org/t/p/w780", global = true)]
    pub tmdb_image_url: String,
    /// A folder of JSON movie files the offline catalog adds to the demo films.
    #[arg(long, env = "CINECLOUD_METADATA_DIR", global = true)]
    pub metadata_dir: Option<std::path::PathBuf>,
    /// How long metadata answers are cached, in seconds.
    #[arg(long, env = "CINECLOUD_METADATA_CACHE_SECONDS", default_value_t = 300, global = true)]
    pub metadata_cache_seconds: u64,
    /// A Redis every server shares the metadata cache in (redis://host:port/db); in-process
    /// when unset.
    #[arg(long, env = "CINECLOUD_REDIS_URL", hide_env_values = true, global = true)]
    pub redis_url: Option<String>,
    /// The region whose age ratings imports take (ISO 3166-1, like US or BR).
    #[arg(long, env = "CINECLOUD_REGION", default_value = "US", global = true)]
    pub region: String,
}
