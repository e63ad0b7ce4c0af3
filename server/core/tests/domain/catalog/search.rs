//! Searching the catalog: folded words, prefixes, relevance pages, the count's cap, deep pages.

use cinecloud_core::{
    Backend, Error,
    catalog::{self, MovieQuery},
    test_both_backends,
    testing::TestDb,
};

use super::*;

async fn search_ignores_accents_and_case_and_finds_people_and_prefixes(backend: Backend) {
    let t = TestDb::new(backend).await;
    seed(&t.db).await;
    let amelie = vec!["Le Fabuleux Destin d'Amélie Poulain".to_owned()];
    assert_eq!(search(&t.db, "amelie").await, amelie);
    assert_eq!(search(&t.db, "AMÉLIE poulain").await, amelie);
    assert_eq!(search(&t.db, "tautou").await, amelie, "cast");
    assert_eq!(search(&t.db, "fritz lang").await, vec!["Metropolis"], "directors");
    assert_eq!(search(&t.db, "metro").await, vec!["Metropolis"], "prefix");
    assert_eq!(search(&t.db, "prophet").await, vec!["Metropolis"], "synopsis");
    assert_eq!(search(&t.db, "melies").await, vec!["A Trip to the Moon"], "accented person");
    assert!(search(&t.db, "zzzz").await.is_empty());
    assert_eq!(search(&t.db, "\"*) OR 1=1 --").await, Vec::<String>::new(), "query syntax is not injected");
    // Empty text lists everything.
    assert_eq!(search(&t.db, "  ").await.len(), 5);
}

async fn relevance_pages_split_the_matches_and_skip_deleted_movies(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let mut ids = Vec::new();
    for i in 0..7 {
        // Different synopses rank differently; equal ones tie, and ties must not straddle pages.
        let mut f = form(&format!("Harbor {i}"), 1950 + i, &["Drama"], &["Ann Lee"]);
        f.synopsis = format!("{}lights at night", "harbor ".repeat(1 + i as usize % 3));
        ids.push(catalog::create_movie(db, &f, None).await.unwrap().id);
    }
    catalog::create_movie(db, &form("Elsewhere", 1960, &["Drama"], &["Bo Li"]), None).await.unwrap();
    let page = |n: u32| {
        let q = MovieQuery { text: Some("harb".into()), per_page: 3, page: n, ..MovieQuery::default() };
        async move { catalog::browse(db, &q).await.unwrap() }
    };
    let ids_on = |pages: &[catalog::Page<catalog::MovieCard>]| -> Vec<i64> {
        let mut ids: Vec<i64> = pages.iter().flat_map(|p| p.items.iter().map(|m| m.id)).collect();
        ids.sort();
        ids
    };
    let pages = [page(1).await, page(2).await, page(3).await];
    assert!(pages.iter().all(|p| p.total == 7), "{:?}", pages.iter().map(|p| p.total).collect::<Vec<_>>());
    assert_eq!(ids_on(&pages), ids, "three pages hold every match exactly once");

    // Deleted: not counted, not listed; restored: back.
    catalog::delete_movie(db, ids[0], None).await.unwrap();
    let pages = [page(1).await, page(2).await, page(3).await];
    assert_eq!(pages[0].total, 6);
    assert_eq!(ids_on(&pages), ids[1..]);
    catalog::undo_delete(db, ids[0], None).await.unwrap();
    assert_eq!(page(1).await.total, 7);

    // An edit that drops the word drops the movie from the results; the new words find it.
    let mut renamed = form("Quiet Bay", 1950, &["Drama"], &["Ann Lee"]);
    renamed.synopsis = "Lights at night.".into();
    let version = catalog::get_movie(db, ids[1]).await.unwrap().version;
    catalog::update_movie(db, ids[1], version, &renamed, None).await.unwrap();
    assert_eq!(page(1).await.total, 6);
    assert_eq!(search(db, "quiet bay").await, vec!["Quiet Bay"]);
}

