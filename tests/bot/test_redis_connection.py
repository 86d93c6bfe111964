"""bot.redis_connection: the clients every process makes, plain or through Sentinel (built here
without connecting; the real failover is tests/integration/test_sentinel_failover.py)."""

from __future__ import annotations

import pytest
import redis
import redis.asyncio.sentinel
import redis.sentinel

from bot.redis_connection import (
    REPLICA_ACK_TIMEOUT_MS,
    TIMEOUT_SECONDS,
    NotReplicated,
    RedisAddress,
    available,
    parse_sentinels,
    wait_for_replicas,
)
from bot.settings import Settings
from bot.stack import free_port

SENTINELS = "10.0.0.1:26379, sentinel-b.internal:26380,[fd00::3]:26381"


def sentinel_settings(**more) -> Settings:
    return Settings.from_environment(redis_url="redis://:pw@ignored:6379/2", redis_sentinels=SENTINELS,
                                     redis_master_name="wellbeing", **more)


def test_parse_sentinels():
    assert parse_sentinels(SENTINELS) == (("10.0.0.1", 26379), ("sentinel-b.internal", 26380), ("fd00::3", 26381))
    assert parse_sentinels("") == parse_sentinels(" , ") == ()


@pytest.mark.parametrize("wrong", ["10.0.0.1", "10.0.0.1:", ":26379", "host:port"])
def test_a_sentinel_without_host_and_port_is_refused_with_the_variable_named(wrong):
    with pytest.raises(ValueError, match="REDIS_SENTINELS"):
        parse_sentinels(wrong)


def test_sentinels_need_the_masters_name():
    with pytest.raises(ValueError, match="REDIS_MASTER_NAME"):
        RedisAddress.from_settings(sentinel_settings().but(redis_master_name=""))


def test_without_sentinels_the_client_goes_to_redis_url():
    address = RedisAddress.from_settings(Settings.from_environment(redis_url="redis://:pw@redis.internal:6380/4"))
    assert str(address) == "Redis at redis.internal:6380, db 4"
    kwargs = address.client().connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("redis.internal", 6380, 4, "pw")
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == TIMEOUT_SECONDS
    assert not isinstance(address.async_client().connection_pool, redis.asyncio.sentinel.SentinelConnectionPool)


@pytest.mark.parametrize("make, pool_class", [
    ("client", redis.sentinel.SentinelConnectionPool),
    ("async_client", redis.asyncio.sentinel.SentinelConnectionPool),
])
def test_with_sentinels_the_client_asks_them_for_the_named_master(make, pool_class):
    address = RedisAddress.from_settings(sentinel_settings())
    assert str(address) == ("Redis master 'wellbeing' through Sentinel at "
                            "10.0.0.1:26379,sentinel-b.internal:26380,fd00::3:26381, db 2")
    pool = getattr(address, make)(decode_responses=True).connection_pool
    assert isinstance(pool, pool_class) and pool.service_name == "wellbeing"
    assert (pool.connection_kwargs["db"], pool.connection_kwargs["password"]) == (2, "pw")
    assert pool.connection_kwargs["decode_responses"] is True
    sentinels = pool.sentinel_manager.sentinels
    assert [(s.connection_pool.connection_kwargs["host"], s.connection_pool.connection_kwargs["port"])
            for s in sentinels] == list(address.sentinels)
    for connection in [pool.make_connection(), *(s.connection_pool.make_connection() for s in sentinels)]:
        # redis-py 8 retries ten times with up to 1 s between by default: a dead sentinel or master
        # would hold a message for seconds. Each is given up on after TIMEOUT_SECONDS, once.
        assert connection.retry.get_retries() == 0
        assert connection.socket_timeout == connection.socket_connect_timeout == TIMEOUT_SECONDS
    assert all(s.connection_pool.connection_kwargs.get("password") is None for s in sentinels)


def test_a_redis_nobody_answers_for_is_not_available():
    assert available(RedisAddress(port=free_port())) is False
    assert available(RedisAddress(sentinels=(("127.0.0.1", free_port()),), master_name="backup")) is False


class Waiting:
    def __init__(self, confirming: int):
        self.confirming, self.asked = confirming, []

    def wait(self, replicas: int, timeout_ms: int) -> int:
        self.asked.append((replicas, timeout_ms))
        return min(replicas, self.confirming)


def test_wait_for_replicas():
    wait_for_replicas(client := Waiting(confirming=0), 0)  # type: ignore[arg-type]
    assert client.asked == []
    wait_for_replicas(client := Waiting(confirming=2), 1)  # type: ignore[arg-type]
    assert client.asked == [(1, REPLICA_ACK_TIMEOUT_MS)]
    with pytest.raises(NotReplicated, match="1 of 2"):
        wait_for_replicas(Waiting(confirming=1), 2)  # type: ignore[arg-type]
