#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests and print the URL to reach it.
# Usage: eval "$(scripts/pg-test-server.sh start)"   → exports NASHRA_TEST_PG_URL
#        scripts/pg-test-server.sh stop
# Installs Debian's postgresql when it is missing (CI runs as root on a fresh machine).
set -euo pipefail
DIR=${NASHRA_PG_DIR:-/tmp/nashra-pg}
PORT=${NASHRA_PG_PORT:-55432}
BIN=""
find_bin() {
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
}
case "${1:-start}" in
  start)
    find_bin
    if [ -z "$BIN" ]; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        find_bin
      fi
    fi
    [ -n "$BIN" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }
    RUN=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" postgres
      RUN=(runuser -u postgres --)
    fi
    if [ -f "$DIR/data/postmaster.pid" ]; then "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true; fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    "${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U nashra --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
    "${RUN[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U nashra nashra_test
    echo "export NASHRA_TEST_PG_URL=postgresql+psycopg://nashra@127.0.0.1:$PORT/nashra_test"
    ;;
  stop)
    find_bin
    RUN=(); [ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
    [ -f "$DIR/data/postmaster.pid" ] && "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2
    ;;
esac
