//! Building the services and the router, and serving until SIGTERM.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use app::{
    App, shell,
    ssr::{AuthSettings, SessionPolicy},
};
use axum::{
    Router,
    body::Body,
    http::Request,
    middleware::{from_fn, from_fn_with_state},
    routing::get,
};
use cinecloud_core::{
    Credentials, Db, Services,
    accounts::{self, LoginThrottle},
    catalog::CatalogCache,
    limits::{self, Limit},
    maintenance,
    metadata::{Metadata, MetadataCache, OfflineCatalog, Provider, TmdbClient},
    recommend::Recommender,
    storage::{LocalStore, MediaStore, S3Store},
};
use leptos::{nonce::Nonce, prelude::*};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{
    CompressionLevel, LatencyUnit,
    compression::{CompressionLayer, DefaultPredicate, Predicate, predicate::NotForContentType},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::RequestBodyTimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    config::{MediaSettings, MetadataSettings, Settings},
    database_secret::DatabaseSecret,
    session_store::SessionRecords,
    state::{AppState, Shared},
    tasks::supervise,
    web::{
        api,
        assets::{self, SiteAssets},
        health, media, middleware,
        outage::{self, DatabaseWatch},
        page_cache::{self, PageCache},
        share,
        throttle::RequestAllowance,
    },
};

/// Opens the database (applying migrations) and the media storage.
pub async fn connect_services(settings: &Settings) -> anyhow::Result<Services> {
    Ok(open_services(settings).await?.0)
}

/// [`connect_services`], plus the database secret's reader and the credentials read from it
/// when the credentials come from a secret (for [`DatabaseSecret::keep_current`]).
async fn open_services(settings: &Settings) -> anyhow::Result<(Services, Option<(DatabaseSecret, Credentials)>)> {
    let secret = match &settings.database_secret {
        None => None,
        Some(secret) => {
            let reader = DatabaseSecret::new(secret).await;
            let credentials = reader.read().await.context("CINECLOUD_DATABASE_SECRET")?;
            Some((reader, credentials))
        }
    };
    let db = Db::connect_as(&settings.database_url, secret.as_ref().map(|(_, c)| c)).await.context("DATABASE_URL")?;
    db.migrate().await?;
    let media = match &settings.media {
        MediaSettings::Local(dir) => MediaStore::Local(LocalStore::open(dir).context("CINECLOUD_MEDIA_DIR")?),
        MediaSettings::S3(s3) => MediaStore::S3(S3Store::connect(s3).await),
    };
    let services = Services {
        db,
        media,
        recommender: Recommender::new(settings.recommender.clone()),
        videos: settings.videos.clone(),
        catalog: CatalogCache::new(settings.catalog),
        metadata: metadata(&settings.metadata)?,
    };
    Ok((services, secret))
}

/// TMDb when a key is set, else the offline catalog; cached in Redis when a URL is set, else in
/// this process.
fn metadata(settings: &MetadataSettings) -> anyhow::Result<Metadata> {
    let provider = match (&settings.tmdb, &settings.folder) {
        (Some(tmdb), _) => Provider::Tmdb(TmdbClient::new(tmdb.clone()).context("the TMDb client")?),
        (None, Some(folder)) => {
            Provider::Offline(Arc::new(OfflineCatalog::with_folder(folder).context("CINECLOUD_METADATA_DIR")?))
        }
        (None, None) => Provider::Offline(Arc::new(OfflineCatalog::demo())),
    };
    let cache = match &settings.redis_url {
        Some(url) => MetadataCache::redis(url, &settings.cache)?,
        None => MetadataCache::memory(&settings.cache),
    };
    // Debug, not info: the CLI's commands open the same services, and `admin setup-link` prints
    // only the link; a server says which provider it uses when it starts listening.
    let metadata = Metadata::new(provider, cache).with_region(&settings.region);
    tracing::debug!(provider = metadata.provider().label(), "movie metadata");
    Ok(metadata)
}

