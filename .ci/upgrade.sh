#!/usr/bin/env bash
# Issue 15, the upgrade: a database written by the released version (.ci/released-version: its commit, built here from
# git) is opened by this checkout's build, in a rolling restart of a two-node cluster. Two `kc.sh start` nodes of the
# Keycloak 26.7.3 distribution with the released JAR on a fresh PostgreSQL (.ci/nodes.sh, as .ci/cluster.sh), then
# UpgradeSuite: it writes data through every source that writes (SCIM, Duo, an LDAP sync, enrollment, the trash, run
# history, settings with secrets), then replaces node 1's distribution with the new build and restarts it (Liquibase
# applies the new changesets) while SCIM clients write to node 2, then node 2 likewise, and checks that nothing was
# lost, the old secrets still work and the new build works on the upgraded database.
#
# Whether Keycloak allows the rolling update is asked of Keycloak itself: `kc.sh update-compatibility metadata` with
# the released build, `check` with the new one (exit 0: rolling; 3: a stop-all upgrade, which the suite then does).
#
# Runs in a private network namespace with a private /tmp. Needs root. Usage: .ci/upgrade.sh
#   MVN_ARGS=-o      extra Maven arguments (offline, ...)
#   SKIP_BUILD=1     take this checkout's JAR and test classes as target/ has them (CI: the steps before built them)
#   UPGRADE_NEW_HOME=DIR  a distribution already built with this checkout's JAR (used only if its JAR is the same)
#   UPGRADE_TESTS=   a -Dtest selection (default UpgradeSuite)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=${DIRSYNC_UPGRADE_NS:-dirsync-upgrade-ci}
WORK=${DIRSYNC_UPGRADE_WORK:-/var/tmp/dirsync-upgrade-ci}
MVN_ARGS=${MVN_ARGS:-}
KC_VERSION=26.7.3
RELEASED=$(head -n 1 "$ROOT/.ci/released-version")
T0=$(date +%s)

log() { echo "[upgrade] $(( $(date +%s) - T0 ))s $*"; }

# shellcheck source=.ci/postgres.sh
source "$ROOT/.ci/postgres.sh"
# shellcheck source=.ci/nodes.sh
source "$ROOT/.ci/nodes.sh"
pg_install

# 1. The new build: this checkout.
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
  log "SKIP_BUILD=1: the JAR and test classes in target/"
else
  log "building this checkout"
  (cd "$ROOT" && mvn -B -q $MVN_ARGS -DskipTests package test-compile dependency:resolve -DincludeScope=test)
fi
NEW_JAR=$(nodes_project_jar "$ROOT")

# 2. The released build, from git, and its distribution: kept in $WORK by commit and Keycloak version (the only things
#    reused between runs).
git -C "$ROOT" cat-file -e "${RELEASED}^{commit}" 2>/dev/null \
  || { log "commit $RELEASED (.ci/released-version) is not in this clone: a shallow clone? (git fetch --unshallow)"; exit 1; }
RELEASED_JAR="$WORK/released-${RELEASED}.jar"
RELEASED_HOME="$WORK/released-${RELEASED}-keycloak-${KC_VERSION}"
mkdir -p "$WORK"
find "$WORK" -mindepth 1 -maxdepth 1 ! -name "$(basename "$RELEASED_JAR")" ! -name "$(basename "$RELEASED_HOME")" -exec rm -rf {} +
if [[ ! -f "$RELEASED_JAR" ]]; then
  log "building the released version ${RELEASED:0:10} (git archive, without the admin console: its pages are static"
  log "files the database never sees, and their build needs node_modules the archive lacks)"
  mkdir -p "$WORK/released-src"
  git -C "$ROOT" archive "$RELEASED" | tar -x -C "$WORK/released-src"
  (cd "$WORK/released-src" && mvn -B -q $MVN_ARGS package -Dmaven.test.skip=true -Dconsole.skip=true)
  cp "$(nodes_project_jar "$WORK/released-src")" "$RELEASED_JAR"
  rm -rf "$WORK/released-src"
