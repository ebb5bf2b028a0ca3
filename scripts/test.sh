#!/usr/bin/env bash
# Runs the whole nnlab test suite from a fresh clone, installing what it needs:
# Debian packages (Jupyter, Chromium for the browser tests and its SwiftShader software GPU,
# libvulkan1, NumPy for the cross-checks against NumPy, bubblewrap for the grader's sandbox, JupyterHub
# for the classroom test), npm ci, the library build, the strict
# typecheck, then one `node --test` run over unit tests, notebook tests (real Jupyter, both
# kernels) and browser tests (headless Chromium).
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

require_node
apt_install_missing jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client chromium libvulkan1 python3-numpy bubblewrap jupyterhub wabt
install_and_build
npm run build:test -w nnlab   # tsc --strict over the library, the CLI and the tests
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
rm -rf test-output
# Datasets: the read-only mirror beside the project, a throw-away cache, and no request to the
# internet from any test.
if [ -d ../shared/datasets ]; then export NNLAB_DATA_MIRROR="$(cd ../shared/datasets && pwd)"; fi
export NNLAB_DATA_DIR="$PWD/test-output/data-cache"
export NNLAB_DATA_OFFLINE=1
node --test kernel-lib/build-test/test/
