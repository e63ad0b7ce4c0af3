//! Lists through the real router: another viewer's private list answers exactly as a missing one
//! does from every endpoint, writes need an account, a public list reads without one.

use app::api::lists::{ListChoice, ListSummaryView};
use cinecloud_core::{
    Backend,
    catalog::{self, MovieForm},
    test_both_backends,
};
use reqwest::StatusCode;

use crate::support::TestApp;

/// Each list the "Save to…" menu offers, by name, with whether it holds the movie.
fn holds(choices: &[ListChoice]) -> Vec<(&str, bool)> {
    choices.iter().map(|c| (c.list.name.as_str(), c.holds)).collect()
}

async fn lists_through_server_functions_keep_private_lists_private(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let mut ids = Vec::new();
    for title in ["Nosferatu", "Häxan", "The Golem"] {
        let form = MovieForm { title: title.into(), year: "1922".into(), ..Default::default() };
        ids.push(catalog::create_movie(db, &form, None).await.unwrap().id);
    }
    let (ada, eve) = (app.signed_up("ada@example.com").await, app.signed_up("eve@example.com").await);

    let list: ListSummaryView = app.create_list(&ada, "Silent nights").await.unwrap();
    assert_eq!((list.is_public, list.kind.as_str()), (false, "playlist"));
    for &id in &ids {
        app.add_to_list(&ada, Some(list.id), id).await.unwrap();
    }
    // No list named: the watchlist.
    app.add_to_list(&ada, None, ids[0]).await.unwrap();
    let mine = app.my_lists(&ada).await.unwrap();
    assert_eq!(mine[0].kind, app::api::lists::ListKind::Watchlist);
    assert_eq!((mine[0].movie_count, mine[1].movie_count), (1, 3));

    // What the list buttons on a card and on a movie's page read: the caller's own lists, each
    // with whether it holds the movie, and whether the movie is on the watchlist.
    let choices = app.lists_for_movie(&ada, ids[0]).await.unwrap();
    assert_eq!(holds(&choices), [("Watchlist", true), ("Silent nights", true)]);
    let choices = app.lists_for_movie(&ada, ids[1]).await.unwrap();
    assert_eq!(holds(&choices), [("Watchlist", false), ("Silent nights", true)]);
    let choices = app.lists_for_movie(&eve, ids[0]).await.unwrap();
    assert_eq!(holds(&choices), [], "Eve has no lists yet, and looking made none");
    assert!(app.my_lists(&eve).await.unwrap().is_empty(), "still none");
    let refused = app.lists_for_movie(&app.client(), ids[0]).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(app.movie(&ada, ids[0]).await.unwrap().on_watchlist);
    assert!(!app.movie(&eve, ids[0]).await.unwrap().on_watchlist);
    // No list named: off the watchlist again (the playlist keeps it).
    app.remove_from_list(&ada, None, ids[0]).await.unwrap();
    assert!(!app.movie(&ada, ids[0]).await.unwrap().on_watchlist);
    let choices = app.lists_for_movie(&ada, ids[0]).await.unwrap();
    assert_eq!(holds(&choices), [("Watchlist", false), ("Silent nights", true)]);

    // Eve and a visitor: 404 for the private list, exactly as for a missing one; 401 for writes
    // without an account; nothing changes.
    let missing = app.list(&eve, 987654).await.unwrap_err();
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.list(&eve, list.id).await.unwrap_err(), missing, "the same answer as for a missing list");
    assert_eq!(app.list(&app.client(), list.id).await.unwrap_err().status, StatusCode::NOT_FOUND);
    let (list_id, first, last) = (list.id.to_string(), ids[0].to_string(), ids[2].to_string());
    for (endpoint, form) in [
        ("lists/add", vec![("list_id", list_id.as_str()), ("movie_id", first.as_str())]),
        ("lists/remove", vec![("list_id", list_id.as_str()), ("movie_id", first.as_str())]),
        ("lists/move", vec![("list_id", list_id.as_str()), ("movie_id", last.as_str()), ("index", "0")]),
        ("lists/update", vec![("id", list_id.as_str()), ("name", "Mine now"), ("is_public", "true")]),
        ("lists/delete", vec![("id", list_id.as_str())]),
    ] {
        let (status, body) = app.call(&eve, endpoint, &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
        let (status, _) = app.call(&app.client(), endpoint, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let view = app.list(&ada, list.id).await.unwrap();
    let order: Vec<i64> = view.movies.iter().map(|m| m.id).collect();
    assert_eq!(order, ids, "nothing changed");
    assert_eq!((view.list.name.as_str(), view.mine), ("Silent nights", true));

    // Ada reorders and publishes it; then anyone may read it, and only read it.
    let moved: Result<(), _> =
        app.post(&ada, "lists/move", &[("list_id", &list_id), ("movie_id", &last), ("index", "0")]).await;
    moved.unwrap();
    let published: Result<ListSummaryView, _> = app
        .post(&ada, "lists/update", &[("id", list_id.as_str()), ("name", "Silent nights"), ("is_public", "true")])
        .await;
    assert!(published.unwrap().is_public);
    let view = app.list(&app.client(), list.id).await.unwrap();
    assert_eq!(view.movies[0].id, ids[2]);
    assert!(!view.mine);
    let refused = app.remove_from_list(&eve, Some(list.id), ids[0]).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

test_both_backends!(lists_through_server_functions_keep_private_lists_private);