/// A search counts its matches up to `SEARCH_COUNT_CAP`, then says "at least that many"; the
/// pager still reaches every match, one page past the current while pages come back full.
async fn broad_searches_count_up_to_the_cap_and_page_to_the_end(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    // Every synthetic synopsis reads "A … story about …".
    let n = catalog::seed::seed_synthetic(db, 1010, 7).await.unwrap();
    assert_eq!(n, 1010);
    let page = |text: Option<&str>, genre: Option<&str>, page: u32| {
        let q = MovieQuery { text: text.map(Into::into), genre: genre.map(Into::into), page, ..MovieQuery::default() };
        async move { catalog::browse(db, &q).await.unwrap() }
    };
    let first = page(Some("story"), None, 1).await;
    assert_eq!((first.total, first.total_exact), (catalog::SEARCH_COUNT_CAP, false));
    assert_eq!((first.items.len(), first.has_next, first.page_count()), (24, true, 42));
    let at_cap = page(Some("story"), None, 42).await;
    assert_eq!((at_cap.items.len(), at_cap.has_next, at_cap.page_count()), (24, true, 43));
    let last = page(Some("story"), None, 43).await;
    assert_eq!((last.items.len(), last.has_next, last.page_count()), (2, false, 43));
    let mut seen: Vec<i64> = Vec::new();
    for p in 1..=43 {
        seen.extend(page(Some("story"), None, p).await.items.iter().map(|m| m.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1010, "the pages hold every match exactly once");

    // Lists count everything; a search under the cap counts exactly.
    let all = page(None, None, 1).await;
    assert_eq!((all.total, all.total_exact, all.page_count()), (1010, true, 43));
    let drama = page(None, Some("drama"), 1).await;
    assert!(drama.total_exact && drama.total > 24, "{}", drama.total);
    let drama_stories = page(Some("story"), Some("drama"), 1).await;
    assert_eq!((drama_stories.total, drama_stories.total_exact), (drama.total, true));
    let one = page(Some("story 1010"), None, 1).await;
    assert_eq!((one.total, one.total_exact, one.has_next, one.page_count()), (1, true, false, 1));
}

/// Relevance: movies whose title holds every word come first, then the other matches; a page
/// may straddle the two tiers. (SQLite ranks with FTS5's bm25, which weighs the same words in
/// a shorter text higher: only the pages' coverage is the same there.)
async fn title_matches_rank_first(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    for (title, synopsis) in [
        ("Zinc Lantern", "A foundry at dusk."),
        ("Alpine Road", "A lantern in the snow."),
        ("The Lantern", "Night on the river."),
        ("Moth", "Drawn to a lantern."),
        ("Lanterns Lit", "A festival."),
        ("Elsewhere", "No light at all."),
    ] {
        let mut f = form(title, 1960, &["Drama"], &["Ann Lee"]);
        f.synopsis = synopsis.into();
        catalog::create_movie(db, &f, None).await.unwrap();
    }
    let page = |n: u32| {
        let q = MovieQuery { text: Some("lantern".into()), per_page: 2, page: n, ..MovieQuery::default() };
        async move { catalog::browse(db, &q).await.unwrap() }
    };
    let mut shown = Vec::new();
    for n in 1..=3 {
        let p = page(n).await;
        assert_eq!((p.total, p.total_exact, p.page_count(), p.has_next), (5, true, 3, n < 3));
        shown.extend(p.items.into_iter().map(|m| m.title));
    }
    if backend == Backend::Postgres {
        // By sort title: "Lantern" (article dropped), "Lanterns Lit", "Zinc Lantern"; then the rest.
        assert_eq!(shown, ["The Lantern", "Lanterns Lit", "Zinc Lantern", "Alpine Road", "Moth"]);
    }
    shown.sort();
    assert_eq!(shown, ["Alpine Road", "Lanterns Lit", "Moth", "The Lantern", "Zinc Lantern"]);
}

/// Item 8 of #15: anonymous callers cannot make a search expensive — deep pages are refused with
/// a clear message, and a one-letter word is a whole word, not a prefix of half the index.
async fn deep_pages_are_refused_and_one_letter_words_are_not_prefixes(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    catalog::create_movie(db, &form("Nosferatu", 1922, &["Horror"], &["F. W. Murnau"]), None).await.unwrap();
    catalog::create_movie(db, &form("Plan 9 from Outer Space", 1957, &["Horror"], &[]), None).await.unwrap();
    let deep = MovieQuery { page: 10_000 / 24 + 2, per_page: 24, ..MovieQuery::default() };
    match catalog::browse(db, &deep).await {
        Err(Error::Invalid(e)) => assert_eq!((e.field, e.message.as_str()), ("page", catalog::PAGING_LIMIT_MESSAGE)),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let last = MovieQuery { page: 10_000 / 24, per_page: 24, ..MovieQuery::default() };
    assert_eq!(catalog::browse(db, &last).await.unwrap().items.len(), 0, "within the limit: just empty");
    assert_eq!(search(db, "n").await, Vec::<String>::new(), "one letter is not a prefix");
    assert_eq!(search(db, "no").await, vec!["Nosferatu"]);
    assert_eq!(search(db, "plan 9").await, vec!["Plan 9 from Outer Space"], "a one-letter word still matches whole");
}

test_both_backends!(
    search_ignores_accents_and_case_and_finds_people_and_prefixes,
    relevance_pages_split_the_matches_and_skip_deleted_movies,
    broad_searches_count_up_to_the_cap_and_page_to_the_end,
    title_matches_rank_first,
    deep_pages_are_refused_and_one_letter_words_are_not_prefixes,
);
