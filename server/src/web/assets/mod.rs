//! The browser bundle under `/pkg`: content-hashed names that are cached for a year,
//! precompressed variants chosen by `Accept-Encoding`, and the build step that writes them.
//!
//! cargo-leptos writes `pkg/cinecloud.{js,wasm,css}`. At start-up [`SiteAssets::scan`] hashes
//! each and serves it also as `pkg/cinecloud.<hash>.<ext>`, the name pages link to; those
//! answers are `immutable`, so a returning browser asks for nothing, and the next release's
//! pages name new files. A bundle split into lazy chunks gets hashed names throughout
//! ([`hash_split_bundle`]): its glue and chunk loader are rewritten at start-up and served from
//! memory. [`precompress`] (`cinecloud precompress`, run after a release build)
//! writes `.br` and `.gz` beside each file; the server sends one when the browser accepts it.

use std::{
    collections::HashMap,
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
    time::SystemTime,
};

use anyhow::Context;
use app::assets::{AssetUrls, SplitManifest};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// A year: what a content-hashed name may be cached for.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Anything else in the bundle folder: cacheable, but revalidated before each use.
const REVALIDATE: &str = "public, no-cache";
/// The kinds of file worth precompressing (the rest are already compressed, or tiny).
const COMPRESSIBLE: [&str; 7] = ["js", "wasm", "css", "html", "svg", "json", "txt"];
/// The precompressed variants, as the file-name suffix [`ServeDir`] looks for.
const VARIANTS: [&str; 2] = ["br", "gz"];

/// The bundle folder and the hashed name of each of its files.
#[derive(Clone, Debug)]
pub struct SiteAssets {
    dir: PathBuf,
    /// `/pkg/`: what every bundle URL starts with.
    prefix: String,
    /// `cinecloud.<hash>.wasm` → `cinecloud.wasm`.
    hashed: HashMap<String, String>,
    /// Files made at start-up under hashed names, served from memory: a split bundle's glue and
    /// chunk loader, whose references to each other and to the chunks are rewritten to hashed
    /// names ([`hash_split_bundle`]).
    generated: HashMap<String, Generated>,
    urls: AssetUrls,
    /// Whether the `.br`/`.gz` files beside the bundle may be served (none is stale).
    precompressed: bool,
}

impl SiteAssets {
    /// `/pkg/`: what the path of every file of the bundle starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Hashes the bundle in `site_root/pkg_dir`. A file that is missing (a test server without
    /// a built bundle) keeps its plain name. Variants older than their file (a rebuild that did
    /// not precompress again) are deleted, so a browser is never sent yesterday's code.
    pub fn scan(site_root: &Path, pkg_dir: &str, output_name: &str) -> Self {
        let dir = site_root.join(pkg_dir);
        let mut hashed = HashMap::new();
        let mut url = |ext: &str, candidates: &[String]| -> String {
            for file in candidates {
                if let Ok(bytes) = std::fs::read(dir.join(file)) {
                    let name = format!("{output_name}.{}.{ext}", content_hash(&bytes));
                    let url = format!("/{pkg_dir}/{name}");
                    hashed.insert(name, file.clone());
                    return url;
                }
            }
            format!("/{pkg_dir}/{}", candidates[0])
        };
        let wasm = url("wasm", &[format!("{output_name}.wasm"), format!("{output_name}_bg.wasm")]);
        let css = url("css", &[format!("{output_name}.css")]);
        let mut generated = HashMap::new();
        let (js, split) = match split_manifest(&dir, pkg_dir, output_name) {
            None => (url("js", &[format!("{output_name}.js")]), None),
            Some(split) => match hash_split_bundle(&dir, output_name, &split, &wasm) {
                Ok(bundle) => {
                    hashed.extend(bundle.chunk_files);
                    let js = format!("/{pkg_dir}/{}", bundle.glue_name);
                    generated.insert(bundle.glue_name, bundle.glue);
                    generated.insert(bundle.manifest.loader.clone(), bundle.loader);
                    (js, Some(Arc::new(bundle.manifest)))
                }
                Err(e) => {
                    // The loader imports the glue by its plain name: the page must import that
                    // same URL, or the browser would run a second, uninitialised copy.
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "cannot give the split bundle's glue, loader and chunks hashed names; serving their plain names, revalidated"
                    );
                    (format!("/{pkg_dir}/{output_name}.js"), Some(split))
                }
            },
        };
        let urls = AssetUrls { js, wasm, css, split };
        let precompressed = match remove_stale_variants(&dir) {
            Ok(removed) => {
                if removed > 0 {
                    tracing::warn!(
                        removed,
                        dir = %dir.display(),
                        "deleted precompressed files older than the bundle; run `cinecloud precompress` after building"
                    );
                }
                true
            }
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot check the precompressed bundle files; serving uncompressed ones"
                );
                false
            }
        };
        Self { dir, prefix: format!("/{pkg_dir}/"), hashed, generated, urls, precompressed }
    }

    /// The URLs pages link to.
    pub fn urls(&self) -> &AssetUrls {
        &self.urls
    }
}

