#!/usr/bin/env bash
# Issue 4's LDAP benchmark on a throwaway PostgreSQL, so that each run also reports the rows it wrote
# (pg_stat_database): the directory sync's first full sync, Keycloak's plain LDAP provider on the same data (the
# anchor), and the directory sync's second full sync of unchanged data. Not part of CI (minutes per run).
#   bash .ci/bench-ldap.sh [users] [groups]          default 100000 200; BENCH lines in target/bench-ldap.log
# The directory is UnboundID's in-JVM server unless BENCH_MVN_ARGS says otherwise: .ci/ldap-suites.sh bench runs this
# script against a real OpenLDAP slapd (BENCH_MVN_ARGS=-Ddirsync.ldap.target=slapd).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
USERS="${1:-100000}"
GROUPS_N="${2:-200}"
PG_PORT=5434
PG_DIR=/tmp/dirsync-bench-postgres
# shellcheck source=.ci/postgres.sh
source .ci/postgres.sh
trap pg_stop EXIT
pg_start
mkdir -p target
# shellcheck disable=SC2086
mvn -B ${BENCH_MVN_ARGS:-} verify -Pbench -Dtest=LdapSyncBench -Dbench.users="$USERS" -Dbench.groups="$GROUPS_N" \
  -Dkc.test.database=remote -Dkc.test.database.vendor=postgres \
  -Dkc.test.database.url="jdbc:postgresql://127.0.0.1:${PG_PORT}/${PG_DB}" \
  -Dkc.test.database.user="$PG_USER" -Dkc.test.database.password="$PG_PASSWORD" > target/bench-ldap.log 2>&1 \
  || { tail -n 60 target/bench-ldap.log; exit 1; }
grep BENCH target/bench-ldap.log
