#!/usr/bin/env bash
# Offline validation of the deployment files (no Docker engine or cluster needed): the compose file against the
# compose specification (check-jsonschema, PyPI) and as docker-compose parses it (Debian package docker-compose).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.state/venv"

if [ ! -x "$VENV/bin/check-jsonschema" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check check-jsonschema
fi
if ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  else
    echo "docker-compose (Debian package) is needed to validate docker-compose.yml" >&2; exit 1
  fi
fi

"$VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: docker-compose config ok"