/// The chunks of a bundle built with `cargo leptos build --split` (whose glue imports the chunk
/// loader), from the manifest the build wrote; `None` for a bundle in one piece.
fn split_manifest(dir: &Path, pkg_dir: &str, output_name: &str) -> Option<Arc<SplitManifest>> {
    let glue = std::fs::read_to_string(dir.join(format!("{output_name}.js"))).ok()?;
    if !glue.contains(SPLIT_LOADER_PREFIX) {
        return None;
    }
    let loader = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with(SPLIT_LOADER_PREFIX) && name.ends_with(".js"));
    let manifest = std::fs::read(dir.join("__wasm_split_manifest.json"))
        .map_err(anyhow::Error::from)
        .and_then(|bytes| Ok(serde_json::from_slice::<HashMap<String, Vec<String>>>(&bytes)?));
    match (loader, manifest) {
        (Some(loader), Ok(chunks)) => Some(Arc::new(SplitManifest { pkg_root: format!("/{pkg_dir}"), chunks, loader })),
        (loader, manifest) => {
            tracing::warn!(
                loader = loader.is_some(),
                error = manifest.err().map(|e| format!("{e:#}")),
                "the bundle was split but its chunk loader or manifest is missing; lazy pages load their chunks after the main module"
            );
            None
        }
    }
}

/// How `cargo leptos build --split` names the script that loads the chunks.
const SPLIT_LOADER_PREFIX: &str = "__wasm_split.";

/// A file made at start-up, in each encoding a browser may ask for.
/// Cloning shares the bytes.
#[derive(Clone, Debug)]
struct Generated {
    identity: bytes::Bytes,
    br: bytes::Bytes,
    gzip: bytes::Bytes,
}

impl Generated {
    fn new(text: String) -> anyhow::Result<Self> {
        let identity = bytes::Bytes::from(text);
        Ok(Self { br: brotli(&identity)?.into(), gzip: gzip(&identity)?.into(), identity })
    }
}

/// A split bundle under content-hashed names: what [`hash_split_bundle`] worked out.
#[derive(Debug)]
struct HashedSplit {
    /// `cinecloud.<hash>.js`: the glue, importing the loader by its hashed name.
    glue_name: String,
    glue: Generated,
    /// The loader (under `manifest.loader`), fetching hashed chunks and importing the hashed glue.
    loader: Generated,
    /// `chunk_3.<hash>.wasm` → `chunk_3.wasm`, for each chunk.
    chunk_files: HashMap<String, String>,
    /// The manifest with hashed chunk stems and the hashed loader.
    manifest: SplitManifest,
}

