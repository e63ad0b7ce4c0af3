//! Where the browser bundle is served from, and the tags in `<head>` that load it.
//!
//! The server names each bundle file after a hash of its content (`/pkg/cinecloud.<hash>.wasm`)
//! and serves those names as immutable, so a returning browser revalidates nothing and a new
//! release is fetched at once. The names are worked out once at start-up and provided to every
//! page as context.

use leptos::{nonce::use_nonce, prelude::*};

/// The URLs of the bundle's JavaScript, WebAssembly and stylesheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    /// The wasm-bindgen glue module.
    pub js: String,
    /// The WebAssembly module.
    pub wasm: String,
    /// The stylesheet.
    pub css: String,
}

impl AssetUrls {
    /// The names cargo-leptos writes, for a server that has not hashed them (tests without a
    /// built bundle).
    pub fn unhashed(options: &LeptosOptions) -> Self {
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        Self { js: format!("{pkg}.js"), wasm: format!("{pkg}.wasm"), css: format!("{pkg}.css") }
    }
}

/// The stylesheet, the hints that start fetching the bundle while the HTML is still arriving,
/// and the module script that hydrates the page (with the request's nonce, which the page's
/// Content-Security-Policy requires).
#[component]
pub fn BundleTags(urls: AssetUrls) -> impl IntoView {
    let AssetUrls { js, wasm, css } = urls;
    let script =
        format!("import init, {{ hydrate }} from {js:?};\ninit({{ module_or_path: {wasm:?} }}).then(hydrate);");
    view! {
        <link rel="stylesheet" id="leptos" href=css />
        <link rel="modulepreload" href=js crossorigin="anonymous" />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
        <script type="module" nonce=use_nonce()>{script}</script>
    }
}
