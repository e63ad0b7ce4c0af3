//! Settings from the environment (12-factor), with defaults that run on the embedded backends.
//! Every wrong value stops start-up with a message that names the variable.

use std::net::SocketAddr;

use cinecloud_core::{
    Backend,
    catalog::CatalogCacheSettings,
    metadata::{CacheSettings, TmdbSettings, tmdb::TmdbCredential},
    recommend::RecommenderSettings,
    storage::S3Settings,
    videos::VideoSettings,
};
use url::Url;

use crate::cli::Options;

/// Where media objects are kept.
#[derive(Clone, Debug)]
pub enum MediaSettings {
    /// A local folder.
    Local(std::path::PathBuf),
    /// An S3 bucket.
    S3(S3Settings),
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// JSON when stdout is not a terminal, human-readable otherwise.
    Auto,
    /// One JSON object per line.
    Json,
    /// Human-readable.
    Pretty,
}

/// Everything the server needs to start, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// Where the PostgreSQL credentials come from instead of the URL, if anywhere.
    pub database_secret: Option<DatabaseSecretSettings>,
    /// Local folder or S3.
    pub media: MediaSettings,
    /// The address people use to reach Cinecloud (links in logs, cookie `Secure`, CSRF origin).
    pub public_url: Url,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Where to serve `/metrics`, if anywhere (never the public address).
    pub metrics_listen: Option<SocketAddr>,
    /// Trust the last `X-Forwarded-For` hop as the client address (behind a load balancer).
    pub trust_proxy: bool,
    /// Idle session lifetime, in seconds.
    pub session_idle_secs: i64,
    /// Absolute session lifetime, in seconds.
    pub session_max_secs: i64,
    /// Sign-ups per client address per hour.
    pub sign_ups_per_hour: u32,
    /// Requests per minute per client address to `/api/*`.
    pub api_requests_per_minute: u32,
    /// Read deadlines for slow clients.
    pub read_timeouts: ReadTimeouts,
    /// From SIGTERM to closing the listener, while `/readyz` fails.
    pub drain: std::time::Duration,
    /// Log format.
    pub log_format: LogFormat,
    /// Folder with the compiled site (`pkg/`, public assets).
    pub site_root: String,
    /// Load the demo catalog into an empty database at start-up.
    pub demo_catalog: bool,
    /// When the recommender trains and looks for new versions.
    pub recommender: RecommenderSettings,
    /// Video upload limit and playback URL lifetime.
    pub videos: VideoSettings,
    /// How fresh each server keeps its catalog caches.
    pub catalog: CatalogCacheSettings,
    /// Where movie metadata comes from, and how it is cached.
    pub metadata: MetadataSettings,
}

/// Where movie metadata comes from (TMDb, or the offline catalog) and how it is cached.
#[derive(Clone, Debug)]
pub struct MetadataSettings {
    /// TMDb, when a token or key is set.
    pub tmdb: Option<TmdbSettings>,
    /// JSON files the offline catalog adds.
    pub folder: Option<std::path::PathBuf>,
    /// The cache's TTL and bounds.
    pub cache: CacheSettings,
    /// A shared Redis for the cache.
    pub redis_url: Option<String>,
    /// Whose age ratings imports take.
    pub region: String,
}

/// A Secrets Manager secret holding the database user and password (`CINECLOUD_DATABASE_SECRET`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseSecretSettings {
    /// The secret's name or ARN.
    pub id: String,
    /// How often it is read again.
    pub refresh: std::time::Duration,
}

/// How long the server waits on a slow client before it drops the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadTimeouts {
    /// For the whole request head, from its first byte.
    pub header: std::time::Duration,
    /// Between two chunks of a request body.
    pub body_idle: std::time::Duration,
}

/// A configuration value that is wrong, naming its environment variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    /// The environment variable (or flag) at fault.
    pub variable: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { variable, problem: problem.into() }
}

