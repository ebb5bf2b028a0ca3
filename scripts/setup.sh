#!/usr/bin/env bash
# Sets nnlab up on this machine and opens the lessons:
#   1. Jupyter (apt on Debian/Ubuntu when missing) and libvulkan1 (for the GPU kernel, WebGPU);
#   2. npm dependencies (npm ci: offline-safe, no native TensorFlow download) and the library build;
#   3. the two Jupyter kernels "TypeScript (nnlab, CPU)" and "TypeScript (nnlab, GPU)";
#   4. your own copies of the lessons in ~/nnlab-lessons (or NNLAB_WORKSPACE), outside the clone, so
#      that running them leaves the checkout clean (`npx nnlab lessons update` brings new lessons in
#      later and keeps the copies you edited);
#   5. Jupyter Notebook on that folder (opens the browser where there is a display, else prints the URL).
# Usage: bash scripts/setup.sh [--no-start]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

start=1
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (known: --no-start, --help)" >&2; exit 2 ;;
  esac
done

require_node
if command -v dpkg-query >/dev/null 2>&1; then
  apt_install_missing jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client libvulkan1 bubblewrap
fi
install_and_build
npx nnlab kernels install
npx nnlab device cpu || true
npx nnlab lessons update
[ "$start" -eq 1 ] || exit 0
workspace=$(npx nnlab lessons path)

python=$(node -p "require('./kernel-lib/dist/jupyter/python.js').findJupyterPython().python")
args=(-m notebook "--notebook-dir=$workspace" --ip=127.0.0.1)
[ "$(id -u)" -eq 0 ] && args+=(--allow-root)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" != Darwin ]; then
  args+=(--no-browser)
  echo "nnlab: no display here: open the http://127.0.0.1:... URL printed below in a browser."
fi
echo "nnlab: starting Jupyter on $workspace (your copies; Ctrl+C to stop). Start with 00-getting-started.ipynb."
exec "$python" "${args[@]}"
