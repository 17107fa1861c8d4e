#!/usr/bin/env bash
# Issue 15, two nodes: two `kc.sh start` processes of the Keycloak 26.7.3 distribution (the extension's JAR and the test
# framework's time-offset provider in providers/, `kc.sh build` once) on one throwaway PostgreSQL (.ci/postgres.sh),
# clustered by Keycloak's default ispn stack (jdbc-ping discovery, bound to 127.0.0.1, ports 7800/7801), HTTP on
# 8080/8081, management on 9000/9001, hostname strict off; then ClusterSuite against both (admin changes seen by the
# other node at once, SCIM from 8 clients over both nodes, schedules with both clocks moved, kill -9 in a full sync
# and in a burst of SCIM creates).
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
pg_install
KC="$WORK/dist/keycloak-${KC_VERSION}"
if [[ "${SKIP_BUILD:-0}" == 1 && -x "$KC/bin/kc.sh" ]]; then
  log "SKIP_BUILD=1: the distribution built before in $KC, the test classes already in target/"
  rm -rf "$WORK/node1" "$WORK/node2" "$WORK/tmp" "$WORK"/node*.log "$WORK"/node*.pid; mkdir -p "$WORK/tmp"; chmod 1777 "$WORK/tmp"
else
  log "building"
  (cd "$ROOT" && mvn -B -q $MVN_ARGS -DskipTests package test-compile dependency:resolve -DincludeScope=test)
  JAR=""
  for f in "$ROOT"/target/keycloak-directory-sync-*.jar; do
    case "$f" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue ;; esac
    [[ -f "$f" ]] && JAR="$f"
  done
  [[ -n "$JAR" ]] || { log "no JAR in target/"; exit 1; }
  TF_VERSION=$(sed -n 's:.*<keycloak.testframework.version>\(.*\)</keycloak.testframework.version>.*:\1:p' "$ROOT/pom.xml")

  rm -rf "$WORK"; mkdir -p "$WORK/tmp" "$WORK/dist" "$WORK/providers"
  chmod 1777 "$WORK/tmp"
  (cd "$ROOT" && mvn -B -q $MVN_ARGS org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:zip" -DoutputDirectory="$WORK/dist" -Dmdep.overWriteReleases=true)
  # The time-offset endpoint (PUT /realms/master/testing-timeoffset) of Keycloak's test framework: how the suite moves a
  # distribution node's clock, as the framework does for its own test server. Only here, never in a release.
  (cd "$ROOT" && mvn -B -q $MVN_ARGS org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.keycloak.testframework:keycloak-test-framework-remote-providers:${TF_VERSION}" -DoutputDirectory="$WORK/providers")
  cp "$JAR" "$WORK"/providers/*.jar "$KC/providers/"
  log "kc.sh build (postgres, health)"
  "$KC/bin/kc.sh" build --db=postgres --health-enabled=true >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi
# Two homes of the same build: each node its own data/ and tmp/.
cp -a "$KC" "$WORK/node1"; cp -a "$KC" "$WORK/node2"

# 2. The nodes' control script: the suite kills and restarts node 1 through it.
cat > "$WORK/node.sh" <<'NODE'
#!/usr/bin/env bash
# node.sh start N | kill9 N | stop N   (N = 1 or 2); run inside the namespace.
set -uo pipefail
WORK=$(cd "$(dirname "$0")" && pwd); ACTION=$1; N=$2
PID_FILE="$WORK/node$N.pid"
pids() { local p; p=$(cat "$PID_FILE" 2>/dev/null) || return 0; echo "$p"; pgrep -P "$p" || true; }
case "$ACTION" in
  start)
    KC_DB_URL=jdbc:postgresql://127.0.0.1:5433/keycloak KC_DB_USERNAME=keycloak KC_DB_PASSWORD=keycloak \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin JAVA_OPTS_KC_HEAP="-Xms256m -Xmx1g" \
    "$WORK/node$N/bin/kc.sh" start --optimized --http-enabled=true --hostname-strict=false \
      --http-port=$((8079 + N)) --http-management-port=$((8999 + N)) \
      --cache-embedded-network-bind-address=127.0.0.1 --cache-embedded-network-bind-port=$((7799 + N)) \
      --spi-dirsync-engine--default--pull-schedule-tick-seconds=1 \
      >>"$WORK/node$N.log" 2>&1 </dev/null &
    echo $! > "$PID_FILE"
    for _ in $(seq 900); do
      curl -sf "http://127.0.0.1:$((8999 + N))/health/ready" >/dev/null && { echo "[node.sh] node $N ready"; exit 0; }
      kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { echo "[node.sh] node $N died"; tail -n 60 "$WORK/node$N.log"; exit 1; }
      sleep 1
    done
    echo "[node.sh] node $N not ready"; tail -n 60 "$WORK/node$N.log"; exit 1 ;;
  kill9)
    # shellcheck disable=SC2046
    kill -9 $(pids) 2>/dev/null; echo "[node.sh] node $N killed (-9)"; rm -f "$PID_FILE" ;;
  stop)
    # shellcheck disable=SC2046
    kill -TERM $(pids) 2>/dev/null
    for _ in $(seq 60); do [[ -z "$(pids | xargs -r ps -o pid= -p 2>/dev/null)" ]] && break; sleep 1; done
    # shellcheck disable=SC2046
    kill -9 $(pids) 2>/dev/null; rm -f "$PID_FILE"; true ;;
esac
NODE
chmod +x "$WORK/node.sh"

cat > "$WORK/inner.sh" <<INNER
#!/usr/bin/env bash
set -uo pipefail
cd "$WORK/repo"
export PG_DIR=/tmp/dirsync-cluster-pg PG_PORT=5433 PG_DB=keycloak PG_USER=keycloak PG_PASSWORD=keycloak
source .ci/postgres.sh
log() { echo "[cluster:ns] \$*"; }
rc=0
trap '"$WORK/node.sh" stop 2; "$WORK/node.sh" stop 1; pg_stop' EXIT
pg_start || exit 1
t0=\$(date +%s)
"$WORK/node.sh" start 1 || exit 1
"$WORK/node.sh" start 2 || exit 1
log "both nodes up in \$((\$(date +%s) - t0)) s"
for _ in \$(seq 60); do grep -q 'ISPN000094.*(2)' "$WORK/node2.log" && break; sleep 1; done
grep 'ISPN000094' "$WORK/node2.log" | tail -n 1
grep -q 'ISPN000094.*(2)' "$WORK/node2.log" || { log "the nodes did not form one cluster"; exit 1; }
mvn -o -B $MVN_ARGS -Dconsole.skip=true surefire:test -Dtest="${CLUSTER_TESTS:-ClusterSuite}" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.reportNameSuffix=cluster \
  -Ddirsync.cluster.nodes=http://127.0.0.1:8080,http://127.0.0.1:8081 \
  -Ddirsync.cluster.db.url=jdbc:postgresql://127.0.0.1:5433/keycloak -Ddirsync.cluster.ctl="$WORK/node.sh" \
  $FIGURES || rc=1
grep -h 'ERROR' "$WORK"/node1.log "$WORK"/node2.log | grep -v 'testing-timeoffset' | tail -n 20
exit \$rc
INNER
chmod +x "$WORK/inner.sh"

# 3. A private network namespace, /tmp and checkout (a clone under /tmp would vanish behind the private /tmp).
ip netns add "$NS" 2>/dev/null || true
ip netns exec "$NS" ip link set lo up
mkdir -p "$WORK/repo"
log "running in namespace $NS"
set +e
ip netns exec "$NS" unshare -m -p -f --mount-proc bash -c \
  "mount --bind '$ROOT' '$WORK/repo' && mount --bind '$WORK/tmp' /tmp && '$WORK/inner.sh'"
rc=$?
set -e
log "done (exit $rc); node logs in $WORK/node1.log, $WORK/node2.log"
exit $rc
