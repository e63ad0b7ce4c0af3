//! Accounts through the real router: admin-only functions, sign-in that gives nothing away and is
//! throttled, field errors, profile photos, the first-admin link, and deleting an account.

use std::time::{Duration, Instant};

use app::{
    api::admin::{AccountSummary, SecurityEventView},
    error::AppError,
};
use cinecloud_core::{Backend, accounts, accounts::Role, test_both_backends};
use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp, png};

async fn admin_functions_refuse_anonymous_and_viewer_callers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let viewer = app.signed_up("ada@example.com").await;
    let ada = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let id = ada.id.to_string();
    let form = [("user_id", id.as_str()), ("role", "admin")];

    let anonymous = app.post::<AccountSummary>(&app.client(), "admin/set_user_role", &form).await;
    assert_eq!(anonymous.unwrap_err().status, StatusCode::UNAUTHORIZED);
    let by_viewer = app.post::<AccountSummary>(&viewer, "admin/set_user_role", &form).await;
    assert_eq!(by_viewer.unwrap_err().status, StatusCode::FORBIDDEN);
    let listed = app.get::<app::api::admin::UserPage>(&viewer, "admin/list_users").await;
    assert_eq!(listed.unwrap_err().status, StatusCode::FORBIDDEN);
    assert_eq!(accounts::find_user(db, ada.id).await.unwrap().role, Role::Viewer, "nothing changed");

    let admin = app.admin().await;
    // Read as sent: no hash may be in it.
    let response = admin.get(format!("{}/api/admin/list_users", app.base)).send().await.unwrap();
    let (status, body) = (response.status(), response.text().await.unwrap());
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ada@example.com") && !body.contains("argon2"), "{body}");
    let promoted = app.post::<AccountSummary>(&admin, "admin/set_user_role", &form).await.unwrap();
    assert_eq!(promoted.role, app::api::admin::Role::Admin);
    assert_eq!(accounts::find_user(db, ada.id).await.unwrap().role, Role::Admin);
}

async fn unknown_email_and_wrong_password_look_the_same(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_up("ada@example.com").await;
    let c = app.client();
    let mut wrong_times = Vec::new();
    let mut unknown_times = Vec::new();
    let mut answers = Vec::new();
    for i in 0..4 {
        let started = Instant::now();
        answers.push(app.call(&c, "log_in", &[("email", "ada@example.com"), ("password", "not the password")]).await);
        wrong_times.push(started.elapsed());
        let unknown = format!("nobody{i}@example.com");
        let started = Instant::now();
        answers.push(app.call(&c, "log_in", &[("email", &unknown), ("password", "not the password")]).await);
        unknown_times.push(started.elapsed());
    }
    let first = answers[0].clone();
    assert_eq!(first.0, StatusCode::UNAUTHORIZED);
    assert!(answers.iter().all(|a| *a == first), "identical status and body: {answers:?}");
    // Both paths run one argon2 verification, so their fastest tries are of the same size
    // (without the unknown account's dummy verification it answers in a fraction of the time).
    // The fastest, not the median: a busy machine only ever adds time, so the minimum of four
    // is the least disturbed figure.
    let fastest = |v: Vec<Duration>| v.into_iter().min().unwrap().as_secs_f64();
    let ratio = fastest(unknown_times) / fastest(wrong_times);
    assert!((0.5..2.0).contains(&ratio), "unknown/wrong time ratio {ratio:.2}");
}

