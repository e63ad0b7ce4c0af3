//! The bundle's hashed names, precompressed variants and split chunks, on a folder of made-up files.

use super::*;

fn site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("cinecloud.js"), "export default function init() {}\n".repeat(200)).unwrap();
    std::fs::write(pkg.join("cinecloud_bg.wasm"), b"\0asm".repeat(500)).unwrap();
    std::fs::write(pkg.join("tiny.css"), "a{}").unwrap();
    site
}

#[test]
fn names_follow_the_content() {
    let site = site();
    let assets = SiteAssets::scan(site.path(), "pkg", "cinecloud");
    let urls = assets.urls().clone();
    let hash = urls.js.strip_prefix("/pkg/cinecloud.").and_then(|rest| rest.strip_suffix(".js"));
    assert!(hash.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())), "{urls:?}");
    assert!(urls.wasm.ends_with(".wasm") && urls.wasm != "/pkg/cinecloud.wasm", "found the _bg name: {urls:?}");
    assert_eq!(urls.css, "/pkg/cinecloud.css", "a missing file keeps its plain name");
    // Same bytes, same name; different bytes, a different one.
    assert_eq!(SiteAssets::scan(site.path(), "pkg", "cinecloud").urls(), &urls);
    std::fs::write(site.path().join("pkg/cinecloud.js"), "export default 1;").unwrap();
    let changed = SiteAssets::scan(site.path(), "pkg", "cinecloud");
    assert_ne!(changed.urls().js, urls.js);
    assert_eq!(changed.urls().wasm, urls.wasm);
}

/// A split bundle as `cargo leptos build --split` writes it, in miniature: the glue imports
/// the loader, the loader imports the glue and fetches three chunks, two pages share one.
fn split_site() -> (tempfile::TempDir, &'static str) {
    let site = site();
    let pkg = site.path().join("pkg");
    let loader = "__wasm_split.______________________.js";
    std::fs::write(
        pkg.join("cinecloud.js"),
        format!(
            "import*as n from\"./{loader}\";\nconst imports = {{\"./{loader}\":n}};\nexport function hydrate() {{}}\n"
        ),
    )
    .unwrap();
    let fetches: String = ["chunk_0", "chunk_01", "split_profile_view_1", "split_history_view_2"]
        .iter()
        .map(|stem| format!("const {stem} = () => fetch(new URL(\"./{stem}.wasm\", import.meta.url));\n"))
        .collect();
    std::fs::write(pkg.join(loader), format!("import {{ initSync }} from \"./cinecloud.js\";\n{fetches}")).unwrap();
    for (stem, bytes) in [
        ("chunk_0", "zero"),
        ("chunk_01", "zero-one"),
        ("split_profile_view_1", "profile"),
        ("split_history_view_2", "history"),
    ] {
        std::fs::write(pkg.join(format!("{stem}.wasm")), bytes).unwrap();
    }
    std::fs::write(
        pkg.join("__wasm_split_manifest.json"),
        r#"{"profile_view_1": ["split_profile_view_1", "chunk_0"], "history_view_2": ["split_history_view_2", "chunk_0", "chunk_01"]}"#,
    )
    .unwrap();
    (site, loader)
}

fn is_hash(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn a_split_bundle_gets_hashed_names_that_point_at_each_other() {
    let (site, plain_loader) = split_site();
    let pkg = site.path().join("pkg");
    let assets = SiteAssets::scan(site.path(), "pkg", "cinecloud");
    let urls = assets.urls().clone();
    let glue = urls.js.strip_prefix("/pkg/").unwrap();
    assert!(glue.strip_prefix("cinecloud.").and_then(|r| r.strip_suffix(".js")).is_some_and(is_hash), "{urls:?}");
    let split = urls.split.clone().expect("the manifest is read");
    assert_eq!(split.pkg_root, "/pkg");
    assert!(split.loader.strip_prefix("__wasm_split.").and_then(|r| r.strip_suffix(".js")).is_some_and(is_hash));
    assert_eq!(split.chunks.len(), 2);
    let profile = &split.chunks["profile_view_1"];
    assert_eq!(profile.len(), 2);
    for (hashed, plain) in profile.iter().zip(["split_profile_view_1", "chunk_0"]) {
        assert!(hashed.strip_prefix(plain).and_then(|r| r.strip_prefix('.')).is_some_and(is_hash), "{hashed}");
        assert_eq!(assets.hashed[&format!("{hashed}.wasm")], format!("{plain}.wasm"), "served from the plain file");
    }
    assert_eq!(split.chunks["history_view_2"][1], profile[1], "a shared chunk has one name");

    // The glue imports the hashed loader; the loader imports the hashed glue and fetches
    // the hashed chunks, and nothing by its plain name.
    let text = |name: &str| String::from_utf8(assets.generated[name].identity.to_vec()).unwrap();
    let glue_text = text(glue);
    assert!(glue_text.contains(&format!("from\"./{}\"", split.loader)), "{glue_text}");
    assert!(
        glue_text.contains(&format!("{{\"./{plain_loader}\":n}}")),
        "the module's import key is its own name, not a file: {glue_text}"
    );
    let loader_text = text(&split.loader);
    assert!(loader_text.contains(&format!("from \"./{glue}\"")), "{loader_text}");
    for hashed in split.chunks.values().flatten() {
        assert!(loader_text.contains(&format!("\"./{hashed}.wasm\"")), "{hashed} in {loader_text}");
    }
    assert!(!loader_text.contains("\"./cinecloud.js\""), "{loader_text}");
    for stem in ["chunk_0", "chunk_01", "split_profile_view_1", "split_history_view_2"] {
        assert!(!loader_text.contains(&format!("\"./{stem}.wasm\"")), "{stem} in {loader_text}");
    }
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &assets.generated[glue].br[..], &mut decoded).unwrap();
    assert_eq!(decoded, assets.generated[glue].identity, "the brotli copy is the same file");

    // One chunk changes: its name, the glue's and the loader's change; the others stay.
    assert_eq!(SiteAssets::scan(site.path(), "pkg", "cinecloud").urls(), &urls, "same bytes, same names");
    std::fs::write(pkg.join("chunk_0.wasm"), "zero, rebuilt").unwrap();
    let changed = SiteAssets::scan(site.path(), "pkg", "cinecloud").urls().clone();
    let changed_split = changed.split.clone().unwrap();
    assert_ne!(changed.js, urls.js);
    assert_ne!(changed_split.loader, split.loader);
    assert_ne!(changed_split.chunks["profile_view_1"][1], profile[1]);
    assert_eq!(changed_split.chunks["profile_view_1"][0], profile[0]);
    assert_eq!(changed.wasm, urls.wasm);

    // A loader that does not fetch a chunk the manifest names cannot be rewritten: the bundle
    // keeps its plain names (served revalidated), as before hashing.
    std::fs::write(pkg.join(plain_loader), "import { initSync } from \"./cinecloud.js\";\n").unwrap();
    let plain = SiteAssets::scan(site.path(), "pkg", "cinecloud");
    assert_eq!(plain.urls().js, "/pkg/cinecloud.js", "the URL the loader imports");
    let plain_split = plain.urls().split.clone().unwrap();
    assert_eq!(plain_split.loader, plain_loader);
    assert_eq!(plain_split.chunks["profile_view_1"], ["split_profile_view_1", "chunk_0"]);
    assert!(plain.generated.is_empty());
    // A glue that imports the loader with the manifest gone: the pages still work (the chunk
    // is fetched after the main module), so the server starts, without the preloads.
    std::fs::remove_file(pkg.join("__wasm_split_manifest.json")).unwrap();
    assert_eq!(SiteAssets::scan(site.path(), "pkg", "cinecloud").urls().split, None);
}

