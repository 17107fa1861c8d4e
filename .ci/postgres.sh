#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from Debian's packages, for .ci/run (step 2) and .ci/bench-ldap.sh.
# Source it after setting PG_PORT, PG_DB, PG_USER, PG_PASSWORD and PG_DIR (defaults below); it defines
# pg_start (install if needed, initdb, start on 127.0.0.1:$PG_PORT, create the role and database) and pg_stop.
# PG_SERVER_OPTS adds server settings (e.g. "-c shared_preload_libraries=pg_stat_statements" to see where a benchmark
# step's statements spend their time).
# shellcheck disable=SC2034
PG_PORT="${PG_PORT:-5433}"
PG_DB="${PG_DB:-keycloak}"
PG_USER="${PG_USER:-keycloak}"
PG_PASSWORD="${PG_PASSWORD:-keycloak}"
PG_DIR="${PG_DIR:-/tmp/dirsync-ci-postgres}"
declare -F log >/dev/null || log() { printf '\n[pg] %s\n' "$*"; }

PG_BIN=""

pg_install() {
  if ! ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing PostgreSQL (Debian package) ..."
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  pg_bin
  log "PostgreSQL binaries: $PG_BIN ($("$PG_BIN/postgres" --version))"
}

as_postgres() { runuser -u postgres -- "$@"; }
pg_bin() { [ -n "$PG_BIN" ] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); }

pg_start() {
  pg_install
  # A cluster left over by an interrupted earlier run: stop it first.
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # Throwaway data: durability settings off for speed.
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -h 127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_SERVER_OPTS:-}" \
    start || { cat "$PG_DIR/postgres.log" >&2; return 1; }
  as_postgres psql -h "$PG_DIR" -p "$PG_PORT" -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}'" \
    -c "CREATE DATABASE ${PG_DB} OWNER ${PG_USER} ENCODING 'UTF8'"
  # Check the credentials the tests use, over TCP.
  PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -At -v ON_ERROR_STOP=1 \
    -c "select 'connected to ' || current_database() || ' as ' || current_user || ' (' || split_part(version(), ' ', 2) || ')'"
}

pg_stop() {
  # (steps run in subshells, so the pid file, not a variable, tells whether our cluster runs)
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_bin
    log "stopping PostgreSQL ($PG_DIR)"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

