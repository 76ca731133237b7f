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
  eval "$("$here/pg-test-server.sh" start)"
  started=1
fi
cleanup() { [ -n "$started" ] && "$here/pg-test-server.sh" stop || true; }
trap cleanup EXIT
"$@"
