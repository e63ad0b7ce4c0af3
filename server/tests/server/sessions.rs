//! Sessions through the real router: a new id at sign-in, sign-out and password changes that end
//! sessions on the server, the idle and absolute lifetimes, and cookies over HTTPS.

use std::time::Duration;

use cinecloud_core::{Backend, test_both_backends, testing::MediaBackend};
use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp, raw_client, raw_sign_up, session_cookie};

async fn session_id_changes_at_login_and_the_old_one_stops_working(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_up("ada@example.com").await;
    let raw = raw_client();
    let log_in = |cookie: Option<String>| {
        let mut request = raw
            .post(format!("{}/api/log_in", app.base))
            .header("sec-fetch-site", "same-origin")
            .form(&[("email", "ada@example.com"), ("password", PASSWORD)]);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send()
    };
    let first = log_in(None).await.unwrap();
    let first_cookie = session_cookie(first.headers()).expect("a session cookie at login");
    let second = log_in(Some(first_cookie.clone())).await.unwrap();
    let second_cookie = session_cookie(second.headers()).expect("a new session cookie at the next login");
    assert_ne!(first_cookie, second_cookie, "the session id must change at login");

    let viewer_with =
        |cookie: String| raw.post(format!("{}/api/current_viewer", app.base)).header(header::COOKIE, cookie).send();
    let old = viewer_with(first_cookie).await.unwrap().text().await.unwrap();
    assert_eq!(old, "null", "the pre-login session id no longer signs anyone in");
    let new = viewer_with(second_cookie).await.unwrap().text().await.unwrap();
    assert!(new.contains("ada@example.com"), "{new}");

    // The session cookie is HttpOnly and SameSite; so is the device cookie sign-in also sets.
    let set_cookie = |name: &str| {
        let all = first.headers().get_all(header::SET_COOKIE);
        all.iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with(name)).map(str::to_owned)
    };
    let session = set_cookie("cinecloud_session=").expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    let device = set_cookie("cinecloud_device=").expect("a device cookie");
    assert!(
        device.contains("HttpOnly") && device.contains("SameSite=Strict") && device.contains("Max-Age="),
        "{device}"
    );
}

async fn logout_ends_the_session_on_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let raw = raw_client();
    let signup = raw_sign_up(&raw, &app.base, "ada@example.com").await;
    let cookie = session_cookie(signup.headers()).unwrap();
    let viewer = |cookie: &str| {
        raw.post(format!("{}/api/current_viewer", app.base)).header(header::COOKIE, cookie.to_owned()).send()
    };
    let signed_in = viewer(&cookie).await.unwrap();
    assert_eq!(signed_in.headers()[header::CACHE_CONTROL], "no-store", "nothing signed-in is stored");
    assert!(signed_in.text().await.unwrap().contains("Ada"));
    let out = raw
        .post(format!("{}/api/log_out", app.base))
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    assert_eq!(out.headers()["clear-site-data"], "\"cache\", \"storage\"");
    // Replaying the old cookie, as a thief would, finds no session.
    assert_eq!(viewer(&cookie).await.unwrap().text().await.unwrap(), "null");
}

async fn password_change_ends_every_other_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let phone = app.signed_up("ada@example.com").await;
    let laptop = app.logged_in("ada@example.com", PASSWORD).await;
    assert!(app.viewer(&laptop).await.is_some());
    let (status, body) = app
        .call(&phone, "change_password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(app.viewer(&laptop).await.is_none(), "the other session ended");
    assert_eq!(app.viewer(&phone).await.unwrap().email, "ada@example.com", "the changing session stays");
    let (status, _) = app.call(&app.client(), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn sessions_end_after_the_idle_and_the_absolute_timeout(backend: Backend) {
    // Idle: a session unused for longer than the idle limit is gone.
    let idle = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.session_idle_secs = 1).await;
    let client = idle.signed_up("ada@example.com").await;
    assert!(idle.viewer(&client).await.is_some());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(idle.viewer(&client).await.is_none(), "idle session ended");

    // Absolute: even a busy session ends that long after sign-in. Times are whole seconds, so the
    // checks keep more than a second away from the limit on either side.
    let absolute = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.session_max_secs = 3).await;
    let client = absolute.signed_up("ada@example.com").await;
    for _ in 0..3 {
        assert!(absolute.viewer(&client).await.is_some(), "still inside the lifetime");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert!(absolute.viewer(&client).await.is_none(), "absolute lifetime over");
}

/// Item 1 of #15: tower-sessions re-saves a session only when it changed, so the idle timeout
/// used to end even a busy session. An active one now outlives it; an idle one still ends.
async fn an_active_session_outlives_the_idle_timeout(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.session_idle_secs = 3).await;
    let client = app.signed_up("ada@example.com").await;
    for second in 1..=7 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert!(app.viewer(&client).await.is_some(), "still signed in after {second} s of activity");
    }
    tokio::time::sleep(Duration::from_millis(4500)).await;
    assert!(app.viewer(&client).await.is_none(), "idle for longer than the timeout: ended");
}

