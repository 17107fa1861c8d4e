#!/usr/bin/env bash
# Two `kc.sh start` nodes of the Keycloak distribution on one PostgreSQL, in a private network namespace: the parts
# that .ci/cluster.sh (ClusterSuite) and .ci/upgrade.sh (UpgradeSuite) share. Source it after setting ROOT (the
# checkout), WORK (a directory under /var/tmp, not /tmp: the namespace's /tmp is private), MVN_ARGS and KC_VERSION,
# and defining log. Outside the namespace:
#   nodes_project_jar DIR        the extension's JAR in DIR/target (not -sources/-javadoc/-tests)
#   nodes_dist                   $WORK/dist/keycloak-$KC_VERSION unpacked from Maven, the test framework's time-offset
#                                provider in $WORK/providers; sets KC
#   nodes_build HOME JAR         a copy of the distribution in HOME with JAR (and $WORK/providers) in providers/, built
#                                for PostgreSQL (`kc.sh build`, log in HOME.build.log)
#   nodes_ctl                    writes $WORK/node.sh, the nodes' control script (start | stop | kill9 | install)
#   nodes_run NS INNER           runs the script INNER in network namespace NS with a private /tmp and the checkout
#                                bind-mounted at $WORK/repo
# Inside the namespace (INNER sources this file from $WORK/repo):
#   nodes_up                     PostgreSQL, node 1, node 2, and one cluster view of both; nodes_down stops them
# shellcheck disable=SC2034

nodes_project_jar() {
  local f jar=""
  for f in "$1"/target/keycloak-directory-sync-*.jar; do
    case "$f" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue ;; esac
    [[ -f "$f" ]] && jar="$f"
  done
  [[ -n "$jar" ]] || { log "no JAR in $1/target"; return 1; }
  echo "$jar"
}

nodes_dist() {
  local tf_version
  tf_version=$(sed -n 's:.*<keycloak.testframework.version>\(.*\)</keycloak.testframework.version>.*:\1:p' "$ROOT/pom.xml")
  rm -rf "$WORK/dist" "$WORK/providers"; mkdir -p "$WORK/dist" "$WORK/providers"
  (cd "$ROOT" && mvn -B -q $MVN_ARGS org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:zip" -DoutputDirectory="$WORK/dist" -Dmdep.overWriteReleases=true)
  # The time-offset endpoint (PUT /realms/master/testing-timeoffset) of Keycloak's test framework: how a suite moves a
  # distribution node's clock, as the framework does for its own test server. Only here, never in a release.
  (cd "$ROOT" && mvn -B -q $MVN_ARGS org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.keycloak.testframework:keycloak-test-framework-remote-providers:${tf_version}" -DoutputDirectory="$WORK/providers")
  KC="$WORK/dist/keycloak-${KC_VERSION}"
}

nodes_build() {
  local home=$1 jar=$2
  rm -rf "$home"; cp -a "$KC" "$home"
  # one name for every build, so that a node's JAR is found whichever build it runs
  cp "$jar" "$home/providers/keycloak-directory-sync.jar"
  cp "$WORK"/providers/*.jar "$home/providers/"
  log "kc.sh build in $home (postgres, health) with $(basename "$jar")"
  "$home/bin/kc.sh" build --db=postgres --health-enabled=true >"$home.build.log" 2>&1 || { cat "$home.build.log"; return 1; }
}

nodes_ctl() {
  cat > "$WORK/node.sh" <<'NODE'
#!/usr/bin/env bash
# node.sh start N | kill9 N | stop N | install N HOME   (N = 1 or 2); run inside the namespace.
# install: node N's home becomes a copy of HOME (a distribution already built by nodes_build), as an operator replaces
# a node's image; the node must be stopped.
set -uo pipefail
WORK=$(cd "$(dirname "$0")" && pwd); ACTION=$1; N=$2
PID_FILE="$WORK/node$N.pid"
pids() { local p; p=$(cat "$PID_FILE" 2>/dev/null) || return 0; echo "$p"; pgrep -P "$p" || true; }
case "$ACTION" in
  start)
    echo "[node.sh] $(date -u +%T) starting node $N ($(ls "$WORK/node$N/providers" | grep -v testframework | tr '\n' ' '))" >>"$WORK/node$N.log"
    KC_DB_URL=jdbc:postgresql://127.0.0.1:5433/keycloak KC_DB_USERNAME=keycloak KC_DB_PASSWORD=keycloak \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin JAVA_OPTS_KC_HEAP="-Xms256m -Xmx1g" \
    "$WORK/node$N/bin/kc.sh" start --optimized --http-enabled=true --hostname-strict=false \
      --http-port=$((8079 + N)) --http-management-port=$((8999 + N)) \
      --cache-embedded-network-bind-address=127.0.0.1 --cache-embedded-network-bind-port=$((7799 + N)) \
      --spi-dirsync-engine--default--pull-schedule-tick-seconds=1 \
      --spi-dirsync-engine--default--run-heartbeat-timeout-seconds=30 \
      --spi-dirsync-directory-type--duo-admin-api--secret-key-encryption-key=ci-nodes-duo-kek \
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
  install)
    [[ -f "$PID_FILE" ]] && { echo "[node.sh] node $N is running: stop it first"; exit 1; }
    rm -rf "$WORK/node$N" && cp -a "$3" "$WORK/node$N" && echo "[node.sh] node $N now runs $(basename "$3")" ;;
esac
NODE
  chmod +x "$WORK/node.sh"
}

nodes_run() {
  local ns=$1 inner=$2 rc
  ip netns add "$ns" 2>/dev/null || true
  ip netns exec "$ns" ip link set lo up
  mkdir -p "$WORK/repo" "$WORK/tmp"; chmod 1777 "$WORK/tmp"
  log "running in namespace $ns"
  set +e
  ip netns exec "$ns" unshare -m -p -f --mount-proc bash -c \
    "mount --bind '$ROOT' '$WORK/repo' && mount --bind '$WORK/tmp' /tmp && '$inner'"
  rc=$?
  set -e
  return $rc
}

# ---- inside the namespace

nodes_up() {
  export PG_DIR=/tmp/dirsync-nodes-pg PG_PORT=5433 PG_DB=keycloak PG_USER=keycloak PG_PASSWORD=keycloak
  # shellcheck source=.ci/postgres.sh
  source "$WORK/repo/.ci/postgres.sh"
  pg_start || return 1
  local t0; t0=$(date +%s)
  "$WORK/node.sh" start 1 || return 1
  "$WORK/node.sh" start 2 || return 1
  log "both nodes up in $(($(date +%s) - t0)) s"
  for _ in $(seq 60); do grep -q 'ISPN000094.*(2)' "$WORK/node2.log" && break; sleep 1; done
  grep 'ISPN000094' "$WORK/node2.log" | tail -n 1
  grep -q 'ISPN000094.*(2)' "$WORK/node2.log" || { log "the nodes did not form one cluster"; return 1; }
}

nodes_down() {
  "$WORK/node.sh" stop 2; "$WORK/node.sh" stop 1
  declare -F pg_stop >/dev/null && pg_stop
  true
}
