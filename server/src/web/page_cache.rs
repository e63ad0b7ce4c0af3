//! Catalog pages rendered once for visitors and sent many times (#35 item 4).
//!
//! A visitor's `/`, `/movies…` and `/top-rated…` depend on the URL, the theme cookie and the
//! catalog only. Rendering one costs this server over a millisecond of CPU; sending a kept copy
//! costs a few microseconds. So each server keeps the pages it rendered for visitors, keyed by
//! the URL and [`app::ssr::visitor_variant`], and sends a copy again while
//!
//! - the catalog's [`Freshness`] is the one it was rendered under: an edit shows on this server
//!   at once and on the others within the catalog cache's recheck interval (1 s), exactly as
//!   the lists do; a rating given on this server shows at once;
//! - it is younger than [`MAX_AGE`]: rating totals given on other servers (which do not move
//!   the version) show within that plus the catalog cache's own page age.
//!
//! Each copy is kept with its CSP nonce cut out; the nonce of the response's own policy is put
//! back in each time, so no two responses share one. A page carries a weak `ETag` over that
//! nonce-free text, and a browser that revalidates with it gets `304` and no body. (The `304`
//! carries no policy — see `security_headers` — so the browser keeps the policy whose nonce
//! matches the copy it holds.)
//!
//! Signed-in viewers' pages are never kept nor sent from here: a request with a session cookie
//! passes straight through, as does anything but `GET`.

use std::{
    num::NonZeroUsize,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, response::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use cinecloud_core::catalog::Freshness;
use http_body_util::BodyExt;
use leptos::nonce::Nonce;
use lru::LruCache;

use cinecloud_core::Services;

use super::{
    assets::content_hash,
    headers::{has_session_cookie, if_none_match_names},
};

/// What the visitor-page layer reads of the server's state (given to it in an `Arc`, so each
/// request clones one reference).
#[derive(Debug)]
pub struct PageCacheState {
    /// The catalog cache's freshness comes from here.
    pub services: Services,
    /// The pages kept.
    pub pages: PageCache,
}

/// How long a kept page is sent at most.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Bytes of pages kept per server, least recently used out first.
const BUDGET: usize = 16 << 20;
/// A page longer than this is sent but not kept.
const LARGEST: usize = 1 << 20;
/// Pages kept per server at most, whatever their size.
const ENTRIES: usize = 4_096;

/// The pages a visitor may be sent from the cache: the catalog's lists.
fn kept_path(path: &str) -> bool {
    matches!(path, "/" | "/movies" | "/top-rated")
}

/// A page as kept: its text split where the nonce was, and what it is sent with.
#[derive(Debug)]
struct Kept {
    freshness: Freshness,
    stored: Instant,
    /// The page's text between its nonces.
    pieces: Vec<Bytes>,
    /// The response's own headers (no cookie: such a response is not kept).
    headers: HeaderMap,
    etag: HeaderValue,
    size: usize,
}

impl Kept {
    fn answer(&self, request: &HeaderMap, nonce: &str) -> Response {
        if if_none_match_names(request, self.etag.to_str().unwrap_or_default()) {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, self.etag.clone())]).into_response();
        }
        let mut body = Vec::with_capacity(self.size + nonce.len() * self.pieces.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

type Key = (String, &'static str);

#[derive(Debug)]
struct Pages {
    entries: LruCache<Key, Arc<Kept>>,
    bytes: usize,
}

/// What the page cache has done since start, for tests and the load script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageCacheStats {
    /// Pages sent from the cache (`304`s included).
    pub hits: u64,
    /// Pages rendered because none was kept, or the one kept was stale.
    pub misses: u64,
}

/// The visitor pages one server keeps. Clones share them.
#[derive(Clone, Debug)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pages: Mutex<Pages>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for PageCache {
    fn default() -> Self {
        let entries = LruCache::new(NonZeroUsize::new(ENTRIES).expect("more than none"));
        Self {
            inner: Arc::new(Inner {
                pages: Mutex::new(Pages { entries, bytes: 0 }),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
            }),
        }
    }
}

impl PageCache {
    /// What the cache has done since start.
    pub fn stats(&self) -> PageCacheStats {
        PageCacheStats {
            hits: self.inner.hits.load(Ordering::Relaxed),
            misses: self.inner.misses.load(Ordering::Relaxed),
        }
    }

    fn get(&self, key: &Key, freshness: Freshness) -> Option<Arc<Kept>> {
        let mut pages = self.inner.pages.lock().expect("page cache lock");
        let kept = pages.entries.get(key)?;
        (kept.freshness == freshness && kept.stored.elapsed() < MAX_AGE).then(|| Arc::clone(kept))
    }

    fn put(&self, key: Key, kept: Kept) {
        let mut pages = self.inner.pages.lock().expect("page cache lock");
        pages.bytes += kept.size;
        if let Some((_, old)) = pages.entries.push(key, Arc::new(kept)) {
            pages.bytes -= old.size;
        }
        while pages.bytes > BUDGET {
            let Some((_, old)) = pages.entries.pop_lru() else { break };
            pages.bytes -= old.size;
        }
    }
}

/// The cache's key for a request it may answer: a visitor's `GET` of a list page.
fn key_of(request: &Request) -> Option<Key> {
    // Cheapest test first: this runs for every request the server answers.
    if request.method() != Method::GET || !kept_path(request.uri().path()) || has_session_cookie(request.headers()) {
        return None;
    }
    let uri = request.uri().path_and_query()?.as_str().to_owned();
    Some((uri, app::ssr::visitor_variant(request.headers())))
}

