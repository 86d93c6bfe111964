"""The gateway's own added latency: the same messages sent straight to Rasa and through the gateway.

Usage: python benchmarks/gateway_latency.py [rounds]   (starts its own stack on free loopback ports)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from bench import percentile

from bot.settings import Settings
from bot.stack import Stack, free_port, redis_available

MESSAGES = ["hello", "is it confidential", "what happens when i call", "whats the number",
            "cant sleep after nights", "who runs it", "thanks", "bye"]


def timed(client: httpx.Client, url: str, body: dict, headers: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    client.post(url, json=body, headers=headers).raise_for_status()
    return (time.perf_counter() - started) * 1000


def summary(name: str, samples: list[float]) -> str:
    return (f"{name:16} median {statistics.median(samples):6.1f} ms   "
            f"p95 {percentile(samples, 0.95):6.1f} ms   n={len(samples)}")


def main(rounds: int) -> None:
    settings = Settings.from_environment(rasa_port=free_port(), action_server_port=free_port(), gateway_port=free_port(),
                        messages_per_minute_per_session=10_000, messages_per_minute_per_client=10_000)
    stack = Stack(settings, log_dir=Path(tempfile.mkdtemp()), use_redis=redis_available(settings.redis_url))
    stack.start()
    try:
        direct, gateway = [], []
        with httpx.Client(timeout=30) as client:
            for _ in range(rounds):
                rasa_sender, session = uuid.uuid4().hex, None
                for text in MESSAGES:
                    direct.append(timed(client, f"{settings.rasa_url}/webhooks/rest/webhook",
                                        {"sender": rasa_sender, "message": text}, settings.rasa_headers))
                    started = time.perf_counter()
                    reply = client.post(f"{settings.gateway_url}/api/chat",
                                        json={"site": "intranet-demo", "session": session, "message": text})
                    gateway.append((time.perf_counter() - started) * 1000)
                    session = reply.json()["session"]
        print(summary("Rasa directly", direct))
        print(summary("through gateway", gateway))
        added = [g - d for g, d in zip(gateway, direct)]
        print(f"added by gateway median {statistics.median(added):.1f} ms   "
              f"p95 {percentile(added, 0.95):.1f} ms")
    finally:
        stack.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
