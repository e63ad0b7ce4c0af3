//! What no page may do: cross-site writes, oversized bodies, pages without their security headers
//! or with secrets in them.

use cinecloud_core::{Backend, accounts, test_both_backends};
use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp, raw_client, session_cookie};

async fn cross_site_posts_are_refused_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let send = |site: Option<&'static str>, origin: Option<&'static str>| {
        // A client without the default same-origin header, carrying the victim's cookies.
        let mut request = client
            .post(format!("{}/api/change_display_name", app.base))
            .header(header::ACCEPT, "text/html")
            .form(&[("display_name", "Pwned")]);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        request.send()
    };
    // reqwest's default header is replaced when the request sets its own value.
    let by_fetch_metadata = send(Some("cross-site"), None).await.unwrap();
    assert_eq!(by_fetch_metadata.status(), StatusCode::FORBIDDEN);
    let same_site = send(Some("same-site"), None).await.unwrap();
    assert_eq!(same_site.status(), StatusCode::FORBIDDEN);
    let user = accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().unwrap();
    assert_eq!(user.display_name, "Ada", "nothing changed");

    // Older browsers send only Origin.
    let raw = raw_client();
    let by_origin = raw
        .post(format!("{}/api/log_in", app.base))
        .header(header::ORIGIN, "https://evil.example")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(by_origin.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(by_origin.headers()).is_none(), "no session was started");
    let own_origin = raw
        .post(format!("{}/api/log_in", app.base))
        .header(header::ORIGIN, app.base.clone())
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(own_origin.status().is_success() || own_origin.status().is_redirection());
}

async fn oversized_bodies_get_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let huge_name = "x".repeat(100 * 1024);
    let (status, _) = app.call(&client, "change_display_name", &[("display_name", huge_name.as_str())]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let response = app.upload_photo(&client, vec![0u8; 7 * 1024 * 1024]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let user = accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().unwrap();
    assert_eq!((user.display_name.as_str(), user.photo_key), ("Ada", None));
}

async fn pages_render_with_a_nonce_csp_and_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let page = client.get(format!("{}/profile", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce in the CSP").to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "strict-origin-when-cross-origin");
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");
    assert!(html.contains("Ada"), "the signed-in name is rendered on the server");
    assert!(!html.contains("argon2") && !html.contains("session_epoch"), "no secrets in the hydrated page");

    let missing = client.get(format!("{}/no/such/page", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

test_both_backends!(
    cross_site_posts_are_refused_and_change_nothing,
    oversized_bodies_get_413,
    pages_render_with_a_nonce_csp_and_security_headers,
);
