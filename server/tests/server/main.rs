//! The server's integration tests, one module per feature, in one test binary. HTTP tests start
//! the real router on a free port over a fresh SQLite or PostgreSQL database (every one runs on
//! both) and call it as the browser does; `binary` and `recommend_cli` run the built `cinecloud`, and
//! `fleet` runs two of it behind HAProxy, `outage` one on a PostgreSQL it stops and starts.

mod accounts;
mod admin;
mod binary;
mod catalog;
mod crash;
mod fleet;
mod health;
mod lists;
mod metadata;
mod metrics;
mod outage;
mod recommend_cli;
mod recommendations;
mod security;
mod sessions;
mod support;
mod tmdb_import;
mod transfer;
mod user_admin;
mod videos;
mod year_in_film;
