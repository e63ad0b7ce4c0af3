//! PostgreSQL's plans. Words are matched in `movies.search_vector`; relevance is two tiers, each
//! by title: movies whose title holds every word, then the rest (people, synopsis). Ranking with
//! `ts_rank` would visit every match's row first.

use super::plan::{Filters, Paging, Param, SearchPlan, count_sql, is_prefix, page_sql, terms};
use crate::{
    catalog::{MovieQuery, Sort},
    db::movies::CARD_COLUMNS,
};

/// The plan of `query` on PostgreSQL.
pub(super) fn plan(query: &MovieQuery) -> SearchPlan {
    let mut f = Filters::new(query);
    let terms = terms(query);
    // The full-text condition, and the title conditions of relevance's first tier.
    let mut tier: Option<(String, String, String)> = None;
    if !terms.is_empty() {
        let p = f.bind(Param::Text(
            terms
                .iter()
                .map(|t| if is_prefix(t) { format!("{t}:*") } else { t.clone() })
                .collect::<Vec<_>>()
                .join(" & "),
        ));
        let matched = format!("m.search_vector @@ to_tsquery('simple', {p})");
        // The first tier is found by the title's own word index (migration 0011; on
        // `movie_genres` in a genre), and a title match is a match, so it is not tested again.
        // The rest tests the title of each full-text match, not of each movie in a genre.
        let in_title = |t: &str| format!("to_tsvector('simple', {t}.sort_title) @@ to_tsquery('simple', {p})");
        tier = Some((matched.clone(), in_title(f.k), in_title("m")));
        f.conditions.push(matched);
    }
    f.narrow(query);
    let paging = Paging::of(query);
    let (k, id) = (f.k, f.id);
    // Titles compare byte-wise, as the indexes do (`sort_title` is folded ASCII), whatever the
    // database's collation.
    let title = format!("{k}.sort_title COLLATE \"C\"");
    let order = f.order(query.sort, None, &title);
    let filter = f.filter();
    let from = f.base();
    let tiers = tier.filter(|_| query.sort == Sort::Relevance).map(|(matched, in_title, in_movie_title)| {
        let others = f.conditions.iter().filter(|c| **c != matched);
        let first = others.cloned().chain([in_title]).collect::<Vec<_>>().join(" AND ");
        (first, format!("{filter} AND NOT ({in_movie_title})"))
    });
    let counted = format!("FROM {} WHERE {filter}", f.count_from());
    let Paging { fetch, offset, .. } = paging;
    let page = match &tiers {
        // The first tier up to the end of this page. `OFFSET 0` keeps the planner from walking
        // the title order in search of the first tier, whose size it cannot estimate (a name
        // found in no title would walk every title): the word index finds the tier, which is
        // then sorted.
        Some((first, _)) => format!(
            "SELECT * FROM (SELECT {CARD_COLUMNS}, {k}.sort_title AS tier_title FROM {from} WHERE {first} \
             OFFSET 0) m ORDER BY m.tier_title COLLATE \"C\", m.id LIMIT {}",
            offset + fetch
        ),
        None => page_sql(from, &filter, &order, paging),
    };
    let rest = tiers.map(|(_, rest)| {
        let (limit, skip) = (f.params.len() + 1, f.params.len() + 2);
        format!("SELECT {CARD_COLUMNS} FROM {from} WHERE {rest} ORDER BY {title}, {id} LIMIT ${limit} OFFSET ${skip}")
    });
    let searching = !terms.is_empty();
    SearchPlan::assemble(f, paging, searching, count_sql(searching, &counted), page, rest)
}
