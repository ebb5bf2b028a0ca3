# Shared shell helpers for scripts/setup.sh and scripts/test.sh (sourced, not run).

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian/Ubuntu packages given as arguments that are not installed yet
# (one apt-get update, only when something is missing).
apt_install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "nnlab: these packages are missing and this is not a Debian/Ubuntu system: ${missing[*]}" >&2
    echo "       install Jupyter with pip (python3 -m pip install notebook nbconvert nbclient), see README.md" >&2
    return 1
  fi
  echo "nnlab: installing with apt-get: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Fails unless Node.js >= 20 is on PATH.
require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "nnlab: Node.js 20 or newer is needed and 'node' is not on PATH (see README.md, Requirements)" >&2
    return 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "nnlab: Node.js 20 or newer is needed, this is $(node --version) (see README.md, Requirements)" >&2
    return 1
  fi
}

# npm ci, then build the library (kernel-lib/dist), so that notebooks can import 'nnlab'.
install_and_build() {
  npm ci --no-audit --no-fund
  npm run build
}
