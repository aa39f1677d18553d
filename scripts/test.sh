#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- Redis (session store tests) -------------------------------------------------------------------------------
# A throw-away redis-server on a free loopback port, no persistence, stopped at exit. The tests read its URL from
# VOICEAGENT_TEST_REDIS_URL (tests that stop and restart Redis start their own).
redis_dir=$(mktemp -d)
stop_redis() {
  if [ -f "$redis_dir/redis.pid" ]; then kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$redis_dir"
}
log=$(mktemp)
trap 'rm -f "$log"; stop_redis' EXIT
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
