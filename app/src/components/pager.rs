//! Page links under a paged list of movies: previous, the first and last pages and two either
//! side of the current one, next. Each page is a link, so it can be opened, shared and reloaded.

use leptos::prelude::*;
use leptos_router::components::A;

/// The page numbers to link: the first, the last and two either side of the current one;
/// `None` marks a gap.
fn page_numbers(current: u32, pages: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    for p in 1..=pages {
        if p == 1 || p == pages || p.abs_diff(current) <= 2 {
            out.push(Some(p));
        } else if out.last() != Some(&None) {
            out.push(None);
        }
    }
    out
}

/// The links for page `current` of `pages`, each to `link(page)`; nothing when there is one page.
pub fn pager(current: u32, pages: u32, link: impl Fn(u32) -> String) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(current > 1).then(|| view! { <A href=link(current - 1) attr:rel="prev">"← Previous"</A> })}
                <ol class="page-links">
                    {page_numbers(current, pages).into_iter().map(|p| match p {
                        Some(p) if p == current => view! { <li><span aria-current="page">{p}</span></li> }.into_any(),
                        Some(p) => view! { <li><A href=link(p) attr:aria-label=format!("Page {p}")>{p}</A></li> }.into_any(),
                        None => view! { <li><span aria-hidden="true">"…"</span></li> }.into_any(),
                    }).collect_view()}
                </ol>
                {(current < pages).then(|| view! { <A href=link(current + 1) attr:rel="next">"Next →"</A> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_numbers_keep_the_ends_and_the_neighbourhood() {
        let shown = |c, n| {
            super::page_numbers(c, n)
                .into_iter()
                .map(|p| p.map_or("…".into(), |p| p.to_string()))
                .collect::<Vec<String>>()
                .join(" ")
        };
        assert_eq!(shown(1, 3), "1 2 3");
        assert_eq!(shown(1, 10), "1 2 3 … 10");
        assert_eq!(shown(6, 10), "1 … 4 5 6 7 8 … 10");
        assert_eq!(shown(10, 10), "1 … 8 9 10");
    }
}
