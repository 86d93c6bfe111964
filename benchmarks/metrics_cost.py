"""What /metrics costs the gateway: CPU a message for its counting, and the time of one scrape.

A message is timed by the middleware (around an app that answers at once) and counts its reply
and its risk screen's time, as POST /api/chat does. Compare with the gateway's CPU a message in
BENCHMARKS.md (about 2 ms). Usage: python benchmarks/metrics_cost.py [messages]
"""

from __future__ import annotations

import asyncio
import sys
import time

from gateway.metrics import GatewayMetrics
from gateway.request_metrics import RequestMetrics


class Route:
    path_format = "/api/chat"


async def answer_at_once(scope, receive, send) -> None:
    scope["route"] = Route
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def nothing(message) -> None:
    pass


async def per_message(metrics: GatewayMetrics, app, messages: int, counted: bool) -> float:
    """CPU seconds a message: the middleware around the app, plus the chat route's counting."""
    started = time.process_time()
    for _ in range(messages):
        await app({"type": "http", "method": "POST", "path": "/api/chat"}, None, nothing)
        if counted:
            with metrics.risk_screen.time():
                pass
            metrics.replied("answer")
    return (time.process_time() - started) / messages


def main(messages: int) -> None:
    metrics = GatewayMetrics()
    timed = RequestMetrics(answer_at_once, metrics)
    bare = asyncio.run(per_message(metrics, answer_at_once, messages, counted=False))
    with_metrics = asyncio.run(per_message(metrics, timed, messages, counted=True))
    started = time.perf_counter()
    scrapes = 200
    for _ in range(scrapes):
        metrics.exposition("")
    scrape = (time.perf_counter() - started) / scrapes
    print(f"messages:          {messages}")
    print(f"metrics a message: {(with_metrics - bare) * 1e6:.1f} us of CPU")
    print(f"one scrape:        {scrape * 1e3:.2f} ms ({len(metrics.exposition('')[0]):,} bytes), "
          "plus the availability checks")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
