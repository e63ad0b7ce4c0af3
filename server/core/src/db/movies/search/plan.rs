//! The SQL of one page, as pure functions of the query and the dialect: what both dialects share
//! is here ([`Filters`]), what differs is in [`super::sqlite`] and [`super::postgres`], and
//! [`super::plan_for`] picks the dialect.

use super::super::CARD_COLUMNS;
use crate::catalog::{MovieQuery, SEARCH_COUNT_CAP, Sort, text};

/// A value bound to a `$n` placeholder, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Param {
    /// An integer (years, runtimes).
    Int(i64),
    /// A text (genre slug, search expression, language).
    Text(String),
}

/// Everything needed to read one page: its statements and their parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SearchPlan {
    /// Counts the matches: all of a list's, a search's up to [`SEARCH_COUNT_CAP`] + 1.
    pub count: String,
    /// The page and one row past it (whether another page follows). PostgreSQL relevance: the
    /// first tier from its start to that row.
    pub page: String,
    /// PostgreSQL relevance only: the second tier, read when the first runs out before the
    /// page's end. Its LIMIT and OFFSET are the two parameters after [`SearchPlan::params`].
    pub rest: Option<String>,
    /// What `count`, `page` and `rest` bind, in `$n` order.
    pub params: Vec<Param>,
    /// Rows before this page.
    pub offset: i64,
    /// Rows this page reads: one more than it shows.
    pub fetch: i64,
    /// Whether the query has search words (a capped count).
    pub searching: bool,
    /// 1-based page number.
    pub page_number: u32,
    /// Movies shown per page.
    pub per_page: u32,
}

impl SearchPlan {
    /// A plan from its parts.
    pub(super) fn assemble(
        filters: Filters,
        paging: Paging,
        searching: bool,
        count: String,
        page: String,
        rest: Option<String>,
    ) -> Self {
        SearchPlan {
            count,
            page,
            rest,
            params: filters.params,
            offset: paging.offset,
            fetch: paging.fetch,
            searching,
            page_number: paging.page,
            per_page: paging.per_page,
        }
    }
}

/// Words of a search, at most this many.
const MAX_TERMS: usize = 8;

/// Shortest word searched as a prefix. A one-letter prefix matches a large share of every word
/// in the index, and eight of them made an anonymous search expensive; a one-letter word is
/// matched as a whole word instead (#15).
pub(super) const MIN_PREFIX_CHARS: usize = 2;

/// Whether `term` is searched as a prefix of words (else as a whole word).
pub(super) fn is_prefix(term: &str) -> bool {
    term.chars().count() >= MIN_PREFIX_CHARS
}

/// The search words of `query`, folded (none for a list).
pub(super) fn terms(query: &MovieQuery) -> Vec<String> {
    query.text.as_deref().map(|t| text::query_terms(t, MAX_TERMS)).unwrap_or_default()
}

/// The conditions and parameters both dialects build the same way.
pub(super) struct Filters {
    /// Bound values so far.
    pub params: Vec<Param>,
    /// ANDed conditions so far.
    pub conditions: Vec<String>,
    /// The alias that holds visibility, year and sort title: `g` (`movie_genres`) in a genre,
    /// else `m` (`movies`).
    pub k: &'static str,
    /// The movie id column under that alias.
    pub id: &'static str,
    by_genre: bool,
}

impl Filters {
    /// Visible movies, in the query's genre if it names one.
    pub fn new(query: &MovieQuery) -> Self {
        let by_genre = query.genre.is_some();
        let (k, id) = if by_genre { ("g", "g.movie_id") } else { ("m", "m.id") };
        let mut filters =
            Filters { params: Vec::new(), conditions: vec![format!("{k}.deleted_at IS NULL")], k, id, by_genre };
        if let Some(genre) = &query.genre {
            let p = filters.bind(Param::Text(genre.clone()));
            filters.conditions.push(format!("g.genre_id = (SELECT id FROM genres WHERE slug = {p})"));
        }
        filters
    }

