#!/usr/bin/env bash
# Packs a built tree for a GPU machine that has the NVIDIA driver and CUDA 13 but none of our
# Debian dependencies: aicert, the plugins, the CUDA test and bench executables, and every
# shared library they need that is neither glibc/libstdc++ nor CUDA's own (the GPU machine's
# libcublasLt/libnccl match its driver). ci/gpu-check.sh runs the bundle there.
#
#   ci/gpu-bundle.sh [BUILD_DIR=build] [BUNDLE_DIR=.gpu-bundle]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
bundle="${2:-.gpu-bundle}"

[ -x "$build/bin/aicert" ] || { echo "gpu-bundle: $build/bin/aicert not built" >&2; exit 2; }
rm -rf "$bundle"
mkdir -p "$bundle/build" "$bundle/deps"
(cd "$build" && pwd) >"$bundle/source-dir.tmp"
# The tree the executables were built in (they carry its absolute paths): its source folder.
dirname "$(cat "$bundle/source-dir.tmp")" >"$bundle/source-dir" && rm "$bundle/source-dir.tmp"

# aicert, its plugins and shipped profiles, the CUDA suites and benches, at their paths within the build folder.
(cd "$build" && find bin lib tests bench share -maxdepth 3 -type f \
   \( -path 'bin/aicert' -o -path 'share/*' -o -path 'lib/aicert/*.so' -o -name 'cuda_*_test' \
      -o -name 'cuda_*_bench' -o -path 'tests/test_plugins/*.so' \) 2>/dev/null) |
  while read -r f; do
    mkdir -p "$bundle/build/$(dirname "$f")"
    cp "$build/$f" "$bundle/build/$f"
    strip --strip-unneeded "$bundle/build/$f" 2>/dev/null || true
  done

# Shared libraries to carry: what ldd resolves, minus the C/C++ runtime and CUDA's libraries.
skip='linux-vdso|ld-linux|/libc\.so|/libm\.so|/libdl\.so|/librt\.so|/libpthread\.so|libstdc\+\+|libgcc_s|libcuda\.so|libcublas|libnccl|libcudart'
find "$bundle/build" -type f \( -perm -u+x -o -name '*.so*' \) -print0 |
  xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3}' | grep -Ev "$skip" | sort -u |
  while read -r lib; do cp -L "$lib" "$bundle/deps/"; done
# Packed: OpenBLAS alone is 35 MB, and the bundle travels.
tar -C "$bundle" -czf "$bundle/build.tar.gz" build && rm -rf "$bundle/build"
tar -C "$bundle" -cJf "$bundle/deps.tar.xz" deps && rm -rf "$bundle/deps"
du -sh "$bundle"
