#!/usr/bin/env bash
# CI step duo-proxy-tests (issue 14): the reverse proxy an operator puts in front of a Duo Admin API directory, tested
# as the README documents it. Debian's nginx runs the README's snippet (DuoProxySuite reads it from README.md) with TLS
# on port 443 for duo-api.example.test, and Duo's two official clients, unmodified, provision through it: the Java
# client (com.duosecurity:duo-client 0.7.1) and the Node client (@duosecurity/duo_api 1.5.0, src/test/node), which
# knows HTTPS on port 443 only.
#
# Runs in a private network namespace with a private /tmp and /etc/hosts (as .ci/ldap-suites.sh does), so that nginx
# can own port 443 and the API host name resolves to it, and Keycloak's test server its 8080, without touching the host.
# Needs root. Self-contained: installs, builds, runs, stops. Usage: bash .ci/duo-proxy.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=${DIRSYNC_DUO_NS:-dirsync-duo-ci}
WORK=${DIRSYNC_DUO_WORK:-/var/tmp/dirsync-duo-ci}
MVN_ARGS=${MVN_ARGS:-}

log() { echo "[duo-proxy] $*"; }

# 1. Packages and the Node client (network needed: outside the namespace).
export DEBIAN_FRONTEND=noninteractive
if ! command -v nginx >/dev/null; then
  log "installing nginx-light"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
fi
log "installing Duo's Node client (src/test/node, from its lock file)"
(cd "$ROOT/src/test/node" && npm ci --no-audit --no-fund --silent)

# 2. Build and resolve everything while the network is there (the namespace has none).
log "building"
(cd "$ROOT" && mvn -B -q $MVN_ARGS test-compile dependency:resolve -DincludeScope=test)

# 3. A private namespace, /tmp and /etc/hosts: duo-api.example.test is this machine.
ip netns add "$NS" 2>/dev/null || true
ip netns exec "$NS" ip link set lo up
rm -rf "$WORK"; mkdir -p "$WORK/tmp" "$WORK/repo"
chmod 1777 "$WORK/tmp"
{ cat /etc/hosts; echo "127.0.0.1 duo-api.example.test"; } > "$WORK/hosts"

log "running DuoProxySuite in namespace $NS"
set +e
# The checkout is bound to $WORK/repo first: a clone that lives under /tmp (CI's may) would vanish behind the private /tmp.
ip netns exec "$NS" unshare -m -p -f --mount-proc bash -c "mount --bind '$ROOT' '$WORK/repo' && mount --bind '$WORK/tmp' /tmp \
  && mount --bind '$WORK/hosts' /etc/hosts && cd '$WORK/repo' \
  && mvn -o -B $MVN_ARGS verify -Dtest=DuoProxySuite -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.reportNameSuffix=duo-proxy"
rc=$?
set -e
ip netns delete "$NS" 2>/dev/null || true
log "done (exit $rc)"
exit $rc
