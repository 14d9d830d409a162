#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for testing leadscore on the postgres target.
#
#   scripts/postgres.sh start   # create (if needed) and start it; ok when already running
#   scripts/postgres.sh env     # print `export LEADSCORE_...` lines: eval "$(scripts/postgres.sh env)"
#   scripts/postgres.sh stop    # stop it and delete its files
#
# The cluster lives in target/postgres/ (gitignored), listens on 127.0.0.1:$LEADSCORE_PG_PORT
# (default 5433, so it never meets a system server on 5432) with its unix socket in that folder,
# and has one login role ($LEADSCORE_PG_USER / $LEADSCORE_PG_PASSWORD, default leadscore/leadscore)
# owning one database ($LEADSCORE_PG_DBNAME, default leadscore), and the role `bi_reader` that dbt
# grants the marts to: NOLOGIN, or a login role when $LEADSCORE_PG_BI_READER_PASSWORD is set (make
# test-postgres sets a random one to prove what it can and cannot read). The superuser `postgres` is only
# reachable over the unix socket. fsync and JIT are off: the data is disposable, the queries small.
# As root, the server runs as the system user `postgres`; the Debian `postgresql` package is
# installed with apt-get when no PostgreSQL server binaries are found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/target/postgres"
# As root the server runs as `postgres`, which may not be able to reach a clone under a private
# folder (e.g. /root); then the cluster lives in /tmp instead.
if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    DIR="/tmp/leadscore-postgres-${LEADSCORE_PG_PORT:-5433}"
fi
DATA="$DIR/data"
LOG="$DIR/postgres.log"
PORT="${LEADSCORE_PG_PORT:-5433}"
PG_USER="${LEADSCORE_PG_USER:-leadscore}"
PG_PASSWORD="${LEADSCORE_PG_PASSWORD:-leadscore}"
PG_DBNAME="${LEADSCORE_PG_DBNAME:-leadscore}"
BI_READER_PASSWORD="${LEADSCORE_PG_BI_READER_PASSWORD:-}"

die() { echo "postgres.sh: $*" >&2; exit 1; }
say() { echo "postgres.sh: $*" >&2; }

pg_bindir() {
    # Prefer 15 (what the project is tested on), else the newest installed server.
    local dir
    if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then echo /usr/lib/postgresql/15/bin; return; fi
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

ensure_server_binaries() {
    [[ -n "$(pg_bindir)" ]] && return
    [[ $EUID -eq 0 ]] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install the Debian package postgresql (as root: apt-get install -y postgresql)"
    say "installing the Debian postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    [[ -n "$(pg_bindir)" ]] || die "apt-get installed postgresql but no initdb under /usr/lib/postgresql/*/bin"
}

# Run a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else us.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres "$@"
}

init_cluster() {
    rm -rf "$DATA"
    mkdir -p "$DIR"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "system user postgres does not exist (it comes with the postgresql package)"
        chown postgres: "$DIR"
        chmod 700 "$DIR"
        as_owner test -w "$DIR" || die "user postgres cannot write $DIR (is a parent folder closed to other users?)"
    fi
    local sock="$DIR/.s.PGSQL.$PORT"
    (( ${#sock} < 100 )) || die "socket path $sock is too long for a unix socket; clone the repo to a shorter path"
    say "initdb in $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# scripts/postgres.sh: a disposable test cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
# JIT compiling costs seconds per query here (the CTE-heavy models get high cost estimates)
# and saves nothing at test sizes: lead_scores took 98 s with it, 0.2 s without.
jit = off
work_mem = '64MB'
EOF
}

start() {
    ensure_server_binaries
    BIN="$(pg_bindir)"
    if running; then
        say "already running on 127.0.0.1:$(sed -n 's/^port = //p' "$DATA/postgresql.conf" | tail -n 1)"
        [[ "$(sed -n 's/^port = //p' "$DATA/postgresql.conf" | tail -n 1)" == "$PORT" ]] \
            || die "the running cluster listens on another port than LEADSCORE_PG_PORT=$PORT; run scripts/postgres.sh stop first"
    else
        if [[ ! -f "$DATA/PG_VERSION" ]] || ! grep -q '^# scripts/postgres.sh' "$DATA/postgresql.conf" 2>/dev/null \
            || [[ "$(sed -n 's/^port = //p' "$DATA/postgresql.conf" | tail -n 1)" != "$PORT" ]]; then
            init_cluster
        fi
        say "starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (log: $LOG)"
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
            || { tail -n 20 "$LOG" >&2 || true; die "the server did not start (port $PORT taken?)"; }
    fi
    # Idempotent: create the role and database when missing, keep the password in step.
    psql_admin -d postgres -v user="$PG_USER" -v password="$PG_PASSWORD" -v dbname="$PG_DBNAME" \
        -v reader_password="$BI_READER_PASSWORD" <<'SQL'
select format('create role %I login', :'user')
where not exists (select from pg_roles where rolname = :'user') \gexec
select format('alter role %I with login nosuperuser nocreatedb nocreaterole password %L', :'user', :'password') \gexec
select format('create database %I owner %I', :'dbname', :'user')
where not exists (select from pg_database where datname = :'dbname') \gexec
select 'create role bi_reader nologin'
where not exists (select from pg_roles where rolname = 'bi_reader') \gexec
select case when :'reader_password' = '' then 'alter role bi_reader with nologin password null'
    else format('alter role bi_reader with login password %L', :'reader_password') end \gexec
SQL
    say "ready: database $PG_DBNAME owned by role $PG_USER at 127.0.0.1:$PORT; role bi_reader for BI tools"
}

stop() {
    if [[ -f "$DATA/PG_VERSION" ]]; then
        BIN="$(pg_bindir)"
        [[ -n "$BIN" ]] || die "no PostgreSQL binaries to stop the cluster in $DATA with"
        if running; then
            as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || die "could not stop the cluster in $DATA"
            say "stopped"
        fi
    fi
    rm -rf "$DIR"
}

env_lines() {
    printf 'export LEADSCORE_TARGET=postgres\n'
    printf 'export LEADSCORE_PG_HOST=127.0.0.1\n'
    printf 'export LEADSCORE_PG_PORT=%q\n' "$PORT"
    printf 'export LEADSCORE_PG_USER=%q\n' "$PG_USER"
    printf 'export LEADSCORE_PG_PASSWORD=%q\n' "$PG_PASSWORD"
    printf 'export LEADSCORE_PG_DBNAME=%q\n' "$PG_DBNAME"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) env_lines ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
