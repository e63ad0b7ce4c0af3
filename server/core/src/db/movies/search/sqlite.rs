//! SQLite's plans. Words are matched in the FTS5 table `movies_fts` (visible movies only,
//! migration 0009) and ranked by bm25.

use super::plan::{Filters, Paging, Param, SearchPlan, count_sql, is_prefix, page_sql, terms};
use crate::{
    catalog::{MovieQuery, Sort},
    db::movies::CARD_COLUMNS,
};

/// The plan of `query` on SQLite.
pub(super) fn plan(query: &MovieQuery) -> SearchPlan {
    let mut f = Filters::new(query);
    let terms = terms(query);
    // Each word a quoted prefix: FTS5 query syntax in the words is never interpreted.
    let fts = (!terms.is_empty()).then(|| {
        f.bind(Param::Text(
            terms
                .iter()
                .map(|t| if is_prefix(t) { format!("\"{t}\"*") } else { format!("\"{t}\"") })
                .collect::<Vec<_>>()
                .join(" "),
        ))
    });
    f.narrow(query);
    let paging = Paging::of(query);
    let (k, id) = (f.k, f.id);
    let title = format!("{k}.sort_title");
    let order = f.order(query.sort, fts.as_ref().map(|_| "f.fts_rank"), &title);
    let filter = f.filter();
    // The matches, joined once with their rank: ranking by a correlated bm25() subquery re-runs
    // the MATCH for every row (quadratic in the matches).
    let from = match &fts {
        Some(p) => format!(
            "{} JOIN (SELECT rowid AS fts_id, bm25(movies_fts) AS fts_rank FROM movies_fts \
             WHERE movies_fts MATCH {p}) f ON f.fts_id = {id}",
            f.base()
        ),
        None => f.base().to_owned(),
    };
    // A plain search (nothing else to filter by) stays inside FTS5: it counts there, and ranks
    // there keeping the best page (ties by id, so pages never overlap) before joining just that
    // page to `movies`.
    let plain = fts.as_ref().filter(|_| f.conditions.len() == 1);
    // The count needs the matches, not their rank: it skips bm25(), which costs more than the
    // matching itself.
    let counted = match (plain, &fts) {
        (Some(p), _) => format!("FROM movies_fts WHERE movies_fts MATCH {p}"),
        (None, Some(p)) => format!(
            "FROM {} WHERE {id} IN (SELECT rowid FROM movies_fts WHERE movies_fts MATCH {p}) AND {filter}",
            f.count_from()
        ),
        (None, None) => format!("FROM {} WHERE {filter}", f.count_from()),
    };
    let Paging { fetch, offset, .. } = paging;
    let page = match plain {
        Some(p) if query.sort == Sort::Relevance => format!(
            "SELECT {CARD_COLUMNS} FROM (SELECT rowid AS fts_id, rank AS fts_rank FROM movies_fts \
             WHERE movies_fts MATCH {p} ORDER BY rank, rowid LIMIT {fetch} OFFSET {offset}) f \
             JOIN movies m ON m.id = f.fts_id WHERE {filter} ORDER BY f.fts_rank, f.fts_id"
        ),
        _ => page_sql(&from, &filter, &order, paging),
    };
    let searching = fts.is_some();
    SearchPlan::assemble(f, paging, searching, count_sql(searching, &counted), page, None)
}