fn metadata_settings(o: &Options) -> Result<MetadataSettings, ConfigError> {
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let credential = match (given(&o.tmdb_token), given(&o.tmdb_api_key)) {
        (Some(token), _) => Some(TmdbCredential::Token(token)),
        (None, Some(key)) => Some(TmdbCredential::ApiKey(key)),
        (None, None) => None,
    };
    let tmdb = match credential {
        None => None,
        Some(credential) => {
            let mut tmdb = TmdbSettings::new(credential);
            let url = |variable: &'static str, value: &str| {
                let with_slash = if variable == "CINECLOUD_TMDB_API_URL" && !value.ends_with('/') {
                    format!("{value}/")
                } else {
                    value.to_owned()
                };
                match Url::parse(&with_slash) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
                    _ => Err(bad(variable, "must be an http:// or https:// URL")),
                }
            };
            tmdb.api_url = url("CINECLOUD_TMDB_API_URL", &o.tmdb_api_url)?;
            tmdb.image_url = url("CINECLOUD_TMDB_IMAGE_URL", &o.tmdb_image_url)?;
            Some(tmdb)
        }
    };
    if !(1..=86_400).contains(&o.metadata_cache_seconds) {
        return Err(bad("CINECLOUD_METADATA_CACHE_SECONDS", "must be between 1 and 86400 (a day)"));
    }
    let region = o.region.trim().to_ascii_uppercase();
    if region.len() != 2 || !region.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(bad("CINECLOUD_REGION", "must be a two-letter country code, like US or BR"));
    }
    Ok(MetadataSettings {
        tmdb,
        folder: o.metadata_dir.clone(),
        cache: CacheSettings {
            ttl: std::time::Duration::from_secs(o.metadata_cache_seconds),
            ..CacheSettings::default()
        },
        redis_url: given(&o.redis_url),
        region,
    })
}

/// `CINECLOUD_DATABASE_SECRET` and its refresh period (PostgreSQL only).
fn database_secret(o: &Options, backend: Backend) -> Result<Option<DatabaseSecretSettings>, ConfigError> {
    Ok(match o.database_secret.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(_) if backend != Backend::Postgres => {
            return Err(bad("CINECLOUD_DATABASE_SECRET", "applies to a postgres:// DATABASE_URL only"));
        }
        Some(id) => {
            if !(10..=86_400).contains(&o.database_secret_refresh_seconds) {
                return Err(bad("CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS", "must be between 10 and 86400 (a day)"));
            }
            Some(DatabaseSecretSettings {
                id: id.to_owned(),
                refresh: std::time::Duration::from_secs(o.database_secret_refresh_seconds),
            })
        }
    })
}

/// Media storage: the S3 bucket (with its prefix and endpoint) or the local folder.
fn media(o: &Options) -> Result<MediaSettings, ConfigError> {
    Ok(match o.s3_bucket.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(bucket) => {
            if let Some(endpoint) = &o.s3_endpoint {
                Url::parse(endpoint).map_err(|e| bad("CINECLOUD_S3_ENDPOINT", format!("not a URL ({e})")))?;
            }
            let prefix = o.s3_prefix.clone().unwrap_or_default();
            if prefix.starts_with('/') || (!prefix.is_empty() && !prefix.ends_with('/')) {
                return Err(bad(
                    "CINECLOUD_S3_PREFIX",
                    "must be empty or end with '/' and not start with '/', like cinecloud/",
                ));
            }
            MediaSettings::S3(S3Settings {
                bucket: bucket.to_owned(),
                prefix,
                endpoint: o.s3_endpoint.clone(),
                region: o.s3_region.clone(),
            })
        }
        None => MediaSettings::Local(o.media_dir.clone().into()),
    })
}

