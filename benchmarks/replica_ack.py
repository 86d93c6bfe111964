"""What REDIS_REPLICAS_TO_ACK=1 costs a message: a conversation's save (one SET of a tracker's JSON,
as backup_rasa/tracker_store.py writes it) alone, and followed by the Redis WAIT for one replica.

Real redis-server processes on loopback, a master and one replica (bot/redis_group.py); the client
is the one the tracker store uses (bot/redis_connection.py). Prints the figures; asserts nothing.
Run: .venv-gateway/bin/python benchmarks/replica_ack.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from bench import percentile

from bot.redis_connection import RedisAddress, wait_for_replicas
from bot.redis_group import redis_group

SAVES = 3000
# A conversation of about twenty turns as Rasa stores it is 20-40 KB of JSON.
TRACKER = json.dumps({"name": "x" * 32, "events": [{"event": "user", "text": "a message of some length " * 4,
                                                      "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}
                                                     for _ in range(120)]})


def timed_saves(client, replicas: int) -> list[float]:
    times = []
    for index in range(SAVES):
        start = time.perf_counter()
        client.set(f"bench:tracker:{index % 50}", TRACKER, ex=1800)
        wait_for_replicas(client, replicas)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    with redis_group(Path(tempfile.mkdtemp()), replicas=1, sentinels=0) as group:
        client = RedisAddress(port=group.master.port).client(decode_responses=True)
        timed_saves(client, 1)  # warm-up
        print(f"{SAVES} saves of a {len(TRACKER) // 1024} KB conversation, master and one replica on loopback")
        results = {}
        for replicas in (0, 1, 0, 1):
            times = timed_saves(client, replicas)
            results.setdefault(replicas, []).extend(times)
        for replicas, times in results.items():
            label = "SET, then WAIT 1" if replicas else "SET alone       "
            print(f"  {label}: median {statistics.median(times):.3f} ms, p95 {percentile(times, 0.95):.3f} ms, "
                  f"p99 {percentile(times, 0.99):.3f} ms")
        extra = statistics.median(results[1]) - statistics.median(results[0])
        print(f"  the wait costs {extra:.3f} ms a message at the median")


if __name__ == "__main__":
    main()
