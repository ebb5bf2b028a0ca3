#!/usr/bin/env bash
# Finds, in tfjs-backend-wasm's threaded SIMD binary, (1) the heap address of backend.cc's global
# `threadpool` (what `get_threads_count` loads) and (2) the exported kernels that read it, directly
# or through the functions they call: what kernel-lib/src/engine/wasm/pool.ts lists as POOL_ADDRESS
# and POOL_RULES. Rerun it after upgrading @tensorflow/tfjs-backend-wasm and compare.
# Needs wabt (Debian: apt-get install wabt). Usage: scripts/wasm-pool-kernels.sh [WASM]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
wasm="${1:-$here/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm}"
command -v wasm2wat >/dev/null || { echo "wasm-pool-kernels: wasm2wat not found (apt-get install wabt)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm2wat --enable-all "$wasm" -o "$tmp/w.wat"
wasm-objdump -x -j Export "$wasm" | sed -n 's/.*func\[\([0-9]*\)\] <[^>]*> -> "\([^"]*\)".*/\1 \2/p' > "$tmp/exports"
getter="$(awk '$2 == "get_threads_count" {print $1}' "$tmp/exports")"
# the first i32.const in get_threads_count's body is the address it loads
address="$(awk -v f="(func (;$getter;)" 'index($0, f) == 3 {p = 1; next} p && $1 == "i32.const" {print $2; exit}' "$tmp/w.wat")"
echo "threadpool pointer at heap address $address (get_threads_count = func $getter)"
# caller graph: "caller callee" for every direct call
awk '/^  \(func \(;[0-9]+;\)/ {match($0, /;[0-9]+;/); f = substr($0, RSTART + 1, RLENGTH - 2)}
     $1 == "call" {c = $2; sub(/\)+$/, "", c); print f, c}' "$tmp/w.wat" | sort -u > "$tmp/calls"
# functions that load the address, then everything that reaches them
awk -v a="$address" '/^  \(func \(;[0-9]+;\)/ {match($0, /;[0-9]+;/); f = substr($0, RSTART + 1, RLENGTH - 2)}
     $1 == "i32.const" && $2 == a {print f}' "$tmp/w.wat" | sort -u > "$tmp/reach"
while :; do
  awk 'NR == FNR {r[$1] = 1; next} ($2 in r) {print $1}' "$tmp/reach" "$tmp/calls" | cat - "$tmp/reach" | sort -u > "$tmp/next"
  cmp -s "$tmp/next" "$tmp/reach" && break
  mv "$tmp/next" "$tmp/reach"
done
echo "exported kernels that reach it (init, dispose and get_threads_count left out):"
awk 'NR == FNR {r[$1] = 1; next} ($1 in r) {print $2}' "$tmp/reach" "$tmp/exports" |
  grep -v -x -E 'init|init_with_threads_count|get_threads_count|dispose|main|_start|__.*|_emscripten.*|emscripten.*' | sort | tr '\n' ' '
echo