/// When the recommender trains and how often it looks for a new model.
fn recommender_settings(o: &Options) -> Result<RecommenderSettings, ConfigError> {
    if o.recommender_retrain_after == 0 {
        return Err(bad("CINECLOUD_RECOMMENDER_RETRAIN_AFTER", "must be at least 1"));
    }
    if o.recommender_retrain_hours == 0 {
        return Err(bad("CINECLOUD_RECOMMENDER_RETRAIN_HOURS", "must be at least 1"));
    }
    if o.recommender_poll_seconds == 0 {
        return Err(bad("CINECLOUD_RECOMMENDER_POLL_SECONDS", "must be at least 1"));
    }
    Ok(RecommenderSettings {
        min_new_signals: o.recommender_retrain_after.into(),
        retrain_every: std::time::Duration::from_secs(u64::from(o.recommender_retrain_hours) * 3600),
        poll_every: std::time::Duration::from_secs(o.recommender_poll_seconds.into()),
        ..RecommenderSettings::default()
    })
}

/// Video upload size and the lifetime of a presigned video URL.
fn video_settings(o: &Options) -> Result<VideoSettings, ConfigError> {
    if o.max_video_mb == 0 || o.max_video_mb > 1 << 20 {
        return Err(bad("CINECLOUD_MAX_VIDEO_MB", "must be between 1 and 1048576"));
    }
    // S3 accepts presigned lifetimes of up to seven days; minutes are what a player needs.
    if !(60..=7 * 24 * 3600).contains(&o.video_url_seconds) {
        return Err(bad("CINECLOUD_VIDEO_URL_SECONDS", "must be between 60 and 604800"));
    }
    Ok(VideoSettings {
        max_bytes: o.max_video_mb * 1024 * 1024,
        url_ttl: std::time::Duration::from_secs(o.video_url_seconds),
    })
}

