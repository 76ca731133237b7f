#!/usr/bin/env bash
# Run a command with what the tests need outside Python: Debian's chromium and chromium-driver
# (the web UI's browser tests) and a throwaway PostgreSQL server (the store tests).
# Missing Debian packages are installed when running as root (CI, a fresh machine); a server is
# started unless NASHRA_TEST_PG_URL already points at one, and stopped afterwards.
# Usage: scripts/with-services.sh COMMAND [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${need[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing (install them, as root: apt-get install ${need[*]}): browser or PostgreSQL tests will not pass" >&2
  fi
fi
started=""
if [ -z "${NASHRA_TEST_PG_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  # A server of this run's own (its folder and a free port), so that two runs on one machine
  # (two worktrees, a developer beside CI) never stop each other's server.
  export NASHRA_PG_DIR="${NASHRA_PG_DIR:-$(mktemp -d /tmp/nashra-pg.XXXXXX)}"
  export NASHRA_PG_PORT="${NASHRA_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  eval "$("$here/pg-test-server.sh" start)"
  started=1
fi
cleanup() {
  if [ -n "$started" ]; then
    "$here/pg-test-server.sh" stop || true
    rm -rf "$NASHRA_PG_DIR"
  fi
}
trap cleanup EXIT
"$@"
