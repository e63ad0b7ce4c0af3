# Shared by scripts/run and scripts/test: installs what is missing, idempotently, and says what
# it does. Source it; do not run it. Versions are the ones that build with rustc 1.95 (see
# docs/toolchain.md).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
WASM_BINDGEN_VERSION="0.2.130"

# rustup installs into ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
if [ -d "$HOME/.cargo/bin" ]; then PATH="$HOME/.cargo/bin:$PATH"; fi

say() { printf '==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "error: '$*' needs root; install sudo or run as root" >&2; exit 1
  fi
}

apt_install() {
  if ! have apt-get; then
    echo "error: please install these packages with your system's package manager: $*" >&2
    exit 1
  fi
  if [ ! -e /tmp/.cinecloud-apt-updated ]; then
    say "apt-get update"
    as_root apt-get update -qq
    touch /tmp/.cinecloud-apt-updated
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_rust() {
  if ! have cargo || ! have rustup; then
    echo "error: Rust is required (rustup with a stable toolchain, rustc 1.95 or newer)" >&2
    exit 1
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_node() {
  if ! have node || ! have npm; then
    apt_install nodejs npm
  fi
}

# Build tools are compiled once per machine. Their own release profiles ask for fat LTO and one
# codegen unit (cargo-leptos: 17 minutes on 2 cores); they only drive builds, so they are built
# at opt-level 1 with neither, in one shared target folder so the two share what they can.
install_tool() {
  say "cargo install $* (once per machine)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=true \
    CARGO_TARGET_DIR="${CARGO_HOME:-$HOME/.cargo}/cinecloud-tools-target" cargo install "$@"
}

ensure_build_tools() {
  ensure_rust
  ensure_node
  ensure_ffmpeg
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    install_tool cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    # Not --locked: its lock file names a crate version the registry no longer serves. Its
    # version must equal the app's wasm-bindgen pin.
    install_tool wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  # The tools' build folder (a few GB) is of no use once both are installed.
  rm -rf "${CARGO_HOME:-$HOME/.cargo}/cinecloud-tools-target"
  if [ ! -x "$ROOT/scripts/tools/node_modules/.bin/wasm-opt" ]; then
    say "npm ci in scripts/tools (wasm-opt from binaryen 132)"
    (cd "$ROOT/scripts/tools" && npm ci --no-audit --no-fund --silent)
  fi
  export PATH="$ROOT/scripts/tools/node_modules/.bin:$PATH"
}

# Compiled crates are kept outside the clone (#34), so a fresh clone on a machine that built before
# compiles only what changed: one target folder per toolchain under CINECLOUD_BUILD_CACHE (default
# ~/.cache/cinecloud-build; "off" builds inside the clone as before). Cargo's own fingerprints key
# every artifact by crate version, features, profile, flags and rustc, so a changed Cargo.lock
# rebuilds exactly the crates it changed and never links a stale one; the workspace's own crates
# hash the same in every clone (cargo hashes their path relative to the workspace), so clones
# overwrite rather than pile up, and their sources' new times make cargo rebuild them. Exports
# CARGO_TARGET_DIR_PLAIN (plain cargo) and LEPTOS_TARGET_DIR (cargo-leptos, whose flags differ).
use_build_cache() {
  local base="${CINECLOUD_BUILD_CACHE-$HOME/.cache/cinecloud-build}"
  if [ -z "$base" ] || [ "$base" = off ]; then
    export CARGO_TARGET_DIR_PLAIN="$ROOT/target/plain" LEPTOS_TARGET_DIR="$ROOT/target"
    return
  fi
  local key dir
  key="rustc-$(rustc -vV | sha256sum | cut -c1-12)"
  dir="$base/$key"
  mkdir -p "$base"
  # Another toolchain's artifacts can never be used again; a cache past its cap starts anew
  # (old dependency versions accumulate as Cargo.lock moves on).
  local old
  for old in "$base"/rustc-*; do
    if [ -d "$old" ] && [ "$old" != "$dir" ]; then say "build cache: removing $old (another toolchain)"; rm -rf "$old"; fi
  done
  local cap_gib="${CINECLOUD_BUILD_CACHE_GIB:-30}" used_kib
  used_kib=$(du -sk "$dir" 2>/dev/null | cut -f1 || echo 0)
  if [ "${used_kib:-0}" -gt $((cap_gib * 1024 * 1024)) ]; then
    # Incremental state is the cheapest to lose (the workspace's crates only).
    say "build cache: $dir is over $cap_gib GiB; dropping its incremental state"
    find "$dir" -maxdepth 4 -type d -name incremental -prune -exec rm -rf {} +
    used_kib=$(du -sk "$dir" 2>/dev/null | cut -f1 || echo 0)
  fi
  if [ "${used_kib:-0}" -gt $((cap_gib * 1024 * 1024)) ]; then
    say "build cache: $dir is still over $cap_gib GiB; starting it anew"
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  # Cargo decides that a workspace crate is up to date by comparing its sources' times with the
  # artifact's, wherever the artifact was built from: after another clone built into the cache,
  # files edited here earlier would look older than its artifact and be skipped (seen: a test run
  # of the other clone's code). Switching clones therefore makes this clone's sources newer.
  if [ -f "$dir/clone" ] && [ "$(cat "$dir/clone")" != "$ROOT" ]; then
    say "build cache: last used by $(cat "$dir/clone"); this clone's crates will be compiled again"
    (cd "$ROOT" && git ls-files -z -- Cargo.toml server app frontend migrations style public | xargs -0 touch) || true
  fi
  printf '%s\n' "$ROOT" >"$dir/clone"
  say "build cache: $dir ($((${used_kib:-0} / 1024 / 1024)) GiB; CINECLOUD_BUILD_CACHE=off builds inside the clone)"
  export CARGO_TARGET_DIR_PLAIN="$dir/plain" LEPTOS_TARGET_DIR="$dir/leptos"
}

# The Python checkers (cfn-lint, checkov, moto, pytest, hadolint) live in a virtual environment
# outside the clone, like the build cache, so a new clone does not install them again (about 70 s
# per CI run). Sets $venv.
ensure_tools_venv() {
  have python3 || apt_install python3
  local base="${CINECLOUD_TOOLS_CACHE:-$HOME/.cache/cinecloud-tools}"
  venv="$base/venv-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if [ ! -x "$venv/bin/pip" ]; then
    mkdir -p "$base"
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
  fi
}

# Playwright's TMDb stories talk to the project's TMDb-protocol fixture as a server of its own
# (server/core/examples/tmdb_fixture.rs): a debug build, which the cargo tests' build mostly
# already holds. Exports CINECLOUD_TMDB_FIXTURE, which end2end/playwright.config.ts starts.
build_tmdb_fixture() {
  [ -n "${CARGO_TARGET_DIR_PLAIN:-}" ] || use_build_cache
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR_PLAIN" cargo build --locked -q -p cinecloud-core --example tmdb_fixture
  export CINECLOUD_TMDB_FIXTURE="$CARGO_TARGET_DIR_PLAIN/debug/examples/tmdb_fixture"
}

# The release build every script serves: cargo-leptos's build, then the brotli and gzip copies of
# the bundle the server sends instead of compressing it per request. Output goes to "$1" if given.
build_release() {
  local log="${1:-/dev/stdout}"
  [ -n "${LEPTOS_TARGET_DIR:-}" ] || use_build_cache
  # --split: the lazy pages (app/src/lib.rs, `lazy_pages!`) go to chunks of their own; a build
  # without it leaves the chunks' loader out and those pages cannot load.
  CARGO_TARGET_DIR="$LEPTOS_TARGET_DIR" cargo leptos build --release --split >"$log" 2>&1 ||
    { [ "$log" = /dev/stdout ] || tail -n 60 "$log"; return 1; }
  # The binary is copied into the clone: it is what Playwright and the scripts serve, and the
  # cache's copy may be overwritten by another clone's build.
  if [ "$LEPTOS_TARGET_DIR" != "$ROOT/target" ]; then
    mkdir -p "$ROOT/target/release"
    cp "$LEPTOS_TARGET_DIR/release/cinecloud" "$ROOT/target/release/cinecloud.new"
    mv -f "$ROOT/target/release/cinecloud.new" "$ROOT/target/release/cinecloud"
  fi
  "$ROOT/target/release/cinecloud" precompress --site-root "$ROOT/target/site" >>"$log" 2>&1
}

# ffmpeg makes the demo catalog's short clips (a test pattern with a tone) and the clips the
# tests play; nothing is downloaded but the Debian package.
ensure_ffmpeg() {
  if ! have ffmpeg; then
    apt_install ffmpeg
  fi
}

# The fleet tests put two servers behind a real load balancer.
ensure_haproxy() {
  if ! have haproxy && [ ! -x /usr/sbin/haproxy ]; then
    apt_install haproxy
  fi
}

# The metadata cache's tests start Redis servers of their own (one they can stop mid-test), from
# the machine's redis-server (CINECLOUD_TEST_REDIS_SERVER names another).
ensure_redis() {
  if ! have "${CINECLOUD_TEST_REDIS_SERVER:-redis-server}" && [ ! -x /usr/bin/redis-server ]; then
    apt_install redis-server
  fi
}

ensure_chromium() {
  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM_PATH" ]; then
    apt_install chromium
  fi
}

ensure_playwright() {
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    say "npm ci in end2end (Playwright; it downloads no browser: Debian's Chromium is used)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --silent)
  fi
}

postgres_answers() {
  have psql && psql "$1" -Atqc 'select 1' >/dev/null 2>&1
}

# Exports CINECLOUD_TEST_POSTGRES_URL: the given one, the machine's server on 127.0.0.1:5432, or
# a throwaway cluster started here (PostgreSQL installed first if needed). Never skipped.
ensure_postgres() {
  local url="${CINECLOUD_TEST_POSTGRES_URL:-postgres://$(id -un)@127.0.0.1:5432/postgres}"
  if ! have psql; then apt_install postgresql-client; fi
  if postgres_answers "$url"; then
    say "PostgreSQL for tests: $url"
    export CINECLOUD_TEST_POSTGRES_URL="$url"
    return
  fi
  if [ -n "${CINECLOUD_TEST_POSTGRES_URL:-}" ]; then
    echo "error: CINECLOUD_TEST_POSTGRES_URL=$CINECLOUD_TEST_POSTGRES_URL does not answer" >&2
    exit 1
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$bin" ]; then
    apt_install postgresql
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  local dir port=55432 user
  dir="$(mktemp -d /tmp/cinecloud-pg.XXXXXX)"
  user="$(id -un)"
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres # PostgreSQL refuses to run as root.
    chown postgres "$dir"
  fi
  say "starting a throwaway PostgreSQL cluster in $dir on port $port"
  as_user() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  as_user "$bin/initdb" -D "$dir/data" -A trust -U "$user" >/dev/null
  as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  CINECLOUD_PG_STOP="$bin/pg_ctl -D $dir/data -m fast stop"
  CINECLOUD_PG_DIR="$dir"
  export CINECLOUD_TEST_POSTGRES_URL="postgres://$user@127.0.0.1:$port/postgres"
  trap 'as_user $CINECLOUD_PG_STOP >/dev/null 2>&1 || true; rm -rf "$CINECLOUD_PG_DIR"' EXIT
}
