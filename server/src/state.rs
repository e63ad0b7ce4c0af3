//! What every handler can reach: the services, the Leptos options and the settings requests are
//! checked against.

use std::sync::Arc;

use app::ssr::AuthSettings;
use axum::extract::FromRef;
use cinecloud_core::Services;
use leptos::prelude::LeptosOptions;

/// What every handler can reach. Cloned for every middleware layer of every request (axum's
/// `from_fn_with_state` does), so a clone is one reference count: cloning the fields one by one
/// was a quarter of the server's CPU for a JSON list page.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// The state every handler shares.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// Leptos's site options (output name, site root…).
    pub leptos_options: LeptosOptions,
    /// Database and media storage.
    pub services: Services,
    /// Session lifetimes and sign-in throttling, for server functions.
    pub auth: AuthSettings,
    /// `scheme://host[:port]` of the public URL, for the cross-site check.
    pub public_origin: Arc<str>,
    /// Trust `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Served over HTTPS (HSTS, Secure cookies).
    pub https: bool,
    /// Requests each client may make to `/api/*` per minute.
    pub api_allowance: crate::web::throttle::RequestAllowance,
    /// The browser bundle's hashed names and precompressed files.
    pub assets: Arc<crate::web::assets::SiteAssets>,
    /// Where presigned video URLs point (S3), for the pages' `media-src`.
    pub media_origin: Option<Arc<str>>,
    /// Whether the database answers (the outage probe's verdict).
    pub database: crate::web::outage::DatabaseWatch,
    /// The list pages rendered for visitors, kept while the catalog stays as it was.
    pub pages: crate::web::page_cache::PageCache,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<crate::web::assets::SiteAssets> {
    fn from_ref(state: &AppState) -> Self {
        state.assets.clone()
    }
}
