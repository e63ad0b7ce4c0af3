//! Server functions: typed endpoints under `/api/…` that the pages call. Each checks who is
//! calling, then calls plain functions of `cinecloud_core`. Endpoints are named (not hashed) so
//! URLs stay stable for tests and for the CSRF and body-limit middleware.

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod covers;
pub mod lists;
pub mod metadata;
pub mod playback;
pub mod ratings;
pub mod recommend;
pub mod stats;
