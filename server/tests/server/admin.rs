//! #20: every admin function refuses anonymous callers (401) and viewers (403) before it reads or
//! changes anything, and the dashboard answers admins over HTTP, as data and as a page.

use std::collections::BTreeSet;

use app::{api::admin::Period, error::AppError};
use cinecloud_core::{Backend, catalog::MovieForm, insights::Dashboard, test_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::support::TestApp;

/// How one admin function is called with arguments that decode (so what answers is the function's
/// own check, not the argument decoder's 400).
enum Call {
    /// `GET /api/{endpoint}?{query}`.
    Get(&'static str),
    /// `POST` of form fields.
    Form(Vec<(&'static str, String)>),
    /// `POST` of a JSON body.
    Json(serde_json::Value),
    /// `POST` of a multipart form naming movie 1.
    Multipart,
}

/// Every admin function with arguments it accepts. The test fails when the app has an admin
/// function this list lacks, so a new one cannot skip it.
fn calls(user_id: i64) -> Vec<(&'static str, Call)> {
    let form =
        serde_json::to_value(MovieForm { title: "X".into(), year: "1999".into(), ..MovieForm::default() }).unwrap();
    let id = || vec![("id", "1".to_owned())];
    let user = || vec![("user_id", user_id.to_string())];
    vec![
        ("admin/create_movie", Call::Json(json!({ "form": form }))),
        ("admin/update_movie", Call::Json(json!({ "id": 1, "version": 1, "form": form }))),
        ("admin/delete_movie", Call::Form(id())),
        ("admin/undo_delete_movie", Call::Form(id())),
        ("admin/movie_history", Call::Get("id=1")),
        ("admin/find_metadata", Call::Get("q=metropolis")),
        ("admin/metadata_draft", Call::Get("id=19")),
        ("admin/import_movie", Call::Json(json!({ "id": 19, "form": form }))),
        ("admin/refresh_preview", Call::Get("id=1")),
        ("admin/apply_refresh", Call::Json(json!({ "id": 1, "version": 1, "fields": ["title"] }))),
        ("admin/recommender", Call::Get("")),
        ("admin/upload_video", Call::Multipart),
        ("admin/remove_video", Call::Form(id())),
        ("admin/upload_cover", Call::Multipart),
        ("admin/remove_cover", Call::Form(vec![("id", "1".into()), ("version", "1".into())])),
        ("admin/list_users", Call::Get("q=ada&sort=name&page=1")),
        ("admin/set_user_role", Call::Form([user(), vec![("role", "admin".into())]].concat())),
        ("admin/set_user_disabled", Call::Form([user(), vec![("disabled", "true".into())]].concat())),
        ("admin/security_events", Call::Get("")),
        ("admin/end_user_sessions", Call::Form(user())),
        ("admin/dashboard", Call::Get("period=7")),
        ("admin/account", Call::Get("user_id=1")),
        ("admin/delete_user", Call::Form([user(), vec![("confirm", "ada@example.com".into())]].concat())),
        ("admin/password_reset_link", Call::Form(user())),
        ("admin/storage", Call::Get("")),
    ]
}

async fn send(app: &TestApp, client: &Client, endpoint: &str, call: &Call) -> (StatusCode, String) {
    let url = format!("{}/api/{endpoint}", app.base);
    let request = match call {
        Call::Get(query) => client.get(format!("{url}?{query}")),
        Call::Form(fields) => client.post(url).form(fields),
        Call::Json(body) => client.post(url).json(body),
        Call::Multipart => client.post(url).multipart(reqwest::multipart::Form::new().text("id", "1")),
    };
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn every_admin_function_refuses_anonymous_and_viewer_callers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.signed_up("ada@example.com").await;
    let db = &app.backends.services.db;
    let ada = cinecloud_core::accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let calls = calls(ada.id);

    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .filter_map(|(path, _)| path.strip_prefix("/api/").filter(|p| p.starts_with("admin/")).map(str::to_owned))
        .collect();
    let listed: BTreeSet<String> = calls.iter().map(|(e, _)| e.to_string()).collect();
    assert_eq!(registered, listed, "every admin function (left) must be in this test's list (right)");

    let mut wrong = Vec::new();
    for (who, client, expected, error) in [
        ("anonymous", app.client(), StatusCode::UNAUTHORIZED, AppError::Unauthorized),
        ("viewer", viewer, StatusCode::FORBIDDEN, AppError::Forbidden),
    ] {
        for (endpoint, call) in &calls {
            let (status, body) = send(&app, &client, endpoint, call).await;
            let said: Option<AppError> = serde_json::from_str(&body).ok();
            if status != expected || said.as_ref() != Some(&error) {
                wrong.push(format!("{who} {endpoint}: {status} {body}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Nothing was done on their behalf.
    assert_eq!(cinecloud_core::accounts::find_user(db, ada.id).await.unwrap().role, ada.role);
    assert_eq!(cinecloud_core::catalog::browse(db, &Default::default()).await.unwrap().total, 0);
}

/// An admin reads the dashboard as data for each period and as a page with its charts; a bad
/// period is a 400 and the page falls back to 30 days.
async fn an_admin_reads_the_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.signed_up("ada@example.com").await;
    let admin = app.admin().await;
    let movie = app
        .post_json::<i64>(
            &admin,
            "admin/create_movie",
            &json!({ "form": MovieForm {
        title: "Metropolis".into(), year: "1927".into(), genres: vec!["Drama".into()], ..MovieForm::default() } }),
        )
        .await
        .unwrap();
    app.rate(&viewer, movie, Some(9)).await.unwrap();

    for period in Period::ALL {
        let d: Dashboard = app.get(&admin, &format!("admin/dashboard?period={period}")).await.unwrap();
        assert_eq!(d.period, *period);
        assert_eq!(d.active_per_day.len() as i64, period.days());
        assert_eq!((d.figures.viewers, d.figures.ratings, d.figures.movies), (1, 1, 1), "{:?}", d.figures);
        assert!(d.figures.active_7_days >= 1, "the viewer and the admin signed in today");
        assert_eq!(d.rating_distribution[8], 1);
        assert_eq!(d.top.most_rated[0].title, "Metropolis");
    }
    let bad = app.get::<Dashboard>(&admin, "admin/dashboard?period=12").await.unwrap_err();
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

    let page = |path: &'static str| {
        let admin = admin.clone();
        let base = app.base.clone();
        async move {
            let response = admin.get(format!("{base}{path}")).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, html) = page("/admin?days=90").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        r#"aria-labelledby="active-title active-desc""#,
        "<title id=\"distribution-title\">Rating distribution</title>",
        r#"href="/admin?days=90" aria-current="page""#,
        "<h3>Most rated</h3>",
        "Show as table",
    ] {
        assert!(html.contains(needle), "{needle} is not in the page: {html}");
    }
    let rows = html.matches("<tr><th scope=\"row\">").count();
    assert!(rows >= 90, "a table row per day, {rows} rows");
    let (status, html) = page("/admin?days=12").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/admin?days=30" aria-current="page""#), "an unknown period shows 30 days");
    assert_eq!(html.matches("aria-current=\"page\"").count(), 1 + 1, "one period, and the header's Dashboard link");
}

/// An admin opens an account's page: its activity, and its audit log naming the admin who
/// disabled it; an unknown account is a 404, as data and as a page.
async fn an_admin_reads_an_accounts_page(backend: Backend) {
    use app::api::admin::{AccountSummary, AccountView};
    let app = TestApp::spawn(backend).await;
    let _viewer = app.signed_up("ada@example.com").await;
    let admin = app.admin().await;
    let db = &app.backends.services.db;
    let ada = cinecloud_core::accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let id = ada.id.to_string();
    app.post::<AccountSummary>(&admin, "admin/set_user_disabled", &[("user_id", &id), ("disabled", "true")])
        .await
        .unwrap();

    let d: AccountView = app.get(&admin, &format!("admin/account?user_id={id}")).await.unwrap();
    assert_eq!((d.account.email.as_str(), d.account.disabled), ("ada@example.com", true));
    assert!(d.sessions.is_empty(), "disabling ended her session");
    let kinds: Vec<(&str, &str)> = d.events.iter().map(|e| (e.kind.as_str(), e.actor.as_str())).collect();
    assert_eq!(kinds[0], ("account_disabled", "root@example.com"), "newest first, with the admin who did it");
    assert!(kinds.iter().any(|(k, _)| *k == "sign_up"), "{kinds:?}");
    let missing = app.get::<AccountView>(&admin, "admin/account?user_id=999999").await.unwrap_err();
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let page = admin.get(format!("{}/admin/users/{id}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Audit log") && html.contains("Disabled or enabled"), "{html}");
    let missing = admin.get(format!("{}/admin/users/999999", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

test_both_backends!(
    every_admin_function_refuses_anonymous_and_viewer_callers,
    an_admin_reads_the_dashboard,
    an_admin_reads_an_accounts_page
);
