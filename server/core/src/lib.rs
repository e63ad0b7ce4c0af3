//! Cinecloud's core: the movie-app domain, its persistence on SQLite or PostgreSQL, and media
//! storage on a local folder or S3. Nothing here knows about HTTP or Leptos, so every function
//! is tested directly against real backends.

pub mod accounts;
pub mod catalog;
pub mod clock;
pub mod covers;
pub mod db;
pub mod images;
pub mod lists;
pub mod movielens;
pub mod playback;
pub mod ratings;
pub mod recommend;
pub mod services;
pub mod storage;
pub mod videos;

pub use services::Services;

#[cfg(feature = "test-support")]
pub mod testing;
