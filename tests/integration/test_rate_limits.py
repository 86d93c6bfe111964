"""The rate limiter against the real Redis, and failing open without it."""

import uuid

import pytest
from redis.asyncio import Redis

from gateway.limits import PREFIX, RateLimiter

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(settings, redis_client):
    client = Redis.from_url(settings.redis_url, decode_responses=True)
    yield client
    await client.close()


async def test_per_client_limit_and_no_raw_address_kept(redis, redis_client):
    address = f"10.{uuid.uuid4().int % 250}.0.7"
    limiter = RateLimiter(redis, per_session=100, per_client=3)
    results = [await limiter.allow(None, address) for _ in range(4)]
    assert results == [True, True, True, False]
    keys = redis_client.keys(f"{PREFIX}:*")
    assert keys and not any(address in key for key in keys)
    # Every counter expires (-1 would mean never); one may expire between KEYS and TTL (-2: gone).
    ttls = [redis_client.ttl(key) for key in keys]
    assert all(0 < ttl <= 2 * 86400 or ttl == -2 for ttl in ttls), ttls


async def test_per_session_limit(redis):
    limiter = RateLimiter(redis, per_session=2, per_client=100)
    session = uuid.uuid4().hex
    assert [await limiter.allow(session, uuid.uuid4().hex) for _ in range(3)] == [True, True, False]


async def test_fails_open_when_redis_is_down():
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RateLimiter(dead, per_session=1, per_client=1)
    assert all([await limiter.allow("s", "c") for _ in range(3)])
    await dead.close()
