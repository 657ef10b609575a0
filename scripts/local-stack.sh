#!/usr/bin/env bash
# Makes sure NATS (with JetStream), PostgreSQL and Redis run on localhost on their standard ports.
# Reuses servers already listening there; otherwise (Debian/Ubuntu, as root) installs the packages with apt and
# starts private instances whose data lives under .state/ in the repository (git-ignored).
#   scripts/local-stack.sh up|down|status
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${ROOT}/.state"
NATS_PORT="${LOCAL_STACK_NATS_PORT:-4222}" PG_PORT="${LOCAL_STACK_PG_PORT:-5432}" REDIS_PORT="${LOCAL_STACK_REDIS_PORT:-6379}"
STATE="${LOCAL_STACK_STATE:-$STATE}"
DATABASES=(screener)

log() { printf '[local-stack] %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 100); do listening "$1" && return 0; sleep 0.1; done
  log "nothing listens on port $1 after 10 s"; return 1
}

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
    log "missing $*: install it (apt package: $*) or start the server yourself"; exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

nats_up() {
  if listening "$NATS_PORT"; then log "NATS: reusing the server on :$NATS_PORT"; return; fi
  command -v nats-server >/dev/null || apt_install nats-server
  mkdir -p "$STATE/nats"
  nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$STATE/nats" -l "$STATE/nats/nats.log" -P "$STATE/nats/pid" &
  disown || true
  wait_port "$NATS_PORT" && log "NATS: started a private server on :$NATS_PORT (data in .state/nats)"
}

redis_up() {
  if listening "$REDIS_PORT"; then log "Redis: reusing the server on :$REDIS_PORT"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$STATE/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$STATE/redis" --pidfile "$STATE/redis/pid" --logfile "$STATE/redis/redis.log"
  wait_port "$REDIS_PORT" && log "Redis: started a private server on :$REDIS_PORT"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

postgres_up() {
  if listening "$PG_PORT"; then log "PostgreSQL: reusing the server on :$PG_PORT"; return; fi
  # A Debian cluster that is merely stopped: start it.
  if command -v pg_lsclusters >/dev/null; then
    local version cluster port status
    while read -r version cluster port status _; do
      [ "$port" = "$PG_PORT" ] && [ "$status" = down ] || continue
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
      if wait_port "$PG_PORT"; then log "PostgreSQL: started cluster $version/$cluster"; return; fi
    done < <(pg_lsclusters -h 2>/dev/null)
  fi
  [ -n "$(pg_bin)" ] || apt_install postgresql
  local bin; bin="$(pg_bin)"
  mkdir -p "$STATE/postgres"
  local run_as=()
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$STATE/postgres"; run_as=(runuser -u postgres --); fi
  if [ ! -f "$STATE/postgres/data/PG_VERSION" ]; then
    "${run_as[@]}" "$bin/initdb" -D "$STATE/postgres/data" -U postgres --auth=trust >/dev/null
  fi
  "${run_as[@]}" "$bin/pg_ctl" -D "$STATE/postgres/data" -l "$STATE/postgres/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp" start >/dev/null
  wait_port "$PG_PORT" && log "PostgreSQL: started a private server on :$PG_PORT (data in .state/postgres)"
}

psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

databases_up() {
  command -v psql >/dev/null || apt_install postgresql-client
  for db in "${DATABASES[@]}"; do
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
      psql_admin -c "CREATE DATABASE \"$db\"" && log "PostgreSQL: created database $db"
    fi
  done
}

stop_pidfile() {
  local name=$1 file=$2
  if [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null; then log "$name: stopped the private server"; fi
  rm -f "$file"
}

case "${1:-}" in
  up) nats_up; postgres_up; redis_up; databases_up ;;
  down)
    stop_pidfile NATS "$STATE/nats/pid"
    stop_pidfile Redis "$STATE/redis/pid"
    if [ -f "$STATE/postgres/data/postmaster.pid" ]; then
      run_as=(); [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
      "${run_as[@]}" "$(pg_bin)/pg_ctl" -D "$STATE/postgres/data" stop >/dev/null && log "PostgreSQL: stopped the private server"
    fi
    log "servers this script did not start are left running" ;;
  status)
    for pair in "NATS:$NATS_PORT" "PostgreSQL:$PG_PORT" "Redis:$REDIS_PORT"; do
      if listening "${pair#*:}"; then log "${pair%%:*} up on :${pair#*:}"; else log "${pair%%:*} DOWN (:${pair#*:})"; fi
    done ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
