#!/usr/bin/env bash
# Issue 16's side-by-side benchmark, one command: one Keycloak 26.7.3 with the extension and Keycloak's own SCIM server
# (--features=scim-api) measures, in the same run and warmed up, our SCIM endpoint vs Keycloak's built-in SCIM vs the
# Admin REST API, how our figures grow with the population, and the directory sync vs Keycloak's own LDAP sync
# (io.dirsync.bench.SideBySideBench). It writes docs/benchmarks/results.md and docs/benchmarks/results.png.
#
#   bash bench/run.sh [--scale 0.1] [--db h2|h2-file|postgres] [--samples 200] [--ldap memory|slapd] [extra Maven arguments]
#
#   --scale    fraction of the issue's figures (1 = 100,000 users, 10,000 creates per path, a 10,000-member group,
#              LDAP 100,000 users in 200 groups); default 0.1, about 15 min on 2 cores
#   --db       h2 (the test framework's in-memory H2, default), h2-file (H2 in a file, as ./run.sh's start-dev keeps it:
#              at 100,000 users an in-memory database holds every row in the server's 512 MiB heap) or postgres (a
#              throwaway PostgreSQL from Debian's packages, .ci/postgres.sh; needs root for apt-get and runuser; also
#              counts the rows each sync writes)
#   --samples  requests per latency figure (after a quarter as many unmeasured); default 200
#   --ldap     the directory the LDAP part reads: memory (the in-JVM UnboundID server, default) or slapd (a real OpenLDAP
#              from Debian's packages, started by .ci/ldap-suites.sh in a private network namespace; needs root; the
#              tables go to a slapd/ folder). The in-JVM server re-reads its entries for every page of a paged search,
#              which at 100,000 users is most of a sync's time: the 100,000-user LDAP figures need slapd.
# The Maven log is target/bench-side-by-side.log. Keycloak listens on port 8080 while it runs. A PostgreSQL run writes
# its table and plot to docs/benchmarks/postgres/, so that both databases' latest figures stay side by side; a scale
# other than 0.1 to a scale-<scale>/ folder beside them. At scale 1, -Dbench.anchorGroups=false leaves out Keycloak's
# LDAP sync with its group mapper (hours at 100,000 users) and --samples 40 keeps the built-in server's pages (seconds
# each at that size) to minutes.
# -Dbench.scim=false measures the LDAP part alone, -Dbench.ldap=false the SCIM part alone; -Dbench.jfr=DIR records the
# server with Java Flight Recorder during the creates, the LDAP first syncs and (after their rows, not measured) our
# member PATCHes and PUTs alone; read them with bench/jfr-breakdown.py. -Dbench.sqlLog=true has the server log every SQL statement
# (diagnostics only: never for published figures).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCALE=0.1
DB=h2
SAMPLES=200
LDAP=memory
ALL_ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --db) DB="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    --ldap) LDAP="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) break ;;
  esac
done
case "$DB" in h2|h2-file|postgres) ;; *) echo "--db is h2, h2-file or postgres, not $DB" >&2; exit 2 ;; esac
case "$LDAP" in memory|slapd) ;; *) echo "--ldap is memory or slapd, not $LDAP" >&2; exit 2 ;; esac
# slapd: the whole run moves into .ci/ldap-suites.sh's namespace, which starts slapd and calls this script again there.
if [ "$LDAP" = slapd ] && [ -z "${DIRSYNC_BENCH_IN_NS:-}" ]; then
  BENCH_SIDE_ARGS="${ALL_ARGS[*]}" DIRSYNC_LDAP_NS=dirsync-bench-ns DIRSYNC_LDAP_WORK=/var/tmp/dirsync-bench-ns \
    MVN_ARGS="-Pbench" exec bash .ci/ldap-suites.sh side-by-side
fi
OUT="$PWD/docs/benchmarks"
[ "$DB" = h2 ] || OUT="$OUT/$DB"
# Another scale gets a folder of its own, so that the default scale's table stays the one the README quotes.
[ "$SCALE" = 0.1 ] || OUT="$OUT/scale-$SCALE"
[ "$LDAP" = memory ] || OUT="$OUT/$LDAP"
mkdir -p "$OUT"

# The load before the build: the figures are only as good as the machine was quiet.
LOAD="$(awk '{print $1 ", " $2 ", " $3}' /proc/loadavg 2>/dev/null || echo n/a)"
ARGS=(-B verify -Pbench -Dtest=SideBySideBench -Dsurefire.failIfNoSpecifiedTests=false -Dconsole.skip=true
  -Dkc.test.server.start.timeout=480
  "-Dbench.scale=$SCALE" "-Dbench.samples=$SAMPLES" "-Dbench.out=$OUT" "-Dbench.loadAtStart=$LOAD")

[ "$DB" = h2-file ] && ARGS+=(-Dkc.test.database=dev-file)
if [ "$DB" = postgres ]; then
  PG_PORT="${BENCH_PG_PORT:-5436}"
  PG_DIR=/tmp/dirsync-bench-side-postgres
  # shellcheck source=.ci/postgres.sh
  source .ci/postgres.sh
  trap pg_stop EXIT
  pg_start
  ARGS+=(-Dkc.test.database=remote -Dkc.test.database.vendor=postgres
    "-Dkc.test.database.url=jdbc:postgresql://127.0.0.1:${PG_PORT}/${PG_DB}"
    "-Dkc.test.database.user=$PG_USER" "-Dkc.test.database.password=$PG_PASSWORD"
    "-Dbench.db.label=$("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) /PostgreSQL /'), a throwaway cluster with fsync off")
fi

mkdir -p target
echo "[bench] scale $SCALE, database $DB, load average $LOAD; log: target/bench-side-by-side.log"
mvn "${ARGS[@]}" "$@" > target/bench-side-by-side.log 2>&1 || { tail -n 80 target/bench-side-by-side.log; exit 1; }
grep '^BENCH' target/bench-side-by-side.log || true
echo "[bench] results: ${OUT#"$PWD/"}/results.md and ${OUT#"$PWD/"}/results.png"
