//! The SQL each dialect writes for each kind of query, pinned: a change to a plan shows here as
//! a change to its text, to be read (and measured, `scripts/bench-catalog`) before it lands.

use super::{Param, SearchPlan, plan_for};
use crate::{
    Backend,
    catalog::{MovieQuery, Sort},
};

/// The clauses of one statement, joined as the plan joins them.
fn sql(clauses: &[&str]) -> String {
    clauses.join(" ")
}

/// Checks a plan's statements and parameters.
#[track_caller]
fn pinned(plan: SearchPlan, count: &[&str], page: &[&str], rest: Option<&[&str]>, params: &[Param]) {
    assert_eq!(plan.count, sql(count), "count");
    assert_eq!(plan.page, sql(page), "page");
    assert_eq!(plan.rest, rest.map(sql), "second tier");
    assert_eq!(plan.params, params, "parameters");
}

fn text(t: &str) -> Param {
    Param::Text(t.to_owned())
}

/// The whole catalog, newest additions first, page 3: an exact count and a plain page.
#[test]
fn sqlite_all_recently_added_page_3() {
    let plan = plan_for(Backend::Sqlite, &MovieQuery { sort: Sort::RecentlyAdded, page: 3, ..MovieQuery::default() });
    pinned(
        plan,
        &["SELECT COUNT(*)", "FROM movies m", "WHERE m.deleted_at IS NULL"],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "ORDER BY m.created_at DESC, m.id DESC",
            "LIMIT 25 OFFSET 48",
        ],
        None,
        &[],
    );
}

