//! The domain's integration tests, one module per feature, in one test binary: each links sqlx,
//! the AWS SDK and the image codecs once. Every database test runs on SQLite and on PostgreSQL
//! (`test_both_backends!`); media tests run on a local folder and on an in-process S3 server.

mod account_admin;
mod accounts;
mod catalog;
mod covers;
mod disabled_accounts;
mod insights;
mod integrity;
mod limits;
mod lists;
mod metadata;
mod movielens;
mod playback;
mod ratings;
mod recommend;
mod schema;
mod storage;
mod user_directory;
mod videos;
mod year_in_film;
