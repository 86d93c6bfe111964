"""GET /metrics on its own port (METRICS_HOST:METRICS_PORT), never on the public one.

Served by aiohttp's server in the gateway's own event loop, so no thread, and each scrape first
checks Rasa's replicas and Redis with the gateway's own clients (the availability gauges are what
the gateway sees at that moment, and cost nothing between scrapes). A port that cannot be bound
is logged and skipped: people are served whether or not the monitoring can scrape.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.settings import METRICS_PATH
from gateway import availability
from gateway.state import GatewayState

logger = logging.getLogger(__name__)


class MetricsEndpoint:
    def __init__(self, state: GatewayState) -> None:
        self.state = state
        app = web.Application()
        app.router.add_get(METRICS_PATH, self.scrape)
        self.runner = web.AppRunner(app, access_log=None)
        self.url: str | None = None  # where it listens, once it does

    async def scrape(self, request: web.Request) -> web.Response:
        state = self.state
        state.metrics.saw(await availability.check(state.rasa, state.settings.rasa_urls, state.redis))
        body, content_type = state.metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def start(self, host: str, port: int) -> None:
        await self.runner.setup()
        try:
            await web.TCPSite(self.runner, host, port).start()
        except OSError as error:
            logger.warning("No %s: %s port %s cannot be bound (%s); the gateway serves people without it",
                           METRICS_PATH, host, port, error.strerror)
            return
        bound_host, bound_port = self.runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}{METRICS_PATH}"

    async def stop(self) -> None:
        await self.runner.cleanup()


@asynccontextmanager
async def serving_metrics(state: GatewayState) -> AsyncIterator[MetricsEndpoint]:
    endpoint = MetricsEndpoint(state)
    await endpoint.start(state.settings.metrics_host, state.settings.metrics_port)
    try:
        yield endpoint
    finally:
        await endpoint.stop()
