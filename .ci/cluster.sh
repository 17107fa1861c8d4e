#!/usr/bin/env bash
# Issue 15, two nodes: two `kc.sh start` processes of the Keycloak 26.7.3 distribution (the extension's JAR and the test
# framework's time-offset provider in providers/, `kc.sh build` once) on one throwaway PostgreSQL (.ci/postgres.sh),
# clustered by Keycloak's default ispn stack (jdbc-ping discovery, bound to 127.0.0.1, ports 7800/7801), HTTP on
# 8080/8081, management on 9000/9001, hostname strict off; then ClusterSuite against both (admin changes seen by the
# other node at once, SCIM from 8 clients over both nodes, schedules and the trash purge with both clocks moved, kill -9
# in a full sync, the killed run closed by the survivor's tick, and kill -9 in a burst of SCIM creates). Tuned: the
# nodes tick their schedules every second and close a run whose node stopped beating after 30 s (default 300 s).
#
# Everything runs in a private network namespace with a private /tmp (the .ci/ldap-suites.sh trick), so that the
# ports are our own. Needs root. Usage: .ci/cluster.sh
#   CLUSTER_FULL=1   the issue's figures: 5,000 users and 50 groups over SCIM, 10,000 LDAP users in the kill test
#                    (default: 1,000 users, 20 groups, 3,000 LDAP users)
#   CLUSTER_TESTS=   a -Dtest selection inside ClusterSuite (e.g. 'ClusterSuite#anAdmin*')
#   MVN_ARGS=-o      extra Maven arguments (offline, ...)
#   SKIP_BUILD=1     reuse the distribution built by an earlier run (while iterating on the suite)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=${DIRSYNC_CLUSTER_NS:-dirsync-cluster-ci}
WORK=${DIRSYNC_CLUSTER_WORK:-/var/tmp/dirsync-cluster-ci}
MVN_ARGS=${MVN_ARGS:-}
KC_VERSION=26.7.3
if [[ "${CLUSTER_FULL:-0}" == 1 ]]; then
  FIGURES="-Ddirsync.cluster.users=5000 -Ddirsync.cluster.groups=50 -Ddirsync.cluster.killUsers=10000"
else
  FIGURES="-Ddirsync.cluster.users=1000 -Ddirsync.cluster.groups=20 -Ddirsync.cluster.killUsers=3000"
fi

log() { echo "[cluster] $*"; }

# 1. PostgreSQL's packages, the build, the distribution and the providers, while the network is there.
# shellcheck source=.ci/postgres.sh
source "$ROOT/.ci/postgres.sh"
# shellcheck source=.ci/nodes.sh
source "$ROOT/.ci/nodes.sh"
pg_install
BUILT="$WORK/built"
if [[ "${SKIP_BUILD:-0}" == 1 && -x "$BUILT/bin/kc.sh" ]]; then
  log "SKIP_BUILD=1: the distribution built before in $BUILT, the test classes already in target/"
  rm -rf "$WORK/node1" "$WORK/node2" "$WORK/tmp" "$WORK"/node*.log "$WORK"/node*.pid
else
  log "building"
  (cd "$ROOT" && mvn -B -q $MVN_ARGS -DskipTests package test-compile dependency:resolve -DincludeScope=test)
  JAR=$(nodes_project_jar "$ROOT")
  rm -rf "$WORK"; mkdir -p "$WORK"
  nodes_dist
  nodes_build "$BUILT" "$JAR"
fi
# Two homes of the same build: each node its own data/ and tmp/.
cp -a "$BUILT" "$WORK/node1"; cp -a "$BUILT" "$WORK/node2"

# 2. The nodes' control script (the suite kills and restarts node 1 through it) and the steps inside the namespace.
nodes_ctl
export ROOT WORK MVN_ARGS FIGURES CLUSTER_TESTS="${CLUSTER_TESTS:-ClusterSuite}"
cat > "$WORK/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
cd "$WORK/repo"
log() { echo "[cluster:ns] $*"; }
source .ci/nodes.sh
rc=0
trap nodes_down EXIT
nodes_up || exit 1
# shellcheck disable=SC2086
mvn -o -B $MVN_ARGS -Dconsole.skip=true surefire:test -Dtest="$CLUSTER_TESTS" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.reportNameSuffix=cluster \
  -Ddirsync.cluster.nodes=http://127.0.0.1:8080,http://127.0.0.1:8081 \
  -Ddirsync.cluster.db.url=jdbc:postgresql://127.0.0.1:5433/keycloak -Ddirsync.cluster.ctl="$WORK/node.sh" \
  $FIGURES || rc=1
grep -h 'ERROR' "$WORK"/node1.log "$WORK"/node2.log | grep -v 'testing-timeoffset' | tail -n 20
exit $rc
INNER
chmod +x "$WORK/inner.sh"

# 3. A private network namespace, /tmp and checkout (a clone under /tmp would vanish behind the private /tmp).
rc=0
nodes_run "$NS" "$WORK/inner.sh" || rc=$?
log "done (exit $rc); node logs in $WORK/node1.log, $WORK/node2.log"
exit $rc
