//! #17 item 2: Cinecloud as a fleet. Two `cinecloud serve` processes on one PostgreSQL database
//! and one S3 bucket (the in-process S3 protocol server), behind HAProxy from Debian's packages:
//! round-robin, no stickiness, health-checked on `/readyz`. Everything a viewer or an admin does
//! through the balancer must hold whichever server answers.

use std::time::Duration;

use app::api::{
    auth::Viewer,
    catalog::MovieView,
    recommend::{ForYouView, ModelStatusView, Reason},
};
use cinecloud_core::{
    catalog::{self, MovieForm},
    ratings,
    testing::{TestDb, TestS3, viewer},
};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use tokio::process::{Child, Command};

use crate::support::{Instance, PASSWORD, browser_client, free_port, png, wait_until};

/// Debian's HAProxy (`scripts/test` installs it).
fn haproxy_binary() -> String {
    ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_owned)
        .expect("HAProxy is not installed: `apt-get install haproxy` (scripts/test does it)")
}

/// The balancer, its two servers, and what they run on.
pub struct Fleet {
    /// `http://127.0.0.1:PORT` of the balancer: the public URL of both servers.
    pub base: String,
    instances: [Instance; 2],
    haproxy: Child,
    /// The shared database (dropped with the fleet).
    _db: TestDb,
    _s3: TestS3,
    _config: tempfile::TempDir,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = self.haproxy.start_kill();
        for instance in &mut self.instances {
            let _ = instance.child.start_kill();
        }
    }
}

impl Fleet {
    /// On `db` (arranged beforehand: a server trains on what it finds when it starts), starts the
    /// S3 server, both servers at once (they migrate and start side by side, as a fleet's tasks
    /// do) and HAProxy; returns once the balancer answers.
    pub async fn start(db: TestDb) -> Self {
        let s3 = TestS3::start().await;
        let lb_port = free_port();
        let base = format!("http://127.0.0.1:{lb_port}");
        let instances =
            [Self::instance("a", &db.url, &s3, &base).await, Self::instance("b", &db.url, &s3, &base).await];
        for instance in &instances {
            instance.ready().await;
        }
        let config = tempfile::tempdir().unwrap();
        let cfg = config.path().join("haproxy.cfg");
        std::fs::write(
            &cfg,
            format!(
                "global\n  maxconn 512\n\
                 defaults\n  mode http\n  option forwardfor\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n\
                 frontend web\n  bind 127.0.0.1:{lb_port}\n  default_backend cinecloud\n\
                 backend cinecloud\n  balance roundrobin\n  option httpchk GET /readyz\n  http-check expect status 200\n\
                 \x20 default-server inter 500ms fall 2 rise 1\n\
                 \x20 http-response set-header X-Cinecloud-Server %[srv_name]\n\
                 \x20 server a 127.0.0.1:{}  check\n  server b 127.0.0.1:{} check\n",
                instances[0].port, instances[1].port
            ),
        )
        .unwrap();
        let haproxy = Command::new(haproxy_binary())
            .args(["-db", "-f"])
            .arg(&cfg)
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("starting HAProxy");
        let fleet = Self { base, instances, haproxy, _db: db, _s3: s3, _config: config };
        wait_until(Duration::from_secs(20), || async {
            reqwest::get(format!("{}/readyz", fleet.base)).await.is_ok_and(|r| r.status() == StatusCode::OK)
        })
        .await
        .expect("the balancer answers /readyz");
        fleet
    }

    async fn instance(name: &'static str, database_url: &str, s3: &TestS3, public_url: &str) -> Instance {
        Instance::serve(
            name,
            &[
                ("DATABASE_URL", database_url),
                ("CINECLOUD_S3_BUCKET", &s3.bucket),
                ("CINECLOUD_S3_ENDPOINT", &s3.endpoint),
                ("CINECLOUD_S3_REGION", "us-east-1"),
                ("AWS_ACCESS_KEY_ID", &s3.access_key),
                ("AWS_SECRET_ACCESS_KEY", &s3.secret_key),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("CINECLOUD_PUBLIC_URL", public_url),
                ("CINECLOUD_TRUST_PROXY", "true"),
                ("CINECLOUD_RECOMMENDER_RETRAIN_AFTER", "1"),
                ("CINECLOUD_RECOMMENDER_POLL_SECONDS", "1"),
            ],
        )
        .await
    }

