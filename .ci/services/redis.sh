# Sourced by .ci/run: Redis for the shared-limit, cache-invalidation and lease tests, and nginx for the replica test.
# Idempotent: a Redis already answering on the port is kept. Loopback only, non-default port, its own directory, no persistence.
WARDEN_REDIS_PORT=56379
WARDEN_REDIS_DIR=/tmp/warden-ci-redis
if ! command -v redis-server >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx >/dev/null
fi
mkdir -p "$WARDEN_REDIS_DIR"
if ! redis-cli -h 127.0.0.1 -p "$WARDEN_REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  redis-server --daemonize yes --bind 127.0.0.1 --port "$WARDEN_REDIS_PORT" --dir "$WARDEN_REDIS_DIR" \
    --pidfile "$WARDEN_REDIS_DIR/redis.pid" --logfile "$WARDEN_REDIS_DIR/redis.log" --save '' --appendonly no
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$WARDEN_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p "$WARDEN_REDIS_PORT" ping | grep -q PONG
export WARDEN_TEST_REDIS="127.0.0.1:$WARDEN_REDIS_PORT"
