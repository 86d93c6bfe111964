"""Redis clients for every Backup process: one Redis, or the master that Redis Sentinel names.

With sentinels given (REDIS_SENTINELS, or `sentinels` in endpoints.yml) a client asks them for
the master named REDIS_MASTER_NAME each time it opens a connection. After a failover its broken
connections are dropped when next taken from the pool (redis-py checks each one first) and the new
ones go to the master Sentinel promoted; while the old master is down and not yet replaced, a
command fails within TIMEOUT_SECONDS, or at once once Sentinel judges it down, and its caller
answers without it (the gateway) or fails the message (Rasa; the gateway then sends the kind
message with the crisis number).

Both runtimes use this module with their own redis-py (4.6 under Rasa, 8 in the gateway), whose
defaults differ: redis-py 8's clients retry ten times with a backoff of up to a second, which
would stall a message for seconds on a dead sentinel, so every client here is told: no retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel

from bot.settings import Settings

# A dead or unreachable server is given up on after this long, on connecting and on each reply.
TIMEOUT_SECONDS = 1.0
# How long a conversation's save waits for its replicas' confirmation (Redis WAIT) at most.
REPLICA_ACK_TIMEOUT_MS = 500


class NotReplicated(redis.RedisError):
    """Fewer replicas than required confirmed a write in time: it may be lost in a failover."""


def parse_sentinels(text: str) -> tuple[tuple[str, int], ...]:
    """"host:port,host:port" (spaces allowed) as (host, port) pairs; empty for none."""
    addresses = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        host, colon, port = item.rpartition(":")
        if not colon or not host or not port.isdigit():
            raise ValueError(f"REDIS_SENTINELS: {item!r} is not host:port")
        addresses.append((host.strip("[]"), int(port)))
    return tuple(addresses)


@dataclass(frozen=True)
class RedisAddress:
    """Where Backup's Redis is, and what every connection to it sends."""

    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 0
    password: str | None = None
    sentinels: tuple[tuple[str, int], ...] = ()
    master_name: str = ""

    @classmethod
    def from_endpoint(cls, host: str = "127.0.0.1", port: int | str = 6379, db: int | str = 0,
                      password: str | None = None, sentinels: str = "", sentinel_master: str = "") -> RedisAddress:
        """From a Redis store's keys in endpoints.yml (Rasa gives them as strings)."""
        address = cls(str(host), int(port), int(db), password or None, parse_sentinels(sentinels or ""),
                      sentinel_master or "")
        if address.sentinels and not address.master_name:
            raise ValueError("Redis Sentinel needs the master's name (REDIS_MASTER_NAME)")
        return address

    @classmethod
    def of_client(cls, client: redis.Redis, sentinels: str = "", sentinel_master: str = "") -> RedisAddress:
        """What a plain client was made for (Rasa's own stores make one from the endpoint's keys,
        with Rasa's defaults), through these sentinels if any."""
        made = client.connection_pool.connection_kwargs
        return cls.from_endpoint(made["host"], made["port"], made["db"], made.get("password"), sentinels,
                                 sentinel_master)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisAddress:
        """The same address Rasa's stores get: the variables endpoints.yml expands."""
        env = settings.endpoint_environment()
        return cls.from_endpoint(env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"],
                                 env["REDIS_SENTINELS"], env["REDIS_MASTER_NAME"])

    def options(self) -> dict[str, Any]:
        return {"db": self.db, "password": self.password, "socket_timeout": TIMEOUT_SECONDS,
                "socket_connect_timeout": TIMEOUT_SECONDS, "retry": None}

    def sentinel_options(self) -> dict[str, Any]:
        """For the sentinels themselves: the same time-outs, no retries, no database or password."""
        return {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS, "retry": None}

    def client(self, **options: Any) -> redis.Redis:
        """A client for Rasa's environment (redis-py's blocking API, as Rasa's stores use it)."""
        if not self.sentinels:
            return redis.Redis(host=self.host, port=self.port, **self.options(), **options)
        sentinel = redis.sentinel.Sentinel(list(self.sentinels), sentinel_kwargs=self.sentinel_options())
        return sentinel.master_for(self.master_name, **self.options(), **options)

    def async_client(self, **options: Any) -> redis.asyncio.Redis:
        """A client for the gateway (asyncio)."""
        if not self.sentinels:
            return redis.asyncio.Redis(host=self.host, port=self.port, **self.options(), **options)
        sentinel = redis.asyncio.sentinel.Sentinel(list(self.sentinels), sentinel_kwargs=self.sentinel_options())
        return sentinel.master_for(self.master_name, **self.options(), **options)

    def __str__(self) -> str:
        if self.sentinels:
            where = ",".join(f"{host}:{port}" for host, port in self.sentinels)
            return f"Redis master {self.master_name!r} through Sentinel at {where}, db {self.db}"
        return f"Redis at {self.host}:{self.port}, db {self.db}"


def available(address: RedisAddress) -> bool:
    """Whether the Redis (the master, with Sentinel) answers a PING now."""
    client = address.client()
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def wait_for_replicas(client: redis.Redis, replicas: int) -> None:
    """After a write on this client: returns once `replicas` replicas have it (Redis WAIT), else
    raises NotReplicated, so that nobody is told it was kept. Nothing to wait for when 0."""
    if replicas <= 0:
        return
    confirmed = int(client.wait(replicas, REPLICA_ACK_TIMEOUT_MS))
    if confirmed < replicas:
        raise NotReplicated(f"{confirmed} of {replicas} replicas confirmed the write")