fn leptos_options(settings: &Settings) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "cinecloud".into()))
        .site_root(settings.site_root.clone())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(settings.listen)
        .env(env)
        .build()
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app with resource loading switched off for the *whole process*
/// (leptos_router's `SuppressResourceLoad` is one global flag): a page another server of the
/// same process renders meanwhile has resources that never load, and it never answers. That
/// was the "page that never comes" of the test suite, where each test starts a server while
/// others serve: two servers starting and serving at once stalled the status test in 5 of 10
/// runs. The routes do not depend on settings, so the first listing serves every server.
fn app_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP application, plus the session store (for the expiry task). `database` is the
/// outage probe's verdict, which [`serve`] keeps current; `pages` the cache of visitors' list
/// pages (handed in so tests can read what it did).
pub async fn build_router(
    settings: &Settings,
    services: Services,
    database: DatabaseWatch,
    pages: PageCache,
) -> anyhow::Result<(Router, SessionRecords)> {
    let auth = AuthSettings {
        sessions: SessionPolicy { idle_secs: settings.session_idle_secs, absolute_secs: settings.session_max_secs },
        throttle: LoginThrottle::default(),
        sign_ups: Limit { max: i64::from(settings.sign_ups_per_hour), ..limits::SIGN_UPS },
        https: settings.https(),
    };
    let leptos_options = leptos_options(settings);
    let assets = Arc::new(SiteAssets::scan(
        std::path::Path::new(leptos_options.site_root.as_ref()),
        &leptos_options.site_pkg_dir,
        &leptos_options.output_name,
    ));
    let state = AppState::new(Shared {
        assets: assets.clone(),
        leptos_options,
        services: services.clone(),
        auth: auth.clone(),
        public_origin: settings.public_origin().into(),
        trust_proxy: settings.trust_proxy,
        https: settings.https(),
        media_origin: services.media.browser_origin().map(Arc::from),
        api_allowance: RequestAllowance::new(settings.api_requests_per_minute, Duration::from_secs(60)),
        database,
        pages,
    });
    let records = SessionRecords::open(&services.db).await.context("opening the session store")?;
    let sessions = SessionManagerLayer::new(records.clone())
        .with_name(session_cookie_name(settings.https()))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.https())
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(settings.session_idle_secs)));

    let context = move || {
        provide_context(services.clone());
        provide_context(auth.clone());
        provide_context(assets.urls().clone());
        // The nonce the security-headers middleware put in its Content-Security-Policy.
        let nonce = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<Nonce>().cloned());
        if let Some(nonce) = nonce {
            provide_context(nonce);
        }
    };
    if settings.metrics_listen.is_some() {
        // Installed before the first request, so nothing is counted into the void.
        crate::metrics::handle();
    }
    let routes = app_routes();
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route(&format!("/{}/{{*file}}", options.site_pkg_dir), get(assets::serve_pkg))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/media/{*key}", get(media::serve_media))
        .route("/media-metadata/poster", get(media::metadata_poster))
        .route("/stream/{movie_id}", get(media::stream_video))
        .route("/share/{file}", get(share::share_card))
        .route("/api/v1/movies", get(api::list_movies))
        .route("/api/v1/movies/{id}", get(api::get_movie))
        .route("/api/v1/openapi.json", get(api::openapi))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell));
    // Innermost: a server function's undecodable arguments are a 400 to every layer outside it,
    // the metrics included.
    let router = router.layer(from_fn(middleware::bad_arguments_are_bad_requests));
    // Innermost but for that, so it sees each route's template and the status the app decided; only when
    // metrics are served (otherwise it would label every request for nobody).
    let router =
        if settings.metrics_listen.is_some() { router.layer(from_fn(crate::metrics::track_requests)) } else { router };
    let router = router
        .layer(from_fn_with_state(state.clone(), middleware::catalog_writes))
        .layer(from_fn_with_state(state.clone(), middleware::slide_session))
        .layer(sessions)
        // Outside the session layer: a kept visitor page needs no session (and has no cookie).
        .layer(from_fn_with_state(
            Arc::new(page_cache::PageCacheState { services: state.services.clone(), pages: state.pages.clone() }),
            page_cache::visitor_pages,
        ))
        // Outside the session layer, which loads each session from the database.
        .layer(from_fn_with_state(
            Arc::new(outage::OutageState { database: state.database.clone(), assets: state.assets.clone() }),
            outage::while_database_down,
        ))
        .layer(from_fn_with_state(state.clone(), middleware::limit_request_body))
        // A body that stops arriving ends its request (the listener bounds the head the same way).
        .layer(RequestBodyTimeoutLayer::new(settings.read_timeouts.body_idle))
        .layer(from_fn_with_state(state.clone(), middleware::refuse_cross_site_writes))
        .layer(from_fn_with_state(state.clone(), middleware::limit_api_requests))
        .layer(from_fn_with_state(state.clone(), middleware::record_client_addr))
        .layer(from_fn(middleware::private_by_default))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        // The access log: one line per response at info (status and latency, in the request's
        // span with its method, path and id).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    // The path only: query strings can carry one-time tokens.
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
        .layer(response_compression())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state);
    Ok((router, records))
}

/// Compresses answers on the fly (brotli, else gzip) for browsers that accept it: pages, JSON,
/// server-function answers. Not video, audio or images, which are compressed already (and
/// whose range requests must stay byte-exact), nor a bundle file sent precompressed. Brotli at
/// quality 4 compresses HTML about as well as gzip -9 at a fraction of its CPU.
fn response_compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("application/octet-stream"));
    CompressionLayer::new().br(true).gzip(true).quality(CompressionLevel::Precise(4)).compress_when(predicate)
}

/// The session cookie's name: over HTTPS with the `__Host-` prefix, which browsers accept only
/// when the cookie is `Secure`, for `/` and for this host alone (no `Domain`), so a sibling
/// subdomain cannot plant or overwrite it.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https { "__Host-cinecloud_session" } else { "cinecloud_session" }
}

