//! Liveness and readiness, as a load balancer asks for them.

use cinecloud_core::{Backend, test_both_backends};
use reqwest::StatusCode;

use crate::support::TestApp;

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let health = c.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = c.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), r#"{"database":"ok","media":"ok"}"#);
}

test_both_backends!(health_and_readiness_answer,);
