//! One page of the catalog: a search, a filtered list, or both. [`plan`] writes the SQL (pure,
//! one function per dialect, tested without a database); this file runs it.
//!
//! With a genre, the list is read from `movie_genres` (aliased `g`), which carries copies of each
//! movie's visibility, year and sort title (migration 0010): a genre list's count, and its page by
//! title or year, come from one index range, and `movies` is joined for the page's cards and for
//! filters only it can answer.

mod plan;
mod postgres;
mod sqlite;

pub(crate) use plan::{Param, SearchPlan};

use super::CardRow;
use crate::{
    Backend,
    catalog::{MovieCard, MovieQuery, Page, SEARCH_COUNT_CAP},
    db::{Db, on_db},
};

/// The plan of `query` in `backend`'s dialect.
pub(crate) fn plan_for(backend: Backend, query: &MovieQuery) -> SearchPlan {
    match backend {
        Backend::Sqlite => sqlite::plan(query),
        Backend::Postgres => postgres::plan(query),
    }
}

/// `$query` with each of `$params` bound in order.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                Param::Int(v) => query.bind(*v),
                Param::Text(t) => query.bind(t.clone()),
            };
        }
        query
    }};
}

/// A list's count query as a key: its SQL and what it binds. Two lists that count the same rows
/// (the pages of one search, or the same filters in another order) share it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CountKey {
    sql: String,
    params: Vec<Param>,
}

/// One page of visible movies matching `query`.
pub(crate) async fn search(db: &Db, query: &MovieQuery) -> sqlx::Result<Page<MovieCard>> {
    Ok(search_counted(db, query, |_| None).await?.0)
}

/// One page of visible movies matching `query`, with the count `known` has for its count query
/// (the query is run only when it has none). Returns the page, the key and the raw count, so a
/// caller can keep the count for the next page.
pub(crate) async fn search_counted(
    db: &Db,
    query: &MovieQuery,
    known: impl FnOnce(&CountKey) -> Option<i64>,
) -> sqlx::Result<(Page<MovieCard>, CountKey, i64)> {
    let plan = plan_for(db.backend(), query);
    let SearchPlan { count: count_sql, page: page_sql, rest: rest_sql, params, offset, fetch, .. } = &plan;
    let (offset, fetch) = (*offset, *fetch);
    let key = CountKey { sql: count_sql.clone(), params: params.clone() };
    let known = known(&key);
    let (count, rows) = on_db!(db, |pool| {
        // Planned for each call's own words and filters, never as a cached generic plan: one
        // plan cannot serve both a first name matching thousands of movies and a rare word, and
        // PostgreSQL's generic plan for a search in a genre walked every movie of the genre.
        let count = async {
            match known {
                Some(count) => Ok(count),
                None => {
                    bind_params!(sqlx::query_scalar::<_, i64>(count_sql).persistent(false), params)
                        .fetch_one(pool)
                        .await
                }
            }
        };
        let list = bind_params!(sqlx::query_as::<_, CardRow>(page_sql).persistent(false), params);
        let page = async {
            let mut rows = list.fetch_all(pool).await?;
            let Some(rest_sql) = rest_sql else { return Ok(rows) };
            // Tiered: `rows` is the first tier up to the end of this page, all of it if shorter.
            let first = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            let end = offset + fetch;
            rows.drain(..rows.len().min(usize::try_from(offset).unwrap_or(usize::MAX)));
            if first < end {
                let rest = bind_params!(sqlx::query_as::<_, CardRow>(rest_sql).persistent(false), params);
                let wanted = end - first.max(offset);
                rows.extend(rest.bind(wanted).bind((offset - first).max(0)).fetch_all(pool).await?);
            }
            Ok::<_, sqlx::Error>(rows)
        };
        // Two connections at once: the page costs the slower of the two, not their sum.
        tokio::try_join!(count, page)?
    });
    let per_page = plan.per_page;
    let mut items: Vec<MovieCard> = rows.into_iter().map(MovieCard::from).collect();
    let has_next = items.len() > per_page as usize;
    items.truncate(per_page as usize);
    let total_exact = !plan.searching || count <= SEARCH_COUNT_CAP;
    let page = Page {
        items,
        total: if total_exact { count } else { SEARCH_COUNT_CAP },
        total_exact,
        has_next,
        page: plan.page_number,
        per_page,
    };
    Ok((page, key, count))
}

#[cfg(test)]
mod tests;
