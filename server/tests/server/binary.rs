//! The `cinecloud` binary itself: start-up errors, graceful shutdown, and the admin commands.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_cinecloud");

fn command(data: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", format!("sqlite://{}/cinecloud.db", data.display()))
        .env("CINECLOUD_MEDIA_DIR", data.join("media"))
        .env("CINECLOUD_LOG_FORMAT", "json")
        // Stopping waits for nobody unless a test asks for a drain.
        .env("CINECLOUD_DRAIN_SECONDS", "0");
    command
}

/// `cinecloud serve` on `port`, its output captured.
fn serve(data: &std::path::Path, port: u16) -> Command {
    let mut command = command(data);
    command
        .env("CINECLOUD_LISTEN", format!("127.0.0.1:{port}"))
        .env("CINECLOUD_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits until the server accepts connections on `port`.
fn wait_for(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends SIGTERM and collects what the server printed.
fn stop(child: std::process::Child) -> std::process::Output {
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    child.wait_with_output().unwrap()
}

#[test]
fn a_wrong_variable_stops_start_up_naming_it() {
    let data = tempfile::tempdir().unwrap();
    let output = command(data.path()).env("CINECLOUD_LISTEN", "not-an-address").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CINECLOUD_LISTEN"), "{stderr}");

    let output = command(data.path()).env("DATABASE_URL", "mysql://nope").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL"));
}

#[test]
fn serves_then_shuts_down_cleanly_on_sigterm_and_logs_the_setup_link() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = serve(data.path(), port).spawn().unwrap();
    wait_for(port);
    let output = stop(child);
    assert!(output.status.success(), "exit status {:?}", output.status);
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(logs.contains("shut down cleanly"), "{logs}");
    // JSON logs off a terminal, with the one-time setup link while no admin exists.
    let link_line = logs.lines().find(|l| l.contains("/setup?token=")).expect("a setup link is logged");
    assert!(serde_json::from_str::<serde_json::Value>(link_line).is_ok(), "{link_line}");
}

#[test]
fn admin_commands_create_promote_and_issue_links() {
    let data = tempfile::tempdir().unwrap();
    let link = command(data.path()).args(["admin", "setup-link"]).output().unwrap();
    assert!(link.status.success());
    assert!(String::from_utf8_lossy(&link.stdout).starts_with("http://127.0.0.1:3000/setup?token="));

    let create = command(data.path())
        .args(["admin", "create", "--email", "root@example.com", "--name", "Root"])
        .env("CINECLOUD_ADMIN_PASSWORD", "a long enough passphrase")
        .output()
        .unwrap();
    assert!(create.status.success(), "{}", String::from_utf8_lossy(&create.stderr));

    let weak = command(data.path())
        .args(["admin", "create", "--email", "two@example.com", "--name", "Two"])
        .env("CINECLOUD_ADMIN_PASSWORD", "password")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("common"));

    // Once an admin exists, no setup link is issued.
    let link = command(data.path()).args(["admin", "setup-link"]).output().unwrap();
    assert!(!link.status.success());

    let missing = command(data.path()).args(["admin", "promote", "nobody@example.com"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not found"));
}

/// A client that goes away mid-page (a closed tab, wrk stopping) is not a server error: the
/// page's resources that were still loading find their request gone, and say so at debug.
#[test]
fn clients_that_go_away_mid_page_log_no_errors() {
    use std::io::{Read, Write};
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child =
        serve(data.path(), port).env("CINECLOUD_DEMO_CATALOG", "false").env("RUST_LOG", "info").spawn().unwrap();
    // Read the log while the clients run: 160 requests log more than a pipe holds, and a server
    // blocked writing its log answers nobody (this test once hung for 12 minutes that way).
    let mut stdout = child.stdout.take().unwrap();
    let log_reader = std::thread::spawn(move || {
        let mut logs = String::new();
        stdout.read_to_string(&mut logs).unwrap();
        logs
    });
    wait_for(port);
    // Rounds of clients that read the first bytes of a streamed page (the shell goes out before
    // the page's data has loaded) and hang up.
    for _ in 0..5 {
        let clients: Vec<_> = (0..32)
            .map(|i| {
                std::thread::spawn(move || {
                    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    let path = ["/", "/lists", "/history", "/profile"][i % 4];
                    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
                    let mut first = [0u8; 64];
                    let n = stream.read(&mut first).unwrap();
                    // 200 for the home page, 401 for a visitor's private pages: both stream a page.
                    let head = &first[..n];
                    assert!(
                        head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.1 401"),
                        "{}",
                        String::from_utf8_lossy(head)
                    );
                })
            })
            .collect();
        for client in clients {
            client.join().unwrap();
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let output = stop(child);
    assert!(output.status.success(), "exit status {:?}", output.status);
    let logs = log_reader.join().unwrap();
    let requests = logs.lines().filter(|l| l.contains("finished processing request")).count();
    assert!(requests >= 100, "the access log shows the requests ({requests}): {logs}");
    let errors: Vec<_> = logs.lines().filter(|l| l.contains(r#""level":"ERROR""#)).collect();
    assert!(errors.is_empty(), "{} error lines, e.g. {:?}", errors.len(), errors.first());
}

/// A GET over a fresh connection (HTTP/1.1, `Connection: close`): the status and the body.
fn http_get(port: u16, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// #17 item 1: with `CINECLOUD_METRICS_LISTEN` the server answers `/metrics` there, and only
/// there; requests are counted by route template and status.
#[test]
fn metrics_answer_on_their_own_listener_only() {
    let data = tempfile::tempdir().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let mut command = serve(data.path(), port);
    command.env("CINECLOUD_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}")).env("CINECLOUD_DEMO_CATALOG", "false");
    let child = command.spawn().unwrap();
    wait_for(port);
    wait_for(metrics_port);
    for _ in 0..3 {
        assert_eq!(http_get(port, "/healthz").0, 200);
    }
    assert_eq!(http_get(port, "/people/999999").0, 404);
    assert_eq!(http_get(port, "/metrics").0, 404, "never on the public port");

    let (status, text) = http_get(metrics_port, "/metrics");
    assert_eq!(status, 200);
    let value = |name: &str, labels: &[&str]| -> Option<f64> {
        text.lines()
            .filter(|l| l.starts_with(name) && labels.iter().all(|label| l.contains(label)))
            .find_map(|l| l.rsplit(' ').next()?.parse().ok())
    };
    let healthz = value("http_requests_total{", &["route=\"/healthz\"", "status=\"200\"", "method=\"GET\""]);
    assert_eq!(healthz, Some(3.0), "{text}");
    let person = value("http_requests_total{", &["route=\"/people/{id}\"", "status=\"404\""]);
    assert_eq!(person, Some(1.0), "counted under the route's template: {text}");
    assert!(value("http_request_duration_seconds_bucket{", &["route=\"/healthz\""]).is_some(), "{text}");
    assert_eq!(value("recommender_model_version", &[]), Some(0.0), "no model served yet: {text}");
    assert_eq!(value("background_tasks_running{", &["task=\"recommender\""]), Some(1.0), "{text}");
    assert!(value("db_pool_connections{", &["state=\"idle\""]).is_some(), "{text}");
    assert!(value("process_resident_memory_bytes", &[]).is_some_and(|rss| rss > 1e6), "{text}");
    let output = stop(child);
    assert!(output.status.success(), "exit status {:?}", output.status);
}

/// #17 item 4: the container's HEALTHCHECK (the image has no curl) succeeds against a serving
/// instance, `0.0.0.0` meaning this host, and fails where nothing answers.
#[test]
fn healthcheck_succeeds_only_where_a_server_answers() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = serve(data.path(), port).env("CINECLOUD_DEMO_CATALOG", "false").spawn().unwrap();
    wait_for(port);
    let check =
        |listen: String| command(data.path()).arg("healthcheck").env("CINECLOUD_LISTEN", listen).output().unwrap();
    let healthy = check(format!("0.0.0.0:{port}"));
    assert!(healthy.status.success(), "{}", String::from_utf8_lossy(&healthy.stderr));
    let output = stop(child);
    assert!(output.status.success());
    let nobody = check(format!("127.0.0.1:{}", free_port()));
    assert_eq!(nobody.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("127.0.0.1"), "says where it looked");
}

/// A raw HTTP/1.1 exchange on its own connection: the status and the whole answer.
fn http_request(port: u16, head_and_body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(head_and_body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    (answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0), answer)
}

/// #17 item 3: on SIGTERM an instance first fails `/readyz` while still serving (the balancer
/// takes it out), then closes its listener, lets a request that was still arriving finish, and
/// exits cleanly within its bounds.
#[test]
fn sigterm_fails_readiness_first_then_finishes_in_flight_requests() {
    use std::io::{Read, Write};
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = serve(data.path(), port)
        .env("CINECLOUD_DEMO_CATALOG", "false")
        .env("CINECLOUD_DRAIN_SECONDS", "2")
        .spawn()
        .unwrap();
    wait_for(port);
    let form = "email=ada%40example.com&display_name=Ada&password=a+long+enough+passphrase";
    let (status, answer) = http_request(
        port,
        format!(
            "POST /api/sign_up HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nSec-Fetch-Site: same-origin\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    );
    assert!(status == 200 || status == 303, "{answer}");
    let cookie = answer
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");

    // A photo upload whose body is still arriving when the signal comes.
    let png = crate::support::png(64, 64);
    let boundary = "cinecloud-drain";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut upload = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    upload.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        upload,
        "POST /api/upload_photo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nSec-Fetch-Site: same-origin\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let half = body.len() / 2;
    upload.write_all(&body[..half]).unwrap();
    upload.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let signalled = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    // Draining: not ready, still serving.
    let (status, readiness) = http_get(port, "/readyz");
    assert_eq!(status, 503, "{readiness}");
    assert!(readiness.contains("draining"), "{readiness}");
    assert_eq!(http_get(port, "/healthz").0, 200, "new requests are still served while draining");
    // After the drain the listener is closed.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the listener closed after the drain");

    // The upload that was in flight all along completes.
    upload.write_all(&body[half..]).unwrap();
    let mut answer = String::new();
    upload.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10), "exited {:?} after the signal", signalled.elapsed());
    let mut logs = String::new();
    child.stdout.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(logs.contains("shut down cleanly"), "{logs}");
}

/// #17 item 3: a video being streamed when SIGTERM comes plays to its end; the instance leaves
/// the balancer first and exits once the stream is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_video_stream_in_flight_play_to_its_end() {
    use cinecloud_core::{
        Backend,
        catalog::{self, MovieForm},
        storage::MediaStore,
        testing::TestServices,
        videos,
    };
    let t = TestServices::new(Backend::Sqlite).await;
    let form = MovieForm { title: "Sunrise".into(), ..Default::default() };
    let movie = catalog::create_movie(&t.services.db, &form, None).await.unwrap();
    let clip = bytes::Bytes::from(crate::videos::webm(24 * 1024 * 1024));
    let body = Box::pin(futures::stream::iter([Ok::<_, String>(clip.clone())]));
    videos::attach(&t.services, movie.id, body, None).await.unwrap();
    let MediaStore::Local(store) = &t.services.media else { panic!("local media") };
    let media = store.root().to_str().unwrap().to_owned();
    let mut server = crate::support::Instance::serve(
        "a",
        &[("DATABASE_URL", &t.db.url), ("CINECLOUD_MEDIA_DIR", &media), ("CINECLOUD_DRAIN_SECONDS", "1")],
    )
    .await;
    server.ready().await;
    let base = server.base();
    let viewer = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed_up = viewer
        .post(format!("{base}/api/sign_up"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", "ada@example.com"), ("display_name", "Ada"), ("password", crate::support::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(signed_up.status().is_success(), "{}", signed_up.status());

    let mut stream =
        viewer.get(format!("{base}/stream/{}", movie.id)).header("range", "bytes=0-").send().await.unwrap();
    assert_eq!(stream.status(), reqwest::StatusCode::PARTIAL_CONTENT);
    let mut received = stream.chunk().await.unwrap().expect("the first bytes").to_vec();

    let signalled = Instant::now();
    let pid = server.child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let readiness = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(readiness.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    // The viewer pauses past the drain: the listener closes, the stream stays.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err(), "the listener closed after the drain");
    while let Some(chunk) = stream.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
    }
    assert!(received == clip, "the whole video arrived ({} of {} bytes)", received.len(), clip.len());
    let status = server.child.wait().await.unwrap();
    assert!(status.success(), "{status:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10), "exited {:?} after the signal", signalled.elapsed());
    let said =
        crate::support::wait_until(Duration::from_secs(5), || async { !server.logged("shut down cleanly").is_empty() });
    assert!(said.await.is_some(), "no clean shutdown logged");
}
