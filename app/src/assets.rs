//! Where the browser bundle is served from, and the tags in `<head>` that load it.
//!
//! The server names each bundle file after a hash of its content (`/pkg/cinecloud.<hash>.wasm`)
//! and serves those names as immutable, so a returning browser revalidates nothing and a new
//! release is fetched at once. The names are worked out once at start-up and provided to every
//! page as context.

use std::{collections::HashMap, sync::Arc};

use leptos::{nonce::use_nonce, prelude::*};
use leptos_meta::Link;

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

/// The stylesheet, the hints that start fetching the bundle while the HTML is still arriving,
/// and the module script that hydrates the page (with the request's nonce, which the page's
/// Content-Security-Policy requires).
#[component]
pub fn BundleTags(urls: AssetUrls) -> impl IntoView {
    let AssetUrls { js, wasm, css, .. } = urls;
    let script =
        format!("import init, {{ hydrate }} from {js:?};\ninit({{ module_or_path: {wasm:?} }}).then(hydrate);");
    view! {
        <link rel="stylesheet" id="leptos" href=css />
        <link rel="modulepreload" href=js crossorigin="anonymous" />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
        <script type="module" nonce=use_nonce()>{script}</script>
    }
}

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

/// Adds to `<head>` a preload of each chunk the lazy page `route` needs, and of the script that
/// loads them, so a direct visit fetches them while the main module is still arriving. Called as
/// the page's route is chosen, before anything is rendered. (Leptos has a mechanism of its own,
/// but it registers the page only if its view runs after leptos_axum has set up its context:
/// here the chunks were missing from 5 direct loads in 8.)
pub fn preload_lazy_page(route: &str) {
    let Some(AssetUrls { split: Some(split), .. }) = use_context::<AssetUrls>() else {
        return;
    };
    let chunks = split.chunks_of(route);
    if chunks.is_empty() {
        return;
    }
    for chunk in chunks {
        // Rendering a leptos_meta tag on the server registers it for <head>.
        let _ = view! {
            <Link
                rel="preload"
                href=format!("{}/{chunk}.wasm", split.pkg_root)
                as_="fetch"
                type_="application/wasm"
                crossorigin="anonymous"
            />
        }
        .to_html();
    }
    let _ = view! { <Link rel="modulepreload" href=format!("{}/{}", split.pkg_root, split.loader) crossorigin="anonymous" /> }
        .to_html();
}

#[cfg(test)]
mod tests {
    use super::*;

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