fi
log "released JAR $(basename "$RELEASED_JAR"), new JAR $(basename "$NEW_JAR")"

# 3. The distribution built twice, as an operator prepares the new image before rolling it out. The new one may be
#    taken from another step that built it with the same JAR and options (UPGRADE_NEW_HOME, e.g. .ci/cluster.sh's).
dist_once() { [[ -n "${KC:-}" ]] || nodes_dist; }
if [[ ! -x "$RELEASED_HOME/bin/kc.sh" ]]; then
  dist_once
  nodes_build "$RELEASED_HOME.tmp" "$RELEASED_JAR" && mv "$RELEASED_HOME.tmp" "$RELEASED_HOME"
fi
if [[ -n "${UPGRADE_NEW_HOME:-}" ]] && cmp -s "$UPGRADE_NEW_HOME/providers/keycloak-directory-sync.jar" "$NEW_JAR"; then
  log "the new distribution: $UPGRADE_NEW_HOME (the same JAR)"
  cp -a "$UPGRADE_NEW_HOME" "$WORK/new"
else
  dist_once
  nodes_build "$WORK/new" "$NEW_JAR"
fi
cp -a "$RELEASED_HOME" "$WORK/released"
cp -a "$WORK/released" "$WORK/node1"; cp -a "$WORK/released" "$WORK/node2"
nodes_ctl
log "builds ready"

export ROOT WORK MVN_ARGS RELEASED UPGRADE_TESTS="${UPGRADE_TESTS:-UpgradeSuite}"
cat > "$WORK/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
cd "$WORK/repo"
log() { echo "[upgrade:ns] $*"; }
source .ci/nodes.sh
rc=0
trap nodes_down EXIT
nodes_up || exit 1

# Keycloak's own verdict on the change (both nodes run 26.7.3; the options are the nodes'): rolling or recreate.
OPTS=(--db=postgres --health-enabled=true --http-enabled=true --hostname-strict=false
      --cache-embedded-network-bind-address=127.0.0.1)
export KC_DB_URL=jdbc:postgresql://127.0.0.1:5433/keycloak KC_DB_USERNAME=keycloak KC_DB_PASSWORD=keycloak
"$WORK/released/bin/kc.sh" update-compatibility metadata "${OPTS[@]}" --file="$WORK/compatibility.json" >"$WORK/compatibility.log" 2>&1 \
  || { cat "$WORK/compatibility.log"; log "update-compatibility metadata failed"; exit 1; }
"$WORK/new/bin/kc.sh" update-compatibility check "${OPTS[@]}" --file="$WORK/compatibility.json" >>"$WORK/compatibility.log" 2>&1
check=$?
grep -v '^\s*$' "$WORK/compatibility.log" | tail -n 3
case $check in
  0) STRATEGY=rolling ;;
  3) STRATEGY=recreate ;;
  *) log "update-compatibility check: exit $check"; exit 1 ;;
esac
log "Keycloak's update-compatibility check: exit $check, so a $STRATEGY upgrade"

# shellcheck disable=SC2086
mvn -o -B $MVN_ARGS -Dconsole.skip=true surefire:test -Dtest="$UPGRADE_TESTS" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.reportNameSuffix=upgrade \
  -Ddirsync.cluster.nodes=http://127.0.0.1:8080,http://127.0.0.1:8081 \
  -Ddirsync.cluster.db.url=jdbc:postgresql://127.0.0.1:5433/keycloak -Ddirsync.cluster.ctl="$WORK/node.sh" \
  -Ddirsync.upgrade.work="$WORK" -Ddirsync.upgrade.strategy=$STRATEGY -Ddirsync.upgrade.released="$RELEASED" || rc=1
grep -h 'ERROR' "$WORK"/node1.log "$WORK"/node2.log | tail -n 20
exit $rc
INNER
chmod +x "$WORK/inner.sh"

rc=0
nodes_run "$NS" "$WORK/inner.sh" || rc=$?
log "done (exit $rc); node logs in $WORK/node1.log, $WORK/node2.log"
exit $rc
