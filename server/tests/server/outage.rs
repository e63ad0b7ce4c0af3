//! #17 item 3: PostgreSQL stopped under load, then started again. A cluster of the test's own
//! (initdb and pg_ctl from Debian's PostgreSQL, as `scripts/test` installs it), so stopping it
//! touches no other test; the built `cinecloud serve` on it, as in production.

use std::{
    path::PathBuf,
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use app::error::AppError;
use cinecloud_core::{
    Db,
    catalog::{self, MovieForm},
};
use reqwest::{Client, StatusCode};

use crate::support::{Instance, PASSWORD, browser_client, free_port, wait_until};

/// A PostgreSQL cluster in a temporary folder, on a free port; run as `postgres` when the test
/// runs as root (PostgreSQL refuses root).
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    user: String,
    as_postgres: bool,
}

impl Cluster {
    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server is not installed (scripts/test installs it)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max_by_key(|bin| bin.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()))
            .expect("no initdb under /usr/lib/postgresql/*/bin");
        let whoami = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
        let as_postgres = whoami.trim() == "root";
        let user = if as_postgres { "postgres".to_owned() } else { whoami.trim().to_owned() };
        let dir = tempfile::Builder::new().prefix("cinecloud-pg-outage").tempdir().unwrap();
        if as_postgres {
            assert!(Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap().success());
        }
        let port = free_port();
        let cluster = Self { bin, dir, port, user, as_postgres };
        let data = cluster.dir.path().join("data");
        cluster.run("initdb", &["-D", data.to_str().unwrap(), "-A", "trust", "-U", &cluster.user, "--no-sync"]);
        cluster.up();
        cluster
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let output = command.args(args).output().unwrap();
        assert!(output.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Starts the server and waits until it accepts connections.
    fn up(&self) {
        let dir = self.dir.path().display();
        let options = format!("-p {} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off", self.port);
        let log = self.dir.path().join("log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-o", &options, "start"]);
    }

    /// Stops the server as an operator (or RDS maintenance) does: sessions are ended at once.
    fn down(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://{}@127.0.0.1:{}/postgres", self.user, self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let pg_ctl = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_ctl);
            c
        } else {
            Command::new(pg_ctl)
        };
        let _ = command.args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

/// One request the load made: when it started, how long it took, what it got.
#[derive(Clone, Debug)]
struct Sample {
    started: Instant,
    took: Duration,
    status: Option<u16>,
    #[expect(dead_code, reason = "shown when an assertion fails")]
    path: String,
}