/// Gives a split bundle content-hashed names, so that it is cached for a year like the main
/// module and a page of one release never runs another release's chunks. Each chunk is named
/// by its own hash. The glue imports the loader and the loader imports the glue, so neither can
/// be named by a hash of its final text: both are named by one hash over the original glue, the
/// original loader, every chunk's hash and the main module's URL, which changes whenever any of
/// them does. The loader's `./chunk_N.wasm` and `./cinecloud.js` and the glue's
/// `./__wasm_split.….js` are rewritten; a reference that is not found is an error (the bundle
/// is then served under its plain names), never a half-rewritten file.
fn hash_split_bundle(
    dir: &Path,
    output_name: &str,
    split: &SplitManifest,
    wasm_url: &str,
) -> anyhow::Result<HashedSplit> {
    let read = |name: &str| std::fs::read(dir.join(name)).with_context(|| format!("reading {name}"));
    let glue = String::from_utf8(read(&format!("{output_name}.js"))?).context("the glue is not UTF-8")?;
    let loader = String::from_utf8(read(&split.loader)?).context("the loader is not UTF-8")?;
    let mut stems: Vec<&str> = split.chunks.values().flatten().map(String::as_str).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut hashed_stems = HashMap::new();
    let mut chunk_files = HashMap::new();
    let mut all = Sha256::new();
    for part in [glue.as_bytes(), loader.as_bytes(), wasm_url.as_bytes()] {
        all.update((part.len() as u64).to_le_bytes());
        all.update(part);
    }
    for stem in &stems {
        let hashed = format!("{stem}.{}", content_hash(&read(&format!("{stem}.wasm"))?));
        all.update(hashed.as_bytes());
        all.update([0]);
        chunk_files.insert(format!("{hashed}.wasm"), format!("{stem}.wasm"));
        hashed_stems.insert(*stem, hashed);
    }
    let hash = hex::encode(&all.finalize()[..8]);
    let glue_name = format!("{output_name}.{hash}.js");
    let loader_name = format!("{SPLIT_LOADER_PREFIX}{hash}.js");

    let mut new_loader = replace_references(&loader, &format!("./{output_name}.js"), &format!("./{glue_name}"))
        .with_context(|| format!("the loader does not import ./{output_name}.js"))?;
    for (stem, hashed) in &hashed_stems {
        new_loader = replace_references(&new_loader, &format!("./{stem}.wasm"), &format!("./{hashed}.wasm"))
            .with_context(|| format!("the loader does not fetch ./{stem}.wasm"))?;
    }
    let new_glue = replace_references(&glue, &format!("./{}", split.loader), &format!("./{loader_name}"))
        .with_context(|| format!("the glue does not import ./{}", split.loader))?;
    let manifest = SplitManifest {
        pkg_root: split.pkg_root.clone(),
        chunks: split
            .chunks
            .iter()
            .map(|(name, stems)| (name.clone(), stems.iter().map(|stem| hashed_stems[stem.as_str()].clone()).collect()))
            .collect(),
        loader: loader_name,
    };
    Ok(HashedSplit {
        glue_name,
        glue: Generated::new(new_glue)?,
        loader: Generated::new(new_loader)?,
        chunk_files,
        manifest,
    })
}

/// Where a module names another file: `import … from "x"`, `import("x")`, `new URL("x", …)`.
/// Only these are rewritten: the glue also uses the loader's name as a key of the WebAssembly
/// module's imports (`{"./__wasm_split.….js": n}`), which the module's own import section names
/// and which must not change.
const REFERENCES: [&str; 4] = ["from", "from ", "import(", "new URL("];

/// `text` with every reference (see [`REFERENCES`]) to `from`, in any quotes, made to `to`;
/// `None` if there is none. The quotes are part of the match, so `./chunk_1.wasm` never matches
/// inside `./chunk_15.wasm`.
fn replace_references(text: &str, from: &str, to: &str) -> Option<String> {
    let mut found = false;
    let mut out = text.to_owned();
    for prefix in REFERENCES {
        for quote in ['"', '\'', '`'] {
            let needle = format!("{prefix}{quote}{from}{quote}");
            if out.contains(&needle) {
                found = true;
                out = out.replace(&needle, &format!("{prefix}{quote}{to}{quote}"));
            }
        }
    }
    found.then_some(out)
}

/// The first 64 bits of the content's SHA-256, in hex: a name that changes when the file does.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

