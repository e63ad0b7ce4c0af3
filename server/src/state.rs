//! What every handler can reach: the services, the Leptos options and the settings requests are
//! checked against.

use std::sync::Arc;

use app::ssr::AuthSettings;
use axum::extract::FromRef;
use cinecloud_core::Services;
use leptos::prelude::LeptosOptions;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
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
