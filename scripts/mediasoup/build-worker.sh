#!/usr/bin/env bash
# Builds (or restores from cache) the mediasoup worker without internet access.
# Steps: Debian build libraries -> OpenSSL from Debian's source without KTLS
# (static) -> libsrtp2 from Debian's source with OpenSSL crypto (static) ->
# Meson shim subprojects -> mediasoup's own build task, twice:
#   worker/out/Release/mediasoup-worker        sends through io_uring (Debian's liburing)
#   worker/out-libuv/Release/mediasoup-worker  sends through libuv only (the fallback
#     where io_uring is unavailable at run time, e.g. Docker's default seccomp profile;
#     mediasoup 3.13 has no run-time switch, so the choice is a binary: see
#     media-server/src/worker-binary.ts)
# The binaries are cached in ~/.cache/mediasoup-worker/<key>/, key = <version>-<hash
# of scripts/mediasoup/*.sh>, so later runs restore them in seconds and a recipe
# change rebuilds them. `build-worker.sh --print-key` prints the key (setup.mjs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ms="$root/node_modules/mediasoup"
version=$(node -p "require('$ms/package.json').version")
recipe_hash=$(cd "$root/scripts/mediasoup" && export LC_ALL=C && sha256sum -- *.sh | sha256sum | cut -c1-12)
key="$version-$recipe_hash"
if [ "${1:-}" = --print-key ]; then echo "$key"; exit 0; fi
cache="${HAWKER_CACHE_DIR:-$HOME/.cache}/mediasoup-worker"
bin_rel="worker/out/Release/mediasoup-worker"
libuv_out_rel="worker/out-libuv"
libuv_bin_rel="$libuv_out_rel/Release/mediasoup-worker"
marker="$ms/worker/out/.hawker-built" # holds the key the binary was built/restored for
log() { echo "[mediasoup-worker] $*"; }

if [ -x "$ms/$bin_rel" ] && [ -x "$ms/$libuv_bin_rel" ] && [ "$(cat "$marker" 2>/dev/null)" = "$key" ]; then
  log "workers $key present"; exit 0
fi
if [ -x "$cache/$key/mediasoup-worker" ] && [ -x "$cache/$key/mediasoup-worker-libuv" ]; then
  mkdir -p "$(dirname "$ms/$bin_rel")" "$(dirname "$ms/$libuv_bin_rel")"
  cp "$cache/$key/mediasoup-worker" "$ms/$bin_rel"
  cp "$cache/$key/mediasoup-worker-libuv" "$ms/$libuv_bin_rel"
  echo "$key" > "$marker"
  log "restored $key from $cache"; exit 0
fi

# A machine with internet can use mediasoup's own prebuilt download.
if [ "${HAWKER_MEDIASOUP_ONLINE:-0}" = 1 ]; then
  (cd "$ms" && node npm-scripts.mjs postinstall) && exit 0
fi

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
pkgs="g++ make perl pkg-config python3 dpkg-dev libuv1-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler libusrsctp-dev liburing-dev"
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  log "apt-get install $missing"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi

ensure_deb_src() { # adds deb-src entries unless `apt-get source` already works
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
}

openssl_prefix="$cache/openssl-noktls"
if [ ! -f "$openssl_prefix/include/openssl/ssl.h" ]; then
  ensure_deb_src
  work=$(mktemp -d)
  log "fetching Debian's OpenSSL source into $work"
  (cd "$work" && { apt-get source -qq openssl >/dev/null 2>&1 || apt-get source -qq openssl/bookworm >/dev/null; })
  srcdir=$(find "$work" -maxdepth 1 -type d -name 'openssl-*' | head -1)
  log "building OpenSSL without KTLS (static) from $srcdir"
  (cd "$srcdir" && ./Configure linux-x86_64 no-shared no-ktls no-tests -fPIC --prefix="$openssl_prefix" --libdir=lib >/dev/null \
    && make -s -j"$(nproc)" >/dev/null && make -s install_sw >/dev/null)
  rm -rf "$work"
fi

# Debian's libsrtp2 uses NSS for crypto (an NSS context per packet: ~60% of the
# worker's forwarding capacity went to SRTP). Build it from Debian's source the way
# mediasoup's own subproject is built: OpenSSL crypto (the no-KTLS one above),
# static, no OpenSSL KDF. .hawker-config records the options: changing them rebuilds.
srtp_prefix="$cache/libsrtp2-openssl"
srtp_opts=(--enable-openssl --with-openssl-dir="$openssl_prefix" --disable-pcap CFLAGS="-O3 -fPIC")
if [ ! -f "$srtp_prefix/lib/libsrtp2.a" ] || [ "$(cat "$srtp_prefix/.hawker-config" 2>/dev/null)" != "${srtp_opts[*]}" ]; then
  ensure_deb_src
  work=$(mktemp -d)
  log "fetching Debian's libsrtp2 source into $work"
  (cd "$work" && { apt-get source -qq libsrtp2 >/dev/null 2>&1 || apt-get source -qq libsrtp2/bookworm >/dev/null; })
  srcdir=$(find "$work" -maxdepth 1 -type d -name 'libsrtp2-*' | head -1)
  log "building libsrtp2 with OpenSSL crypto (static) from $srcdir"
  (cd "$srcdir" && ./configure --prefix="$srtp_prefix" "${srtp_opts[@]}" >/dev/null)
  grep -q '^#define OPENSSL 1' "$srcdir/crypto/include/config.h" || { log "libsrtp2 configure did not pick OpenSSL"; exit 1; }
  rm -rf "$srtp_prefix" "$srtp_prefix.tmp"
  (cd "$srcdir" && make -s -j"$(nproc)" libsrtp2.a >/dev/null && make -s install prefix="$srtp_prefix.tmp" >/dev/null)
  printf '%s' "${srtp_opts[*]}" > "$srtp_prefix.tmp/.hawker-config"
  mv "$srtp_prefix.tmp" "$srtp_prefix"
  rm -rf "$work"
fi

index_url=""
for d in /opt/pypi/simple; do [ -d "$d" ] && index_url="file://$d"; done
rm -f "$marker"
build_variant() { # name, out dir, extra Meson args
  log "writing Meson shims"
  "$root/scripts/mediasoup/gen-shims.sh" "$ms/worker" "$openssl_prefix" "$srtp_prefix"
  log "building the $1 worker $key (a few minutes on 2 cores)"
  (cd "$ms" && env -u MEDIASOUP_WORKER_BIN MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD=1 \
    MEDIASOUP_OUT_DIR="$2" MESON_VERSION=1.12.1 NINJA_VERSION=1.13.2 \
    MESON_ARGS="--wrap-mode=nodownload $3" \
    ${index_url:+PIP_INDEX_URL=$index_url} PIP_RETRIES=0 \
    node npm-scripts.mjs postinstall > "$cache.build.log" 2>&1) || { tail -40 "$cache.build.log"; exit 1; }
}
build_variant io_uring "$ms/worker/out" ""
build_variant libuv "$ms/$libuv_out_rel" "-Dms_disable_liburing=true"
mkdir -p "$cache/$key"
cp "$ms/$bin_rel" "$cache/$key/mediasoup-worker.tmp"
cp "$ms/$libuv_bin_rel" "$cache/$key/mediasoup-worker-libuv.tmp"
mv "$cache/$key/mediasoup-worker-libuv.tmp" "$cache/$key/mediasoup-worker-libuv"
mv "$cache/$key/mediasoup-worker.tmp" "$cache/$key/mediasoup-worker"
echo "$key" > "$marker"
log "built and cached in $cache/$key"
