//! Watchlists and playlists on SQLite and PostgreSQL: create, rename, describe, delete; add,
//! remove and reorder movies; public and private access, including another viewer's attempts
//! (not found, nothing changed); watchlist adds reach the recommender's signals.

use cinecloud_core::{
    Backend, Db, Error,
    catalog::{self, MovieForm},
    lists::{self, ListForm, ListHolding, MAX_ITEMS, MAX_PLAYLISTS, Moved, PAGE_SIZE},
    test_both_backends,
    testing::{
        TestDb, bare_movies,
        stored::{all_signals, count_lists, fill_list, list_positions},
        viewer,
    },
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
    lists::view_list(db, Some(owner), list, 1).await.unwrap().movies.iter().map(|m| m.id).collect()
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
    let view = lists::view_list(db, Some(ada), list.id, 1).await.unwrap();
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
    not_found(lists::view_list(db, Some(ada), list.id, 1).await);
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
        not_found(lists::view_list(db, who, list.id, 1).await);
        not_found(lists::view_list(db, who, missing, 1).await);
    }
    not_found(lists::add_movie(db, eve, list.id, films[2]).await);
    not_found(lists::remove_movie(db, eve, list.id, films[0]).await);
    not_found(lists::reorder(db, eve, list.id, &[films[1], films[0]]).await);
    not_found(lists::move_movie(db, eve, list.id, films[1], 0).await);
    not_found(lists::update_list(db, eve, list.id, &form("Mine now", true)).await);
    not_found(lists::delete_list(db, eve, list.id).await);
    let view = lists::view_list(db, Some(ada), list.id, 1).await.unwrap();
    assert_eq!((view.list.name.as_str(), view.list.is_public), ("Private", false));
    assert_eq!(view.movies.iter().map(|m| m.id).collect::<Vec<_>>(), films[..2], "nothing changed");

    // Made public, anyone may look (a visitor too), and still only Ada may change it.
    lists::update_list(db, ada, list.id, &form("Private", true)).await.unwrap();
    assert_eq!(lists::view_list(db, None, list.id, 1).await.unwrap().movies.len(), 2);
    assert_eq!(lists::view_list(db, Some(eve), list.id, 1).await.unwrap().movies.len(), 2);
    not_found(lists::add_movie(db, eve, list.id, films[2]).await);
    assert!(lists::my_lists(db, eve).await.unwrap().is_empty(), "Eve has no lists of her own");
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

async fn looking_at_lists_writes_nothing(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let films = movies(db, 1).await;
    // What the lists page and the "Save to…" menu read, for a viewer who has never added anything.
    assert!(lists::my_lists(db, ada).await.unwrap().is_empty());
    assert!(lists::holding(db, ada, &films).await.unwrap().is_empty());
    assert_eq!(count_lists(db, ada).await.unwrap(), 0, "reading made no watchlist");
    // The first addition makes it.
    let watchlist = lists::list_or_watchlist(db, ada, None).await.unwrap();
    lists::add_movie(db, ada, watchlist, films[0]).await.unwrap();
    let mine = lists::my_lists(db, ada).await.unwrap();
    assert_eq!((mine.len(), mine[0].kind.as_str(), mine[0].movie_count), (1, "watchlist", 1));
}

/// Which movies changed position between two readings of a list.
fn moved_rows(before: &[(i64, i64)], after: &[(i64, i64)]) -> usize {
    after.iter().filter(|row| !before.contains(row)).count()
}

/// Moves `film` to `index` and checks the order against `model` (moved the same way), and that
/// the number of rows written matches what the move says it did.
async fn move_and_check(db: &Db, ada: i64, list: i64, model: &mut Vec<i64>, film: i64, index: usize) -> Moved {
    let before = list_positions(db, list).await.unwrap();
    let done = lists::move_movie(db, ada, list, film, index).await.unwrap();
    let from = model.iter().position(|m| *m == film).unwrap();
    let film = model.remove(from);
    model.insert(index.min(model.len()), film);
    assert_eq!(&order(db, ada, list).await, model, "after moving {film} to {index}");
    let after = list_positions(db, list).await.unwrap();
    let changed = moved_rows(&before, &after);
    match done {
        Moved::Unchanged => assert_eq!(changed, 0),
        Moved::OneRow => assert_eq!(changed, 1, "one row written"),
        Moved::Renumbered => assert!(changed > 1),
        Moved::NotFound => unreachable!(),
    }
    done
}

