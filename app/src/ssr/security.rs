//! The Content-Security-Policy of rendered pages, with a per-response nonce for Leptos's inline
//! hydration script. The server's security-headers middleware sends it.

/// The policy for a page whose inline scripts carry `nonce`. `media_origin` is where presigned
/// video URLs point (the S3 bucket), when videos are not served by Cinecloud itself.
pub fn content_security_policy(nonce: &str, media_origin: Option<&str>) -> String {
    let media = media_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:{media}; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}
