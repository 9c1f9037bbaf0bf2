#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# Finds the newest PostgreSQL server under /usr/lib/postgresql (installing Debian's `postgresql`
# package if there is none), starts a private cluster on a free 127.0.0.1 port in a temporary
# directory, creates the database `nolan_test`, exports
#   TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/nolan_test
# and runs CMD. The server is stopped and its directory removed on exit; the exit status is CMD's.
# PostgreSQL will not run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

find_pg_bin() {
    local initdb
    initdb=$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$initdb" ]] && dirname "$initdb"
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root to run: $*"
        return 1
    fi
}

PG_BIN=$(find_pg_bin || true)
if [[ -z "$PG_BIN" ]]; then
    log "no PostgreSQL server found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql >/dev/null
    PG_BIN=$(find_pg_bin || true)
    if [[ -z "$PG_BIN" ]]; then
        log "PostgreSQL is still not installed under /usr/lib/postgresql"
        exit 1
    fi
fi

# Run server tools as `postgres` when we are root; as ourselves otherwise.
if [[ $(id -u) -eq 0 ]]; then
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    fi
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nolan-pg.XXXXXX")
[[ $(id -u) -eq 0 ]] && chown postgres: "$PG_TMP"
PG_DATA="$PG_TMP/data"
PG_SOCKET="$PG_TMP/socket"
PG_LOG="$PG_TMP/server.log"
STARTED=0

cleanup() {
    local status=$?
    if [[ $STARTED -eq 1 ]]; then
        (cd "$PG_TMP" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop) \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PG_PORT may be given; otherwise ask the kernel for a free one.
PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}

# The postgres user may not be able to enter the caller's working directory: work from PG_TMP.
ORIG_PWD=$PWD
cd "$PG_TMP"
as_pg mkdir -p "$PG_SOCKET"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
    >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; exit 1; }

STARTED=1
if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start -o "\
-c listen_addresses=127.0.0.1 -p $PORT -k $PG_SOCKET \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=200" >/dev/null; then
    log "PostgreSQL failed to start; its log:"
    cat "$PG_LOG" >&2 || true
    exit 1
fi

for _ in $(seq 1 60); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
    sleep 0.5
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres || {
    log "PostgreSQL did not become ready on port $PORT"
    exit 1
}
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres nolan_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/nolan_test"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') up on 127.0.0.1:$PORT"

cd "$ORIG_PWD"
set +e
"$@"
status=$?
set -e
exit "$status"
