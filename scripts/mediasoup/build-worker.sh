#!/usr/bin/env bash
# Builds (or restores from cache) the mediasoup worker without internet access.
# Steps: Debian build libraries -> OpenSSL from Debian's source without KTLS
# (static) -> Meson shim subprojects -> mediasoup's own build task.
# The binary is cached in ~/.cache/mediasoup-worker/<version>/ keyed by version,
# so later runs restore it in seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ms="$root/node_modules/mediasoup"
version=$(node -p "require('$ms/package.json').version")
cache="${HAWKER_CACHE_DIR:-$HOME/.cache}/mediasoup-worker"
bin_rel="worker/out/Release/mediasoup-worker"
log() { echo "[mediasoup-worker] $*"; }

if [ -x "$ms/$bin_rel" ] && [ -f "$ms/worker/out/.hawker-built" ]; then
  log "worker present"; exit 0
fi
if [ -x "$cache/$version/mediasoup-worker" ]; then
  mkdir -p "$(dirname "$ms/$bin_rel")"
  cp "$cache/$version/mediasoup-worker" "$ms/$bin_rel"
  touch "$ms/worker/out/.hawker-built"
  log "restored $version from $cache"; exit 0
fi

# A machine with internet can use mediasoup's own prebuilt download.
if [ "${HAWKER_MEDIASOUP_ONLINE:-0}" = 1 ]; then
  (cd "$ms" && node npm-scripts.mjs postinstall) && exit 0
fi

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
pkgs="g++ make perl pkg-config python3 dpkg-dev libuv1-dev libsrtp2-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler libusrsctp-dev"
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  log "apt-get install $missing"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi

openssl_prefix="$cache/openssl-noktls"
if [ ! -f "$openssl_prefix/include/openssl/ssl.h" ]; then
  src_list=/etc/apt/sources.list.d/debian-src.sources
  if ! apt-get source --print-uris openssl >/dev/null 2>&1; then
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    sec=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | sed -n 2p)
    mirror=${mirror:-http://deb.debian.org/debian}; sec=${sec:-http://deb.debian.org/debian-security}
    log "adding deb-src entries ($src_list)"
    $sudo_cmd tee "$src_list" >/dev/null <<SRC
Types: deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $sec
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $sudo_cmd apt-get update -qq
  fi
  work=$(mktemp -d)
  log "fetching Debian's OpenSSL source into $work"
  (cd "$work" && { apt-get source -qq openssl >/dev/null 2>&1 || apt-get source -qq openssl/bookworm >/dev/null; })
  srcdir=$(find "$work" -maxdepth 1 -type d -name 'openssl-*' | head -1)
  log "building OpenSSL without KTLS (static) from $srcdir"
  (cd "$srcdir" && ./Configure linux-x86_64 no-shared no-ktls no-tests -fPIC --prefix="$openssl_prefix" --libdir=lib >/dev/null \
    && make -s -j"$(nproc)" >/dev/null && make -s install_sw >/dev/null)
  rm -rf "$work"
fi

log "writing Meson shims"
"$root/scripts/mediasoup/gen-shims.sh" "$ms/worker" "$openssl_prefix"

index_url=""
for d in /opt/pypi/simple; do [ -d "$d" ] && index_url="file://$d"; done
log "building worker $version (a few minutes on 2 cores)"
(cd "$ms" && env -u MEDIASOUP_WORKER_BIN MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD=1 \
  MESON_VERSION=1.12.1 NINJA_VERSION=1.13.2 \
  MESON_ARGS="--wrap-mode=nodownload -Dms_disable_liburing=true" \
  ${index_url:+PIP_INDEX_URL=$index_url} PIP_RETRIES=0 \
  node npm-scripts.mjs postinstall > "$cache.build.log" 2>&1) || { tail -40 "$cache.build.log"; exit 1; }
mkdir -p "$cache/$version"
cp "$ms/$bin_rel" "$cache/$version/mediasoup-worker"
touch "$ms/worker/out/.hawker-built"
log "built and cached in $cache/$version"