#[test]
fn references_are_replaced_whole_and_only_where_a_file_is_named() {
    let text =
        r#"new URL("./chunk_1.wasm", u) new URL('./chunk_1.wasm') new URL("./chunk_15.wasm") {"./chunk_1.wasm": n}"#;
    assert_eq!(
        replace_references(text, "./chunk_1.wasm", "./chunk_1.ab.wasm").unwrap(),
        r#"new URL("./chunk_1.ab.wasm", u) new URL('./chunk_1.ab.wasm') new URL("./chunk_15.wasm") {"./chunk_1.wasm": n}"#
    );
    assert_eq!(
        replace_references(r#"import*as n from"./l.js";import("./l.js");x={"./l.js":n}"#, "./l.js", "./l.9.js")
            .unwrap(),
        r#"import*as n from"./l.9.js";import("./l.9.js");x={"./l.9.js":n}"#.replacen(
            r#"{"./l.9.js""#,
            r#"{"./l.js""#,
            1
        )
    );
    assert_eq!(replace_references(text, "./chunk_2.wasm", "x"), None);
}

#[test]
fn the_encoding_is_the_best_one_accepted() {
    let pick = |value: &str| {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        preferred_encoding(&headers)
    };
    assert_eq!(pick("gzip, deflate, br, zstd"), Some("br"));
    assert_eq!(pick("gzip"), Some("gzip"));
    assert_eq!(pick("br;q=0, gzip;q=0.5"), Some("gzip"));
    assert_eq!(pick("BR"), Some("br"));
    assert_eq!(pick("identity"), None);
    assert_eq!(pick("br;q=0, gzip;q=0"), None);
    assert_eq!(preferred_encoding(&axum::http::HeaderMap::new()), None);
}

#[test]
fn precompressing_writes_smaller_variants_and_only_those() {
    let site = site();
    let report = precompress(site.path()).unwrap();
    let pkg = site.path().join("pkg");
    assert_eq!(report.files, 3);
    for file in ["cinecloud.js", "cinecloud_bg.wasm"] {
        let original = std::fs::read(pkg.join(file)).unwrap();
        let br = std::fs::read(pkg.join(format!("{file}.br"))).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, original, "{file}.br decodes to the file");
        let gz = std::fs::read(pkg.join(format!("{file}.gz"))).unwrap();
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded).unwrap();
        assert_eq!(decoded, original, "{file}.gz decodes to the file");
        assert!(br.len() < original.len() / 10, "{file}: {} of {}", br.len(), original.len());
    }
    // Three bytes of CSS only grow: no variant, and the report counts the file as sent.
    assert!(!pkg.join("tiny.css.br").exists() && !pkg.join("tiny.css.gz").exists());
    assert!(report.brotli_bytes < report.bytes && report.gzip_bytes < report.bytes);
    assert!(std::fs::read_dir(&pkg).unwrap().all(|e| !e.unwrap().path().to_string_lossy().ends_with(".partial")));
}

#[test]
fn variants_older_than_their_file_are_deleted_at_start_up() {
    let site = site();
    precompress(site.path()).unwrap();
    let pkg = site.path().join("pkg");
    // A rebuild rewrites the glue but not its variants; another variant has lost its file.
    let later = SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(pkg.join("cinecloud.js")).unwrap().set_modified(later).unwrap();
    std::fs::write(pkg.join("gone.js.br"), b"old").unwrap();
    let assets = SiteAssets::scan(site.path(), "pkg", "cinecloud");
    assert!(assets.precompressed);
    assert!(!pkg.join("cinecloud.js.br").exists() && !pkg.join("cinecloud.js.gz").exists());
    assert!(!pkg.join("gone.js.br").exists());
    assert!(pkg.join("cinecloud_bg.wasm.br").exists(), "a current variant stays");
}