/// Logs the one-time setup link while no admin exists.
pub async fn announce_setup_link(settings: &Settings, services: &Services) -> anyhow::Result<()> {
    if let Some(token) = accounts::issue_setup_token(&services.db).await.context("issuing the setup link")? {
        let mut link = settings.public_url.join("/setup").context("building the setup link")?;
        link.query_pairs_mut().append_pair("token", &token);
        tracing::warn!(%link, "no admin account exists yet: open this one-time link to create the first admin");
    }
    Ok(())
}

/// Loads the demo catalog into an empty database, then gives its movies generated clips in the
/// background (encoding takes a few seconds per clip: the server serves meanwhile).
async fn load_demo_catalog(services: &Services) -> anyhow::Result<()> {
    let added = cinecloud_core::catalog::seed::load_demo(services).await?;
    if added > 0 {
        tracing::info!(added, "loaded the demo catalog into the empty database");
        let services = services.clone();
        tokio::spawn(async move {
            match cinecloud_core::catalog::seed::attach_demo_clips(&services).await {
                Ok(clips) => tracing::info!(clips, "gave demo movies generated clips"),
                Err(e) => tracing::warn!(error = format!("{e:#}"), "demo clips could not be attached"),
            }
        });
    }
    Ok(())
}

/// Serves `/metrics` on `address`, apart from the public listener.
async fn serve_metrics(
    address: std::net::SocketAddr,
    services: Services,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("CINECLOUD_METRICS_LISTEN: cannot listen on {address}"))?;
    Ok(tokio::spawn(async move {
        if let Err(e) = crate::metrics::serve(listener, services).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

/// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let (services, secret) = open_services(&settings).await?;
    let database = DatabaseWatch::default();
    let (router, records) = build_router(&settings, services.clone(), database.clone(), PageCache::default()).await?;
    announce_setup_link(&settings, &services).await?;
    if settings.demo_catalog {
        load_demo_catalog(&services).await?;
    }
    // Notices within half a second that the database stopped (or started again) answering.
    let probe = supervise("database probe", {
        let db = services.db.clone();
        move || database.clone().run(db.clone())
    });
    // A rotated database password is read from its secret (when the credentials come from one).
    let secret = secret.map(|(reader, credentials)| {
        supervise("database secret", {
            let db = services.db.clone();
            move || reader.clone().keep_current(db.clone(), credentials.clone())
        })
    });
    // Expired sessions are deleted hourly; the store's task ends only on a database error.
    let expiry = supervise("session expiry", move || {
        let records = records.clone();
        async move {
            records.continuously_delete_expired(Duration::from_secs(60 * 60)).await.context("deleting expired sessions")
        }
    });
    // Purges taken-down movies past their undo window and prunes old rate-limit counters; of
    // several servers, one per round does it.
    let maintenance = supervise("maintenance", {
        let services = services.clone();
        move || {
            let services = services.clone();
            async move {
                loop {
                    cinecloud_core::maintenance::run_round(
                        &services,
                        cinecloud_core::clock::now_unix(),
                        maintenance::EVERY,
                    )
                    .await
                    .context("maintenance round")?;
                    tokio::time::sleep(maintenance::EVERY).await;
                }
            }
        }
    });
    // Serve the stored model from the first request; then keep it current and train when due.
    if let Err(e) = services.recommender.refresh(&services).await {
        tracing::warn!(error = format!("{e:#}"), "no recommender model loaded at start-up; the next round retries");
    }
    let recommender = supervise("recommender", {
        let services = services.clone();
        move || {
            let services = services.clone();
            async move {
                services.recommender.clone().run(services.clone()).await;
                Ok(())
            }
        }
    });

    let metrics = match settings.metrics_listen {
        Some(address) => Some(serve_metrics(address, services.clone()).await?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("CINECLOUD_LISTEN: cannot listen on {}", settings.listen))?;
    tracing::info!(
        address = %settings.listen,
        public_url = %settings.public_url,
        metadata = if settings.metadata.tmdb.is_some() { "TMDb" } else { "offline catalog" },
        metadata_cache = if settings.metadata.redis_url.is_some() { "redis" } else { "in-process" },
        "Cinecloud is listening"
    );
    crate::listener::serve(listener, router, settings.read_timeouts.header, shutdown_signal(settings.drain))
        .await
        .context("serving HTTP")?;
    probe.abort();
    expiry.abort();
    maintenance.abort();
    recommender.abort();
    for task in [metrics, secret].into_iter().flatten() {
        task.abort();
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Completes `drain` after SIGTERM or Ctrl-C; from the signal on, `/readyz` fails so the load
/// balancer takes this instance out while it still serves what reaches it.
async fn shutdown_signal(drain: Duration) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    crate::web::health::start_draining();
    tracing::info!(drain_seconds = drain.as_secs(), "shutdown signal received; /readyz fails while draining");
    tokio::time::sleep(drain).await;
    tracing::info!("closing the listener; finishing in-flight requests");
}