impl Settings {
    /// Validates the parsed command-line/environment options.
    pub fn from_options(o: &Options) -> Result<Self, ConfigError> {
        let backend = Backend::from_url(&o.database_url).map_err(|p| bad("DATABASE_URL", p))?;
        let database_secret = database_secret(o, backend)?;
        let media = media(o)?;
        let public_url =
            Url::parse(&o.public_url).map_err(|e| bad("CINECLOUD_PUBLIC_URL", format!("not a URL ({e})")))?;
        if !matches!(public_url.scheme(), "http" | "https") || public_url.host().is_none() {
            return Err(bad("CINECLOUD_PUBLIC_URL", "must be an http:// or https:// URL with a host"));
        }
        let listen = o
            .listen
            .parse()
            .map_err(|_| bad("CINECLOUD_LISTEN", format!("{:?} is not an address like 127.0.0.1:3000", o.listen)))?;
        let metrics_listen = match o.metrics_listen.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => None,
            Some(m) => {
                let address: SocketAddr = m.parse().map_err(|_| {
                    bad("CINECLOUD_METRICS_LISTEN", format!("{m:?} is not an address like 127.0.0.1:9090"))
                })?;
                if address == listen {
                    return Err(bad("CINECLOUD_METRICS_LISTEN", "must not be the public CINECLOUD_LISTEN address"));
                }
                Some(address)
            }
        };
        let log_format = match o.log_format.as_str() {
            "auto" => LogFormat::Auto,
            "json" => LogFormat::Json,
            "pretty" => LogFormat::Pretty,
            other => return Err(bad("CINECLOUD_LOG_FORMAT", format!("{other:?} is not auto, json or pretty"))),
        };
        if o.session_idle_minutes == 0 {
            return Err(bad("CINECLOUD_SESSION_IDLE_MINUTES", "must be at least 1"));
        }
        if o.session_max_days == 0 {
            return Err(bad("CINECLOUD_SESSION_MAX_DAYS", "must be at least 1"));
        }
        let recommender = recommender_settings(o)?;
        let videos = video_settings(o)?;
        for (variable, seconds) in [
            ("CINECLOUD_HEADER_READ_SECONDS", o.header_read_seconds),
            ("CINECLOUD_BODY_IDLE_SECONDS", o.body_idle_seconds),
        ] {
            if !(1..=600).contains(&seconds) {
                return Err(bad(variable, "must be between 1 and 600"));
            }
        }
        if o.catalog_recheck_ms > 60_000 {
            return Err(bad("CINECLOUD_CATALOG_RECHECK_MS", "must be at most 60000 (a minute)"));
        }
        if o.drain_seconds > 300 {
            return Err(bad("CINECLOUD_DRAIN_SECONDS", "must be at most 300 (five minutes)"));
        }
        if o.catalog_page_seconds > 3600 {
            return Err(bad("CINECLOUD_CATALOG_PAGE_SECONDS", "must be at most 3600 (an hour)"));
        }
        let catalog = CatalogCacheSettings {
            recheck: std::time::Duration::from_millis(o.catalog_recheck_ms),
            page_max_age: std::time::Duration::from_secs(o.catalog_page_seconds),
        };
        let metadata = metadata_settings(o)?;
        let read_timeouts = ReadTimeouts {
            header: std::time::Duration::from_secs(o.header_read_seconds),
            body_idle: std::time::Duration::from_secs(o.body_idle_seconds),
        };
        Ok(Settings {
            database_url: o.database_url.clone(),
            database_secret,
            media,
            public_url,
            listen,
            trust_proxy: o.trust_proxy,
            session_idle_secs: i64::from(o.session_idle_minutes) * 60,
            session_max_secs: i64::from(o.session_max_days) * 24 * 60 * 60,
            sign_ups_per_hour: o.sign_ups_per_hour,
            api_requests_per_minute: o.api_requests_per_minute,
            metrics_listen,
            read_timeouts,
            drain: std::time::Duration::from_secs(o.drain_seconds),
            log_format,
            site_root: o.site_root.clone(),
            demo_catalog: o.demo_catalog,
            recommender,
            videos,
            catalog,
            metadata,
        })
    }

    /// Whether cookies must be `Secure` (served over HTTPS).
    pub fn https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The public origin, e.g. `https://cinecloud.example`, for CSRF checks.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    /// Clap's own checks of the whole command line (unique argument names across global
    /// options and sub-commands…), which otherwise fail only when a command is run.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from(["cinecloud", "precompress", "--site-root", "/srv/site"]).unwrap();
        assert!(matches!(cli.command, Some(crate::cli::Command::Precompress)));
        assert_eq!(cli.options.site_root, "/srv/site");
    }

    fn options(args: &[&str]) -> Options {
        let mut argv = vec!["cinecloud"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).unwrap().options
    }

    #[test]
    fn defaults_run_on_sqlite_and_a_local_folder() {
        let s = Settings::from_options(&options(&[])).unwrap();
        assert!(s.database_url.starts_with("sqlite:"));
        assert!(matches!(s.media, MediaSettings::Local(_)));
        assert_eq!(s.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(s.metrics_listen, None, "metrics are off unless asked for");
        assert!(!s.https());
    }

    #[test]
    fn wrong_values_name_their_variable() {
        let cases: &[(&[&str], &str)] = &[
            (&["--database-url", "mysql://x"], "DATABASE_URL"),
            (&["--public-url", "not a url"], "CINECLOUD_PUBLIC_URL"),
            (&["--public-url", "ftp://x.example"], "CINECLOUD_PUBLIC_URL"),
            (&["--listen", "localhost"], "CINECLOUD_LISTEN"),
            (&["--metrics-listen", "localhost"], "CINECLOUD_METRICS_LISTEN"),
            (&["--metrics-listen", "127.0.0.1:3000"], "CINECLOUD_METRICS_LISTEN"),
            (&["--log-format", "xml"], "CINECLOUD_LOG_FORMAT"),
            (&["--s3-bucket", "b", "--s3-endpoint", "::"], "CINECLOUD_S3_ENDPOINT"),
            (&["--s3-bucket", "b", "--s3-prefix", "/x"], "CINECLOUD_S3_PREFIX"),
            (&["--session-idle-minutes", "0"], "CINECLOUD_SESSION_IDLE_MINUTES"),
            (&["--database-secret", "rds!db-1"], "CINECLOUD_DATABASE_SECRET"),
            (&["--tmdb-token", "t", "--tmdb-api-url", "ftp://api.example/3"], "CINECLOUD_TMDB_API_URL"),
            (&["--tmdb-api-key", "k", "--tmdb-image-url", "images"], "CINECLOUD_TMDB_IMAGE_URL"),
            (&["--metadata-cache-seconds", "0"], "CINECLOUD_METADATA_CACHE_SECONDS"),
            (&["--region", "Brazil"], "CINECLOUD_REGION"),
            (
                &[
                    "--database-url",
                    "postgres://db/x",
                    "--database-secret",
                    "s",
                    "--database-secret-refresh-seconds",
                    "1",
                ],
                "CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS",
            ),
        ];
        for (args, variable) in cases {
            let err = Settings::from_options(&options(args)).unwrap_err();
            assert_eq!(err.variable, *variable, "{args:?}");
            assert!(err.to_string().starts_with(variable));
        }
    }

    #[test]
    fn metadata_comes_from_tmdb_only_with_a_key_and_the_token_wins() {
        let offline = Settings::from_options(&options(&[])).unwrap().metadata;
        assert!(offline.tmdb.is_none() && offline.redis_url.is_none());
        assert_eq!((offline.region.as_str(), offline.cache.ttl.as_secs()), ("US", 300));
        let s = Settings::from_options(&options(&[
            "--tmdb-api-key",
            "key",
            "--tmdb-token",
            "token",
            "--tmdb-api-url",
            "http://127.0.0.1:9/3",
            "--region",
            "br",
            "--redis-url",
            "redis://127.0.0.1:6379/0",
        ]))
        .unwrap()
        .metadata;
        let tmdb = s.tmdb.expect("TMDb");
        assert!(matches!(tmdb.credential, TmdbCredential::Token(ref t) if t == "token"));
        assert_eq!(tmdb.api_url.as_str(), "http://127.0.0.1:9/3/", "a missing final slash is added");
        assert_eq!((s.region.as_str(), s.redis_url.as_deref()), ("BR", Some("redis://127.0.0.1:6379/0")));
        // Neither secret is ever printed.
        assert!(!format!("{tmdb:?}").contains("token\""), "{tmdb:?}");
    }

    #[test]
    fn a_database_secret_is_read_for_postgres() {
        let s = Settings::from_options(&options(&[
            "--database-url",
            "postgres://cinecloud@db.example:5432/cinecloud",
            "--database-secret",
            "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1",
        ]))
        .unwrap();
        let secret = s.database_secret.expect("a secret");
        assert_eq!(secret.id, "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1");
        assert_eq!(secret.refresh, std::time::Duration::from_secs(300));
        assert_eq!(Settings::from_options(&options(&[])).unwrap().database_secret, None);
    }

    #[test]
    fn help_lists_every_variable() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        for variable in [
            "DATABASE_URL",
            "CINECLOUD_MEDIA_DIR",
            "CINECLOUD_S3_BUCKET",
            "CINECLOUD_S3_PREFIX",
            "CINECLOUD_S3_ENDPOINT",
            "CINECLOUD_S3_REGION",
            "CINECLOUD_DATABASE_SECRET",
            "CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS",
            "CINECLOUD_PUBLIC_URL",
            "CINECLOUD_LISTEN",
            "CINECLOUD_METRICS_LISTEN",
            "CINECLOUD_TRUST_PROXY",
            "CINECLOUD_SESSION_IDLE_MINUTES",
            "CINECLOUD_SESSION_MAX_DAYS",
            "CINECLOUD_LOG_FORMAT",
            "CINECLOUD_DEMO_CATALOG",
            "LEPTOS_SITE_ROOT",
        ] {
            assert!(help.contains(&format!("env: {variable}")), "{variable} missing from --help");
        }
    }

    #[test]
    fn an_s3_bucket_selects_s3_media() {
        let s = Settings::from_options(&options(&["--s3-bucket", "media", "--s3-prefix", "cc/"])).unwrap();
        match s.media {
            MediaSettings::S3(s3) => assert_eq!((s3.bucket.as_str(), s3.prefix.as_str()), ("media", "cc/")),
            other => panic!("{other:?}"),
        }
    }
}
