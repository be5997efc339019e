#!/usr/bin/env bash
# Writes Meson "shim" subprojects into a mediasoup worker tree so that Meson uses
# Debian's system libraries instead of downloading sources from GitHub.
# Each worker/subprojects/<x>.wrap names a `directory`; Meson uses an existing
# directory as-is, so we create it with a meson.build that exposes the variables
# mediasoup's meson.build reads (<x>_dep and the *_lib names used in link_whole).
#
# usage: gen-shims.sh <mediasoup>/worker <openssl-prefix> <libsrtp2-prefix>
set -euo pipefail
worker=$1
openssl_prefix=$2
srtp_prefix=$3
sub="$worker/subprojects"

dir_of() { sed -n 's/^directory *= *//p' "$sub/$1.wrap"; }

shim() { # name, meson.build body, meson_options.txt body
  local d="$sub/$(dir_of "$1")"
  rm -rf "$d"
  mkdir -p "$d"
  printf '%s\n' "$2" > "$d/meson.build"
  printf '%s\n' "${3:-}" > "$d/meson_options.txt"
}

openssl_libdir="$openssl_prefix/lib64"
[ -d "$openssl_libdir" ] || openssl_libdir="$openssl_prefix/lib"

# Static OpenSSL built without KTLS (Debian's libssl crashes the worker in the
# first DTLS handshake; see README "Offline build").
shim openssl "project('openssl', 'c')
openssl_inc = include_directories('$openssl_prefix/include')
openssl_dep = declare_dependency(
  include_directories: openssl_inc,
  link_args: ['$openssl_libdir/libssl.a', '$openssl_libdir/libcrypto.a', '-ldl', '-pthread'],
)
libssl_dep = openssl_dep
libcrypto_dep = openssl_dep
libssl_lib = []
libcrypto_lib = []"

shim libuv "project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = []" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"

shim libsrtp2 "project('libsrtp2', 'c')
# Static libsrtp2 with OpenSSL crypto (built by build-worker.sh), not Debian's
# NSS build. Headers are in include/srtp2/ while mediasoup includes <srtp.h>.
# libsrtp2.a needs libcrypto.a. mediasoup lists openssl_dep before this one, but
# Meson wraps the executable's .a/-l arguments in -Wl,--start-group/--end-group
# (GNU ld), so libcrypto.a also resolves symbols that libsrtp2.a needs.
libsrtp2_dep = declare_dependency(
  include_directories: include_directories('$srtp_prefix/include/srtp2'),
  link_args: ['$srtp_prefix/lib/libsrtp2.a'],
)
libsrtp2 = []" "option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'feature', value: 'disabled')
option('tests', type: 'feature', value: 'disabled')"

shim usrsctp "project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = []" "option('sctp_build_programs', type: 'boolean', value: false)"

shim abseil-cpp "project('abseil-cpp', 'cpp')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'),
  dependency('absl_btree'), dependency('absl_inlined_vector'),
  dependency('absl_optional'), dependency('absl_memory'), dependency('absl_strings'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant'), dependency('absl_span')])
absl_container_lib = []"

shim flatbuffers "project('flatbuffers', 'cpp')
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = []"

shim catch2 "project('catch2', 'cpp')
catch2_dep = declare_dependency()
catch2_with_main_dep = declare_dependency()"

shim wingetopt "project('wingetopt', 'c')
wingetopt_dep = declare_dependency()
wingetopt_lib = []"

# Debian's liburing (liburing-dev). Only used where mediasoup's meson.build asks
# for it (Linux >= 6 and no -Dms_disable_liburing). bookworm has 2.3; mediasoup
# 3.13's DepLibUring.cpp is written for 2.4: compat/liburing.h adds what it uses
# from 2.4 on top of Debian's header.
shim liburing "project('liburing', 'c')
uring = declare_dependency(
  include_directories: include_directories('compat'),
  dependencies: dependency('liburing'),
)
liburing = []"
mkdir -p "$sub/$(dir_of liburing)/compat"
cat > "$sub/$(dir_of liburing)/compat/liburing.h" <<'HEADER'
/* Written by Hawker's gen-shims.sh: liburing 2.4 helpers for an older liburing. */
#pragma once
#include_next <liburing.h>

#ifndef IO_URING_VERSION_MAJOR /* liburing < 2.4: no io_uring_version.h */
/* 2.4's sendto: a send whose destination is in addr2 (the kernel reads it since 6.0). */
static inline void io_uring_prep_sendto(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len,
                                        int flags, const struct sockaddr *addr, socklen_t addrlen)
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, (__u16)addrlen);
}
/* Only logged by mediasoup; 2.3 is the newest liburing without the version header. */
static inline int io_uring_major_version(void) { return 2; }
static inline int io_uring_minor_version(void) { return 3; }
#endif
HEADER
