# Cinecloud's container image: one `cinecloud serve` per container, the fleet's unit (#17).
#
# Two ways to build it:
# - With a registry (a workstation, hosted CI): `podman build -t cinecloud .` (or docker) runs the
#   release build in the `build` stage and copies its output into the slim runtime stage.
# - Without one (these machines): build on the host first (`cargo leptos build --release`, then
#   `target/release/cinecloud precompress`), then
#   `podman build --build-arg ARTIFACTS=prebuilt -t cinecloud .`, which copies the host's
#   artifacts instead; scripts/container does all of it, base image included.
#
# Configuration is by environment (README's table); nothing secret is baked in. In a fleet, set
# DATABASE_URL to PostgreSQL, CINECLOUD_S3_BUCKET for media, CINECLOUD_PUBLIC_URL, and
# CINECLOUD_TRUST_PROXY=true behind the load balancer; CINECLOUD_DEMO_CATALOG=false in production.

ARG ARTIFACTS=build
ARG RUNTIME_BASE=debian:bookworm-slim

FROM rust:1.95-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add wasm32-unknown-unknown \
    && cargo install --locked cargo-leptos@0.3.10 --features no_downloads \
    && cargo install wasm-bindgen-cli@0.2.130
WORKDIR /src
COPY . .
WORKDIR /src/scripts/tools
RUN npm ci --no-audit --no-fund
WORKDIR /src
ENV PATH=/src/scripts/tools/node_modules/.bin:$PATH
RUN cargo leptos build --release --split \
    && target/release/cinecloud precompress --site-root target/site \
    && mkdir -p /out/target/release \
    && cp target/release/cinecloud /out/target/release/ \
    && cp -r target/site /out/target/site

# The host's own release build (see above).
FROM scratch AS prebuilt
COPY target/release/cinecloud /out/target/release/cinecloud
COPY target/site /out/target/site

# One of the two stages above, by name: no image, so no tag.
# hadolint ignore=DL3006
# checkov:skip=CKV_DOCKER_7: ARTIFACTS names a stage of this file (build or prebuilt), not an image
FROM ${ARTIFACTS} AS artifacts

FROM ${RUNTIME_BASE} AS runtime
# CA certificates for S3 and RDS over TLS; nothing else: the server is one binary.
# hadolint ignore=DL3008
RUN if [ ! -e /etc/ssl/certs/ca-certificates.crt ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --gid 10001 cinecloud \
    && useradd --no-create-home --uid 10001 --gid 10001 --home-dir /var/lib/cinecloud --shell /usr/sbin/nologin cinecloud \
    && mkdir -p /var/lib/cinecloud/media \
    && chown -R cinecloud:cinecloud /var/lib/cinecloud
COPY --from=artifacts /out/target/release/cinecloud /usr/local/bin/cinecloud
COPY --from=artifacts /out/target/site /usr/share/cinecloud/site
# Amazon RDS's CA bundle when infra/deploy fetched it (DATABASE_URL's sslrootcert on AWS).
COPY infra/certs/ /usr/share/cinecloud/certs/
ENV CINECLOUD_LISTEN=0.0.0.0:3000 \
    LEPTOS_SITE_ROOT=/usr/share/cinecloud/site \
    CINECLOUD_MEDIA_DIR=/var/lib/cinecloud/media \
    DATABASE_URL=sqlite:///var/lib/cinecloud/cinecloud.db \
    CINECLOUD_LOG_FORMAT=json
# The local media folder and SQLite file when no S3 bucket and no PostgreSQL are configured.
VOLUME ["/var/lib/cinecloud"]
WORKDIR /var/lib/cinecloud
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 CMD ["cinecloud", "healthcheck"]
# SIGTERM ends it cleanly: in-flight requests finish, then it exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cinecloud"]
CMD ["serve"]
