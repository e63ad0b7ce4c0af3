//! A viewer's own "year in film" and the share cards they make of it (#20). Every function
//! reads or changes only the signed-in account's data: there is no way to name another viewer.

pub use cinecloud_vocab::year::{ShareCard, YearInFilm};
use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::error::AppError;

/// The signed-in viewer's `year` (UTC; the current one when absent).
#[server(prefix = "/api", endpoint = "my_year", input = GetUrl)]
pub async fn my_year(#[server(default)] year: Option<i32>) -> Result<YearInFilm, AppError> {
    use crate::ssr::{session::*, *};
    respond(async {
        let user = require_user().await?;
        let now = cinecloud_core::clock::now_unix();
        Ok(cinecloud_core::insights::year_in_film(&services()?.db, user.id, year, now).await?)
    })
    .await
}

/// The signed-in viewer's share cards, newest year first.
#[server(prefix = "/api", endpoint = "my_share_cards", input = GetUrl)]
pub async fn my_share_cards() -> Result<Vec<ShareCard>, AppError> {
    use crate::ssr::{session::*, *};
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::insights::share_cards(&services()?.db, user.id).await?)
    })
    .await
}

/// Makes a share card of the viewer's `year` as it is now, under a new link (an earlier card of
/// that year stops working).
#[server(prefix = "/api", endpoint = "make_share_card")]
pub async fn make_share_card(year: i32) -> Result<ShareCard, AppError> {
    use crate::ssr::{session::*, *};
    respond(async {
        let user = require_user().await?;
        let now = cinecloud_core::clock::now_unix();
        let db = services()?.db;
        Ok(cinecloud_core::insights::make_share_card(&db, user.id, &user.display_name, year, now).await?)
    })
    .await
}

/// Revokes the viewer's share card of `year`: its link answers 404 from now on.
#[server(prefix = "/api", endpoint = "revoke_share_card")]
pub async fn revoke_share_card(year: i32) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::insights::revoke_share_card(&services()?.db, user.id, year).await?)
    })
    .await
}
