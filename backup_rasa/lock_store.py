"""Rasa's Redis lock store, taking and giving back a conversation's lock in one round trip each.

Rasa's own store keeps each lock as a JSON list of tickets and reads or writes it seven times a
message, each a separate, non-atomic step (two Rasa workers taking a ticket at the same moment can
overwrite each other's). Here a lock is two counters, changed atomically: `issued`, the last
ticket handed out, and `done`, the last ticket finished. A message waits until every ticket before
its own is done, so a conversation's messages are still handled one at a time, in the order they
came. A message given up while it waits (Sanic cancels it when its client goes) leaves its ticket
in `abandoned`, skipped when its turn comes; a ticket not finished within the lock lifetime is
taken as dead, as Rasa's tickets expire. endpoints.yml names this class as the lock store; like the
tracker store it connects through bot.redis_connection, so through Sentinel when one is named.

A ticket that cannot be given back because Redis is failing over (the master gone, the replica
holding the ticket not yet promoted) is given back again in the background until Redis takes it;
otherwise the conversation's next messages would each wait for it for the lock's whole lifetime.

A ticket whose replica lost Redis for good (its host cut off, or gone) is never given back. So the
queue keeps a lease, `progress`, renewed whenever it moves (a ticket takes the lock or gives it
back) and lasting as long as the gateway waits for an answer (RASA_TIMEOUT_SECONDS): once it has
lapsed, the person has had the kind message and Sanic has cancelled the message, so the ticket at
the head is taken as dead and the next takes its turn. Otherwise every message of that conversation
would be given up on by the gateway while it waited, none would reach the lock's lifetime, and the
conversation would stay stuck as long as the person kept writing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.redis_connection import RedisAddress
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# How often a message that has to wait looks again (Rasa's default is once a second).
POLL_SECONDS = 0.02
# How often a ticket Redis did not take back is offered again.
GIVE_BACK_RETRY_SECONDS = 0.25

# Every script: KEYS issued, done, abandoned, progress; ARGV[1] the keys' lifetime in ms, ARGV[2]
# the lease in ms, ARGV[3] the ticket.

# A new ticket, and the last ticket done; the lease starts when the ticket has the lock at once.
TAKE = """
local ticket = redis.call('INCR', KEYS[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
local done = tonumber(redis.call('GET', KEYS[2]) or '0')
if done >= ticket - 1 then redis.call('SET', KEYS[4], 1, 'PX', ARGV[2]) end
return {ticket, done}
"""

# The last ticket done, after taking the ticket at the head as dead if the lease has lapsed; the
# lease starts again when the queue moves, and when this ticket's turn has come.
WAIT = """
local ticket = tonumber(ARGV[3])
local done = tonumber(redis.call('GET', KEYS[2]) or '0')
if done < ticket - 1 and redis.call('EXISTS', KEYS[4]) == 0 then
  done = done + 1
  while redis.call('SREM', KEYS[3], done + 1) == 1 do done = done + 1 end
  redis.call('SET', KEYS[2], done, 'PX', ARGV[1])
  redis.call('SET', KEYS[4], 1, 'PX', ARGV[2])
elseif done >= ticket - 1 then
  redis.call('SET', KEYS[4], 1, 'PX', ARGV[2])
end
return done
"""

# ARGV[4]: 1 if the ticket held the lock. The keys go when nobody is waiting, and otherwise expire
# together.
GIVE_BACK = """
local ticket = tonumber(ARGV[3])
local done = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[4] == '1' or done >= ticket - 1 then
  done = math.max(done, ticket)
  while redis.call('SREM', KEYS[3], done + 1) == 1 do done = done + 1 end
  redis.call('SET', KEYS[4], 1, 'PX', ARGV[2])
else
  redis.call('SADD', KEYS[3], ticket)
end
if tonumber(redis.call('GET', KEYS[1]) or '0') <= done then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
else
  redis.call('SET', KEYS[2], done, 'PX', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
end
"""


class RedisLockStore(RasaRedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa hands a lock store named by its module path the whole endpoint configuration.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        sentinels, master = kwargs.pop("sentinels", ""), kwargs.pop("sentinel_master", "")
        super().__init__(**kwargs)
        self.red = RedisAddress.of_client(self.red, sentinels, master).client()
        self.take = self.red.register_script(TAKE)
        self.wait = self.red.register_script(WAIT)
        self.give_back = self.red.register_script(GIVE_BACK)
        self.lease_ms = int(get_settings().rasa_timeout_seconds * 1000)
        self.retrying: set[asyncio.Task] = set()

    def keys(self, conversation_id: str) -> list[str]:
        # One hash tag, so that a Redis cluster keeps them on the same node for the script.
        key = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{key}:issued", f"{key}:done", f"{key}:abandoned", f"{key}:progress"]

    def take_ticket(self, conversation_id: str, lifetime_ms: int) -> tuple[int, int]:
        """A new ticket, and the last ticket done when it was issued."""
        ticket, finished = self.take(keys=self.keys(conversation_id), args=[lifetime_ms, self.lease_ms])
        return int(ticket), int(finished)

    def last_done(self, conversation_id: str, ticket: int, lifetime_ms: int) -> int:
        return int(self.wait(keys=self.keys(conversation_id), args=[lifetime_ms, self.lease_ms, ticket]))

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        lifetime_ms = int(lock_lifetime * 2000)  # the counters outlive any live ticket
        ticket, finished = self.take_ticket(conversation_id, lifetime_ms)
        deadline = time.monotonic() + lock_lifetime
        held = False
        try:
            while finished < ticket - 1 and time.monotonic() < deadline:
                await asyncio.sleep(min(wait_time_in_seconds, POLL_SECONDS))
                finished = self.last_done(conversation_id, ticket, lifetime_ms)
            held = True
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lock_lifetime)]))
        finally:
            self.finish(conversation_id, [lifetime_ms, self.lease_ms, ticket, int(held)])

    def finish(self, conversation_id: str, give_back: list[int]) -> None:
        try:
            self.give_back(keys=self.keys(conversation_id), args=give_back)
        except redis.RedisError as error:
            logger.warning("A conversation's lock was not given back (%s): trying again", type(error).__name__)
            task = asyncio.ensure_future(self.give_back_later(conversation_id, give_back, give_back[0] / 1000))
            self.retrying.add(task)
            task.add_done_callback(self.retrying.discard)

    async def give_back_later(self, conversation_id: str, give_back: list[int], seconds: float) -> None:
        """Until Redis takes it, for as long as the ticket's counters could live."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(GIVE_BACK_RETRY_SECONDS)
            try:
                self.give_back(keys=self.keys(conversation_id), args=give_back)
                return
            except redis.RedisError:
                continue
