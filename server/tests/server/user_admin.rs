//! #20, user management over HTTP: an admin deletes a viewer, whose open session ends with the
//! account; and makes a password-reset link, which lets the viewer choose a new password once
//! and ends the sessions they had.

use app::{api::admin::SecurityEventView, error::AppError};
use cinecloud_core::{Backend, accounts, test_both_backends};
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp};

async fn an_admin_deletes_a_viewer_whose_session_ends_with_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let viewer = app.signed_up("ada@example.com").await;
    let ada = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let id = ada.id.to_string();
    assert!(app.get::<Vec<serde_json::Value>>(&viewer, "lists/mine").await.is_ok(), "signed in");
    let confirmed = [("user_id", id.as_str()), ("confirm", "ada@example.com")];
    let (status, _) = app.call(&viewer, "admin/delete_user", &confirmed).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer may not");

    let admin = app.admin().await;
    let (status, body) = app.call(&admin, "admin/delete_user", &[("user_id", id.as_str()), ("confirm", "ada")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(serde_json::from_str::<AppError>(&body).unwrap().field_message("confirm").is_some(), "{body}");
    assert!(accounts::find_user(db, ada.id).await.is_ok(), "a wrong confirmation deletes nothing");

    let (status, body) = app.call(&admin, "admin/delete_user", &confirmed).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert!(accounts::find_user(db, ada.id).await.is_err());
    let refused = app.get::<Vec<serde_json::Value>>(&viewer, "lists/mine").await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "the open session ended: {}", refused.body);
    let page = app.get::<serde_json::Value>(&admin, &format!("admin/account?user_id={id}")).await.unwrap_err();
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    let events = app.get::<Vec<SecurityEventView>>(&admin, "admin/security_events").await.unwrap();
    let deletion = events.iter().find(|e| e.kind == "account_deletion").expect("the deletion is recorded");
    assert_eq!((deletion.account.as_str(), deletion.actor.as_str()), (format!("#{id}").as_str(), "root@example.com"));
}

async fn a_reset_link_lets_a_viewer_back_in_once_and_ends_their_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let old_session = app.signed_up("ada@example.com").await;
    let ada = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    let admin = app.admin().await;
    let path =
        app.post::<String>(&admin, "admin/password_reset_link", &[("user_id", &ada.id.to_string())]).await.unwrap();
    let token = path.strip_prefix("/reset?token=").expect("a reset path").to_owned();

    let browser = app.client();
    let page = browser.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Choose a new password") && html.contains("ada@example.com"), "{html}");
    assert!(html.contains(r#"<meta name="referrer" content="no-referrer""#), "the token stays on this page");
    let unknown = app.post::<Option<String>>(&browser, "reset_link_status", &[("token", "nope")]).await.unwrap();
    assert_eq!(unknown, None);

    let new_password = "a brand new passphrase";
    let (status, body) = app.call(&browser, "reset_password", &[("token", &token), ("password", new_password)]).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert_eq!(app.viewer(&browser).await.map(|v| v.email), Some("ada@example.com".to_owned()), "signed in");
    let refused = app.get::<Vec<serde_json::Value>>(&old_session, "lists/mine").await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "the session before the reset ended");

    let again = [("token", token.as_str()), ("password", "yet another passphrase")];
    let (status, body) = app.call(&app.client(), "reset_password", &again).await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(serde_json::from_str::<AppError>(&body).unwrap(), AppError::ResetLinkSpent);
    let (status, _) = app.call(&app.client(), "log_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let back = app.logged_in("ada@example.com", new_password).await;
    assert!(app.viewer(&back).await.is_some());
    let spent = browser.get(format!("{}{path}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(spent.contains("has already been used"), "a spent link says so");
}

test_both_backends!(
    an_admin_deletes_a_viewer_whose_session_ends_with_the_account,
    a_reset_link_lets_a_viewer_back_in_once_and_ends_their_sessions,
);