/// Requests `paths` in turn with `client` until `stop`, recording each.
async fn load(
    client: Client,
    base: String,
    paths: Vec<String>,
    samples: Arc<Mutex<Vec<Sample>>>,
    stop: Arc<Mutex<bool>>,
) {
    for path in paths.iter().cycle() {
        if *stop.lock().unwrap() {
            return;
        }
        let started = Instant::now();
        let status = match client.get(format!("{base}{path}")).send().await {
            // The whole body: a page that streams must finish too.
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.ok().map(|_| status)
            }
            Err(_) => None,
        };
        samples.lock().unwrap().push(Sample { started, took: started.elapsed(), status, path: path.clone() });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Ada rates the movie as the page's script does (a JSON answer, not the no-script redirect).
async fn rate(client: &Client, base: &str, movie: i64) -> reqwest::Response {
    let form = [("id", movie.to_string()), ("half_stars", "8".into())];
    client.post(format!("{base}/api/rate_movie")).header("accept", "application/json").form(&form).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_at_once_and_recovers_by_itself() {
    let cluster = Cluster::start();
    let db = Db::connect(&cluster.url()).await.unwrap();
    db.migrate().await.unwrap();
    let form = MovieForm { title: "Nosferatu".into(), year: "1922".into(), ..Default::default() };
    let movie = catalog::create_movie(&db, &form, None).await.unwrap();
    drop(db);
    let media = tempfile::tempdir().unwrap();
    let url = cluster.url();
    let mut server = Instance::serve(
        "a",
        &[
            ("DATABASE_URL", &url),
            ("CINECLOUD_MEDIA_DIR", media.path().to_str().unwrap()),
            ("RUST_LOG", "info"),
            ("CINECLOUD_API_REQUESTS_PER_MINUTE", "100000"),
        ],
    )
    .await;
    server.ready().await;
    let base = server.base();
    let ada = browser_client();
    let signed_up = ada
        .post(format!("{base}/api/sign_up"))
        .form(&[("email", "ada@example.com"), ("display_name", "Ada"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(signed_up.status().is_success() || signed_up.status().is_redirection(), "{}", signed_up.status());

    // Anonymous and signed-in visitors browse: pages rendered whole before the first byte, a
    // streamed one, the JSON API, a signed-in page.
    let samples = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(Mutex::new(false));
    let paths: Vec<String> =
        ["/movies", &format!("/movies/{}", movie.id), "/", "/api/v1/movies", "/lists"].map(str::to_owned).into();
    let mut tasks = Vec::new();
    for (n, visitor) in [browser_client(), browser_client(), ada.clone(), ada.clone()].into_iter().enumerate() {
        let signed_in = n >= 2;
        // My lists is a signed-in page.
        let mut paths: Vec<String> = paths.iter().filter(|p| signed_in || *p != "/lists").cloned().collect();
        paths.rotate_left(n);
        tasks.push(tokio::spawn(load(visitor, base.clone(), paths, samples.clone(), stop.clone())));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let served_before = samples.lock().unwrap().len();
    assert!(served_before >= 10, "the load runs: {served_before} requests");

    let stopping = Instant::now();
    tokio::task::block_in_place(|| cluster.down());
    let stopped = Instant::now();

    // The instance leaves the balancer at once, and says why.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let asked = Instant::now();
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(asked.elapsed() < Duration::from_secs(1), "/readyz took {:?}", asked.elapsed());
    assert_eq!(ready.text().await.unwrap(), r#"{"database":"unavailable","media":"ok"}"#);

    // A person gets a page that says what is going on; a server function, the API's error.
    let page = ada.get(format!("{base}/movies/{}", movie.id)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("cannot reach its database"));
    let rated = rate(&ada, &base, movie.id).await;
    assert_eq!(rated.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(rated.json::<AppError>().await.unwrap(), AppError::Unavailable("The database".into()));

    tokio::time::sleep(Duration::from_millis(2500).saturating_sub(stopped.elapsed())).await;
    let starting = Instant::now();
    tokio::task::block_in_place(|| cluster.up());
    let started = Instant::now();
    // Back by itself: the same process serves pages again within 5 s of the database.
    let back = wait_until(Duration::from_secs(10), || async {
        ada.get(format!("{base}/movies/{}", movie.id)).send().await.is_ok_and(|r| r.status() == StatusCode::OK)
    })
    .await;
    let recovered = started.elapsed();
    assert!(back.is_some() && recovered <= Duration::from_secs(5), "serving again {recovered:?} after the database");
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let rated = rate(&ada, &base, movie.id).await;
    assert_eq!(rated.status(), StatusCode::OK, "signed in still: the session was never lost");
    let recovered_at = Instant::now();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    *stop.lock().unwrap() = true;
    for task in tasks {
        task.await.unwrap();
    }

    let samples = samples.lock().unwrap().clone();
    // The probe looks every half second: from then on, nothing waits on the database.
    let noticed = stopped + Duration::from_millis(700);
    let during: Vec<&Sample> = samples.iter().filter(|s| s.started >= noticed && s.started < starting).collect();
    assert!(during.len() >= 10, "the load went on during the outage: {} requests", during.len());
    for sample in &samples {
        // No request hangs, none fails as a bug; while the database is down, 503 within 2 s.
        assert!(sample.took < Duration::from_secs(2), "{sample:?}");
        assert!(matches!(sample.status, Some(200 | 503)), "{sample:?}");
    }
    assert!(during.iter().all(|s| s.status == Some(503)), "{during:#?}");
    let after: Vec<&Sample> = samples.iter().filter(|s| s.started >= recovered_at).collect();
    assert!(!after.is_empty() && after.iter().all(|s| s.status == Some(200)), "{after:#?}");
    let outage = starting.duration_since(stopping);

    assert!(server.child.try_wait().unwrap().is_none(), "the same process throughout");
    assert!(server.logged("panicked").is_empty(), "{:?}", server.logged("panicked"));
    assert_eq!(server.logged("the database stopped answering").len(), 1);
    assert_eq!(server.logged("the database answers again").len(), 1);
    eprintln!(
        "outage {outage:?}: {} requests answered 503 (slowest {:?}); serving again {recovered:?} after the database",
        during.len(),
        during.iter().map(|s| s.took).max().unwrap_or_default()
    );
}
