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
