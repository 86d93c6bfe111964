"""Backup's Redis lock store (backup_rasa.lock_store) against a real Redis: one message of a conversation
at a time, in the order they came, and nothing left behind."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from backup_rasa.lock_store import RedisLockStore

pytestmark = pytest.mark.integration


@pytest.fixture
def store(settings, redis_client) -> RedisLockStore:
    config = EndpointConfig(url="127.0.0.1", type="backup_rasa.lock_store.RedisLockStore", port=redis_client.connection_pool
                            .connection_kwargs["port"], db=redis_client.connection_pool.connection_kwargs["db"],
                            key_prefix="locktest")
    return RedisLockStore(endpoint_config=config)


def conversation() -> str:
    return uuid.uuid4().hex


async def hold(store: RedisLockStore, conversation_id: str, name: str, log: list, seconds: float = 0.05,
               lifetime: float = 60) -> None:
    async with store.lock(conversation_id, lock_lifetime=lifetime):
        log.append(f"{name} in")
        await asyncio.sleep(seconds)
        log.append(f"{name} out")


async def test_messages_of_one_conversation_take_turns_in_the_order_they_came(store, redis_client):
    log: list = []
    talk = conversation()
    tasks = []
    for name in "abcd":
        tasks.append(asyncio.create_task(hold(store, talk, name, log)))
        await asyncio.sleep(0.005)  # each takes its ticket before the next comes
    await asyncio.gather(*tasks)
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out", "d in", "d out"]
    assert redis_client.keys(f"*{talk}*") == []


async def test_other_conversations_do_not_wait(store):
    log: list = []
    await asyncio.gather(hold(store, conversation(), "a", log, 0.2), hold(store, conversation(), "b", log, 0.01))
    assert log.index("b out") < log.index("a out")


async def test_a_message_given_up_while_waiting_neither_blocks_nor_jumps_the_queue(store, redis_client):
    log: list = []
    talk = conversation()
    first = asyncio.create_task(hold(store, talk, "a", log, 0.3))
    await asyncio.sleep(0.02)
    given_up = asyncio.create_task(hold(store, talk, "b", log))
    await asyncio.sleep(0.02)
    third = asyncio.create_task(hold(store, talk, "c", log))
    await asyncio.sleep(0.05)
    given_up.cancel()  # as Sanic does when the client goes
    await asyncio.wait_for(asyncio.gather(first, third), timeout=2)  # c is not left waiting for b
    assert log == ["a in", "a out", "c in", "c out"]
    assert redis_client.keys(f"*{talk}*") == []


async def test_an_error_inside_gives_the_lock_back(store):
    talk = conversation()
    with pytest.raises(RuntimeError):
        async with store.lock(talk):
            raise RuntimeError("boom")
    log: list = []
    await asyncio.wait_for(hold(store, talk, "next", log), timeout=1)
    assert log == ["next in", "next out"]


async def test_a_ticket_never_given_back_is_taken_as_dead_after_the_lifetime(store, redis_client):
    talk = conversation()
    store.take_ticket(talk, 2000)  # a worker that took a ticket and died
    log: list = []
    started = asyncio.get_running_loop().time()
    await hold(store, talk, "next", log, lifetime=0.3)
    assert log == ["next in", "next out"] and 0.3 <= asyncio.get_running_loop().time() - started < 1
    assert redis_client.keys(f"*{talk}*") == []


async def test_a_ticket_whose_replica_lost_redis_is_taken_as_dead_once_the_queue_stood_still_a_lease(
        store, redis_client):
    """Its replica cut off from Redis for good: the messages behind it go on, in order, long before
    the lock's lifetime (the gateway gives each up after its lease, RASA_TIMEOUT_SECONDS)."""
    store.lease_ms = 200
    talk = conversation()
    store.take_ticket(talk, 120_000)  # took the lock, then never reached Redis again
    log: list = []
    b = asyncio.create_task(hold(store, talk, "b", log))
    await asyncio.sleep(0.02)
    c = asyncio.create_task(hold(store, talk, "c", log))
    await asyncio.wait_for(asyncio.gather(b, c), timeout=5)
    assert log == ["b in", "b out", "c in", "c out"]
    assert redis_client.keys(f"*{talk}*") == []


async def test_a_ticket_redis_lost_mid_message_is_given_back_once_redis_answers_again(private_redis):
    """A failover: the master dies while a message holds the lock, and the promoted replica has the
    ticket as issued, never given back. The next message must not wait the lock's lifetime for it."""
    store = RedisLockStore(endpoint_config=EndpointConfig(
        url="127.0.0.1", type="backup_rasa.lock_store.RedisLockStore", port=private_redis.port, db=0,
        key_prefix="failover"))
    talk = conversation()
    issued, done, *_ = store.keys(talk)
    async with store.lock(talk, lock_lifetime=60):
        ticket = int(store.red.get(issued))
        private_redis.stop()
    private_redis.start()
    store.red.set(issued, ticket)  # the replica's copy, before the ticket is offered back again
    store.red.set(done, ticket - 1)
    log: list = []
    await asyncio.wait_for(hold(store, talk, "next", log), timeout=5)
    assert log == ["next in", "next out"]
    assert store.red.keys(f"*{talk}*") == []