async fn repeated_failures_are_rate_limited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_up("ada@example.com").await;
    let c = app.client();
    for _ in 0..5 {
        let (status, _) = app.call(&c, "log_in", &[("email", "ada@example.com"), ("password", "wrong")]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.call(&c, "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

async fn validation_errors_name_the_field_with_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let refused = app
        .post::<()>(&c, "sign_up", &[("email", "nope"), ("display_name", "A"), ("password", PASSWORD)])
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(matches!(refused.error(), Some(AppError::Invalid { field, .. }) if field == "email"), "{refused:?}");
    let refused = app
        .post::<()>(&c, "sign_up", &[("email", "a@example.com"), ("display_name", "A"), ("password", "password")])
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.error().and_then(|e| e.field_message("password")).is_some_and(|m| m.contains("common")));
}

async fn profile_photo_is_served_with_ranges_and_caching(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let response = app.upload_photo(&client, png(400, 300)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let viewer = app.viewer(&client).await.unwrap();
    let url = format!("{}{}", app.base, viewer.photo_url.as_deref().expect("a photo URL"));

    let whole = client.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
    assert!(whole.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    let etag = whole.headers()[header::ETAG].clone();
    let bytes = whole.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 256);

    let part = client.get(&url).header(header::RANGE, "bytes=0-9").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()[header::CONTENT_RANGE], format!("bytes 0-9/{}", bytes.len()).as_str());
    assert_eq!(part.bytes().await.unwrap(), bytes[..10]);
    let beyond = client.get(&url).header(header::RANGE, "bytes=99999999-").send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()[header::CONTENT_RANGE], format!("bytes */{}", bytes.len()).as_str());
    let cached = client.get(&url).header(header::IF_NONE_MATCH, etag).send().await.unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    for private in ["/media/videos/1/x.mp4", "/media/profiles/../../etc/passwd", "/media/profiles/1/missing.jpg"] {
        let r = client.get(format!("{}{private}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{private}");
    }

    // A bad upload keeps the photo and says why.
    let response = app.upload_photo(&client, b"plain text".to_vec()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("JPEG, PNG or WebP"));
    assert_eq!(app.viewer(&client).await.unwrap().photo_url, viewer.photo_url);
}

async fn setup_link_creates_the_first_admin_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = accounts::issue_setup_token(&app.backends.services.db).await.unwrap().unwrap();
    let c = app.client();
    let form =
        [("token", token.as_str()), ("email", "root@example.com"), ("display_name", "Root"), ("password", PASSWORD)];
    let (status, body) = app.call(&c, "create_first_admin", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert!(app.viewer(&c).await.unwrap().is_admin);
    let again =
        [("token", token.as_str()), ("email", "two@example.com"), ("display_name", "Two"), ("password", PASSWORD)];
    let (status, _) = app.call(&app.client(), "create_first_admin", &again).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(accounts::find_by_email(&app.backends.services.db, "two@example.com").await.unwrap().is_none());

    // Item 6 of #33: both uses of the link are security events, the refused one too.
    let events: Vec<SecurityEventView> = app.get(&c, "admin/security_events").await.unwrap();
    let uses: Vec<(&str, &str)> = events
        .iter()
        .rev()
        .filter(|e| e.kind == "setup_link")
        .map(|e| (e.outcome.as_str(), e.account.as_str()))
        .collect();
    assert_eq!(uses, [("success", "root@example.com"), ("failure", "")], "{events:?}");
}

async fn deleting_the_account_needs_the_password_and_signs_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let (status, _) = app.call(&client, "delete_account", &[("password", "wrong")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().is_some());
    let deleted =
        client.post(format!("{}/api/delete_account", app.base)).form(&[("password", PASSWORD)]).send().await.unwrap();
    assert!(deleted.status().is_success() || deleted.status().is_redirection(), "{}", deleted.status());
    // Item 6 of #33: the browser is told to drop what it cached and stored for the site.
    assert_eq!(deleted.headers().get("clear-site-data").map(|v| v.to_str().unwrap()), Some("\"cache\", \"storage\""));
    assert!(accounts::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().is_none());
    assert!(app.viewer(&client).await.is_none());
}

/// Item 1 of #33, from outside: 40 wrong passwords sent at once from 8 client addresses
/// (127.0.0.2–9), half of them to each of two servers on one database, are verified at most 10
/// times; meanwhile the owner's browser, which signed in before, gets in, and the owner on a new
/// browser is told why not and when to try again.
async fn guessing_from_many_addresses_on_two_servers_is_bounded_and_the_owner_gets_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let other = app.another_server(|_| {}).await;
    // The browser Ada signed up with, and one she later signed in with: both are her devices.
    let first = app.signed_up("ada@example.com").await;
    let second = app.logged_in("ada@example.com", PASSWORD).await;

    let browser_at = |last: u8| {
        let mut headers = header::HeaderMap::new();
        headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    };
    let guessers: Vec<reqwest::Client> = (2..=9).map(browser_at).collect();
    let servers = [app.base.clone(), other.base.clone()];
    let guesses = (0..40).map(|i| {
        let client = guessers[i % 8].clone();
        let url = format!("{}/api/log_in", servers[i / 8 % 2]);
        tokio::spawn(async move {
            let form = [("email", "ada@example.com".to_owned()), ("password", format!("guess {i}"))];
            client.post(url).form(&form).send().await.unwrap().status()
        })
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses).await.into_iter().map(Result::unwrap).collect();
    let verified = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(verified + refused, 40, "{statuses:?}");
    assert!(verified <= 10, "{verified} of 40 guesses were verified");

    // The owner's browsers sign in on either server during the attack.
    for (which, owner) in [("the sign-up browser", &first), ("the signed-in browser", &second)] {
        for base in &servers {
            let form = [("email", "ada@example.com"), ("password", PASSWORD)];
            let status = owner.post(format!("{base}/api/log_in")).form(&form).send().await.unwrap().status();
            assert!(status.is_success() || status.is_redirection(), "{which} on {base}: {status}");
        }
    }
    // A browser that never signed in is told what happened and when to try again.
    let (status, body) =
        app.call(&browser_at(10), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let refusal: AppError = serde_json::from_str(&body).unwrap();
    assert!(matches!(refusal, AppError::NewDevicesLimited { retry_after_secs } if retry_after_secs > 0), "{refusal:?}");
    assert!(refusal.to_string().contains("device you used before"), "{refusal}");
}

/// #20: an admin disables a viewer. The viewer's open session stops working at its very next
/// request, signing in again is refused with a 403 that says why, and once enabled again the
/// viewer signs in as before. Only admins may do it.
async fn a_disabled_viewers_session_ends_at_its_next_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let viewer = app.signed_up("ada@example.com").await;
    let ada = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let id = ada.id.to_string();
    let disable = [("user_id", id.as_str()), ("disabled", "true")];
    assert!(app.get::<Vec<serde_json::Value>>(&viewer, "lists/mine").await.is_ok(), "signed in");
    let by_viewer = app.post::<AccountSummary>(&viewer, "admin/set_user_disabled", &disable).await;
    assert_eq!(by_viewer.unwrap_err().status, StatusCode::FORBIDDEN);
    let anonymous = app.post::<AccountSummary>(&app.client(), "admin/set_user_disabled", &disable).await;
    assert_eq!(anonymous.unwrap_err().status, StatusCode::UNAUTHORIZED);

    let admin = app.admin().await;
    let disabled = app.post::<AccountSummary>(&admin, "admin/set_user_disabled", &disable).await.unwrap();
    assert!(disabled.disabled);
    let refused = app.get::<Vec<serde_json::Value>>(&viewer, "lists/mine").await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "the open session ended: {}", refused.body);
    let again = app
        .post::<serde_json::Value>(&app.client(), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)])
        .await;
    let again = again.unwrap_err();
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(serde_json::from_str::<AppError>(&again.body).unwrap(), AppError::AccountDisabled);

    let enable = [("user_id", id.as_str()), ("disabled", "false")];
    assert!(!app.post::<AccountSummary>(&admin, "admin/set_user_disabled", &enable).await.unwrap().disabled);
    let back = app.logged_in("ada@example.com", PASSWORD).await;
    assert!(app.get::<Vec<serde_json::Value>>(&back, "lists/mine").await.is_ok());
}

test_both_backends!(
    a_disabled_viewers_session_ends_at_its_next_request,
    guessing_from_many_addresses_on_two_servers_is_bounded_and_the_owner_gets_in,
    admin_functions_refuse_anonymous_and_viewer_callers,
    unknown_email_and_wrong_password_look_the_same,
    repeated_failures_are_rate_limited,
    validation_errors_name_the_field_with_422,
    profile_photo_is_served_with_ranges_and_caching,
    setup_link_creates_the_first_admin_once,
    deleting_the_account_needs_the_password_and_signs_out,
);
