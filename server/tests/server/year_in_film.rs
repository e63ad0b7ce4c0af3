//! #20, "your year in film" over HTTP: the page and its data answer only the signed-in viewer,
//! about themselves; a share card's image is reachable through its link alone, revalidated on
//! every use, and gone (404) once revoked.

use app::api::stats::{ShareCard, YearInFilm};
use cinecloud_core::{Backend, test_both_backends};
use reqwest::{StatusCode, header};

use crate::support::TestApp;

async fn the_year_page_and_its_data_are_the_viewers_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anonymous = app.client();
    assert_eq!(app.get::<YearInFilm>(&anonymous, "my_year").await.unwrap_err().status, StatusCode::UNAUTHORIZED);
    let page = anonymous.get(format!("{}/me/stats", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);

    let ada = app.signed_up("ada@example.com").await;
    let year = app.get::<YearInFilm>(&ada, "my_year").await.unwrap();
    assert_eq!((year.watched_ms, year.ratings_given), (0, 0));
    assert_eq!(year.years.first(), Some(&year.year), "this year first");
    let page = ada.get(format!("{}/me/stats?year={}", app.base, year.year)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("Your {} in film", year.year)), "{html}");
    assert!(html.contains("Only you can see this page"));
    let future = app.get::<YearInFilm>(&ada, &format!("my_year?year={}", year.year + 1)).await.unwrap_err();
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", future.body);
}

async fn a_share_card_is_reachable_only_through_its_link_until_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.signed_up("ada@example.com").await;
    let bob = app.signed_up("bob@example.com").await;
    let year = app.get::<YearInFilm>(&ada, "my_year").await.unwrap().year.to_string();
    let refused = app.post::<ShareCard>(&app.client(), "make_share_card", &[("year", &year)]).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let card = app.post::<ShareCard>(&ada, "make_share_card", &[("year", &year)]).await.unwrap();
    assert_eq!(app.get::<Vec<ShareCard>>(&ada, "my_share_cards").await.unwrap(), std::slice::from_ref(&card));
    assert!(app.get::<Vec<ShareCard>>(&bob, "my_share_cards").await.unwrap().is_empty(), "not another's");

    let url = format!("{}{}", app.base, card.path);
    let image = app.client().get(&url).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK, "anyone with the link");
    let headers = image.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(headers["x-robots-tag"], "noindex");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(image.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let revalidated = app.client().get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    let (status, _) = app.call(&bob, "revoke_share_card", &[("year", &year)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "bob has no card to revoke, and ada's stays");
    assert_eq!(app.client().get(&url).send().await.unwrap().status(), StatusCode::OK);
    let (status, body) = app.call(&ada, "revoke_share_card", &[("year", &year)]).await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(app.client().get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let stale = app.client().get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND, "a cached copy cannot be revalidated");
    let unknown = app.client().get(format!("{}/share/not-a-card.png", app.base)).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

test_both_backends!(
    the_year_page_and_its_data_are_the_viewers_own,
    a_share_card_is_reachable_only_through_its_link_until_revoked,
);
