#!/usr/bin/env bash
# `make run`: the whole product on this machine, without Docker. Builds, brings the local stack up, starts the
# exchange simulator (unless EXCHANGE=binance) and the four services, prints where everything listens, streams
# their logs, and stops them all on Ctrl-C.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXCHANGE="${EXCHANGE:-sim}"
SIM_SYMBOLS="${SIM_SYMBOLS:-40}"
PROFILE="${PROFILE:-release}"
SERVICES=(data-collector metrics-calculator alert-engine api-gateway)

case "$EXCHANGE" in
  sim|binance) ;;
  *) echo "EXCHANGE must be sim (default) or binance, not '$EXCHANGE'" >&2; exit 2 ;;
esac

echo "==> building ($PROFILE profile; the first build takes a few minutes)"
cargo build --locked --profile "$PROFILE" --bins
BIN="$ROOT/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")"

echo "==> local stack"
scripts/local-stack.sh up

pids=()
stop_all() {
  trap - INT TERM
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "==> stopped"
}
trap 'stop_all; exit 0' INT TERM

# Each process's lines are prefixed with its name; JSON logs stay one object per line. The service itself is the
# background job (its output goes through a process substitution), so `pids` holds the processes to signal.
start() {
  local name=$1; shift
  "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=("$!")
}

export RUST_LOG="${RUST_LOG:-info}" LOG_FORMAT="${LOG_FORMAT:-pretty}"
if [ "$EXCHANGE" = sim ]; then
  start exchange-sim "$BIN/exchange-sim" --port 9443 --symbols "$SIM_SYMBOLS"
  export EXCHANGE=binance EXCHANGE_WS_URL="ws://127.0.0.1:9443" EXCHANGE_REST_URL="http://127.0.0.1:9443"
  source_note="exchange simulator on :9443 ($SIM_SYMBOLS synthetic symbols)"
else
  export EXCHANGE=binance
  unset EXCHANGE_WS_URL EXCHANGE_REST_URL
  source_note="live Binance spot (wss://stream.binance.com:9443)"
fi
for service in "${SERVICES[@]}"; do start "$service" "$BIN/$service"; done

cat <<TABLE

==> crypto-screener is running on $source_note
    service              port   endpoints
    api-gateway          8080   http://127.0.0.1:8080/api/v1/...   (WebSocket ws://127.0.0.1:8080/ws)
    data-collector       9090   http://127.0.0.1:9090/metrics  /health  /health/ready  /health/live
    metrics-calculator   9091   http://127.0.0.1:9091/metrics  /health
    alert-engine         9092   http://127.0.0.1:9092/metrics  /health
    api-gateway metrics  9093   http://127.0.0.1:9093/metrics  /health
    NATS 4222 · PostgreSQL 5432 (database screener) · Redis 6379
    Ctrl-C stops everything.

TABLE
wait -n "${pids[@]}" || true
echo "==> a process exited; stopping the others"
stop_all
exit 1
