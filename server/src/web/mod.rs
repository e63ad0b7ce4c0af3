//! HTTP pieces around the Leptos app: middleware, the browser bundle, media, health checks.

pub mod api;
pub mod assets;
pub mod headers;
pub mod health;
pub mod media;
pub mod middleware;
pub mod outage;
pub mod page_cache;
pub mod share;
pub mod throttle;
