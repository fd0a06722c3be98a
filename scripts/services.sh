#!/usr/bin/env bash
# services.sh install|start|stop|status|env|down|up — throwaway test services on loopback, from the recipe in
# ../shared/docs/services.md: PostgreSQL 15 + pgTAP (+ pg_prove), Redis 7, VictoriaMetrics.
#
#   bash scripts/services.sh install   # Debian, as root: apt-get only what is missing
#   bash scripts/services.sh start     # fresh data under $SVC_DIR (wiped), ready in about 1 s
#   eval "$(bash scripts/services.sh env)"   # DATABASE_URL, REDIS_URL, VM_URL for tests and benchmarks
#   bash scripts/services.sh stop
#   bash scripts/services.sh down pg|redis|vm   # stop one service, keeping its data (fault benchmarks)
#   bash scripts/services.sh up pg|redis|vm     # start it again on the data it had
#
# Ports come from PG_PORT, REDIS_PORT and VM_PORT; every state file lives under SVC_DIR. The clusters are
# for tests only: fsync is off and authentication is `trust` on 127.0.0.1.
set -euo pipefail
SVC_DIR=${SVC_DIR:-/tmp/keel-services}
PG_PORT=${PG_PORT:-54329}
REDIS_PORT=${REDIS_PORT:-63790}
VM_PORT=${VM_PORT:-18428}
PG_DATABASE=${PG_DATABASE:-keel}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DEBIAN_PACKAGES=(postgresql postgresql-15-pgtap redis-server victoria-metrics curl)

ms() { date +%s%3N; }
wait_for() { # wait_for <seconds> <command...>
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || {
      echo "timeout waiting for: $*" >&2
      return 1
    }
    sleep 0.1
  done
}
# A zombie still answers `kill -0`: read its state instead (services.md, "General gotchas").
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
stop_pidfile() { # stop_pidfile <file>: TERM, wait up to 10 s, then KILL
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(head -1 "$f")
  rm -f "$f"
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
is_root() { [ "$(id -u)" = 0 ]; }
# initdb and postgres refuse to run as root: as root they run as the postgres user.
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

missing() {
  [ -x "$PGBIN/initdb" ] || echo postgresql
  command -v pg_prove >/dev/null && [ -n "$(find /usr/share/postgresql/15/extension -name 'pgtap--*.sql' -print -quit 2>/dev/null)" ] ||
    echo postgresql-15-pgtap
  command -v redis-server >/dev/null || echo redis-server
  command -v victoria-metrics >/dev/null || echo victoria-metrics
  command -v curl >/dev/null || echo curl
}

install() {
  local todo
  todo=$(missing)
  if [ -z "$todo" ]; then
    echo "services: everything is installed (${DEBIAN_PACKAGES[*]})"
    return 0
  fi
  if ! is_root || ! command -v apt-get >/dev/null; then
    echo "services: missing $(echo "$todo" | tr '\n' ' ')— install them: sudo apt-get install -y ${DEBIAN_PACKAGES[*]}" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local t
  t=$(ms)
  apt-get update -qq
  # pg_prove comes through postgresql-15-pgtap's Recommends: no --no-install-recommends on this line.
  apt-get install -y -qq "${DEBIAN_PACKAGES[@]}" >/dev/null
  echo "services: installed ${DEBIAN_PACKAGES[*]} in $(($(ms) - t)) ms"
}

launch_pg() {
  local d=$SVC_DIR/pg
  as_pg "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $d -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
}

start_pg() {
  local d=$SVC_DIR/pg t
  t=$(ms)
  rm -rf "$d"
  mkdir -p "$d"
  is_root && chown postgres:postgres "$d"
  as_pg "$PGBIN/initdb" -D "$d/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$d/initdb.log"
  launch_pg
  "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "create database $PG_DATABASE"
  "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DATABASE" -v ON_ERROR_STOP=1 \
    -c "create extension if not exists pgtap"
  echo "postgres ready on 127.0.0.1:$PG_PORT in $(($(ms) - t)) ms"
}

start_redis() {
  local d=$SVC_DIR/redis t
  t=$(ms)
  rm -rf "$d"
  mkdir -p "$d"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$d" --daemonize yes --pidfile "$d/redis.pid" --logfile "$d/redis.log"
  wait_for 20 redis-cli -p "$REDIS_PORT" ping
  echo "redis ready on 127.0.0.1:$REDIS_PORT in $(($(ms) - t)) ms"
}

start_vm() {
  local d=$SVC_DIR/vm t
  t=$(ms)
  rm -rf "$d"
  mkdir -p "$d"
  launch_vm
  echo "victoria-metrics ready on 127.0.0.1:$VM_PORT in $(($(ms) - t)) ms"
}

launch_vm() {
  local d=$SVC_DIR/vm
  # -retentionPeriod=100y keeps fixtures with old dates; the two -search flags make fresh writes readable.
  victoria-metrics -storageDataPath="$d/data" -httpListenAddr="127.0.0.1:$VM_PORT" \
    -retentionPeriod=100y -search.latencyOffset=0s -search.disableCache >"$d/vm.log" 2>&1 &
  echo $! >"$d/vm.pid"
  wait_for 30 curl -sf "http://127.0.0.1:$VM_PORT/health"
}

stop_pg() {
  if [ -f "$SVC_DIR/pg/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$SVC_DIR/pg/data" -m fast -w stop >/dev/null || true
  fi
}

stop() {
  stop_pg
  stop_pidfile "$SVC_DIR/redis/redis.pid"
  stop_pidfile "$SVC_DIR/vm/vm.pid"
}

# One service down and up again, the others untouched: PostgreSQL and VictoriaMetrics keep their data; Redis has
# none to keep (no persistence), as after a real Redis restart.
down() {
  case "${1:-}" in
  pg) stop_pg ;;
  redis) stop_pidfile "$SVC_DIR/redis/redis.pid" ;;
  vm) stop_pidfile "$SVC_DIR/vm/vm.pid" ;;
  *) echo "usage: $0 down pg|redis|vm" >&2 && return 2 ;;
  esac
}

up() {
  case "${1:-}" in
  pg) launch_pg ;;
  redis) start_redis ;;
  vm) launch_vm ;;
  *) echo "usage: $0 up pg|redis|vm" >&2 && return 2 ;;
  esac
}

# A stale run (a killed test runner) would hold the ports: stop it before starting afresh.
start() {
  stop
  mkdir -p "$SVC_DIR"
  start_pg
  start_redis
  start_vm
}

status() {
  local code=0
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && echo "postgres: up" || { echo "postgres: down"; code=1; }
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || { echo "redis: down"; code=1; }
  curl -sf "http://127.0.0.1:$VM_PORT/health" >/dev/null 2>&1 && echo "victoria-metrics: up" || {
    echo "victoria-metrics: down"
    code=1
  }
  return $code
}

env_() {
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export VM_URL=http://127.0.0.1:$VM_PORT"
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
status) status ;;
env) env_ ;;
down) down "${2:-}" ;;
up) up "${2:-}" ;;
*)
  echo "usage: $0 install|start|stop|status|env|down|up" >&2
  exit 2
  ;;
esac