/// Item 3 of #15: a signed-in session cannot guess the password through the password change;
/// past the allowance it is refused, and the session ends.
async fn wrong_password_rechecks_end_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    for i in 0..5 {
        let guess = format!("guess number {i}");
        let (status, _) = app
            .call(
                &client,
                "change_password",
                &[("current_password", &guess), ("new_password", "a brand new passphrase")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let sixth = client
        .post(format!("{}/api/change_password", app.base))
        .form(&[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .send()
        .await
        .unwrap();
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sixth.headers()[header::RETRY_AFTER], "60");
    assert!(app.viewer(&client).await.is_none(), "the session ended");
    let (status, _) = app.call(&app.client(), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert!(status.is_success() || status.is_redirection(), "the password did not change: {status}");
}

async fn over_https_cookies_are_secure_and_hsts_is_sent(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| {
        s.public_url = "https://cinecloud.example".parse().unwrap();
    })
    .await;
    let raw = raw_client();
    let response = raw_sign_up(&raw, &app.base, "ada@example.com").await;
    let cookies: Vec<&str> =
        response.headers().get_all(header::SET_COOKIE).iter().map(|c| c.to_str().unwrap()).collect();
    // The session, and the device cookie that makes this browser one of the account's own.
    for name in ["__Host-cinecloud_session=", "__Host-cinecloud_device="] {
        let cookie = cookies.iter().find(|c| c.starts_with(name)).unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    }
    assert!(response.headers().contains_key(header::STRICT_TRANSPORT_SECURITY));
    // The public origin is what cross-site checks accept.
    let own = raw
        .post(format!("{}/api/current_viewer", app.base))
        .header(header::ORIGIN, "https://cinecloud.example")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
}

/// A client that signs in as `email` with the given User-Agent, like a browser on another device.
async fn signed_in_from(app: &TestApp, email: &str, user_agent: &str) -> reqwest::Client {
    let mut headers = header::HeaderMap::new();
    headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    let (status, body) = app.call(&client, "log_in", &[("email", email), ("password", PASSWORD)]).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    client
}

const LAPTOP: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// Item 14 of #15: a viewer sees where they are signed in and signs the other sessions out; an
/// admin ends all of an account's sessions. A signed-out session no longer shows.
async fn viewers_see_and_end_their_sessions_and_admins_end_them_all(backend: Backend) {
    use app::api::auth::SignInView;
    let app = TestApp::spawn(backend).await;
    app.signed_up("ada@example.com").await; // a third session, signed out below
    let laptop = signed_in_from(&app, "ada@example.com", LAPTOP).await;
    let phone = signed_in_from(&app, "ada@example.com", PHONE).await;
    let seen =
        |all: &[SignInView]| -> Vec<(String, bool)> { all.iter().map(|s| (s.device.clone(), s.current)).collect() };

    let all: Vec<SignInView> = app.get(&laptop, "my_sign_ins").await.unwrap();
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().all(|s| s.client == "127.0.0.1" && s.seen_at >= s.signed_in_at));
    assert_eq!(all.iter().filter(|s| s.current).map(|s| s.device.as_str()).collect::<Vec<_>>(), ["Firefox on Linux"]);
    let from_phone: Vec<SignInView> = app.get(&phone, "my_sign_ins").await.unwrap();
    assert!(seen(&from_phone).contains(&("Safari on iOS".to_owned(), true)), "{from_phone:?}");
    assert!(
        app.get::<Vec<SignInView>>(&app.client(), "my_sign_ins").await.unwrap_err().status == StatusCode::UNAUTHORIZED
    );

    // From the laptop: sign out the others. The phone is signed out; the laptop stays.
    let (status, body) = app.call(&laptop, "sign_out_other_sessions", &[]).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(app.viewer(&phone).await.is_none(), "the phone was signed out");
    assert!(app.viewer(&laptop).await.is_some(), "the laptop stays signed in");
    let left: Vec<SignInView> = app.get(&laptop, "my_sign_ins").await.unwrap();
    assert_eq!(seen(&left), [("Firefox on Linux".to_owned(), true)]);

    // Signing out takes the session off the list.
    let phone = signed_in_from(&app, "ada@example.com", PHONE).await;
    assert_eq!(app.get::<Vec<SignInView>>(&laptop, "my_sign_ins").await.unwrap().len(), 2);
    app.call(&phone, "log_out", &[]).await;
    assert_eq!(app.get::<Vec<SignInView>>(&laptop, "my_sign_ins").await.unwrap().len(), 1);

    // An admin ends all of Ada's sessions; only admins may.
    let ada_id = cinecloud_core::accounts::find_by_email(&app.backends.services.db, "ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let (status, _) = app.call(&laptop, "admin/end_user_sessions", &[("user_id", &ada_id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let root = app.admin().await;
    let (status, body) = app.call(&root, "admin/end_user_sessions", &[("user_id", &ada_id)]).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(app.viewer(&laptop).await.is_none(), "signed out by the admin");
    let again = signed_in_from(&app, "ada@example.com", LAPTOP).await;
    assert_eq!(app.get::<Vec<SignInView>>(&again, "my_sign_ins").await.unwrap().len(), 1, "only the new one");
}

test_both_backends!(
    viewers_see_and_end_their_sessions_and_admins_end_them_all,
    session_id_changes_at_login_and_the_old_one_stops_working,
    logout_ends_the_session_on_the_server,
    password_change_ends_every_other_session,
    sessions_end_after_the_idle_and_the_absolute_timeout,
    over_https_cookies_are_secure_and_hsts_is_sent,
    an_active_session_outlives_the_idle_timeout,
    wrong_password_rechecks_end_the_session,
);
