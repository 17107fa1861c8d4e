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
# these opens on JDK 17 to send PATCH through HttpURLConnection.
(cd "$WORK" && timeout 900 java \
  --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/sun.net.www.protocol.http=ALL-UNNAMED \
  -jar "$JAR" scim.service.url="$BASE_URL" auth.type=Basic basic.auth.user=scimono basic.auth.password="$TOKEN" \
  >"$WORK/scimono.out" 2>&1) || true
[ -f "$WORK/TEST-junit-jupiter.xml" ] || { echo "SCIMono wrote no report; last output:"; tail -n 40 "$WORK/scimono.out"; exit 1; }

python3 - "$WORK/TEST-junit-jupiter.xml" .ci/scimono-exclusions.txt <<'PY'
import re, sys, xml.etree.ElementTree as ET
report, exclusions = sys.argv[1], sys.argv[2]
excluded = {}
for line in open(exclusions):
    line = line.strip()
    if line and not line.startswith('#'):
        key, _, reason = line.partition(' ')
        excluded[key] = reason.strip()
ran = passed = skipped = 0
failed, tolerated, stale = [], [], set(excluded)
for tc in ET.parse(report).getroot().iter('testcase'):
    ran += 1
    cls = tc.get('classname').split('.')[-1].split('$')[0]
    name = tc.get('name')
    method = re.split(r'[(\[ ]', name)[0]
    variant = re.search(r'\[(\d+)\]$', name)
    key = f'{cls}#{method}' + (f'[{variant.group(1)}]' if variant else '')
    if key not in excluded and f'{cls}#{method}' in excluded:
        key = f'{cls}#{method}'
    problem = tc.find('failure') if tc.find('failure') is not None else tc.find('error')
    if tc.find('skipped') is not None:
        skipped += 1
    elif problem is None:
        passed += 1
    elif key in excluded:
        tolerated.append(key); stale.discard(key)
    else:
        msg = (problem.get('message') or problem.text or '').replace('\n', ' ')[:300]
        failed.append(f'{key}: {msg}')
print(f'SCIMono: {ran} tests, {passed} passed, {len(tolerated)} failed on the exclusion list, {len(failed)} failed otherwise, {skipped} skipped')
for f in failed:
    print('  UNEXPECTED FAILURE', f)
for s in sorted(stale):
    print('  STALE EXCLUSION (it passed; remove it from the list):', s)
sys.exit(1 if failed or stale else 0)
PY
