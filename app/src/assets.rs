//! Where the browser bundle is served from, and the tags in `<head>` that load it.
//!
//! The server names each bundle file after a hash of its content (`/pkg/cinecloud.<hash>.wasm`)
//! and serves those names as immutable, so a returning browser revalidates nothing and a new
//! release is fetched at once. The names are worked out once at start-up and provided to every
//! page as context.

use std::{collections::HashMap, sync::Arc};

use leptos::{nonce::use_nonce, prelude::*};
use leptos_meta::Meta;

/// The URLs of the bundle's JavaScript, WebAssembly and stylesheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    /// The wasm-bindgen glue module.
    pub js: String,
    /// The WebAssembly module.
    pub wasm: String,
    /// The stylesheet.
    pub css: String,
    /// The lazy pages' chunks, when the bundle was built with `--split`. Shared: the URLs are
    /// cloned out of context on every page rendered.
    pub split: Option<Arc<SplitManifest>>,
}

/// What `cargo leptos build --split` wrote beside the bundle: for each lazy function (a page's
/// view), the chunks it needs, and the script that loads them. [`preload_lazy_page`] names a
/// rendered lazy page's chunks in `<head>` from this, so the browser fetches them alongside the
/// main module instead of after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitManifest {
    /// `/pkg`: where the chunks are.
    pub pkg_root: String,
    /// Lazy function → the chunks (file stems) it needs.
    pub chunks: HashMap<String, Vec<String>>,
    /// The loader script's file name (in `pkg_root`).
    pub loader: String,
}

impl AssetUrls {
    /// The names cargo-leptos writes, for a server that has not hashed them (tests without a
    /// built bundle).
    pub fn unhashed(options: &LeptosOptions) -> Self {
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        Self { js: format!("{pkg}.js"), wasm: format!("{pkg}.wasm"), css: format!("{pkg}.css"), split: None }
    }
}

/// The stylesheet, and the module script that hydrates the page (with the request's nonce, which
/// the page's Content-Security-Policy requires).
///
/// The script lets the page's own content go first: it starts fetching the bundle only once the
/// page has painted and its likely largest image (the one marked `fetchpriority="high"`, a cover)
/// has arrived. The bundle is most of a first visit's bytes (≈ 0.4 MB against tens of KB of HTML,
/// CSS and covers); fetched from `<head>` it competes with them on a slow link, and Lighthouse's
/// simulated phone charged the whole of it to the page's largest paint (docs/architecture.md,
/// "Images on phones"). Once it starts, the glue, the main module and a lazy page's chunks (named
/// by [`preload_lazy_page`] in `<meta name="cinecloud-chunks">`) are all requested at once, so a
/// lazy page still makes no waterfall. A page in a background tab paints nothing: it starts at
/// once; and it never waits more than 3 s.
#[component]
pub fn BundleTags(
    /// The bundle's hashed URLs.
    urls: AssetUrls,
) -> impl IntoView {
    let AssetUrls { js, wasm, css, .. } = urls;
    let script = HYDRATE_SCRIPT.replace("$JS", &format!("{js:?}")).replace("$WASM", &format!("{wasm:?}"));
    view! {
        <link rel="stylesheet" id="leptos" href=css />
        <script type="module" nonce=use_nonce()>{script}</script>
    }
}

/// The name of the `<meta>` whose content lists a lazy page's chunks and their loader.
pub const CHUNKS_META: &str = "cinecloud-chunks";

/// See [`BundleTags`]. `$JS` and `$WASM` are replaced by the bundle's URLs as string literals.
const HYDRATE_SCRIPT: &str = r#"const preload = (href) => {
  const link = document.createElement("link");
  if (href.endsWith(".js")) link.rel = "modulepreload";
  else Object.assign(link, { rel: "preload", as: "fetch", type: "application/wasm" });
  link.crossOrigin = "anonymous";
  link.href = href;
  document.head.append(link);
};
let started = false;
const start = () => {
  if (started) return;
  started = true;
  const chunks = document.querySelector('meta[name="cinecloud-chunks"]')?.content ?? "";
  for (const href of [$WASM, ...chunks.split(" ").filter(Boolean)]) preload(href);
  import($JS).then(({ default: init, hydrate }) => init({ module_or_path: $WASM }).then(hydrate));
};
// Never later than this, whatever happens below.
setTimeout(start, 3000);
const hidden = document.visibilityState === "hidden";
const painted = new Promise((done) => {
  if (hidden) return done();
  try {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); done(); }
    }).observe({ type: "paint", buffered: true });
  } catch { done(); }
});
const hero = document.querySelector('img[fetchpriority="high"]');
const heroLoaded = new Promise((done) => {
  if (!hero || hero.complete) return done();
  hero.addEventListener("load", done, { once: true });
  hero.addEventListener("error", done, { once: true });
});
// The hero is painted in the frame after it loads.
Promise.all([painted, heroLoaded]).then(() => hidden ? start() : requestAnimationFrame(() => setTimeout(start)));"#;

