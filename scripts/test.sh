#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The dashboard's browser test drives Debian's Chromium through Playwright (ExecutablePath; no browser download).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

log=$(mktemp)
stop_pg() { :; }
stop_redis() { :; }
cleanup() { rm -f "$log"; stop_redis; stop_pg; }
trap 'cleanup' EXIT

# --- PostgreSQL for the records tests (issue 7) -------------------------------------------------------------
# A throwaway cluster in a temp dir on a free 127.0.0.1 port, as a non-root user (postgres refuses root), with a
# password so the tests exercise a postgres://user:pass@host:port/db URL. Exported as VOICEAGENT_TEST_DATABASE_URL;
# the PostgreSQL variants of the records tests fail (not skip) without it, so CI always runs them.
pg_bin=""
find_pg() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && pg_bin="$d"; done
  if [ -z "$pg_bin" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
  fi
}
find_pg
if [ -z "$pg_bin" ]; then
  echo "installing: postgresql"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  find_pg
fi
[ -n "$pg_bin" ] || { echo "PostgreSQL (initdb, pg_ctl) not found after installing postgresql" >&2; exit 1; }
pg_dir=$(mktemp -d /tmp/voiceagent-pg.XXXXXX)
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres "$pg_dir"
  as_pg() { runuser -u postgres -- "$@"; }
fi
pg_port=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then pg_port=$candidate; break; fi
done
[ -n "$pg_port" ] || { echo "no free local port for PostgreSQL" >&2; exit 1; }
pg_password="voiceagent-test-$RANDOM$RANDOM"
as_pg sh -c "printf '%s\n' '$pg_password' > '$pg_dir/pw'"
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U voiceagent --pwfile="$pg_dir/pw" --auth=scram-sha-256 -E UTF8 >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
  || { cat "$pg_dir/server.log" >&2; exit 1; }
stop_pg() { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap 'cleanup' EXIT
export VOICEAGENT_TEST_DATABASE_URL="postgres://voiceagent:$pg_password@127.0.0.1:$pg_port/postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$pg_port"
# --- end PostgreSQL ---------------------------------------------------------------------------------------------

# --- Redis (session store tests) -------------------------------------------------------------------------------
# A throw-away redis-server on a free loopback port, no persistence, stopped at exit. The tests read its URL from
# VOICEAGENT_TEST_REDIS_URL (tests that stop and restart Redis start their own).
redis_dir=$(mktemp -d)
stop_redis() {
  if [ -f "$redis_dir/redis.pid" ]; then kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$redis_dir"
}
trap 'cleanup' EXIT
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$redis_dir/redis.pid" --dir "$redis_dir" --logfile "$redis_dir/redis.log" >/dev/null
for _ in $(seq 1 100); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null 2>&1 || { echo "redis-server did not start on port $redis_port"; cat "$redis_dir/redis.log"; exit 1; }
export VOICEAGENT_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
echo "redis-server on $VOICEAGENT_TEST_REDIS_URL"
# --- end Redis ------------------------------------------------------------------------------------------------------
# --- S3-compatible server (recording store tests) -------------------------------------------------------------------
# s3rver (npm, pinned) installed once into ~/.cache/voiceagent-s3rver, only when missing, and started on a free
# loopback port with its data in a temp dir, stopped at exit. The tests read VOICEAGENT_TEST_S3_URL
# (http://ACCESS:SECRET@127.0.0.1:PORT; s3rver's fixed credentials) and fail, not skip, without it.
s3rver_version="3.7.1"
s3rver_home="${XDG_CACHE_HOME:-$HOME/.cache}/voiceagent-s3rver"
s3rver_js="$s3rver_home/node_modules/s3rver/bin/s3rver.js"
if [ ! -f "$s3rver_js" ] || ! grep -q "\"version\": \"$s3rver_version\"" "$s3rver_home/node_modules/s3rver/package.json" 2>/dev/null; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed to install s3rver $s3rver_version (apt-get install nodejs npm)" >&2; exit 1; }
  echo "installing: s3rver $s3rver_version into $s3rver_home"
  mkdir -p "$s3rver_home"
  (cd "$s3rver_home" && npm install --no-audit --no-fund --silent "s3rver@$s3rver_version" >/dev/null)
fi
s3_dir=$(mktemp -d)
stop_s3() {
  if [ -f "$s3_dir/pid" ]; then kill "$(cat "$s3_dir/pid")" 2>/dev/null || true; fi
  rm -rf "$s3_dir"
}
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
node "$s3rver_js" -d "$s3_dir/data" -a 127.0.0.1 -p "$s3_port" --silent >"$s3_dir/s3rver.log" 2>&1 &
echo $! >"$s3_dir/pid"
cleanup() { rm -f "$log"; stop_s3; stop_redis; stop_pg; }
trap 'cleanup' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null || { echo "s3rver did not start on port $s3_port"; cat "$s3_dir/s3rver.log"; exit 1; }
export VOICEAGENT_TEST_S3_URL="http://S3RVER:S3RVER@127.0.0.1:$s3_port"
echo "s3rver $s3rver_version on 127.0.0.1:$s3_port"
# --- end S3 ----------------------------------------------------------------------------------------------------------
set +e
dotnet test VoiceAgent.slnx -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
count() { grep -oE "^ *$1: +[0-9]+" "$log" | grep -oE '[0-9]+$' | awk '{s+=$1} END {print s+0}' || true; }
total=$(count "Total tests")
failed=$(count "Failed")
passed=$(count "Passed")
[ "$passed" -eq 0 ] && passed=$((total - failed))
echo "$passed passed, $failed failed"
exit "$status"