/// `GET /pkg/{*file}`: a hashed name is the current file, cached for a year; any other name is
/// served from the folder as it is, revalidated each time. Either way the browser gets the
/// brotli or gzip variant when it accepts one and one was written.
pub async fn serve_pkg(State(assets): State<Arc<SiteAssets>>, request: Request) -> Response {
    let Some(requested) = request.uri().path().strip_prefix(&assets.prefix) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(file) = assets.generated.get(requested) {
        return serve_generated(file, request.headers());
    }
    let (file, policy) = match assets.hashed.get(requested) {
        Some(file) => (file.clone(), IMMUTABLE),
        None => (requested.to_owned(), REVALIDATE),
    };
    let (mut parts, body) = request.into_parts();
    parts.uri = match Uri::try_from(format!("/{file}")) {
        Ok(uri) => uri,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let request = Request::from_parts(parts, body);
    let serve = ServeDir::new(&assets.dir);
    let serve = if assets.precompressed { serve.precompressed_br().precompressed_gzip() } else { serve };
    let mut response = match serve.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        if assets.precompressed {
            // The same URL has different bodies for different browsers: caches must tell them apart.
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    response
}

/// A file made at start-up: immutable, in the best encoding the browser accepts.
fn serve_generated(file: &Generated, headers: &axum::http::HeaderMap) -> Response {
    let (body, encoding) = match preferred_encoding(headers) {
        Some("br") => (file.br.clone(), Some("br")),
        Some(_) => (file.gzip.clone(), Some("gzip")),
        None => (file.identity.clone(), None),
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// `br` or `gzip` if `Accept-Encoding` accepts it (brotli first), else `None` (identity).
fn preferred_encoding(headers: &axum::http::HeaderMap) -> Option<&'static str> {
    let mut accepted = [false; 2];
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        for item in value.to_str().unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused =
                parts.any(|p| p.trim().strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>() == Ok(0.0)));
            if refused {
                continue;
            }
            if name.eq_ignore_ascii_case("br") {
                accepted[0] = true;
            } else if name.eq_ignore_ascii_case("gzip") {
                accepted[1] = true;
            }
        }
    }
    if accepted[0] {
        Some("br")
    } else if accepted[1] {
        Some("gzip")
    } else {
        None
    }
}

/// Deletes each `.br`/`.gz` whose file is gone or newer than it; returns how many.
fn remove_stale_variants(dir: &Path) -> anyhow::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        let is_variant = path.extension().and_then(|e| e.to_str()).is_some_and(|e| VARIANTS.contains(&e));
        if !is_variant {
            continue;
        }
        let source = path.with_extension("");
        let stale = match (modified(&source), modified(&path)) {
            (Some(source), Some(variant)) => source > variant,
            _ => true,
        };
        if stale {
            std::fs::remove_file(&path).with_context(|| format!("deleting {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// What [`precompress`] wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Precompressed {
    /// Files looked at.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// The total of the brotli variants (or the file, where brotli did not make it smaller).
    pub brotli_bytes: u64,
    /// The same for gzip.
    pub gzip_bytes: u64,
}

impl std::fmt::Display for Precompressed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let percent = |part: u64| if self.bytes == 0 { 0.0 } else { 100.0 * part as f64 / self.bytes as f64 };
        write!(
            f,
            "Precompressed {} files: {} bytes, {} with brotli ({:.1} %), {} with gzip ({:.1} %).",
            self.files,
            self.bytes,
            self.brotli_bytes,
            percent(self.brotli_bytes),
            self.gzip_bytes,
            percent(self.gzip_bytes),
        )
    }
}

/// Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside every compressible file
/// under `root`, and removes a variant that would not be smaller than its file. Each variant
/// is written to a temporary name and renamed into place, so a server never reads half of one.
pub fn precompress(root: &Path) -> anyhow::Result<Precompressed> {
    let mut report = Precompressed::default();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if !COMPRESSIBLE.contains(&ext) {
                continue;
            }
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            report.files += 1;
            report.bytes += bytes.len() as u64;
            report.brotli_bytes += write_variant(&path, "br", &brotli(&bytes)?, bytes.len())?;
            report.gzip_bytes += write_variant(&path, "gz", &gzip(&bytes)?, bytes.len())?;
        }
    }
    Ok(report)
}

/// Writes `compressed` as `path.<suffix>` if it is smaller than the original (else removes any
/// old variant); returns what a browser accepting it will download.
fn write_variant(path: &Path, suffix: &str, compressed: &[u8], original: usize) -> anyhow::Result<u64> {
    let mut variant = path.as_os_str().to_owned();
    variant.push(format!(".{suffix}"));
    let variant = PathBuf::from(variant);
    if compressed.len() >= original {
        match std::fs::remove_file(&variant) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("deleting {}", variant.display()));
            }
            _ => return Ok(original as u64),
        }
    }
    let mut partial = variant.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, compressed).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &variant).with_context(|| format!("renaming {}", partial.display()))?;
    Ok(compressed.len() as u64)
}

fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).context("brotli")?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
    encoder.write_all(bytes).context("gzip")?;
    encoder.finish().context("gzip")
}

#[cfg(test)]
mod tests;