    /// The setup link a server logged at start.
    fn setup_token(&self, instance: usize) -> String {
        let line = self.instances[instance].logged("/setup?token=").pop().expect("a setup link is logged");
        let start = line.find("token=").unwrap() + "token=".len();
        line[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }

    /// A browser-like client (cookies, same-origin fetch metadata, no redirects followed).
    pub fn client(&self) -> Client {
        browser_client()
    }
}

/// A server function's answer through `base`, with the name of the server that gave it.
async fn call<T: DeserializeOwned>(
    client: &Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Option<T>, String) {
    let response = client.post(format!("{base}/api/{endpoint}")).form(form).send().await.unwrap();
    answered(response).await
}

async fn get<T: DeserializeOwned>(client: &Client, base: &str, path: &str) -> (StatusCode, Option<T>, String) {
    answered(client.get(format!("{base}/api/{path}")).send().await.unwrap()).await
}

async fn answered<T: DeserializeOwned>(response: reqwest::Response) -> (StatusCode, Option<T>, String) {
    let status = response.status();
    let server =
        response.headers().get("x-cinecloud-server").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = response.text().await.unwrap();
    let value = if status.is_success() { serde_json::from_str(&body).ok() } else { None };
    (status, value, server)
}

fn names_movie(reason: &Reason, movie: i64) -> bool {
    matches!(reason, Reason::BecauseYouRated { movie_id, .. } | Reason::PopularWithViewersWhoLiked { movie_id, .. } if *movie_id == movie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_behind_a_balancer_serve_one_viewer_as_one_app() {
    let test_db = TestDb::postgres().await;
    let pool = test_db.db.clone();
    let db = &pool;

    // The catalog and other viewers' tastes: those who love "Nosferatu" love "Vampyr" too.
    let mut ids = Vec::new();
    for title in ["Nosferatu", "Vampyr", "Metropolis", "Sunrise", "The Kid", "Faust"] {
        let form =
            MovieForm { title: title.into(), year: "1927".into(), genres: vec!["Drama".into()], ..Default::default() };
        ids.push(catalog::create_movie(db, &form, None).await.unwrap().id);
    }
    for n in 0..6 {
        let other = viewer(db, &format!("fan{n}")).await;
        ratings::rate(db, other, ids[0], 10).await.unwrap();
        ratings::rate(db, other, ids[1], 10).await.unwrap();
        ratings::rate(db, other, ids[2 + n % 4], 4).await.unwrap();
    }

    // The servers start on that data: the first training sees all of it (servers started earlier
    // could train on part of it, then again).
    let fleet = Fleet::start(test_db).await;
    let lb = fleet.base.clone();

    // Each server logged a setup link; either works, and once one has made the admin neither does.
    let admin = first_admin_through_either_link(&fleet).await;

    // The fans' ratings are due for a first training: one server trains, both serve it.
    let served_everywhere = |version: i64| {
        let admin = admin.clone();
        let bases: Vec<String> = fleet.instances.iter().map(Instance::base).collect();
        async move {
            for base in &bases {
                let (_, model, _) = get::<Option<ModelStatusView>>(&admin, base, "admin/recommender").await;
                if model.flatten().map(|m| m.version) != Some(version) {
                    return false;
                }
            }
            true
        }
    };
    assert!(wait_until(Duration::from_secs(60), || served_everywhere(1)).await.is_some(), "model 1 on both");

    // A viewer signs up; every following request goes to the other server, signed in on both.
    let ada = fleet.client();
    let form = [("email", "ada@example.com"), ("display_name", "Ada"), ("password", PASSWORD)];
    let (status, _, _) = call::<serde_json::Value>(&ada, &lb, "sign_up", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let mut answered_by = Vec::new();
    for _ in 0..8 {
        let (status, viewer, server) = call::<Option<Viewer>>(&ada, &lb, "current_viewer", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(viewer.flatten().map(|v| v.email), Some("ada@example.com".to_owned()), "signed in on {server}");
        answered_by.push(server);
    }
    assert!(answered_by.windows(2).all(|w| w[0] != w[1]), "round-robin, no stickiness: {answered_by:?}");
    assert!(answered_by.iter().any(|s| s == "a") && answered_by.iter().any(|s| s == "b"), "{answered_by:?}");

    // A cover uploaded through one server is served by the other.
    let movie: MovieView = get(&admin, &lb, &format!("movie?id={}", ids[0])).await.1.unwrap();
    let upload = reqwest::multipart::Form::new()
        .text("id", movie.id.to_string())
        .text("version", movie.version.to_string())
        .part("cover", reqwest::multipart::Part::bytes(png(400, 600)).file_name("poster.png"));
    let (status, saved, uploaded_on) = answered::<MovieView>(
        admin.post(format!("{lb}/api/admin/upload_cover")).multipart(upload).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let card = saved.unwrap().cover.expect("the cover's URLs").card;
    let other = fleet.instances.iter().find(|i| i.name != uploaded_on).unwrap();
    let served = reqwest::get(format!("{}{card}", other.base())).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK, "uploaded on {uploaded_on}, read from {}", other.name);
    assert_eq!(image::guess_format(&served.bytes().await.unwrap()).unwrap(), image::ImageFormat::WebP);

    // A rating given on one server changes the other's recommendations once the model is
    // trained again — by one server only.
    let (status, _, rated_on) =
        call::<serde_json::Value>(&ada, &lb, "rate_movie", &[("id", &ids[0].to_string()), ("half_stars", "10")]).await;
    assert_eq!(status, StatusCode::OK);
    let other = fleet.instances.iter().find(|i| i.name != rated_on).unwrap().base();
    let recommended = wait_until(Duration::from_secs(60), || async {
        let (_, view, _) = get::<Option<ForYouView>>(&ada, &other, "recommendations").await;
        view.flatten().is_some_and(|v| v.items.iter().any(|i| names_movie(&i.reason, ids[0])))
    })
    .await;
    let (_, view, _) = get::<Option<ForYouView>>(&ada, &other, "recommendations").await;
    assert!(recommended.is_some(), "rated on {rated_on}; the other server recommends: {view:?}");
    assert!(wait_until(Duration::from_secs(30), || served_everywhere(2)).await.is_some(), "model 2 on both");
    // Each due training ran on one server only: one for the fans' ratings, one for Ada's.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let trained: Vec<String> = fleet.instances.iter().flat_map(|i| i.logged("recommender model trained")).collect();
    assert_eq!(trained.len(), 2, "{trained:?}");
    assert_eq!(trained.iter().filter(|l| l.contains(r#""viewers":7"#)).count(), 1, "{trained:?}");

    // Guessing Ada's password through the balancer is throttled by both servers together: five
    // failures from one address for one account (each server alone would allow five more).
    let guesser = fleet.client();
    let mut statuses = Vec::new();
    for i in 0..16 {
        let form = [("email", "ada@example.com".to_owned()), ("password", format!("guess {i}"))];
        statuses.push(guesser.post(format!("{lb}/api/log_in")).form(&form).send().await.unwrap().status());
    }
    let verified = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(verified, 5, "guesses verified across the two servers: {statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

/// Each server logged a setup link; either works, and once one has made the admin neither does.
/// Returns the client signed in as that admin.
async fn first_admin_through_either_link(fleet: &Fleet) -> Client {
    let lb = &fleet.base;
    let (first, second) = (fleet.setup_token(0), fleet.setup_token(1));
    assert_ne!(first, second);
    let admin = fleet.client();
    let form = |token: &str, email: &str| {
        vec![
            ("token", token.to_owned()),
            ("email", email.to_owned()),
            ("display_name", "Root".to_owned()),
            ("password", PASSWORD.to_owned()),
        ]
    };
    let made = admin.post(format!("{lb}/api/create_first_admin")).form(&form(&second, "root@example.com")).send();
    let made = made.await.unwrap().status();
    assert!(made.is_success() || made.is_redirection(), "{made}");
    for token in [&first, &second] {
        for _ in 0..2 {
            let again = fleet
                .client()
                .post(format!("{lb}/api/create_first_admin"))
                .form(&form(token, "two@example.com"))
                .send();
            assert_eq!(again.await.unwrap().status(), StatusCode::GONE, "a setup link works once, on either server");
        }
    }
    admin
}
