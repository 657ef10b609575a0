#!/usr/bin/env bash
# Fuzzes the api-gateway against its own OpenAPI document with schemathesis (PyPI): starts the gateway on free
# ports against the local stack (fresh database, private NATS namespace, an API key), runs a bounded number of
# examples per endpoint, and fails on any 5xx or any response that does not match the document.
# Usage: scripts/schemathesis.sh   (env: SCHEMATHESIS_MAX_EXAMPLES, default 50)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.state/schemathesis-venv"
VERSION="4.32.5"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-50}"
PG_ADMIN="${TEST_POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "installing schemathesis $VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$VERSION"
fi

cargo build --quiet --locked -p api-gateway
BIN="$TARGET/debug/api-gateway"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT="$(free_port)"
METRICS_PORT="$(free_port)"
SUFFIX="$(python3 -c 'import uuid; print(uuid.uuid4().hex[:12])')"
DB="schemathesis_$SUFFIX"
DB_URL="${PG_ADMIN%/*}/$DB"
LOG="$ROOT/.state/schemathesis-gateway.log"
PID=""

cleanup() {
  if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -f "${CONFIG:-}"
}
trap cleanup EXIT

psql -q "$PG_ADMIN" -c "CREATE DATABASE \"$DB\"" >/dev/null
export DATABASE_URL="$DB_URL" API_PORT METRICS_PORT NATS_NAMESPACE="st_$SUFFIX" LOG_FORMAT=json \
  RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=100000 RUST_LOG=warn WEBHOOK_TIMEOUT_MS=1000
KEY="$("$BIN" create-api-key schemathesis)"
"$BIN" >"$LOG" 2>&1 &
PID=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$METRICS_PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "the gateway exited; see $LOG" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$METRICS_PORT/health/ready" >/dev/null

# Some stored history so the candle and indicator endpoints also answer 200.
psql -q "$DB_URL" >/dev/null <<'SQL'
INSERT INTO candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume,
                     quote_volume, trades, taker_buy_base, taker_buy_quote, rsi_14)
SELECT 'binance', 'BTCUSDT', '1m', t, t + interval '59.999 seconds', 1, 2, 0.5, 1.5, 10, 15, 3, 5, 7, 50
FROM generate_series(now() - interval '1 hour', now(), interval '1 minute') AS t;
SQL

# A rule of the key, so the /alerts/{id} operations reach their logic instead of answering 404 throughout.
# Its webhook is a loopback address, which the SSRF guard refuses at once (no traffic leaves the machine).
RULE_ID="$(curl -fsS -X POST "http://127.0.0.1:$API_PORT/api/v1/alerts" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' \
  -d '{"name":"fuzz","symbols":["BTCUSDT"],"interval":"1m","condition":{"left":"rsi_14","op":"lt","right":30},"webhook_url":"http://127.0.0.1:9/hook"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
CONFIG="$ROOT/.state/schemathesis-$SUFFIX.toml"
printf '[parameters]\n"path.id" = "%s"\n' "$RULE_ID" >"$CONFIG"

"$VENV/bin/schemathesis" --config-file "$CONFIG" run "http://127.0.0.1:$API_PORT/api/openapi.json" \
  --header "Authorization: Bearer $KEY" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --seed 20261201 \
  --workers 2 \
  --request-timeout 10 \
  --exclude-path /ws \
  --report junit --report-dir "$ROOT/.state/schemathesis-report"
