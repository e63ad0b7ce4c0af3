//! What goes over the wire: the browser bundle under content-hashed, immutable names with its
//! precompressed variants chosen by `Accept-Encoding`, pages and JSON compressed on the fly, and
//! video and images sent as they are. Every test runs on SQLite and on PostgreSQL.

use std::io::Read;

use bytes::Bytes;
use cinecloud_core::{
    Backend,
    catalog::{self, MovieForm},
    test_both_backends,
    testing::MediaBackend,
    videos,
};
use reqwest::{Client, StatusCode, header};

use crate::support::{TestApp, png};

/// A built site as cargo-leptos leaves it (glue, module, stylesheet), precompressed as the
/// release build does.
fn built_site() -> (tempfile::TempDir, [Vec<u8>; 3]) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let js = "export function hydrate() {}\nexport default async function init() {}\n".repeat(300).into_bytes();
    let wasm = [b"\0asm\x01\0\0\0".as_slice(), &b"(func $hydrate)".repeat(2000)].concat();
    let css = ".page { margin: 0 auto; }\n".repeat(300).into_bytes();
    std::fs::write(pkg.join("cinecloud.js"), &js).unwrap();
    std::fs::write(pkg.join("cinecloud.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("cinecloud.css"), &css).unwrap();
    server::web::assets::precompress(site.path()).unwrap();
    (site, [js, wasm, css])
}

async fn spawn_on_site(backend: Backend, site: &tempfile::TempDir) -> TestApp {
    let root = site.path().to_str().unwrap().to_owned();
    TestApp::spawn_configured(backend, MediaBackend::Local, move |settings| settings.site_root = root).await
}

async fn fetch(client: &Client, url: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = client.get(url);
    if let Some(encodings) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    request.send().await.unwrap()
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response.headers().get(&name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The body as sent and decoded by its `Content-Encoding`.
async fn decoded(response: reqwest::Response) -> (String, Bytes, Vec<u8>) {
    let encoding = header_of(&response, header::CONTENT_ENCODING);
    let sent = response.bytes().await.unwrap();
    let mut body = Vec::new();
    match encoding.as_str() {
        "br" => brotli::BrotliDecompress(&mut &sent[..], &mut body).unwrap(),
        "gzip" => {
            flate2::read::GzDecoder::new(&sent[..]).read_to_end(&mut body).unwrap();
        }
        "" => body.extend_from_slice(&sent),
        other => panic!("unexpected encoding {other}"),
    }
    (encoding, sent, body)
}

/// The `/pkg/…` URLs a page loads, in the order js, wasm, css: the glue its script imports, the
/// module it instantiates, its stylesheet.
fn bundle_urls(html: &str) -> [String; 3] {
    let after = |marker: &str| {
        let rest = html.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker} in {html}"));
        rest.split('"').next().unwrap().to_owned()
    };
    [after("import(\""), after("module_or_path: \""), after("rel=\"stylesheet\" id=\"leptos\" href=\"")]
}

async fn the_bundle_goes_out_hashed_precompressed_and_immutable(backend: Backend) {
    let (site, files) = built_site();
    let app = spawn_on_site(backend, &site).await;
    let client = app.client();
    let page = fetch(&client, &format!("{}/", app.base), None).await.text().await.unwrap();
    let urls = bundle_urls(&page);
    for url in &urls {
        assert!(
            url.len() == "/pkg/cinecloud.0123456789abcdef.".len() + url.rsplit('.').next().unwrap().len(),
            "a content-hashed name: {url}"
        );
    }
    assert!(page.contains(&format!("import(\"{}\")", urls[0])), "the module script loads the glue");
    assert!(page.contains(&format!("module_or_path: \"{}\"", urls[1])), "and the module by its hashed name");
    assert!(page.contains(&format!("rel=\"stylesheet\" id=\"leptos\" href=\"{}\"", urls[2])));

    for (url, original) in urls.iter().zip(&files) {
        let url = format!("{}{url}", app.base);
        for (accepts, expected) in [(Some("gzip, deflate, br, zstd"), "br"), (Some("gzip"), "gzip"), (None, "")] {
            let response = fetch(&client, &url, accepts).await;
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            assert_eq!(header_of(&response, header::CACHE_CONTROL), "public, max-age=31536000, immutable", "{url}");
            assert!(header_of(&response, header::VARY).contains("accept-encoding"), "{url}");
            let (encoding, sent, body) = decoded(response).await;
            assert_eq!(encoding, expected, "{url} accepting {accepts:?}");
            assert_eq!(&body, original, "{url} decodes to the built file");
            if !expected.is_empty() {
                assert!(
                    sent.len() * 5 < original.len(),
                    "{url}: {expected} sent {} of {} bytes",
                    sent.len(),
                    original.len()
                );
            }
        }
    }
    let wasm = fetch(&client, &format!("{}{}", app.base, urls[1]), Some("br")).await;
    assert_eq!(header_of(&wasm, header::CONTENT_TYPE), "application/wasm", "streaming compilation needs the type");

    // The plain name still answers (for tools), but must be revalidated; an unknown hash is not
    // today's file under a name cached for a year: it is missing.
    let plain = fetch(&client, &format!("{}/pkg/cinecloud.js", app.base), Some("br")).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header_of(&plain, header::CACHE_CONTROL), "public, no-cache");
    let stale = fetch(&client, &format!("{}/pkg/cinecloud.0000000000000000.js", app.base), Some("br")).await;
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    assert_ne!(header_of(&stale, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    let outside = fetch(&client, &format!("{}/pkg/..%2F..%2Fetc%2Fpasswd", app.base), None).await;
    assert_eq!(outside.status(), StatusCode::NOT_FOUND, "nothing outside the bundle folder");
}

/// A bundle built with `--split`, in miniature: the glue imports the chunk loader, which imports
/// the glue and fetches the sign-in page's two chunks.
async fn a_split_bundle_goes_out_under_hashed_names_and_a_lazy_page_names_them(backend: Backend) {
    let (site, _) = built_site();
    let pkg = site.path().join("pkg");
    let loader = "__wasm_split.______________________.js";
    std::fs::write(
        pkg.join("cinecloud.js"),
        format!("import * as split from \"./{loader}\";\nexport function hydrate() {{}}\n"),
    )
    .unwrap();
    std::fs::write(
        pkg.join(loader),
        "import { initSync } from \"./cinecloud.js\";\nfetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n\
         fetch(new URL(\"./split___login_route_view_7.wasm\", import.meta.url));\n",
    )
    .unwrap();
    let chunks =
        [("chunk_1", b"\0asm chunk one".repeat(50)), ("split___login_route_view_7", b"\0asm login".repeat(50))];
    for (stem, bytes) in &chunks {
        std::fs::write(pkg.join(format!("{stem}.wasm")), bytes).unwrap();
    }
    std::fs::write(
        pkg.join("__wasm_split_manifest.json"),
        r#"{"__login_route_view_7": ["split___login_route_view_7", "chunk_1"]}"#,
    )
    .unwrap();
    server::web::assets::precompress(site.path()).unwrap();
    let app = spawn_on_site(backend, &site).await;
    let client = app.client();
    let immutable = "public, max-age=31536000, immutable";

    let page = fetch(&client, &format!("{}/login", app.base), None).await.text().await.unwrap();
    let glue_url =
        page.split("import(\"").nth(1).and_then(|rest| rest.split('"').next()).expect("the page imports the glue");
    assert_ne!(glue_url, "/pkg/cinecloud.js", "the glue has a hashed name");
    let named: Vec<&str> = page
        .split("<meta name=\"cinecloud-chunks\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the lazy page names its chunks")
        .split(' ')
        .collect();
    assert_eq!(named.len(), 3, "two chunks and the loader: {named:?}");
    let loader_url = *named.iter().find(|u| u.ends_with(".js")).unwrap();
    assert!(loader_url.starts_with("/pkg/__wasm_split.") && loader_url != format!("/pkg/{loader}"), "{loader_url}");

    // The glue imports the hashed loader, which imports that same glue and fetches the chunks
    // by the names the page preloads; each is sent compressed and cached for a year.
    let text = |url: &str| {
        let client = client.clone();
        let url = format!("{}{url}", app.base);
        async move {
            let response = fetch(&client, &url, Some("gzip, br")).await;
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            assert_eq!(header_of(&response, header::CACHE_CONTROL), immutable, "{url}");
            assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/javascript"), "{url}");
            let (encoding, _, body) = decoded(response).await;
            assert_eq!(encoding, "br", "{url}");
            String::from_utf8(body).unwrap()
        }
    };
    let glue = text(glue_url).await;
    assert!(glue.contains(&format!("from \"./{}\"", loader_url.trim_start_matches("/pkg/"))), "{glue}");
    let loader_text = text(loader_url).await;
    assert!(loader_text.contains(&format!("from \"./{}\"", glue_url.trim_start_matches("/pkg/"))), "{loader_text}");
    for (stem, bytes) in &chunks {
        let url = named.iter().find(|u| u.starts_with(&format!("/pkg/{stem}."))).expect("each chunk is named");
        assert!(loader_text.contains(&format!("\"./{}\"", url.trim_start_matches("/pkg/"))), "{url} in {loader_text}");
        let response = fetch(&client, &format!("{}{url}", app.base), Some("br")).await;
        assert_eq!(header_of(&response, header::CACHE_CONTROL), immutable, "{url}");
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "application/wasm", "{url}");
        let (encoding, _, body) = decoded(response).await;
        assert_eq!(encoding, "br", "{url}: the precompressed chunk");
        assert_eq!(&body, bytes, "{url} is the chunk");
    }
    // A page of an earlier release asking for its own chunk gets nothing rather than this one's.
    let stale = fetch(&client, &format!("{}/pkg/chunk_1.0000000000000000.wasm", app.base), Some("br")).await;
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
}

async fn pages_and_json_are_compressed_on_the_fly_but_media_is_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let services = &app.backends.services;
    let client = app.client();
    for i in 0..30 {
        let form = MovieForm { title: format!("Compressible {i}"), ..Default::default() };
        catalog::create_movie(&services.db, &form, None).await.unwrap();
    }
    for (path, marker) in [("/movies", "Compressible 2"), ("/api/v1/movies?per_page=30", "Compressible 2")] {
        let url = format!("{}{path}", app.base);
        let br = fetch(&client, &url, Some("gzip, br")).await;
        assert_eq!(br.status(), StatusCode::OK, "{path}");
        assert!(header_of(&br, header::VARY).contains("accept-encoding"), "{path}");
        let (encoding, sent, body) = decoded(br).await;
        assert_eq!(encoding, "br", "{path}");
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.contains(marker), "{path} decodes to the page: {}", &text[text.len().saturating_sub(3000)..]);
        assert!(sent.len() * 3 < body.len(), "{path}: {} of {} bytes", sent.len(), body.len());
        let (encoding, _, gz_body) = decoded(fetch(&client, &url, Some("gzip")).await).await;
        assert_eq!(encoding, "gzip", "{path}");
        assert!(String::from_utf8(gz_body).unwrap().contains(marker), "{path}");
        let (encoding, _, plain) = decoded(fetch(&client, &url, None).await).await;
        assert_eq!(encoding, "", "{path}: nothing the browser did not ask for");
        assert!(String::from_utf8(plain).unwrap().contains(marker), "{path}");
    }

    // A profile photo is already compressed image data: sent as stored.
    let viewer = app.signed_up("ada@example.com").await;
    assert!(app.upload_photo(&viewer, png(300, 300)).await.status().is_success());
    let me = app.viewer(&viewer).await.unwrap();
    let photo = me.photo_url.expect("the photo's URL");
    let image = fetch(&viewer, &format!("{}{photo}", app.base), Some("gzip, br")).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert!(header_of(&image, header::CONTENT_TYPE).starts_with("image/"));
    assert_eq!(header_of(&image, header::CONTENT_ENCODING), "", "images are not compressed again");

    // Video keeps byte ranges exact: never compressed, with or without a range.
    let movie = catalog::create_movie(&services.db, &MovieForm { title: "Sunrise".into(), ..Default::default() }, None)
        .await
        .unwrap()
        .id;
    let clip = crate::videos::webm(20_000);
    let body = Box::pin(futures::stream::iter([Ok::<_, String>(Bytes::from(clip.clone()))]));
    videos::attach(services, movie, body, None).await.unwrap();
    let stream = format!("{}/stream/{movie}", app.base);
    let whole = fetch(&viewer, &stream, Some("gzip, br")).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(header_of(&whole, header::CONTENT_ENCODING), "");
    assert_eq!(whole.bytes().await.unwrap().len(), clip.len());
    let part = viewer
        .get(&stream)
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .header(header::RANGE, "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header_of(&part, header::CONTENT_ENCODING), "");
    assert_eq!(part.bytes().await.unwrap().len(), 100);
}

test_both_backends!(
    the_bundle_goes_out_hashed_precompressed_and_immutable,
    a_split_bundle_goes_out_under_hashed_names_and_a_lazy_page_names_them,
    pages_and_json_are_compressed_on_the_fly_but_media_is_not,
);
