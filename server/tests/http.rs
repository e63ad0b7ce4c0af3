//! The HTTP surface, end to end through the real router: sessions, CSRF refusal, admin checks,
//! body limits, media, headers. Every test runs on SQLite and on PostgreSQL.

mod support;

use std::time::{Duration, Instant};

use cinecloud_core::{
    accounts::{self, Role, SignUp},
    db::{Backend, users},
    test_both_backends,
    testing::MediaBackend,
};
use reqwest::{StatusCode, header};
use support::{PASSWORD, TestApp, raw_client, raw_sign_up, session_cookie};

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let health = c.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = c.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), r#"{"database":"ok","media":"ok"}"#);
}

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

    // The cookie is HttpOnly and SameSite.
    let set_cookie = first.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
}

async fn logout_ends_the_session_on_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let raw = raw_client();
    let signup = raw_sign_up(&raw, &app.base, "ada@example.com").await;
    let cookie = session_cookie(signup.headers()).unwrap();
    let viewer = |cookie: &str| {
        raw.post(format!("{}/api/current_viewer", app.base)).header(header::COOKIE, cookie.to_owned()).send()
    };
    assert!(viewer(&cookie).await.unwrap().text().await.unwrap().contains("Ada"));
    let out = raw
        .post(format!("{}/api/log_out", app.base))
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    // Replaying the old cookie, as a thief would, finds no session.
    assert_eq!(viewer(&cookie).await.unwrap().text().await.unwrap(), "null");
}