    /// Adds a parameter; returns its placeholder.
    pub fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// The year, runtime and language filters.
    pub fn narrow(&mut self, query: &MovieQuery) {
        let k = self.k;
        for (value, column, op) in [
            (query.year_from, format!("{k}.year"), ">="),
            (query.year_to, format!("{k}.year"), "<="),
            (query.runtime_min, "m.runtime_minutes".to_owned(), ">="),
            (query.runtime_max, "m.runtime_minutes".to_owned(), "<="),
        ] {
            if let Some(value) = value {
                let p = self.bind(Param::Int(i64::from(value)));
                self.conditions.push(format!("{column} {op} {p}"));
            }
        }
        if let Some(language) = &query.language {
            let p = self.bind(Param::Text(language.to_ascii_lowercase()));
            self.conditions.push(format!("m.original_language = {p}"));
        }
    }

    /// Every condition, ANDed.
    pub fn filter(&self) -> String {
        self.conditions.join(" AND ")
    }

    /// The tables a page reads.
    pub fn base(&self) -> &'static str {
        if self.by_genre { "movie_genres g JOIN movies m ON m.id = g.movie_id" } else { "movies m" }
    }

    /// The tables a count reads: a genre's count reads `movie_genres` alone unless a condition
    /// reads `movies` (alias `m`).
    pub fn count_from(&self) -> &'static str {
        let needs_movies = self.conditions.iter().any(|c| c.starts_with("m."));
        if self.by_genre && !needs_movies { "movie_genres g" } else { self.base() }
    }

    /// `ORDER BY` for `sort`, given how titles compare and the rank of a match, if any. Each
    /// order is one the indexes of migrations 0008 and 0010 serve.
    pub fn order(&self, sort: Sort, rank: Option<&str>, title: &str) -> String {
        let (k, id) = (self.k, self.id);
        match (sort, rank) {
            (Sort::Relevance, Some(rank)) => format!("{rank}, {title}, {id}"),
            (Sort::Relevance | Sort::Title, _) => format!("{title}, {id}"),
            (Sort::YearNewest, _) => format!("{k}.year DESC NULLS LAST, {title}, {id}"),
            (Sort::YearOldest, _) => format!("{k}.year NULLS LAST, {title}, {id}"),
            (Sort::RecentlyAdded, _) => "m.created_at DESC, m.id DESC".to_owned(),
            (Sort::Rating, _) => format!("m.rating_score DESC NULLS LAST, {title}, {id}"),
        }
    }
}

/// Which rows a page is.
#[derive(Clone, Copy)]
pub(super) struct Paging {
    /// Movies shown (1–100).
    pub per_page: u32,
    /// 1-based page number.
    pub page: u32,
    /// Rows before the page.
    pub offset: i64,
    /// Rows read: one past the page tells whether another follows.
    pub fetch: i64,
}

impl Paging {
    /// The page `query` asks for.
    pub fn of(query: &MovieQuery) -> Self {
        let per_page = query.per_page.clamp(1, 100);
        let page = query.page.max(1);
        Paging { per_page, page, offset: i64::from(page - 1) * i64::from(per_page), fetch: i64::from(per_page) + 1 }
    }
}

/// `SELECT COUNT(*) {counted}`: a search counts up to the cap (a broad one stops early); a list
/// counts all, from an index.
pub(super) fn count_sql(searching: bool, counted: &str) -> String {
    if searching {
        format!("SELECT COUNT(*) FROM (SELECT 1 {counted} LIMIT {}) c", SEARCH_COUNT_CAP + 1)
    } else {
        format!("SELECT COUNT(*) {counted}")
    }
}

/// A page of cards in `order`, read straight from `from`.
pub(super) fn page_sql(from: &str, filter: &str, order: &str, paging: Paging) -> String {
    let Paging { fetch, offset, .. } = paging;
    format!("SELECT {CARD_COLUMNS} FROM {from} WHERE {filter} ORDER BY {order} LIMIT {fetch} OFFSET {offset}")
}
