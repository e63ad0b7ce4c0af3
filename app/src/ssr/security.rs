//! The Content-Security-Policy of rendered pages, with a per-response nonce for Leptos's inline
//! hydration script.

use leptos::{nonce::use_nonce, prelude::*};
use leptos_axum::ResponseOptions;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sends the page's CSP header (called while rendering on the server).
pub fn send_content_security_policy() {
    if let (Some(nonce), Some(options)) = (use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce))
    {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