async fn password_change_ends_every_other_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let phone = app.signed_up("ada@example.com").await;
    let laptop = app.logged_in("ada@example.com", PASSWORD).await;
    assert!(!app.viewer(&laptop).await.is_null());
    let (status, body) = app
        .call(&phone, "change_password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(app.viewer(&laptop).await.is_null(), "the other session ended");
    assert_eq!(app.viewer(&phone).await["email"], "ada@example.com", "the changing session stays");
    let (status, _) = app.call(&app.client(), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

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
    let user = users::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().unwrap();
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

async fn admin_functions_refuse_anonymous_and_viewer_callers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let viewer = app.signed_up("ada@example.com").await;
    let ada = users::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let id = ada.id.to_string();
    let form = [("user_id", id.as_str()), ("role", "admin")];

    let (status, body) = app.call(&app.client(), "admin/set_user_role", &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = app.call(&viewer, "admin/set_user_role", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = app.call(&viewer, "admin/list_users", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(users::find_by_id(db, ada.id).await.unwrap().unwrap().role, Role::Viewer, "nothing changed");

    accounts::create_admin(db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
        .await
        .unwrap();
    let admin = app.logged_in("root@example.com", PASSWORD).await;
    let (status, body) = app.call(&admin, "admin/list_users", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ada@example.com") && !body.contains("argon2"), "{body}");
    let (status, body) = app.call(&admin, "admin/set_user_role", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(users::find_by_id(db, ada.id).await.unwrap().unwrap().role, Role::Admin);
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
    // Both paths run one argon2 verification; their medians must be of the same size.
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let ratio = median(unknown_times) / median(wrong_times);
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

async fn oversized_bodies_get_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let huge_name = "x".repeat(100 * 1024);
    let (status, _) = app.call(&client, "change_display_name", &[("display_name", huge_name.as_str())]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let response = app.upload_photo(&client, vec![0u8; 7 * 1024 * 1024]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let user = users::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().unwrap();
    assert_eq!((user.display_name.as_str(), user.photo_key), ("Ada", None));
}

async fn validation_errors_name_the_field_with_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let (status, body) =
        app.call(&c, "sign_up", &[("email", "nope"), ("display_name", "A"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["Invalid"]["field"], "email", "{body}");
    let (status, body) =
        app.call(&c, "sign_up", &[("email", "a@example.com"), ("display_name", "A"), ("password", "password")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("common"), "{body}");
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 99]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn profile_photo_is_served_with_ranges_and_caching(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let response = app.upload_photo(&client, png(400, 300)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let viewer = app.viewer(&client).await;
    let url = format!("{}{}", app.base, viewer["photo_url"].as_str().expect("a photo URL"));

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
    assert_eq!(app.viewer(&client).await["photo_url"], viewer["photo_url"]);
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

async fn setup_link_creates_the_first_admin_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = accounts::issue_setup_token(&app.backends.services.db).await.unwrap().unwrap();
    let c = app.client();
    let form =
        [("token", token.as_str()), ("email", "root@example.com"), ("display_name", "Root"), ("password", PASSWORD)];
    let (status, body) = app.call(&c, "create_first_admin", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert_eq!(app.viewer(&c).await["is_admin"], true);
    let again =
        [("token", token.as_str()), ("email", "two@example.com"), ("display_name", "Two"), ("password", PASSWORD)];
    let (status, _) = app.call(&app.client(), "create_first_admin", &again).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(users::find_by_email(&app.backends.services.db, "two@example.com").await.unwrap().is_none());
}

async fn deleting_the_account_needs_the_password_and_signs_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.signed_up("ada@example.com").await;
    let (status, _) = app.call(&client, "delete_account", &[("password", "wrong")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(users::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().is_some());
    let (status, _) = app.call(&client, "delete_account", &[("password", PASSWORD)]).await;
    assert!(status.is_success() || status.is_redirection());
    assert!(users::find_by_email(&app.backends.services.db, "ada@example.com").await.unwrap().is_none());
    assert!(app.viewer(&client).await.is_null());
}

async fn catalog_pages_render_search_results_and_movie_facts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    cinecloud_core::catalog::seed::seed_demo_if_empty(db).await.unwrap();
    let c = app.client();
    // Part of a title, its accent left out.
    let page = c.get(format!("{}/movies?q=haxa", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Häxan"), "accent-insensitive prefix search");
    assert!(html.contains("1 movie"), "one result");
    assert!(!html.contains("Nosferatu"));

    let horror =
        c.get(format!("{}/movies?genre=horror&year_from=1920&year_to=1929&sort=title", app.base)).send().await.unwrap();
    let html = horror.text().await.unwrap();
    assert!(html.contains("Nosferatu") && !html.contains("Night of the Living Dead"), "genre and year filters apply");

    let hits = cinecloud_core::catalog::browse(
        db,
        &cinecloud_core::catalog::MovieQuery { text: Some("metropolis".into()), ..Default::default() },
    )
    .await
    .unwrap();
    let id = hits.items[0].id;
    let movie = c.get(format!("{}/movies/{id}", app.base)).send().await.unwrap();
    assert_eq!(movie.status(), StatusCode::OK);
    let html = movie.text().await.unwrap();
    assert!(html.contains("<title>Metropolis (1927) · Cinecloud</title>"), "per-page title in <head>");
    assert!(html.contains(r#"property="og:title" content="Metropolis""#), "OpenGraph tags");
    assert!(html.contains("Fritz Lang") && html.contains("Brigitte Helm"));

    let missing = c.get(format!("{}/movies/987654", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

async fn sessions_end_after_the_idle_and_the_absolute_timeout(backend: Backend) {
    // Idle: a session unused for longer than the idle limit is gone.
    let idle = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.session_idle_secs = 1).await;
    let client = idle.signed_up("ada@example.com").await;
    assert!(!idle.viewer(&client).await.is_null());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(idle.viewer(&client).await.is_null(), "idle session ended");

    // Absolute: even a busy session ends that long after sign-in. Times are whole seconds, so the
    // checks keep more than a second away from the limit on either side.
    let absolute = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.session_max_secs = 3).await;
    let client = absolute.signed_up("ada@example.com").await;
    for _ in 0..3 {
        assert!(!absolute.viewer(&client).await.is_null(), "still inside the lifetime");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert!(absolute.viewer(&client).await.is_null(), "absolute lifetime over");
}

async fn over_https_cookies_are_secure_and_hsts_is_sent(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| {
        s.public_url = "https://cinecloud.example".parse().unwrap();
    })
    .await;
    let raw = raw_client();
    let response = raw_sign_up(&raw, &app.base, "ada@example.com").await;
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
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

async fn the_json_api_lists_searches_and_describes_itself(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    cinecloud_core::catalog::seed::seed_demo_if_empty(&app.backends.services.db).await.unwrap();
    let c = app.client();
    let get = |path: &str| c.get(format!("{}{path}", app.base)).send();

    let page: serde_json::Value = get("/api/v1/movies?q=haxa").await.unwrap().json().await.unwrap();
    assert_eq!(
        (page["total"].as_i64(), page["total_exact"].as_bool(), page["page_count"].as_i64()),
        (Some(1), Some(true), Some(1))
    );
    assert_eq!(page["items"][0]["title"], "Häxan");
    let id = page["items"][0]["id"].as_i64().unwrap();

    let filtered: serde_json::Value =
        get("/api/v1/movies?genre=horror&year_to=1929&sort=year-oldest&per_page=2&page=2")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(filtered["per_page"], 2);
    assert_eq!(filtered["page"], 2);
    assert!(filtered["total"].as_i64().unwrap() >= 4);
    let years: Vec<i64> = filtered["items"].as_array().unwrap().iter().map(|m| m["year"].as_i64().unwrap()).collect();
    assert!(years.windows(2).all(|w| w[0] <= w[1]) && years.iter().all(|y| *y <= 1929), "{years:?}");

    let movie = get(&format!("/api/v1/movies/{id}")).await.unwrap();
    assert_eq!(movie.status(), StatusCode::OK);
    let movie: serde_json::Value = movie.json().await.unwrap();
    assert_eq!(movie["directors"][0]["name"], "Benjamin Christensen");
    assert_eq!(movie["genres"][0]["slug"], "documentary");

    for (path, status, says) in [
        ("/api/v1/movies/999999", StatusCode::NOT_FOUND, "not found"),
        ("/api/v1/movies/abc", StatusCode::BAD_REQUEST, "whole number"),
        ("/api/v1/movies?year_from=old", StatusCode::BAD_REQUEST, "year_from"),
        ("/api/v1/movies?sort=best", StatusCode::BAD_REQUEST, "sort"),
        ("/api/v1/movies?per_page=500", StatusCode::BAD_REQUEST, "per_page"),
    ] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert!(response.text().await.unwrap().contains(says), "{path}");
    }

    let spec: serde_json::Value = get("/api/v1/openapi.json").await.unwrap().json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/api/v1/movies"]["get"].is_object());
    assert!(spec["paths"]["/api/v1/movies/{id}"]["get"].is_object());
}

async fn only_admins_change_the_catalog(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let count = || cinecloud_core::catalog::seed::movie_count(db);
    let movie = serde_json::json!({ "form": { "title": "Le Voyage", "year": "1902", "genres": ["Science Fiction"] } });
    let post_json = |client: &reqwest::Client, endpoint: &str, body: &serde_json::Value| {
        client.post(format!("{}/api/{endpoint}", app.base)).json(body).send()
    };

    let anonymous = post_json(&app.client(), "admin/create_movie", &movie).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let viewer = app.signed_up("ada@example.com").await;
    assert_eq!(post_json(&viewer, "admin/create_movie", &movie).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(count().await.unwrap(), 0, "nothing created");

    accounts::create_admin(db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
        .await
        .unwrap();
    let admin = app.logged_in("root@example.com", PASSWORD).await;
    let created = post_json(&admin, "admin/create_movie", &movie).await.unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let id: i64 = created.json().await.unwrap();
    let id_text = id.to_string();

    // Viewers cannot edit or delete either; the movie stays as it was.
    let edit = serde_json::json!({ "id": id, "version": 1, "form": { "title": "Hacked" } });
    assert_eq!(post_json(&viewer, "admin/update_movie", &edit).await.unwrap().status(), StatusCode::FORBIDDEN);
    let (status, _) = app.call(&viewer, "admin/delete_movie", &[("id", id_text.as_str())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(cinecloud_core::catalog::get_movie(db, id).await.unwrap().input.title, "Le Voyage");

    // An admin's edit from a stale version is refused with a clear message.
    let fresh = serde_json::json!({ "id": id, "version": 1, "form": { "title": "Le Voyage dans la Lune", "year": "1902", "genres": ["Science Fiction"] } });
    assert_eq!(post_json(&admin, "admin/update_movie", &fresh).await.unwrap().status(), StatusCode::OK);
    let stale = post_json(&admin, "admin/update_movie", &edit).await.unwrap();
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.text().await.unwrap().contains("Someone else saved this movie"));
    assert_eq!(cinecloud_core::catalog::get_movie(db, id).await.unwrap().input.title, "Le Voyage dans la Lune");

    let (status, _) = app.call(&admin, "admin/delete_movie", &[("id", id_text.as_str())]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cinecloud_core::catalog::get_movie(db, id).await.is_err());
    let (status, body) = app.call(&admin, "admin/undo_delete_movie", &[("id", id_text.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Le Voyage dans la Lune"));
    let audit = cinecloud_core::catalog::audit_log(db, id).await.unwrap();
    let fields: Vec<_> = audit.iter().map(|a| a.field.as_str()).collect();
    assert_eq!(fields, vec!["restored", "deleted", "title", "created"]);
    assert_eq!(audit[0].user_name.as_deref(), Some("Root"), "who did it is recorded");
}

/// Uploads a cover as the movie page does (multipart `id`, `version`, `cover`).
async fn upload_cover(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    version: i64,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .text("version", version.to_string())
        .part("cover", reqwest::multipart::Part::bytes(bytes).file_name("poster.png"));
    client.post(format!("{}/api/admin/upload_cover", app.base)).multipart(form).send().await.unwrap()
}

async fn covers_are_uploaded_by_admins_and_served_publicly(backend: Backend) {
    for media in [MediaBackend::Local, MediaBackend::S3] {
        let app = TestApp::spawn_with(backend, media).await;
        let services = &app.backends.services;
        let form = cinecloud_core::catalog::MovieForm { title: "Sunrise".into(), ..Default::default() };
        let movie = cinecloud_core::catalog::create_movie(&services.db, &form, None).await.unwrap();
        let stored = || services.media.list("covers/");

        // Anonymous and viewer callers change nothing.
        let anonymous = upload_cover(&app, &app.client(), movie.id, movie.version, png(400, 600)).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let viewer = app.signed_up("ada@example.com").await;
        let refused = upload_cover(&app, &viewer, movie.id, movie.version, png(400, 600)).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(stored().await.unwrap().is_empty(), "{media:?}");

        accounts::create_admin(
            &services.db,
            SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD },
        )
        .await
        .unwrap();
        let admin = app.logged_in("root@example.com", PASSWORD).await;
        let uploaded = upload_cover(&app, &admin, movie.id, movie.version, png(400, 600)).await;
        assert_eq!(uploaded.status(), StatusCode::OK);
        let saved: serde_json::Value = uploaded.json().await.unwrap();
        assert_eq!(saved["version"], movie.version + 1);
        let card = saved["cover"]["card"].as_str().expect("the answer has the cover's URLs").to_owned();

        // Public, cacheable, a real JPEG; the grid and the JSON API point at it.
        let served = app.client().get(format!("{}{card}", app.base)).send().await.unwrap();
        assert_eq!(served.status(), StatusCode::OK, "{media:?}");
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert!(served.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        let jpeg = served.bytes().await.unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), image::ImageFormat::Jpeg);
        let grid = app.client().get(format!("{}/movies", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(grid.contains(&card), "the grid shows the new cover");
        let api: serde_json::Value = app
            .client()
            .get(format!("{}/api/v1/movies/{}", app.base, movie.id))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["cover"]["card"], card.as_str());

        // Bad uploads: a clear error with the right status, and the cover stays as it was.
        let before = stored().await.unwrap();
        let not_an_image =
            upload_cover(&app, &admin, movie.id, movie.version + 1, b"%PDF-1.7 not a poster".to_vec()).await;
        assert_eq!(not_an_image.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(not_an_image.text().await.unwrap().contains("JPEG, PNG or WebP"));
        let too_big = upload_cover(&app, &admin, movie.id, movie.version + 1, vec![0u8; 11 * 1024 * 1024]).await;
        assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let stale = upload_cover(&app, &admin, movie.id, movie.version, png(300, 450)).await;
        assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(stale.text().await.unwrap().contains("Someone else saved this movie"));
        assert_eq!(stored().await.unwrap(), before, "{media:?}: nothing written or removed");
        let now = cinecloud_core::catalog::get_movie(&services.db, movie.id).await.unwrap();
        assert_eq!(now.version, movie.version + 1);

        // Private objects next to covers stay private: only covers/ and profiles/ are served.
        services.media.put("videos/secret.mp4", b"private".to_vec().into(), "video/mp4").await.unwrap();
        let private = app.client().get(format!("{}/media/videos/secret.mp4", app.base)).send().await.unwrap();
        assert_eq!(private.status(), StatusCode::NOT_FOUND);
    }
}

async fn people_pages_and_suggestions_render(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    cinecloud_core::catalog::seed::seed_demo_if_empty(&app.backends.services.db).await.unwrap();
    let c = app.client();
    let response = c.get(format!("{}/api/suggest_movies?q=nosfe", app.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let suggestions: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(suggestions[0]["title"], "Nosferatu");
    let movie_id = suggestions[0]["id"].as_i64().unwrap();
    let page = c.get(format!("{}/movies/{movie_id}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("More like this"), "related movies are on the page");
    let person_link = page.split("href=\"/people/").nth(1).expect("people link to their pages");
    let person_id: String = person_link.chars().take_while(char::is_ascii_digit).collect();
    let person = c.get(format!("{}/people/{person_id}", app.base)).send().await.unwrap();
    assert_eq!(person.status(), StatusCode::OK);
    let person = person.text().await.unwrap();
    assert!(person.contains("F. W. Murnau") && person.contains("Nosferatu"), "the filmography lists the movie");
    assert!(person.contains("<meta property=\"og:title\" content=\"F. W. Murnau\""));
    let missing = c.get(format!("{}/people/999999", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

async fn viewers_rate_movies_and_anonymous_callers_cannot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let form = cinecloud_core::catalog::MovieForm { title: "Häxan".into(), year: "1922".into(), ..Default::default() };
    let id = cinecloud_core::catalog::create_movie(db, &form, None).await.unwrap().id.to_string();
    let summary = || async { cinecloud_core::db::ratings::summary(db, id.parse().unwrap()).await.unwrap().unwrap() };

    let (status, _) = app.call(&app.client(), "rate_movie", &[("id", id.as_str()), ("half_stars", "8")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(summary().await.count, 0, "an anonymous rating is not stored");

    let ada = app.signed_up("ada@example.com").await;
    let (status, body) = app.call(&ada, "rate_movie", &[("id", id.as_str()), ("half_stars", "8")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({ "count": 1, "sum_half_stars": 8 })
    );
    let (status, body) = app.call(&ada, "rate_movie", &[("id", id.as_str()), ("half_stars", "11")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(summary().await.sum_half_stars, 8, "a bad rating changes nothing");
    let (status, _) = app.call(&ada, "rate_movie", &[("id", "987654"), ("half_stars", "4")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The JSON API shows the average and sorts by it.
    let list: serde_json::Value =
        app.client().get(format!("{}/api/v1/movies?sort=rating", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"][0]["rating"], serde_json::json!({ "average": 4.0, "count": 1 }));

    // Removing the rating (no value) leaves the movie unrated.
    let (status, body) = app.call(&ada, "rate_movie", &[("id", id.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(summary().await.count, 0);
}

async fn recommendations_need_a_viewer_and_not_interested_sticks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let mut ids = Vec::new();
    for title in ["Nosferatu", "Häxan", "The Golem"] {
        let form = cinecloud_core::catalog::MovieForm {
            title: title.into(),
            year: "1922".into(),
            genres: vec!["Horror".into()],
            ..Default::default()
        };
        ids.push(cinecloud_core::catalog::create_movie(db, &form, None).await.unwrap().id.to_string());
    }

    // Visitors get no row and cannot say "not interested".
    let (status, body) = app.fetch(&app.client(), "recommendations").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));
    let (status, _) = app.call(&app.client(), "not_interested", &[("id", ids[0].as_str()), ("undo", "false")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cinecloud_core::db::ratings::all_signals(db).await.unwrap().is_empty());

    // A new viewer is asked for favourites and sees every movie, each with a reason.
    let ada = app.signed_up("ada@example.com").await;
    let (status, body) = app.fetch(&ada, "recommendations").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["favourite_choices"].as_array().unwrap().len(), 3);
    assert_eq!(view["items"].as_array().unwrap().len(), 3);
    assert!(view["items"].as_array().unwrap().iter().all(|i| i["reason"] == "StartHere"), "{view}");

    let (status, body) = app.call(&ada, "not_interested", &[("id", ids[1].as_str()), ("undo", "false")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.call(&ada, "not_interested", &[("id", "987654"), ("undo", "false")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, body) = app.fetch(&ada, "recommendations").await;
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    let shown: Vec<String> = view["items"].as_array().unwrap().iter().map(|i| i["movie"]["id"].to_string()).collect();
    assert_eq!(shown.len(), 2);
    assert!(!shown.contains(&ids[1]), "{shown:?}");
    assert_eq!(view["favourite_choices"].as_array().unwrap().len(), 0, "a signal given: not asked any more");

    // Skipping the favourites question (no ids at all in the form) stops the asking.
    let bob = app.signed_up("bob@example.com").await;
    let (status, body) = app.call(&bob, "save_favourites", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.fetch(&bob, "recommendations").await;
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["favourite_choices"].as_array().unwrap().len(), 0, "{view}");
    let (status, _) = app.call(&app.client(), "save_favourites", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An unfiltered browse (what the header's "Movies" link asks for) sends no fields at all.
    let (status, body) = app.fetch(&app.client(), "movies").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"], 3);

    // More like this works for anyone; the model's admin view is for admins only.
    let (status, body) = app.fetch(&app.client(), &format!("more_like_this?id={}", ids[0])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("SharesGenresOrPeople"), "{body}");
    let (status, _) = app.fetch(&ada, "admin/recommender").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.fetch(&app.client(), "admin/recommender").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An admin sees nothing before the first training, then the served version and its facts.
    accounts::create_admin(db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
        .await
        .unwrap();
    let admin = app.logged_in("root@example.com", PASSWORD).await;
    let (status, body) = app.fetch(&admin, "admin/recommender").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));
    let ada_id = users::find_by_email(db, "ada@example.com").await.unwrap().unwrap().id;
    cinecloud_core::ratings::rate(db, ada_id, ids[0].parse().unwrap(), 10).await.unwrap();
    let services = &app.backends.services;
    assert_eq!(services.recommender.train_if_due(services).await.unwrap(), Some(1));
    let (status, body) = app.fetch(&admin, "admin/recommender").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let model: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Ada's 5★ and her "not interested".
    assert_eq!(
        (model["version"].as_i64(), model["viewers"].as_i64(), model["signals"].as_i64()),
        (Some(1), Some(1), Some(2))
    );
    assert!(model["movies"].as_i64().unwrap() >= 1 && model["metrics"].is_null(), "{model}");
}

async fn lists_through_server_functions_keep_private_lists_private(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let mut ids = Vec::new();
    for title in ["Nosferatu", "Häxan", "The Golem"] {
        let form =
            cinecloud_core::catalog::MovieForm { title: title.into(), year: "1922".into(), ..Default::default() };
        ids.push(cinecloud_core::catalog::create_movie(db, &form, None).await.unwrap().id.to_string());
    }
    let (ada, eve) = (app.signed_up("ada@example.com").await, app.signed_up("eve@example.com").await);

    let (status, body) = app.call(&ada, "lists/create", &[("name", "Silent nights")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let list_id = list["id"].to_string();
    assert_eq!((list["is_public"].as_bool(), list["kind"].as_str()), (Some(false), Some("playlist")));
    for id in &ids {
        let (status, body) =
            app.call(&ada, "lists/add", &[("list_id", list_id.as_str()), ("movie_id", id.as_str())]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // No list named: the watchlist.
    let (status, _) = app.call(&ada, "lists/add", &[("movie_id", ids[0].as_str())]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = app.fetch(&ada, "lists/mine").await;
    let mine: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(mine[0]["kind"], "watchlist");
    assert_eq!((mine[0]["movie_count"].as_i64(), mine[1]["movie_count"].as_i64()), (Some(1), Some(3)));

    // What the list buttons on a card and on a movie's page read: the caller's own lists, each
    // with whether it holds the movie, and whether the movie is on the watchlist.
    let holds = |body: &str| -> Vec<(String, bool)> {
        let choices: serde_json::Value = serde_json::from_str(body).unwrap();
        let choices = choices.as_array().unwrap().iter();
        choices.map(|c| (c["list"]["name"].as_str().unwrap().to_owned(), c["holds"].as_bool().unwrap())).collect()
    };
    let on_watchlist = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["on_watchlist"].as_bool();
    let (status, body) = app.fetch(&ada, &format!("lists/for_movie?movie_id={}", ids[0])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(holds(&body), [("Watchlist".to_owned(), true), ("Silent nights".to_owned(), true)]);
    let (_, body) = app.fetch(&ada, &format!("lists/for_movie?movie_id={}", ids[1])).await;
    assert_eq!(holds(&body), [("Watchlist".to_owned(), false), ("Silent nights".to_owned(), true)]);
    let (_, body) = app.fetch(&eve, &format!("lists/for_movie?movie_id={}", ids[0])).await;
    assert_eq!(holds(&body), [("Watchlist".to_owned(), false)], "Eve sees only her own (new) watchlist");
    let (status, _) = app.fetch(&app.client(), &format!("lists/for_movie?movie_id={}", ids[0])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, body) = app.fetch(&ada, &format!("movie?id={}", ids[0])).await;
    assert_eq!(on_watchlist(&body), Some(true));
    let (_, body) = app.fetch(&eve, &format!("movie?id={}", ids[0])).await;
    assert_eq!(on_watchlist(&body), Some(false));
    // No list named: off the watchlist again (the playlist keeps it).
    let (status, body) = app.call(&ada, "lists/remove", &[("movie_id", ids[0].as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.fetch(&ada, &format!("movie?id={}", ids[0])).await;
    assert_eq!(on_watchlist(&body), Some(false));
    let (_, body) = app.fetch(&ada, &format!("lists/for_movie?movie_id={}", ids[0])).await;
    assert_eq!(holds(&body), [("Watchlist".to_owned(), false), ("Silent nights".to_owned(), true)]);

    // Eve and a visitor: 404 for the private list, exactly as for a missing one; 401 for writes
    // without an account; nothing changes.
    let (status, missing) = app.fetch(&eve, "lists/get?id=987654").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.fetch(&eve, &format!("lists/get?id={list_id}")).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, missing.as_str()));
    let (status, _) = app.fetch(&app.client(), &format!("lists/get?id={list_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (endpoint, form) in [
        ("lists/add", vec![("list_id", list_id.as_str()), ("movie_id", ids[0].as_str())]),
        ("lists/remove", vec![("list_id", list_id.as_str()), ("movie_id", ids[0].as_str())]),
        ("lists/move", vec![("list_id", list_id.as_str()), ("movie_id", ids[2].as_str()), ("index", "0")]),
        ("lists/update", vec![("id", list_id.as_str()), ("name", "Mine now"), ("is_public", "true")]),
        ("lists/delete", vec![("id", list_id.as_str())]),
    ] {
        let (status, body) = app.call(&eve, endpoint, &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
        let (status, _) = app.call(&app.client(), endpoint, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let (_, body) = app.fetch(&ada, &format!("lists/get?id={list_id}")).await;
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    let order: Vec<String> = view["movies"].as_array().unwrap().iter().map(|m| m["id"].to_string()).collect();
    assert_eq!(order, ids, "nothing changed");
    assert_eq!((view["list"]["name"].as_str(), view["mine"].as_bool()), (Some("Silent nights"), Some(true)));

    // Ada reorders and publishes it; then anyone may read it, and only read it.
    let (status, _) = app
        .call(&ada, "lists/move", &[("list_id", list_id.as_str()), ("movie_id", ids[2].as_str()), ("index", "0")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(&ada, "lists/update", &[("id", list_id.as_str()), ("name", "Silent nights"), ("is_public", "true")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.fetch(&app.client(), &format!("lists/get?id={list_id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["movies"][0]["id"].to_string(), ids[2]);
    assert_eq!(view["mine"].as_bool(), Some(false));
    let (status, _) =
        app.call(&eve, "lists/remove", &[("list_id", list_id.as_str()), ("movie_id", ids[0].as_str())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

test_both_backends!(
    lists_through_server_functions_keep_private_lists_private,
    recommendations_need_a_viewer_and_not_interested_sticks,
    viewers_rate_movies_and_anonymous_callers_cannot,
    covers_are_uploaded_by_admins_and_served_publicly,
    people_pages_and_suggestions_render,
    only_admins_change_the_catalog,
    the_json_api_lists_searches_and_describes_itself,
    sessions_end_after_the_idle_and_the_absolute_timeout,
    over_https_cookies_are_secure_and_hsts_is_sent,
    catalog_pages_render_search_results_and_movie_facts,
    health_and_readiness_answer,
    session_id_changes_at_login_and_the_old_one_stops_working,
    logout_ends_the_session_on_the_server,
    password_change_ends_every_other_session,
    cross_site_posts_are_refused_and_change_nothing,
    admin_functions_refuse_anonymous_and_viewer_callers,
    unknown_email_and_wrong_password_look_the_same,
    repeated_failures_are_rate_limited,
    oversized_bodies_get_413,
    validation_errors_name_the_field_with_422,
    profile_photo_is_served_with_ranges_and_caching,
    pages_render_with_a_nonce_csp_and_security_headers,
    setup_link_creates_the_first_admin_once,
    deleting_the_account_needs_the_password_and_signs_out,
);
