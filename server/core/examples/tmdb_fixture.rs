//! The in-process TMDb-protocol fixture (`cinecloud_core::testing::tmdb`) as a server of its
//! own, for Playwright's TMDb stories: their server's `CINECLOUD_TMDB_API_URL` points here.
//! It serves until killed.
//!
//!   tmdb_fixture [ADDRESS]   (default 127.0.0.1:3108)

use cinecloud_core::testing::tmdb::TestTmdb;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3108".to_owned());
    let server = TestTmdb::start_on(&address).await;
    println!("TMDb fixture at {}", server.base);
    std::future::pending::<()>().await;
}
