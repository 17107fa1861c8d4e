#!/usr/bin/env bash
# Keycloak Directory Sync - the run command.
#
#   ./run.sh
#
# Builds the extension JAR, fetches Keycloak 26.7.3 through Maven (once) into .run/, installs the
# JAR as a provider, imports the demo realm from realm-config/ and starts Keycloak in dev mode in
# the foreground. In the background, scripts/demo-setup.mjs waits for Keycloak, creates the demo
# directories of realm-config/demo-directories.json and prints the SCIM base URL and a fresh bearer
# token. Ctrl-C stops both.
#
# Data: start-dev keeps its database in an embedded H2 *file* database under
# .run/keycloak-26.7.3/data/h2/. The distribution is unzipped only once, so users, directories and
# tokens survive between runs; the realm import is skipped for a realm that already exists.
# Start from scratch:  rm -rf .run/
#
# Environment (all optional):
#   KC_HTTP_PORT                  HTTP port (default 8080)
#   KC_MANAGEMENT_PORT            management port: health, metrics (default 9000)
#   KC_BOOTSTRAP_ADMIN_USERNAME   master-realm admin created on the FIRST start only (default admin)
#   KC_BOOTSTRAP_ADMIN_PASSWORD   its password (default admin)
#   DEMO_LDAP_PORT, DEMO_SMTP_PORT, DEMO_MAIL_PORT, DEMO_GRAPH_PORT
#                                 ports of the demo LDAP server, mail catcher (SMTP, web page) and Microsoft Graph
#                                 stand-in (defaults 10389, 3025, 8025, 18080); a busy one skips that helper
#   SKIP_BUILD=1                  do not run Maven; use the JAR (and test classes) already in target/
#   SKIP_DEMO_SETUP=1             do not run scripts/demo-setup.mjs
# Extra arguments are passed on to `kc.sh start-dev`, e.g.
#   ./run.sh --spi-dirsync-engine--default--trash-retention-days=1
# shellcheck disable=SC2317  # trap handlers are invoked indirectly
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$PWD"

KC_VERSION=26.7.3
KC_ARTIFACT="org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:zip"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
RUN_DIR="$ROOT/.run"
KC_HOME="$RUN_DIR/keycloak-${KC_VERSION}"
HTTP_PORT="${KC_HTTP_PORT:-8080}"
MGMT_PORT="${KC_MANAGEMENT_PORT:-9000}"
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

