//! The Cinecloud server: configuration, start-up, the axum router around the Leptos app, and
//! the command line. `main.rs` only parses arguments and calls in here, so tests start the very
//! same router on a free port.

pub mod cli;
pub mod config;
pub mod database_secret;
pub mod listener;
pub mod memory;
pub mod metrics;
pub mod progress;
pub mod recommend;
pub mod session_store;
pub mod startup;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod tmdb_import;
pub mod web;
