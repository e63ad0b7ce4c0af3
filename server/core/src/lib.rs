//! Cinecloud's core: the movie-app domain, its persistence on SQLite or PostgreSQL, and media
//! storage on a local folder or S3. Nothing here knows about HTTP or Leptos, so every function
//! is tested directly against real backends.
//!
//! The domain modules (`accounts`, `catalog`, `lists`, …) are the way in; their SQL lives under
//! the crate-private `db`, of which only the [`Db`] handle is seen outside.

pub mod accounts;
mod blocking;
pub mod catalog;
pub mod clock;
pub mod covers;
mod db;
mod error;
pub mod images;
pub mod insights;
pub mod integrity;
pub mod limits;
pub mod lists;
pub mod maintenance;
pub mod metadata;
pub mod movielens;
pub mod playback;
pub mod ratings;
pub mod recommend;
pub mod security_events;
pub mod services;
pub mod sign_ins;
pub mod storage;
pub mod videos;
pub mod viewer;

pub use db::{Backend, Credentials, Db, Probe, credentials_refused};
pub use error::{DATABASE, Error, FieldError, Result};
pub use services::Services;

#[cfg(feature = "test-support")]
pub mod testing;
