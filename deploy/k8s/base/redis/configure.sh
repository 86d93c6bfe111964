#!/bin/sh
# Writes this pod's redis.conf and sentinel.conf into /conf (an emptyDir: Sentinel rewrites its
# own file). The master is whoever the Sentinels already name; on a fresh StatefulSet, redis-0.
# Every address is a stable host name (POD.redis.NAMESPACE.svc), so a pod that comes back with a
# new IP address is still the same Redis to the Sentinels and to Backup's processes.
set -eu
: "${REDIS_PASSWORD:?the Secret backup-secrets has no REDIS_PASSWORD}"
service=redis
me="${POD_NAME}.${service}.${POD_NAMESPACE}.svc"
first="${service}-0.${service}.${POD_NAMESPACE}.svc"

master=""
for ordinal in 0 1 2; do
  peer="${service}-${ordinal}.${service}.${POD_NAMESPACE}.svc"
  [ "$peer" = "$me" ] && continue
  answer=$(timeout 3 redis-cli -h "$peer" -p 26379 sentinel get-master-addr-by-name "$REDIS_MASTER_NAME" 2>/dev/null | head -n 1 || true)
  if [ -n "$answer" ]; then
    master="$answer"
    break
  fi
done
[ -n "$master" ] || master="$first"

cat > /conf/redis.conf <<CONF
port 6379
dir /data
appendonly yes
protected-mode no
requirepass ${REDIS_PASSWORD}
masterauth ${REDIS_PASSWORD}
replica-announce-ip ${me}
CONF
if [ "$master" != "$me" ]; then
  echo "replicaof ${master} 6379" >> /conf/redis.conf
fi

cat > /conf/sentinel.conf <<CONF
port 26379
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip ${me}
sentinel monitor ${REDIS_MASTER_NAME} ${master} 6379 2
sentinel auth-pass ${REDIS_MASTER_NAME} ${REDIS_PASSWORD}
sentinel down-after-milliseconds ${REDIS_MASTER_NAME} 5000
sentinel failover-timeout ${REDIS_MASTER_NAME} 60000
sentinel parallel-syncs ${REDIS_MASTER_NAME} 1
CONF
echo "configured ${me}: master ${master}"
