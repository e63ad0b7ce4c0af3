//! Watchlists and playlists on SQLite and PostgreSQL: create, rename, describe, delete; add,
//! remove and reorder movies; public and private access, including another viewer's attempts
//! (not found, nothing changed); watchlist adds reach the recommender's signals.

use cinecloud_core::{
    Backend, Db, Error,
    catalog::{self, MovieForm},
    lists::{self, ListForm, ListHolding},
    test_both_backends,
    testing::{TestDb, stored::all_signals, viewer},
};

async fn movies(db: &Db, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let form = MovieForm { title: format!("Film {i}"), year: "1950".into(), ..MovieForm::default() };
        ids.push(catalog::create_movie(db, &form, None).await.unwrap().id);
    }
    ids
}

fn form(name: &str, public: bool) -> ListForm {
    ListForm { name: name.into(), description: "Late-night picks".into(), is_public: public }
}

async fn order(db: &Db, owner: i64, list: i64) -> Vec<i64> {
    lists::view_list(db, Some(owner), list).await.unwrap().movies.iter().map(|m| m.id).collect()
}

fn not_found<T: std::fmt::Debug>(result: Result<T, Error>) {
    assert!(matches!(result, Err(Error::NotFound)), "{result:?}");
}

async fn playlists_are_made_changed_ordered_and_deleted(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let films = movies(db, 4).await;

    // Everyone has a watchlist, made once even when asked for twice at once.
    let (a, b) = tokio::join!(lists::watchlist(db, ada), lists::watchlist(db, ada));
    assert_eq!(a.unwrap().id, b.unwrap().id);

    let list = lists::create_playlist(db, ada, &form("  Silent   nights ", false)).await.unwrap();
    assert_eq!((list.name.as_str(), list.kind.as_str(), list.is_public), ("Silent nights", "playlist", false));
    for bad in [form("   ", false), form(&"x".repeat(81), false)] {
        match lists::create_playlist(db, ada, &bad).await {
            Err(Error::Invalid(e)) => assert_eq!(e.field, "name"),
            other => panic!("{other:?}"),
        }
    }
    let mine = lists::my_lists(db, ada).await.unwrap();
    assert_eq!(mine.iter().map(|l| l.kind.as_str()).collect::<Vec<_>>(), ["watchlist", "playlist"]);

    for &film in &films[..3] {
        lists::add_movie(db, ada, list.id, film).await.unwrap();
    }
    lists::add_movie(db, ada, list.id, films[0]).await.unwrap(); // again: no change
    assert_eq!(order(db, ada, list.id).await, films[..3]);
    not_found(lists::add_movie(db, ada, list.id, 999_999).await);

    // Reorder by a full order, and by moving one (keyboard up/down, drag and drop).
    lists::reorder(db, ada, list.id, &[films[2], films[0], films[1]]).await.unwrap();
    assert_eq!(order(db, ada, list.id).await, [films[2], films[0], films[1]]);
    lists::move_movie(db, ada, list.id, films[1], 0).await.unwrap();
    assert_eq!(order(db, ada, list.id).await, [films[1], films[2], films[0]]);
    lists::move_movie(db, ada, list.id, films[1], 99).await.unwrap();
    assert_eq!(order(db, ada, list.id).await, [films[2], films[0], films[1]]);
    // An order that is not exactly the list's movies changes nothing.
    for wrong in [vec![films[0], films[1]], vec![films[0], films[1], films[3]], vec![films[0], films[0], films[1]]] {
        assert!(matches!(lists::reorder(db, ada, list.id, &wrong).await, Err(Error::Invalid(_))));
    }
    assert_eq!(order(db, ada, list.id).await, [films[2], films[0], films[1]]);

    // A deleted movie drops out of the view and the count.
    catalog::delete_movie(db, films[0], None).await.unwrap();
    let view = lists::view_list(db, Some(ada), list.id).await.unwrap();
    assert_eq!((view.list.movie_count, view.movies.len()), (2, 2));

    lists::remove_movie(db, ada, list.id, films[2]).await.unwrap();
    assert_eq!(order(db, ada, list.id).await, [films[1]]);

    let renamed = lists::update_list(db, ada, list.id, &form("Sunday cinema", true)).await.unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.description.as_str(), renamed.is_public),
        ("Sunday cinema", "Late-night picks", true)
    );
    let watchlist = lists::watchlist(db, ada).await.unwrap();
    assert!(matches!(lists::update_list(db, ada, watchlist.id, &form("Mine", false)).await, Err(Error::Invalid(_))));
    assert!(matches!(lists::delete_list(db, ada, watchlist.id).await, Err(Error::Invalid(_))));
    lists::delete_list(db, ada, list.id).await.unwrap();
    not_found(lists::view_list(db, Some(ada), list.id).await);
}

