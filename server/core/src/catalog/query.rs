//! What a browse or search page asks for: text, filters, sort and page. Every field maps to a
//! URL query parameter, so any list can be shared and reloaded.

pub use cinecloud_vocab::Sort;

/// A request for one page of movies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MovieQuery {
    /// Words to find in titles, people and synopses (each as a prefix).
    pub text: Option<String>,
    /// Genre slug.
    pub genre: Option<String>,
    /// Earliest release year, inclusive.
    pub year_from: Option<i32>,
    /// Latest release year, inclusive.
    pub year_to: Option<i32>,
    /// Shortest runtime in minutes, inclusive.
    pub runtime_min: Option<i32>,
    /// Longest runtime in minutes, inclusive.
    pub runtime_max: Option<i32>,
    /// Original language code.
    pub language: Option<String>,
    /// Order.
    pub sort: Sort,
    /// 1-based page number.
    pub page: u32,
    /// Movies per page (1–100).
    pub per_page: u32,
}

impl Default for MovieQuery {
    fn default() -> Self {
        Self {
            text: None,
            genre: None,
            year_from: None,
            year_to: None,
            runtime_min: None,
            runtime_max: None,
            language: None,
            sort: Sort::default(),
            page: 1,
            per_page: 24,
        }
    }
}

/// A search counts its matches up to this many; beyond, it reports "at least this many".
///
/// Counting every match of a broad search means visiting each matching row on PostgreSQL; nobody
/// pages that far, and refining the words is the way on (measured: `docs/architecture.md`).
pub const SEARCH_COUNT_CAP: i64 = 1000;

/// One page of results and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Matching items over all pages: exact, or when `total_exact` is false a lower bound
    /// (a search counts up to [`SEARCH_COUNT_CAP`]).
    pub total: i64,
    /// Whether `total` is the exact number of matches.
    pub total_exact: bool,
    /// Whether a page with results follows this one.
    pub has_next: bool,
    /// 1-based page number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// How many pages there are (at least 1). When the total is only a lower bound: the pages it
    /// covers, or up to the next page while there is one, so the pager steps on to the end.
    pub fn page_count(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        let counted = u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX);
        if self.total_exact {
            return counted;
        }
        counted.max(self.page.saturating_add(u32::from(self.has_next)))
    }
}
