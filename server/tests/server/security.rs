//! What no page may do: cross-site writes, oversized bodies, pages without their security headers
//! or with secrets in them.

use cinecloud_core::{Backend, accounts, test_both_backends, testing::MediaBackend};
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
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "a signed-in page is not stored");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");
    assert!(html.contains("Ada"), "the signed-in name is rendered on the server");
    assert!(!html.contains("argon2") && !html.contains("session_epoch"), "no secrets in the hydrated page");

    let missing = client.get(format!("{}/no/such/page", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

/// Item 12 of #15: `Origin` is compared with the configured public URL, never with the
/// request's own `Host`, which whoever sends the request chooses.
async fn an_origin_matching_only_the_host_header_is_refused(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| {
        s.public_url = "https://cinecloud.example".parse().unwrap();
    })
    .await;
    let raw = raw_client();
    let spoofed = raw
        .post(format!("{}/api/sign_up", app.base))
        .header(header::ORIGIN, app.base.clone())
        .form(&[("email", "ada@example.com"), ("display_name", "Ada"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status(), StatusCode::FORBIDDEN);
    assert!(accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().is_none());
}

/// Items 4 and 8 of #15: sign-ups per client and API requests per client are limited, with
/// 429 and `Retry-After`; a page past the paging limit is a 400 that says why.
async fn abuse_limits_answer_429_with_retry_after(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| {
        s.sign_ups_per_hour = 2;
        s.api_requests_per_minute = 8;
    })
    .await;
    for email in ["a@example.com", "b@example.com"] {
        app.signed_up(email).await;
    }
    let third = app
        .client()
        .post(format!("{}/api/sign_up", app.base))
        .form(&[("email", "c@example.com"), ("display_name", "C"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.headers()[header::RETRY_AFTER], "60");
    assert!(accounts::find_by_email(&app.backends.services.db, "c@example.com").await.unwrap().is_none());

    // Three requests so far; the deep page is refused by the API itself.
    let raw = raw_client();
    let deep = raw.get(format!("{}/api/v1/movies?page=5000&per_page=100", app.base)).send().await.unwrap();
    assert_eq!(deep.status(), StatusCode::BAD_REQUEST);
    assert!(deep.text().await.unwrap().contains("10,000"));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(raw.get(format!("{}/api/v1/movies", app.base)).send().await.unwrap());
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes, [200, 200, 200, 200, 429, 429], "eight per minute, then refused");
    assert!(statuses[4].headers()[header::RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() <= 60);
}

test_both_backends!(
    an_origin_matching_only_the_host_header_is_refused,
    abuse_limits_answer_429_with_retry_after,
    cross_site_posts_are_refused_and_change_nothing,
    oversized_bodies_get_413,
    pages_render_with_a_nonce_csp_and_security_headers,
);