impl SplitManifest {
    /// The chunks (file stems) of the lazy page declared as `route` (its type's name, as
    /// `lazy_pages!` gives it). `#[lazy_route]` names the page's view `__{route in snake case}_view`
    /// and `#[lazy]` adds a hash of where it was declared; the manifest is keyed by that name.
    pub fn chunks_of(&self, route: &str) -> Vec<&str> {
        let mut snake = String::from("__");
        for (i, c) in route.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        snake.push_str("_view_");
        let mut chunks: Vec<&str> = self
            .chunks
            .iter()
            .filter(|(name, _)| name.strip_prefix(&snake).is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_digit())))
            .flat_map(|(_, chunks)| chunks.iter().map(String::as_str))
            .collect();
        chunks.sort_unstable();
        chunks.dedup();
        chunks
    }
}

/// Names in `<head>` each chunk the lazy page `route` needs, and the script that loads them, for
/// [`BundleTags`]' script to fetch alongside the main module (so a direct visit makes no
/// waterfall). Called as the page's route is chosen, before anything is rendered. (Leptos has a
/// mechanism of its own, but it registers the page only if its view runs after leptos_axum has
/// set up its context: here the chunks were missing from 5 direct loads in 8.)
pub fn preload_lazy_page(route: &str) {
    let Some(AssetUrls { split: Some(split), .. }) = use_context::<AssetUrls>() else {
        return;
    };
    let chunks = split.chunks_of(route);
    if chunks.is_empty() {
        return;
    }
    let mut urls: Vec<String> = chunks.iter().map(|chunk| format!("{}/{chunk}.wasm", split.pkg_root)).collect();
    urls.push(format!("{}/{}", split.pkg_root, split.loader));
    // Rendering a leptos_meta tag on the server registers it for <head>.
    let _ = view! { <Meta name=CHUNKS_META content=urls.join(" ") /> }.to_html();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hydrating_script_names_the_bundle_and_reads_the_chunks_meta() {
        let script = HYDRATE_SCRIPT
            .replace("$JS", &format!("{:?}", "/pkg/cinecloud.0123.js"))
            .replace("$WASM", &format!("{:?}", "/pkg/cinecloud.4567.wasm"));
        assert!(!script.contains('$'), "every placeholder is filled: {script}");
        assert!(script.contains(r#"import("/pkg/cinecloud.0123.js")"#));
        assert_eq!(script.matches(r#""/pkg/cinecloud.4567.wasm""#).count(), 2, "preloaded, then instantiated");
        assert!(script.contains(&format!(r#"meta[name="{CHUNKS_META}"]"#)));
    }

    #[test]
    fn a_lazy_page_finds_its_chunks_by_its_route_name() {
        let manifest = SplitManifest {
            pkg_root: "/pkg".into(),
            chunks: [
                (
                    "__my_lists_route_view_1015166".to_owned(),
                    vec!["split___my_lists_route_view_1015166".to_owned(), "chunk_3".to_owned()],
                ),
                (
                    "__lists_route_view_1015166".to_owned(),
                    vec!["split___lists_route_view_1015166".to_owned(), "chunk_3".to_owned()],
                ),
                ("__admin_users_route_view_1015166".to_owned(), vec!["chunk_1".to_owned()]),
            ]
            .into(),
            loader: "__wasm_split.x.js".into(),
        };
        assert_eq!(manifest.chunks_of("MyListsRoute"), ["chunk_3", "split___my_lists_route_view_1015166"]);
        assert_eq!(manifest.chunks_of("ListsRoute"), ["chunk_3", "split___lists_route_view_1015166"]);
        assert_eq!(manifest.chunks_of("AdminUsersRoute"), ["chunk_1"]);
        assert!(manifest.chunks_of("HistoryRoute").is_empty());
    }
}