async fn a_move_writes_one_row_until_the_gaps_run_out(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let films = movies(db, 5).await;
    let list = lists::create_playlist(db, ada, &form("Order", false)).await.unwrap();
    for &film in &films {
        lists::add_movie(db, ada, list.id, film).await.unwrap();
    }
    let mut model = films.clone();
    // To the front, to the end, to the middle, and to where it already is: one row or none.
    assert_eq!(move_and_check(db, ada, list.id, &mut model, films[3], 0).await, Moved::OneRow);
    assert_eq!(move_and_check(db, ada, list.id, &mut model, films[0], 99).await, Moved::OneRow);
    assert_eq!(move_and_check(db, ada, list.id, &mut model, films[1], 2).await, Moved::OneRow);
    assert_eq!(move_and_check(db, ada, list.id, &mut model, films[1], 2).await, Moved::Unchanged);
    // The first two now sit at 0 and 3072. Squeezing movies between them halves the gap each
    // time: eleven fit (at 1536, 768, …, 3, 1), the twelfth renumbers the list, and the move after
    // that is a one-row move again.
    assert_eq!(list_positions(db, list.id).await.unwrap()[..2].iter().map(|r| r.1).collect::<Vec<_>>(), [0, 3072]);
    let mut renumbered_at = None;
    for round in 1..=20 {
        let last = *model.last().unwrap();
        if move_and_check(db, ada, list.id, &mut model, last, 1).await == Moved::Renumbered {
            renumbered_at = Some(round);
            break;
        }
    }
    assert_eq!(renumbered_at, Some(12));
    let last = *model.last().unwrap();
    assert_eq!(move_and_check(db, ada, list.id, &mut model, last, 1).await, Moved::OneRow);
}

async fn lists_and_playlists_are_capped_with_a_clear_message(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let films = bare_movies(db, MAX_ITEMS as usize + 4).await;
    let list = lists::create_playlist(db, ada, &form("Everything", false)).await.unwrap();
    fill_list(db, list.id, &films[..MAX_ITEMS as usize - 1]).await.unwrap();

    // One place is left and four additions race for it: exactly one gets it.
    let rest = &films[MAX_ITEMS as usize - 1..];
    let tries = rest.iter().map(|&film| lists::add_movie(db, ada, list.id, film));
    let results = futures::future::join_all(tries).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        match refused {
            Error::Invalid(e) => {
                assert_eq!(e.field, "list");
                assert!(e.message.contains("1000 movies"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(lists::view_list(db, Some(ada), list.id, 1).await.unwrap().list.movie_count, MAX_ITEMS);
    // Adding one it already holds is still fine: nothing changes.
    lists::add_movie(db, ada, list.id, films[0]).await.unwrap();

    // Playlists: the same at 100, also under a race.
    for i in 2..MAX_PLAYLISTS {
        lists::create_playlist(db, ada, &form(&format!("List {i}"), false)).await.unwrap();
    }
    let tries =
        (0..4).map(|i| async move { lists::create_playlist(db, ada, &form(&format!("Last {i}"), false)).await });
    let results = futures::future::join_all(tries).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    match lists::create_playlist(db, ada, &form("One more", false)).await {
        Err(Error::Invalid(e)) => assert_eq!((e.field, e.message.contains("100 playlists")), ("name", true)),
        other => panic!("{other:?}"),
    }
    let playlists = lists::my_lists(db, ada).await.unwrap();
    assert_eq!(playlists.iter().filter(|l| l.kind.as_str() == "playlist").count() as i64, MAX_PLAYLISTS);
    // The watchlist is not a playlist: it still comes.
    lists::watchlist(db, ada).await.unwrap();
}

async fn list_reads_come_in_pages(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let (ada, eve) = (viewer(db, "ada").await, viewer(db, "eve").await);
    let films = bare_movies(db, 2 * PAGE_SIZE as usize + 5).await;
    let list = lists::create_playlist(db, ada, &form("Long", true)).await.unwrap();
    fill_list(db, list.id, &films).await.unwrap();

    let mut seen = Vec::new();
    for page in 1..=3 {
        let view = lists::view_list(db, None, list.id, page).await.unwrap();
        assert_eq!((view.page, view.page_count, view.list.movie_count), (page, 3, films.len() as i64));
        assert_eq!(view.movies.len(), if page < 3 { PAGE_SIZE as usize } else { 5 });
        seen.extend(view.movies.iter().map(|m| m.id));
    }
    assert_eq!(seen, films, "the pages together are the list, in order");
    assert!(lists::view_list(db, None, list.id, 4).await.unwrap().movies.is_empty(), "past the last page");
    assert_eq!(lists::view_list(db, None, list.id, 0).await.unwrap().page, 1, "page 0 is the first");
    let empty = lists::create_playlist(db, ada, &form("Empty", false)).await.unwrap();
    assert_eq!(lists::view_list(db, Some(ada), empty.id, 1).await.unwrap().page_count, 1);
    assert_eq!(lists::view_list(db, Some(eve), list.id, 1).await.unwrap().watched, 0);
}

test_both_backends!(
    a_move_writes_one_row_until_the_gaps_run_out,
    cards_learn_which_of_the_viewers_own_lists_hold_them,
    list_reads_come_in_pages,
    lists_and_playlists_are_capped_with_a_clear_message,
    looking_at_lists_writes_nothing,
    playlists_are_made_changed_ordered_and_deleted,
    private_lists_look_missing_to_everyone_else,
    watchlist_adds_are_recommender_signals,
);
