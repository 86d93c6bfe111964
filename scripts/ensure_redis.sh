#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379: installs redis-server with apt-get if it is
# missing (as root), then starts one that keeps nothing on disk. Does nothing if one answers.
set -euo pipefail

answers() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

answers && exit 0
if ! command -v redis-server >/dev/null; then
  echo "Installing redis-server with apt-get..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
for _ in $(seq 1 50); do answers && exit 0; sleep 0.1; done
echo "Redis did not start on 127.0.0.1:6379" >&2
exit 1