async fn private_lists_look_missing_to_everyone_else(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let (ada, eve) = (viewer(db, "ada").await, viewer(db, "eve").await);
    let films = movies(db, 3).await;
    let list = lists::create_playlist(db, ada, &form("Private", false)).await.unwrap();
    lists::add_movie(db, ada, list.id, films[0]).await.unwrap();
    lists::add_movie(db, ada, list.id, films[1]).await.unwrap();
    let missing = list.id + 1000;

    // Eve and a visitor get exactly what a missing list gives, from every function.
    for who in [Some(eve), None] {
        not_found(lists::view_list(db, who, list.id).await);
        not_found(lists::view_list(db, who, missing).await);
    }
    not_found(lists::add_movie(db, eve, list.id, films[2]).await);
    not_found(lists::remove_movie(db, eve, list.id, films[0]).await);
    not_found(lists::reorder(db, eve, list.id, &[films[1], films[0]]).await);
    not_found(lists::move_movie(db, eve, list.id, films[1], 0).await);
    not_found(lists::update_list(db, eve, list.id, &form("Mine now", true)).await);
    not_found(lists::delete_list(db, eve, list.id).await);
    let view = lists::view_list(db, Some(ada), list.id).await.unwrap();
    assert_eq!((view.list.name.as_str(), view.list.is_public), ("Private", false));
    assert_eq!(view.movies.iter().map(|m| m.id).collect::<Vec<_>>(), films[..2], "nothing changed");

    // Made public, anyone may look (a visitor too), and still only Ada may change it.
    lists::update_list(db, ada, list.id, &form("Private", true)).await.unwrap();
    assert_eq!(lists::view_list(db, None, list.id).await.unwrap().movies.len(), 2);
    assert_eq!(lists::view_list(db, Some(eve), list.id).await.unwrap().movies.len(), 2);
    not_found(lists::add_movie(db, eve, list.id, films[2]).await);
    assert_eq!(lists::my_lists(db, eve).await.unwrap().len(), 1, "Eve has only her own watchlist");
}

async fn watchlist_adds_are_recommender_signals(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let films = movies(db, 2).await;
    let watchlist = lists::watchlist(db, ada).await.unwrap();
    lists::add_movie(db, ada, watchlist.id, films[0]).await.unwrap();
    let playlist = lists::create_playlist(db, ada, &form("Mix", false)).await.unwrap();
    lists::add_movie(db, ada, playlist.id, films[1]).await.unwrap();
    assert_eq!(all_signals(db).await.unwrap(), vec![(ada, films[0], "watchlist".to_owned())]);
    lists::remove_movie(db, ada, watchlist.id, films[0]).await.unwrap();
    assert!(all_signals(db).await.unwrap().is_empty());
}

async fn cards_learn_which_of_the_viewers_own_lists_hold_them(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let eve = viewer(db, "eve").await;
    let films = movies(db, 3).await;
    assert!(lists::holding(db, ada, &films).await.unwrap().is_empty(), "no lists yet");
    let watchlist = lists::watchlist(db, ada).await.unwrap();
    let playlist = lists::create_playlist(db, ada, &form("Mix", false)).await.unwrap();
    lists::add_movie(db, ada, watchlist.id, films[0]).await.unwrap();
    lists::add_movie(db, ada, playlist.id, films[0]).await.unwrap();
    lists::add_movie(db, ada, playlist.id, films[1]).await.unwrap();
    let eves = lists::watchlist(db, eve).await.unwrap();
    lists::add_movie(db, eve, eves.id, films[2]).await.unwrap();

    assert_eq!(
        lists::holding(db, ada, &films).await.unwrap(),
        vec![
            ListHolding { movie_id: films[0], list_id: watchlist.id, is_watchlist: true },
            ListHolding { movie_id: films[0], list_id: playlist.id, is_watchlist: false },
            ListHolding { movie_id: films[1], list_id: playlist.id, is_watchlist: false },
        ],
        "Ada's lists only: Eve's watchlist is not hers",
    );
    assert_eq!(lists::holding(db, eve, &films[..2]).await.unwrap(), vec![]);
    assert_eq!(lists::holding(db, ada, &[]).await.unwrap(), vec![]);
}

test_both_backends!(
    cards_learn_which_of_the_viewers_own_lists_hold_them,
    playlists_are_made_changed_ordered_and_deleted,
    private_lists_look_missing_to_everyone_else,
    watchlist_adds_are_recommender_signals,
);
