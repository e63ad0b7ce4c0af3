//! What no page may do: cross-site writes, oversized bodies, pages without their security headers
//! or with secrets in them.

use cinecloud_core::{Backend, accounts, test_both_backends, testing::MediaBackend};
use reqwest::{StatusCode, header};

use app::api::admin::SecurityEventView;

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

/// Item 6 of #33: behind the load balancer the client is the LAST `X-Forwarded-For` hop (the one
/// the balancer added); a first entry the client wrote itself changes nothing.
async fn the_client_is_the_last_forwarded_hop(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.trust_proxy = true).await;
    app.signed_up("ada@example.com").await;
    let attempt = |forwarded: String, password: &'static str| {
        app.client()
            .post(format!("{}/api/log_in", app.base))
            .header("x-forwarded-for", forwarded)
            .form(&[("email", "ada@example.com"), ("password", password)])
            .send()
    };
    // Five wrong passwords from one client, each claiming another first address…
    for i in 0..5 {
        let status = attempt(format!("203.0.113.{i}, 198.51.100.7"), "wrong").await.unwrap().status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // …use up that client's allowance for the account, whatever it claims next…
    let refused = attempt("192.0.2.200, 198.51.100.7".into(), PASSWORD).await.unwrap().status();
    assert_eq!(refused, StatusCode::TOO_MANY_REQUESTS);
    // …while another client (another last hop) still gets in.
    let other = attempt("203.0.113.1, 198.51.100.8".into(), PASSWORD).await.unwrap().status();
    assert!(other.is_success() || other.is_redirection(), "{other}");
}

