# Sourced by the scripts in scripts/ and .ci/: not meant to be run.
#
# Home Assistant needs Python >= 3.14.2. Where this machine has it (GitHub
# Actions with setup-python, a developer's laptop) the scripts run directly;
# otherwise they re-run themselves through ../shared/toolchain/py314, which
# provides python3.14 in a chroot with this checkout mounted at the same path.

# Print the first interpreter on PATH that is Python >= 3.14.2.
find_python() {
  local candidate
  for candidate in python3.14 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 14, 2))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# ensure_python SCRIPT [ARG...]: return when Python >= 3.14.2 is here,
# else exec SCRIPT with its arguments through py314. Call it after cd-ing to
# the repository root, with SCRIPT relative to that root.
ensure_python() {
  local script=$1
  shift
  if PYTHON=$(find_python); then
    export PYTHON
    return 0
  fi
  if [ -n "${PY314_INSIDE:-}" ]; then
    echo "error: no python3.14 >= 3.14.2 inside the py314 root" >&2
    exit 2
  fi
  local py314=../shared/toolchain/py314
  if [ ! -f "$py314" ]; then
    echo "error: Python >= 3.14.2 is needed; install it, or put the shared" >&2
    echo "toolchain beside this checkout so that $py314 exists" >&2
    exit 2
  fi
  # py314 starts from a clean environment and runs in the current folder.
  exec bash "$py314" bash "$script" "$@"
}

# ensure_chromium: install Debian's chromium package where it is missing (the
# browser of scripts/e2e and scripts/screenshots; Playwright drives it, and
# never downloads a browser of its own). Needs root, as CI has.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "error: chromium is missing; install it (apt-get install chromium)" >&2
    exit 2
  fi
  echo "installing chromium (Debian's package)"
  local packages=(chromium fonts-dejavu-core)
  export DEBIAN_FRONTEND=noninteractive
  # Without `apt-get update` first when the package lists are fresh enough,
  # so that nothing else in the root gets upgraded along with it.
  if ! apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  fi
  chromium --version
}

# The uv release the scripts install with (from PyPI); bump it here.
UV_VERSION=0.13.9

# ensure_uv: set UV to a uv executable. A uv of exactly UV_VERSION on PATH is
# used as it is; otherwise it is installed once per machine from PyPI into
# ~/.cache/intervals-icu/uv-UV_VERSION (a small venv; about 10 s). Call it
# after ensure_python.
ensure_uv() {
  if command -v uv >/dev/null 2>&1 && [ "$(uv --version 2>/dev/null)" = "uv $UV_VERSION" ]; then
    UV=$(command -v uv)
  else
    local home="${XDG_CACHE_HOME:-$HOME/.cache}/intervals-icu/uv-$UV_VERSION"
    UV="$home/bin/uv"
    if [ ! -x "$UV" ]; then
      echo "setup: installing uv $UV_VERSION from PyPI into $home (once)"
      rm -rf "$home.tmp"
      "$PYTHON" -m venv "$home.tmp"
      "$home.tmp/bin/python" -m pip install --quiet --disable-pip-version-check \
        "uv==$UV_VERSION"
      # The venv's scripts hold its path; uv itself is a static binary.
      mkdir -p "$home/bin"
      mv "$home.tmp/bin/uv" "$UV"
      rm -rf "$home.tmp"
    fi
  fi
  export UV
  # uv hard-links installed files from its cache, which needs the cache and
  # the venv on one mount. Inside py314 ~/.cache/uv is in the Debian root and
  # the checkout a separate mount (copying instead takes ~40 s more), so there
  # the cache sits beside the checkout, like ../shared: ../.cache/uv.
  if [ -n "${PY314_INSIDE:-}" ] && [ -z "${UV_CACHE_DIR:-}" ]; then
    UV_CACHE_DIR="$(dirname "$PWD")/.cache/uv"
    export UV_CACHE_DIR
  fi
}
