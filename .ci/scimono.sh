#!/usr/bin/env bash
# SAP SCIMono compliance suite against the extension's SCIM endpoint on a real Keycloak.
#   bash .ci/scimono.sh          (from the repository root, after `mvn package`)
# Starts Keycloak with ./run.sh on port 8180, prepares realm "scimono" and a SCIM directory
# (.ci/scimono-setup.mjs), runs the whole suite with HTTP Basic (the directory token as the password),
# then compares the failures with .ci/scimono-exclusions.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PORT="${SCIMONO_KC_PORT:-8180}"
MGMT_PORT="${SCIMONO_KC_MANAGEMENT_PORT:-9180}"
WORK="$ROOT/target/scimono"
JAR="$HOME/.m2/repository/com/sap/scimono/scimono-compliance-tests/0.0.24/scimono-compliance-tests-0.0.24-shaded.jar"
rm -rf "$WORK"; mkdir -p "$WORK"

[ -f "$JAR" ] || mvn -B -q dependency:get -Dtransitive=false \
  -Dartifact=com.sap.scimono:scimono-compliance-tests:0.0.24:jar:shaded

KC_PID=""
stop_keycloak() {
  if [ -n "$KC_PID" ] && kill -0 "$KC_PID" 2>/dev/null; then
    kill -TERM "$KC_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$KC_PID" 2>/dev/null || break; sleep 1; done
  fi
}
trap stop_keycloak EXIT

# A fresh database for every run: the suite's fixtures assume an empty server.
rm -rf "$ROOT/.run/keycloak-26.7.3/data/h2"
KC_HTTP_PORT="$PORT" KC_MANAGEMENT_PORT="$MGMT_PORT" SKIP_DEMO_SETUP=1 SKIP_BUILD="${SKIP_BUILD:-1}" \
  ./run.sh >"$WORK/keycloak.log" 2>&1 &
KC_PID=$!
KC_URL="http://127.0.0.1:$PORT" node .ci/scimono-setup.mjs "$WORK/target.json" \
  || { tail -n 60 "$WORK/keycloak.log"; exit 1; }
BASE_URL=$(node -p "require('$WORK/target.json').baseUrl")
TOKEN=$(node -p "require('$WORK/target.json').token")

# SCIMono has no HTTP timeouts (test-infrastructure.md): always under `timeout`. Its Jersey client needs
# these opens on JDK 17 to send PATCH through HttpURLConnection. $1: report directory; $2: optional tests file.
run_scimono() {
  mkdir -p "$1"
  (cd "$1" && timeout 900 java \
    --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/sun.net.www.protocol.http=ALL-UNNAMED \
    -jar "$JAR" scim.service.url="$BASE_URL" auth.type=Basic basic.auth.user=scimono basic.auth.password="$TOKEN" \
    ${2:+tests.file.path="$2"} >"$1/scimono.out" 2>&1) || true
  [ -f "$1/TEST-junit-jupiter.xml" ] || { echo "SCIMono wrote no report; last output:"; tail -n 40 "$1/scimono.out"; exit 1; }
}

# Pass 1: the whole suite on an empty directory.
run_scimono "$WORK/pass1"

# Pass 2: the tests pass 1 skipped (SCIMono runs its WITH_INITIAL_EXISTING_RESOURCES tests only when users and
# groups exist), on the same directory seeded with users and a group.
python3 - "$WORK/pass1/TEST-junit-jupiter.xml" "$WORK/pass2.properties" <<'PY'
import re, sys, xml.etree.ElementTree as ET
skipped = {}
for tc in ET.parse(sys.argv[1]).getroot().iter('testcase'):
    if tc.find('skipped') is not None:
        skipped.setdefault(tc.get('classname'), set()).add(re.split(r'[(\[ ]', tc.get('name'))[0])
with open(sys.argv[2], 'w') as f:
    for cls, methods in sorted(skipped.items()):
        f.write(f"{cls}={','.join(sorted(methods))}\n")
PY
if [ -s "$WORK/pass2.properties" ]; then
  node .ci/scimono-seed.mjs "$WORK/target.json"
  run_scimono "$WORK/pass2" "$WORK/pass2.properties"
fi

python3 .ci/scimono-verdict.py .ci/scimono-exclusions.txt "$WORK/pass1/TEST-junit-jupiter.xml" \
  "$WORK/pass2/TEST-junit-jupiter.xml"
