//! The browser entry point: hydrates the page the server rendered.

/// Called by the generated JavaScript once the WebAssembly module has loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a page whose code is in a chunk of its own (see `app`'s `lazy_pages!`) waits for that
    // chunk before it hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