say()  { printf '\033[1;34m[run.sh]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[run.sh] WARNING:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[run.sh] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# --- 0. tools ------------------------------------------------------------------------------------
command -v java >/dev/null || die "java not found: install JDK 17 or newer"
command -v mvn  >/dev/null || die "mvn not found: install Maven 3.8 or newer"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  die "JDK 17 or newer is required (found: ${java_major:-unknown})"
fi
# The build compiles the admin console pages (admin-console/, Vite): Node.js 20.19+ with npm.
if [ "${SKIP_BUILD:-0}" != 1 ] && ! command -v node >/dev/null; then
  die "node not found: the build needs Node.js 20.19 or newer (it compiles the admin console pages)"
fi
RUN_DEMO_SETUP=1
if [ "${SKIP_DEMO_SETUP:-0}" = 1 ]; then
  RUN_DEMO_SETUP=0
elif ! command -v node >/dev/null; then
  warn "node not found: Keycloak will start, but the demo directories will not be set up (needs Node 18+)"
  RUN_DEMO_SETUP=0
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
  warn "Node $(node --version) is too old for scripts/demo-setup.mjs (needs 18+): skipping demo setup"
  RUN_DEMO_SETUP=0
fi

# Refuse to start next to something that already listens on our ports (the demo setup would talk to it).
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$HTTP_PORT" && die "port $HTTP_PORT is already in use (another Keycloak?). Stop it, or set KC_HTTP_PORT."
# The management interface only listens when health or metrics are enabled; just warn.
port_busy "$MGMT_PORT" && warn "management port $MGMT_PORT is in use; set KC_MANAGEMENT_PORT if Keycloak fails to start"

# --- 1. build ------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  say "SKIP_BUILD=1: using the JAR already in target/"
else
  say "Building the extension (mvn -B -q -DskipTests package) ..."
  mvn -B -q -DskipTests package || die "the Maven build failed (see above)"
fi
JAR=""
for f in target/keycloak-directory-sync-*.jar; do
  case "$f" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue ;; esac
  [ -f "$f" ] && JAR="$f"
done
[ -n "$JAR" ] || die "no target/keycloak-directory-sync-*.jar found after the build"

# --- 2. Keycloak distribution (once) -------------------------------------------------------------
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  say "Fetching Keycloak ${KC_VERSION} through Maven into .run/ (first run only) ..."
  tmp="$RUN_DIR/.unpack-$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  # overWriteReleases: unpack even if target/dependency-maven-plugin-markers says it was done before.
  mvn -B -q "${DEPENDENCY_PLUGIN}:unpack" -Dartifact="$KC_ARTIFACT" -DoutputDirectory="$tmp" \
    -Dmdep.overWriteReleases=true \
    || { rm -rf "$tmp"; die "could not obtain $KC_ARTIFACT through Maven"; }
  [ -d "$tmp/keycloak-${KC_VERSION}" ] || { rm -rf "$tmp"; die "unexpected layout of the Keycloak zip"; }
  rm -rf "$KC_HOME"
  mv "$tmp/keycloak-${KC_VERSION}" "$KC_HOME"
  rm -rf "$tmp"
  chmod +x "$KC_HOME"/bin/*.sh
fi

# --- 3. install the provider ---------------------------------------------------------------------
mkdir -p providers "$KC_HOME/providers"
rm -f providers/keycloak-directory-sync-*.jar "$KC_HOME"/providers/keycloak-directory-sync-*.jar
cp "$JAR" providers/
cp "$JAR" "$KC_HOME/providers/"
say "Provider installed: providers/$(basename "$JAR") (and .run/keycloak-${KC_VERSION}/providers/)"

# Theme folders in themes/ (if any) go next to Keycloak's own.
for t in themes/*/; do
  [ -d "$t" ] || continue
  rm -rf "$KC_HOME/themes/$(basename "$t")"
  cp -R "$t" "$KC_HOME/themes/"
done

# --- 4. realm import -----------------------------------------------------------------------------
# Only realm exports (realm-config/*-realm.json) are imported; other files there (e.g.
# demo-directories.json) are read by scripts/demo-setup.mjs.
mkdir -p "$KC_HOME/data/import"
rm -f "$KC_HOME"/data/import/*.json
realms=0
for f in realm-config/*-realm.json; do
  [ -f "$f" ] || continue
  cp "$f" "$KC_HOME/data/import/"
  realms=$((realms + 1))
done
[ "$realms" -gt 0 ] || warn "no realm-config/*-realm.json found: nothing to import"
if [ -d "$KC_HOME/data/h2" ]; then
  say "Existing database found in .run/keycloak-${KC_VERSION}/data/h2: data is kept, existing realms are not re-imported"
fi

# --- 5. start ------------------------------------------------------------------------------------
KC_PID=""
NODE_PID=""
LDAP_PID=""
MAIL_PID=""
GRAPH_PID=""
stopping=0
stop_keycloak() {
  if [ "$stopping" = 0 ] && [ -n "$KC_PID" ] && kill -0 "$KC_PID" 2>/dev/null; then
    stopping=1
    echo
    say "Stopping Keycloak ..."
    # Keycloak runs as a background job, which ignores SIGINT: send the signal kc.sh forwards.
    kill -TERM "$KC_PID" 2>/dev/null || true
  fi
}
cleanup() {
  if [ -n "$LDAP_PID" ] && kill -0 "$LDAP_PID" 2>/dev/null; then
    kill -TERM "$LDAP_PID" 2>/dev/null || true
  fi
  if [ -n "$MAIL_PID" ] && kill -0 "$MAIL_PID" 2>/dev/null; then
    kill -TERM "$MAIL_PID" 2>/dev/null || true
  fi
  if [ -n "$GRAPH_PID" ] && kill -0 "$GRAPH_PID" 2>/dev/null; then
    kill -TERM "$GRAPH_PID" 2>/dev/null || true
  fi
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
  fi
  if [ -n "$KC_PID" ] && kill -0 "$KC_PID" 2>/dev/null; then
    kill -TERM "$KC_PID" 2>/dev/null || true
    wait "$KC_PID" 2>/dev/null || true
  fi
}
trap stop_keycloak INT TERM HUP
trap cleanup EXIT

# The demo directory server for the demo realm's LDAP directory: an in-memory LDAP server (scripts/DemoLdap.java,
# UnboundID's SDK through Maven) with three departments of users. Its data lives in memory; each run starts it afresh.
LDAP_PORT="${DEMO_LDAP_PORT:-10389}"
if [ "$RUN_DEMO_SETUP" = 1 ]; then
  LDAP_SDK="$HOME/.m2/repository/com/unboundid/unboundid-ldapsdk/7.0.5/unboundid-ldapsdk-7.0.5.jar"
  [ -f "$LDAP_SDK" ] || mvn -B -q dependency:get -Dtransitive=false -Dartifact=com.unboundid:unboundid-ldapsdk:7.0.5 \
    || warn "could not fetch unboundid-ldapsdk: the demo LDAP directory will not sync"
  if port_busy "$LDAP_PORT"; then
    warn "port $LDAP_PORT is in use: the demo LDAP server is not started (set DEMO_LDAP_PORT)"
  elif [ -f "$LDAP_SDK" ]; then
    java -cp "$LDAP_SDK" "$ROOT/scripts/DemoLdap.java" "$LDAP_PORT" &
    LDAP_PID=$!
  fi
fi

# The demo mail catcher: an SMTP server that keeps every mail the demo realm sends (enrollment e-mails) and a web page
# that shows them (scripts/DemoMail.java, GreenMail's standalone JAR through Maven). Mails live in memory.
MAIL_SMTP_PORT="${DEMO_SMTP_PORT:-3025}"
MAIL_WEB_PORT="${DEMO_MAIL_PORT:-8025}"
if [ "$RUN_DEMO_SETUP" = 1 ]; then
  GREENMAIL="$HOME/.m2/repository/com/icegreen/greenmail-standalone/2.1.3/greenmail-standalone-2.1.3.jar"
  [ -f "$GREENMAIL" ] || mvn -B -q dependency:get -Dtransitive=false -Dartifact=com.icegreen:greenmail-standalone:2.1.3 \
    || warn "could not fetch greenmail-standalone: the demo has no mail catcher (enrollment e-mails are not sent)"
  if port_busy "$MAIL_SMTP_PORT" || port_busy "$MAIL_WEB_PORT"; then
    warn "port $MAIL_SMTP_PORT or $MAIL_WEB_PORT is in use: the demo mail catcher is not started (set DEMO_SMTP_PORT, DEMO_MAIL_PORT)"
  elif [ -f "$GREENMAIL" ]; then
    java -cp "$GREENMAIL" "$ROOT/scripts/DemoMail.java" "$MAIL_SMTP_PORT" "$MAIL_WEB_PORT" &
    MAIL_PID=$!
  fi
fi

# The demo Microsoft Entra ID tenant for the demo realm's Entra directory: the tests' local stand-in for Entra's token
# endpoint and Microsoft Graph, filled with a small company (io.dirsync.entra.DemoGraph in src/test, which the build
# compiles into target/test-classes; Jackson through Maven, the versions the tests resolve). It writes the tenant's ids
# to .run/demo-graph.json for scripts/demo-setup.mjs. Its data lives in memory, with the same object ids on every start.
GRAPH_PORT="${DEMO_GRAPH_PORT:-18080}"
GRAPH_FILE="$RUN_DIR/demo-graph.json"
if [ "$RUN_DEMO_SETUP" = 1 ]; then
  rm -f "$GRAPH_FILE"
  GRAPH_CP="$ROOT/target/test-classes"
  graph_jars=1
  for a in com.fasterxml.jackson.core:jackson-databind:2.21.5 com.fasterxml.jackson.core:jackson-core:2.21.2 \
           com.fasterxml.jackson.core:jackson-annotations:2.21; do
    IFS=: read -r g n v <<<"$a"
    jar="$HOME/.m2/repository/${g//.//}/$n/$v/$n-$v.jar"
    [ -f "$jar" ] || mvn -B -q dependency:get -Dtransitive=false -Dartifact="$a" \
      || { warn "could not fetch $n: the demo Entra ID directory will not sync"; graph_jars=0; }
    GRAPH_CP="$GRAPH_CP:$jar"
  done
  if [ ! -f "$ROOT/target/test-classes/io/dirsync/entra/DemoGraph.class" ]; then
    warn "no target/test-classes/io/dirsync/entra/DemoGraph.class (the build compiles it): the demo Graph is not started"
  elif port_busy "$GRAPH_PORT"; then
    warn "port $GRAPH_PORT is in use: the demo Microsoft Graph stand-in is not started (set DEMO_GRAPH_PORT)"
  elif [ "$graph_jars" = 1 ]; then
    java -cp "$GRAPH_CP" io.dirsync.entra.DemoGraph "$GRAPH_PORT" "$GRAPH_FILE" &
    GRAPH_PID=$!
  fi
fi

say "Starting Keycloak ${KC_VERSION} on http://localhost:${HTTP_PORT} (management port ${MGMT_PORT}); Ctrl-C stops it"
"$KC_HOME/bin/kc.sh" start-dev \
  --import-realm \
  --http-port="$HTTP_PORT" \
  --http-management-port="$MGMT_PORT" \
  "$@" &
KC_PID=$!

if [ "$RUN_DEMO_SETUP" = 1 ]; then
  KC_HTTP_PORT="$HTTP_PORT" DEMO_LDAP_PORT="$LDAP_PORT" DEMO_SMTP_PORT="$MAIL_SMTP_PORT" DEMO_MAIL_PORT="$MAIL_WEB_PORT" \
    DEMO_GRAPH_FILE="${GRAPH_PID:+$GRAPH_FILE}" node "$ROOT/scripts/demo-setup.mjs" &
  NODE_PID=$!
fi

# Wait for Keycloak; a trapped signal interrupts `wait`, so wait again until it has really exited.
status=0
while :; do
  wait "$KC_PID" && status=0 || status=$?
  kill -0 "$KC_PID" 2>/dev/null || break
done
KC_PID=""
if [ "$stopping" = 1 ]; then
  say "Keycloak stopped. Data is kept in .run/keycloak-${KC_VERSION}/data/ - run ./run.sh again to continue."
  exit 0
fi
[ "$status" = 0 ] || die "Keycloak exited with status $status (see its log above)"
exit 0