/// Sends a visitor's list page from the cache when a fresh copy is kept; otherwise renders it
/// and keeps it (see the module's documentation). Runs inside `security_headers`, which puts
/// the response's nonce in the request.
pub async fn visitor_pages(State(state): State<Arc<PageCacheState>>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request) else { return next.run(request).await };
    let Some(nonce) = request.extensions().get::<Nonce>().map(|n| n.to_string()) else {
        return next.run(request).await;
    };
    let services = &state.services;
    let Ok(freshness) = services.catalog.freshness(&services.db).await else {
        // The page itself will say what is wrong.
        return next.run(request).await;
    };
    let cache = &state.pages;
    if let Some(kept) = cache.get(&key, freshness) {
        cache.inner.hits.fetch_add(1, Ordering::Relaxed);
        return kept.answer(request.headers(), &nonce);
    }
    cache.inner.misses.fetch_add(1, Ordering::Relaxed);
    let conditional = request.headers().get_all(header::IF_NONE_MATCH).iter().cloned().collect::<Vec<_>>();
    let response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::warn!(error = %error, "a page failed while it was rendered");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if text.len() > LARGEST {
        return Response::from_parts(parts, Body::from(text));
    }
    let kept = keep(parts, &text, &nonce, freshness);
    let mut asked = HeaderMap::new();
    for value in conditional {
        asked.append(header::IF_NONE_MATCH, value);
    }
    let answer = kept.answer(&asked, &nonce);
    cache.put(key, kept);
    answer
}

/// Whether a rendered answer may be kept: a whole page that sets no cookie.
fn keepable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CACHE_CONTROL)
        && headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

fn keep(mut parts: Parts, text: &Bytes, nonce: &str, freshness: Freshness) -> Kept {
    let pieces = split_at(text, nonce.as_bytes());
    let mut hasher_input = Vec::with_capacity(text.len());
    for piece in &pieces {
        hasher_input.extend_from_slice(piece);
        hasher_input.push(0);
    }
    let etag = HeaderValue::from_str(&format!("W/\"{}\"", content_hash(&hasher_input))).expect("hex is a valid header");
    parts.headers.insert(header::ETAG, etag.clone());
    parts.headers.remove(header::CONTENT_LENGTH);
    let size = pieces.iter().map(Bytes::len).sum();
    Kept { freshness, stored: Instant::now(), pieces, headers: parts.headers, etag, size }
}

/// `text` cut at every occurrence of `needle` (which is not kept).
fn split_at(text: &Bytes, needle: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for at in memchr::memmem::find_iter(text, needle) {
        pieces.push(text.slice(start..at));
        start = at + needle.len();
    }
    pieces.push(text.slice(start..));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_page_is_cut_at_each_nonce_and_put_back_with_another() {
        let text = Bytes::from_static(b"<script nonce=\"abc\">1</script><p>x</p><script nonce=\"abc\">2</script>");
        let freshness = Freshness { version: 1, local: 0 };
        let kept = keep(Response::new(()).into_parts().0, &text, "abc", freshness);
        assert_eq!(kept.pieces.len(), 3);
        assert_eq!(kept.size, text.len() - 6);
        let answer = kept.answer(&HeaderMap::new(), "xyz");
        let body = answer.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"<script nonce=\"xyz\">1</script><p>x</p><script nonce=\"xyz\">2</script>");
        // The tag does not depend on the nonce the page was rendered with.
        let other = Bytes::from_static(b"<script nonce=\"q\">1</script><p>x</p><script nonce=\"q\">2</script>");
        let again = keep(Response::new(()).into_parts().0, &other, "q", freshness);
        assert_eq!(again.etag, kept.etag);
    }

    #[test]
    fn the_cache_keeps_at_most_its_budget_in_bytes() {
        let cache = PageCache::default();
        let freshness = Freshness { version: 1, local: 0 };
        let page = Bytes::from(vec![b'x'; LARGEST]);
        for i in 0..(BUDGET / LARGEST + 3) {
            let kept = keep(Response::new(()).into_parts().0, &page, "nonce", freshness);
            cache.put((format!("/movies?page={i}"), "system"), kept);
        }
        let pages = cache.inner.pages.lock().unwrap();
        assert!(pages.bytes <= BUDGET, "{} bytes kept", pages.bytes);
        assert_eq!(pages.entries.len(), BUDGET / LARGEST);
        assert!(pages.entries.peek(&("/movies?page=0".to_owned(), "system")).is_none(), "the oldest went first");
    }

    #[test]
    fn a_kept_page_is_sent_only_under_its_freshness() {
        let cache = PageCache::default();
        let key = ("/movies".to_owned(), "dark");
        let freshness = Freshness { version: 3, local: 1 };
        cache.put(key.clone(), keep(Response::new(()).into_parts().0, &Bytes::from_static(b"<p>"), "n", freshness));
        assert!(cache.get(&key, freshness).is_some());
        assert!(cache.get(&key, Freshness { version: 4, local: 1 }).is_none(), "another server edited");
        assert!(cache.get(&key, Freshness { version: 3, local: 2 }).is_none(), "this server edited or rated");
        assert!(cache.get(&("/movies".to_owned(), "light"), freshness).is_none(), "another theme");
    }
}
