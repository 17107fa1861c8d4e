#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine: `docker compose config` when the Compose v2
# CLI plugin is there, else Debian's docker-compose (bookworm ships 1.29.2, the Python v1 tool; it
# reads the Compose Specification format and provides only `docker-compose`, not the
# `docker compose` plugin). Installs docker-compose with apt-get when neither is available.
# Exits non-zero when the file is invalid.
#
#   bash .ci/check-compose.sh [compose-file]      (default docker/compose.yaml)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FILE="${1:-docker/compose.yaml}"
[ -f "$FILE" ] || { echo "check-compose: $FILE not found" >&2; exit 1; }

have_plugin() { command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; }

if ! have_plugin && ! command -v docker-compose >/dev/null 2>&1; then
  echo "check-compose: installing docker-compose (Debian package) ..."
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; echo "check-compose: could not install docker-compose" >&2; exit 1; }
  rm -f "$log"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if have_plugin; then
  tool="docker compose ($(docker compose version --short 2>/dev/null || echo v2))"
  cmd=(docker compose -f "$FILE" config)
else
  tool="docker-compose $(docker-compose version --short 2>/dev/null || echo '(v1)')"
  cmd=(docker-compose -f "$FILE" config)
fi
echo "check-compose: validating $FILE with $tool"
if "${cmd[@]}" >"$out" 2>&1; then
  services=$("${cmd[@]}" --services 2>/dev/null | sort | tr '\n' ' ')
  echo "check-compose: OK - services: ${services}"
else
  rc=$?
  cat "$out" >&2
  echo "check-compose: FAILED: $FILE is not a valid compose file (exit $rc)" >&2
  exit 1
fi
