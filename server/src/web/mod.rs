//! HTTP pieces around the Leptos app: middleware, media, health checks.

pub mod api;
pub mod health;
pub mod media;
pub mod middleware;
pub mod throttle;