/// Item 4 of #33: a page opened directly that refuses or cannot find what was asked answers its
/// status every time — decided before the response head goes out, not while the page streams
/// (a viewer opening `/admin/recommender` got 403 on one try and 200 on another).
async fn refused_and_missing_pages_answer_their_status_every_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.signed_up("ada@example.com").await;
    let visitor = app.client();
    let kinds: [(&reqwest::Client, &[&str], StatusCode); 3] = [
        (&viewer, &["/admin/recommender", "/admin/users", "/admin/security", "/admin"], StatusCode::FORBIDDEN),
        (
            &visitor,
            &["/profile", "/history", "/me/stats", "/lists", "/watch/1", "/admin/users", "/admin"],
            StatusCode::UNAUTHORIZED,
        ),
        (&viewer, &["/movies/999999", "/people/999999", "/watch/999999", "/no/such/page"], StatusCode::NOT_FOUND),
    ];
    let mut wrong = Vec::new();
    for (client, paths, expected) in kinds {
        for i in 0..50 {
            let path = paths[i % paths.len()];
            let page = client
                .get(format!("{}{path}", app.base))
                .timeout(std::time::Duration::from_secs(20))
                .send()
                .await
                .unwrap_or_else(|e| panic!("load {i} of {path}: {e:?}"));
            if page.status() != expected {
                wrong.push(format!("{path}: {} instead of {expected}", page.status()));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of 150 direct loads had the wrong status: {wrong:?}", wrong.len());
}

test_both_backends!(
    refused_and_missing_pages_answer_their_status_every_time,
    the_client_is_the_last_forwarded_hop,
    an_origin_matching_only_the_host_header_is_refused,
    abuse_limits_answer_429_with_retry_after,
    cross_site_posts_are_refused_and_change_nothing,
    oversized_bodies_get_413,
    pages_render_with_a_nonce_csp_and_security_headers,
    security_events_are_recorded_and_admins_read_them,
);

/// Opens a raw connection, sends `request`, and reads until the server hangs up (within 5 s);
/// returns what it answered and how long it took.
async fn answer_to_a_stalled_request(base: &str, request: &[u8]) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server still holds the stalled connection after 5 s")
        .unwrap();
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

#[tokio::test]
async fn slow_clients_are_dropped_at_the_read_deadlines() {
    let app = TestApp::spawn_configured(Backend::Sqlite, MediaBackend::Local, |s| {
        s.read_timeouts = server::config::ReadTimeouts {
            header: std::time::Duration::from_secs(1),
            body_idle: std::time::Duration::from_secs(1),
        };
    })
    .await;
    let host = app.base.trim_start_matches("http://").to_owned();

    // Half a request head, then nothing (slowloris): the connection is closed at the deadline.
    let (_, waited) =
        answer_to_a_stalled_request(&app.base, format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n").as_bytes()).await;
    assert!(waited >= std::time::Duration::from_millis(900), "closed only at the deadline, after {waited:?}");

    // A whole head, then a body that stops after 10 of the 1,000 bytes it announced: the request
    // is answered with an error and the connection closed, instead of waiting for the rest.
    let head = format!(
        "POST /api/log_in HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nemail=ada%",
        base = app.base
    );
    let (answer, waited) = answer_to_a_stalled_request(&app.base, head.as_bytes()).await;
    let status = answer.lines().next().unwrap_or_default().to_owned();
    assert!(status.starts_with("HTTP/1.1 4") || status.starts_with("HTTP/1.1 5"), "{status:?} after {waited:?}");
    assert!(waited >= std::time::Duration::from_millis(900), "answered only at the deadline, after {waited:?}");

    // A client that sends its request in time is served as always.
    let healthy = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(healthy.status(), StatusCode::OK);
}

/// Item 2 of #33: a socket that sends nothing, or half of the HTTP/2 preface, is closed at the
/// head deadline (hyper-util sniffs the protocol before hyper's own head timer starts), and 500
/// of them at once do not keep `/healthz` from answering.
#[tokio::test]
async fn silent_connections_are_closed_at_the_head_deadline() {
    use tokio::io::AsyncReadExt;
    let deadline = std::time::Duration::from_secs(1);
    let app = TestApp::spawn_configured(Backend::Sqlite, MediaBackend::Local, |s| {
        s.read_timeouts = server::config::ReadTimeouts { header: deadline, body_idle: deadline };
    })
    .await;
    let late = deadline + std::time::Duration::from_secs(1);
    for (what, sent) in [("nothing", &b""[..]), ("half an HTTP/2 preface", &b"PRI * HTTP/2.0\r\n"[..])] {
        let (_, waited) = answer_to_a_stalled_request(&app.base, sent).await;
        assert!(waited >= deadline - std::time::Duration::from_millis(100), "{what}: closed early, after {waited:?}");
        assert!(waited <= late, "{what}: still open {waited:?} after it was sent");
    }

    let address = app.base.trim_start_matches("http://").to_owned();
    let opened = std::time::Instant::now();
    let mut silent = tokio::task::JoinSet::new();
    for _ in 0..500 {
        let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        silent.spawn(async move {
            let mut stream = stream;
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
        });
    }
    for _ in 0..5 {
        let asked = std::time::Instant::now();
        let health = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        assert!(asked.elapsed() < std::time::Duration::from_millis(500), "/healthz took {:?}", asked.elapsed());
    }
    let all_closed =
        // Generous: on a busy machine the last of 500 sockets is accepted well after the first
        // was opened, and its deadline counts from then. Without the deadline none would close.
        tokio::time::timeout(late.saturating_sub(opened.elapsed()) + std::time::Duration::from_secs(3), async {
            while silent.join_next().await.is_some() {}
        })
        .await;
    assert!(all_closed.is_ok(), "{} of 500 silent sockets still open after {:?}", silent.len(), opened.elapsed());
}

/// Item 11 of #15: what happens through the pages is recorded — sign-out, password changes
/// (failed and done), a viewer refused an admin call, a role change with who made it, deletion —
/// and admins (only) read it back, newest first.
async fn security_events_are_recorded_and_admins_read_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.signed_up("ada@example.com").await;
    let wrong = [("current_password", "not my password"), ("new_password", "a brand new passphrase")];
    assert_eq!(app.call(&ada, "change_password", &wrong).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let right = [("current_password", PASSWORD), ("new_password", "a brand new passphrase")];
    assert!(app.call(&ada, "change_password", &right).await.0.is_success());
    let refused = app.get::<Vec<SecurityEventView>>(&ada, "admin/security_events").await.unwrap_err();
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = |status: StatusCode| status.is_success() || status.is_redirection();
    assert!(done(app.call(&ada, "log_out", &[]).await.0));

    let root = app.admin().await;
    let ada_id = accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().unwrap().id;
    let id = ada_id.to_string();
    assert!(app.call(&root, "admin/set_user_role", &[("user_id", &id), ("role", "admin")]).await.0.is_success());
    let ada = app.logged_in("ada@example.com", "a brand new passphrase").await;
    assert!(done(app.call(&ada, "delete_account", &[("password", "a brand new passphrase")]).await.0));

    let events: Vec<SecurityEventView> = app.get(&root, "admin/security_events").await.unwrap();
    let seen: Vec<(&str, &str, &str, &str, &str)> = events
        .iter()
        .rev()
        .map(|e| (e.kind.as_str(), e.outcome.as_str(), e.account.as_str(), e.actor.as_str(), e.detail.as_str()))
        .collect();
    // Ada's account is gone, so events about her name her by id.
    let ada = format!("#{ada_id}");
    assert_eq!(
        seen,
        vec![
            ("sign_up", "success", ada.as_str(), "", ""),
            ("password_change", "failure", ada.as_str(), "", ""),
            ("password_change", "success", ada.as_str(), "", ""),
            ("refused", "refused", ada.as_str(), "", "/api/admin/security_events"),
            ("sign_out", "success", ada.as_str(), "", ""),
            ("sign_in", "success", "root@example.com", "", ""),
            ("role_change", "success", ada.as_str(), "root@example.com", "admin"),
            ("sign_in", "success", ada.as_str(), "", ""),
            ("account_deletion", "success", ada.as_str(), "", ""),
        ]
    );
    assert!(events.iter().all(|e| e.client == "127.0.0.1"), "{events:?}");
}