/// A genre and a range of years by title: counted in `movie_genres` alone, paged in its title order.
#[test]
fn sqlite_genre_and_years_by_title() {
    let plan = plan_for(
        Backend::Sqlite,
        &MovieQuery {
            genre: Some("drama".into()),
            year_from: Some(1950),
            year_to: Some(1999),
            sort: Sort::Title,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM movie_genres g",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $2",
            "AND g.year <= $3",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $2",
            "AND g.year <= $3",
            "ORDER BY g.sort_title, g.movie_id",
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[text("drama"), Param::Int(1950), Param::Int(1999)],
    );
}

/// A language and a longest runtime, newest first: the language is lower-cased.
#[test]
fn sqlite_language_and_runtime_newest() {
    let plan = plan_for(
        Backend::Sqlite,
        &MovieQuery {
            language: Some("FR".into()),
            runtime_max: Some(100),
            sort: Sort::YearNewest,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.runtime_minutes <= $1",
            "AND m.original_language = $2",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.runtime_minutes <= $1",
            "AND m.original_language = $2",
            "ORDER BY m.year DESC NULLS LAST, m.sort_title, m.id",
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[Param::Int(100), text("fr")],
    );
}

/// A plain search by relevance.
#[test]
fn sqlite_words_by_relevance() {
    let plan = plan_for(Backend::Sqlite, &MovieQuery { text: Some("Silent harbor".into()), ..MovieQuery::default() });
    pinned(
        plan,
        &["SELECT COUNT(*)", "FROM (SELECT 1", "FROM movies_fts", "WHERE movies_fts MATCH $1", "LIMIT 1001) c"],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM (SELECT rowid AS fts_id, rank AS fts_rank",
            "FROM movies_fts",
            "WHERE movies_fts MATCH $1",
            "ORDER BY rank, rowid",
            "LIMIT 25 OFFSET 0) f",
            "JOIN movies m ON m.id = f.fts_id",
            "WHERE m.deleted_at IS NULL",
            "ORDER BY f.fts_rank, f.fts_id",
        ],
        None,
        &[text("\"silent\"* \"harbor\"*")],
    );
}

/// A search within a genre and years, by relevance, page 2.
#[test]
fn sqlite_words_in_a_genre_and_years_by_relevance() {
    let plan = plan_for(
        Backend::Sqlite,
        &MovieQuery {
            text: Some("river".into()),
            genre: Some("drama".into()),
            year_from: Some(1950),
            year_to: Some(1999),
            page: 2,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM (SELECT 1",
            "FROM movie_genres g",
            "WHERE g.movie_id IN (SELECT rowid",
            "FROM movies_fts",
            "WHERE movies_fts MATCH $2)",
            "AND g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $3",
            "AND g.year <= $4",
            "LIMIT 1001) c",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "JOIN (SELECT rowid AS fts_id, bm25(movies_fts) AS fts_rank",
            "FROM movies_fts",
            "WHERE movies_fts MATCH $2) f ON f.fts_id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $3",
            "AND g.year <= $4",
            "ORDER BY f.fts_rank, g.sort_title, g.movie_id",
            "LIMIT 25 OFFSET 24",
        ],
        None,
        &[text("drama"), text("\"river\"*"), Param::Int(1950), Param::Int(1999)],
    );
}

/// A search sorted by rating: the relevance machinery stays out of it.
#[test]
fn sqlite_words_by_rating() {
    let plan = plan_for(
        Backend::Sqlite,
        &MovieQuery { text: Some("river".into()), sort: Sort::Rating, ..MovieQuery::default() },
    );
    pinned(
        plan,
        &["SELECT COUNT(*)", "FROM (SELECT 1", "FROM movies_fts", "WHERE movies_fts MATCH $1", "LIMIT 1001) c"],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "JOIN (SELECT rowid AS fts_id, bm25(movies_fts) AS fts_rank",
            "FROM movies_fts",
            "WHERE movies_fts MATCH $1) f ON f.fts_id = m.id",
            "WHERE m.deleted_at IS NULL",
            "ORDER BY m.rating_score DESC NULLS LAST, m.sort_title, m.id",
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[text("\"river\"*")],
    );
}

/// The whole catalog, newest additions first, page 3: an exact count and a plain page.
#[test]
fn postgres_all_recently_added_page_3() {
    let plan = plan_for(Backend::Postgres, &MovieQuery { sort: Sort::RecentlyAdded, page: 3, ..MovieQuery::default() });
    pinned(
        plan,
        &["SELECT COUNT(*)", "FROM movies m", "WHERE m.deleted_at IS NULL"],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "ORDER BY m.created_at DESC, m.id DESC",
            "LIMIT 25 OFFSET 48",
        ],
        None,
        &[],
    );
}

/// A genre and a range of years by title: counted in `movie_genres` alone, paged in its title order.
#[test]
fn postgres_genre_and_years_by_title() {
    let plan = plan_for(
        Backend::Postgres,
        &MovieQuery {
            genre: Some("drama".into()),
            year_from: Some(1950),
            year_to: Some(1999),
            sort: Sort::Title,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM movie_genres g",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $2",
            "AND g.year <= $3",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $2",
            "AND g.year <= $3",
            r#"ORDER BY g.sort_title COLLATE "C", g.movie_id"#,
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[text("drama"), Param::Int(1950), Param::Int(1999)],
    );
}

/// A language and a longest runtime, newest first: the language is lower-cased.
#[test]
fn postgres_language_and_runtime_newest() {
    let plan = plan_for(
        Backend::Postgres,
        &MovieQuery {
            language: Some("FR".into()),
            runtime_max: Some(100),
            sort: Sort::YearNewest,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.runtime_minutes <= $1",
            "AND m.original_language = $2",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.runtime_minutes <= $1",
            "AND m.original_language = $2",
            r#"ORDER BY m.year DESC NULLS LAST, m.sort_title COLLATE "C", m.id"#,
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[Param::Int(100), text("fr")],
    );
}

/// A plain search by relevance.
#[test]
fn postgres_words_by_relevance() {
    let plan = plan_for(Backend::Postgres, &MovieQuery { text: Some("Silent harbor".into()), ..MovieQuery::default() });
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM (SELECT 1",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.search_vector @@ to_tsquery('simple', $1)",
            "LIMIT 1001) c",
        ],
        &[
            "SELECT *",
            "FROM (SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum, m.sort_title AS tier_title",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND to_tsvector('simple', m.sort_title) @@ to_tsquery('simple', $1) OFFSET 0) m",
            r#"ORDER BY m.tier_title COLLATE "C", m.id"#,
            "LIMIT 25",
        ],
        Some(&[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.search_vector @@ to_tsquery('simple', $1)",
            "AND NOT (to_tsvector('simple', m.sort_title) @@ to_tsquery('simple', $1))",
            r#"ORDER BY m.sort_title COLLATE "C", m.id"#,
            "LIMIT $2 OFFSET $3",
        ]),
        &[text("silent:* & harbor:*")],
    );
}

/// A search within a genre and years, by relevance, page 2.
#[test]
fn postgres_words_in_a_genre_and_years_by_relevance() {
    let plan = plan_for(
        Backend::Postgres,
        &MovieQuery {
            text: Some("river".into()),
            genre: Some("drama".into()),
            year_from: Some(1950),
            year_to: Some(1999),
            page: 2,
            ..MovieQuery::default()
        },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM (SELECT 1",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND m.search_vector @@ to_tsquery('simple', $2)",
            "AND g.year >= $3",
            "AND g.year <= $4",
            "LIMIT 1001) c",
        ],
        &[
            "SELECT *",
            "FROM (SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum, g.sort_title AS tier_title",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND g.year >= $3",
            "AND g.year <= $4",
            "AND to_tsvector('simple', g.sort_title) @@ to_tsquery('simple', $2) OFFSET 0) m",
            r#"ORDER BY m.tier_title COLLATE "C", m.id"#,
            "LIMIT 49",
        ],
        Some(&[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movie_genres g",
            "JOIN movies m ON m.id = g.movie_id",
            "WHERE g.deleted_at IS NULL",
            "AND g.genre_id = (SELECT id",
            "FROM genres",
            "WHERE slug = $1)",
            "AND m.search_vector @@ to_tsquery('simple', $2)",
            "AND g.year >= $3",
            "AND g.year <= $4",
            "AND NOT (to_tsvector('simple', m.sort_title) @@ to_tsquery('simple', $2))",
            r#"ORDER BY g.sort_title COLLATE "C", g.movie_id"#,
            "LIMIT $5 OFFSET $6",
        ]),
        &[text("drama"), text("river:*"), Param::Int(1950), Param::Int(1999)],
    );
}

/// A search sorted by rating: the relevance machinery stays out of it.
#[test]
fn postgres_words_by_rating() {
    let plan = plan_for(
        Backend::Postgres,
        &MovieQuery { text: Some("river".into()), sort: Sort::Rating, ..MovieQuery::default() },
    );
    pinned(
        plan,
        &[
            "SELECT COUNT(*)",
            "FROM (SELECT 1",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.search_vector @@ to_tsquery('simple', $1)",
            "LIMIT 1001) c",
        ],
        &[
            "SELECT m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum",
            "FROM movies m",
            "WHERE m.deleted_at IS NULL",
            "AND m.search_vector @@ to_tsquery('simple', $1)",
            r#"ORDER BY m.rating_score DESC NULLS LAST, m.sort_title COLLATE "C", m.id"#,
            "LIMIT 25 OFFSET 0",
        ],
        None,
        &[text("river:*")],
    );
}
