"""The gateway application: `uvicorn gateway.app:app` serves it (bot.stack starts it so).

Every error a person can see carries the crisis number, and nothing a person typed is logged.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from bot import crisis_line
from bot.content import GENERIC_ERROR
from bot.insight.counter import Counter
from bot.redis_connection import RedisAddress
from bot.risk import get_screen
from bot.settings import Settings, get_settings
from bot.sites import load_registry
from gateway.limits import RateLimiter
from gateway.metrics import GatewayMetrics
from gateway.metrics_endpoint import serving_metrics
from gateway.replies import Replies
from gateway.request_metrics import RequestMetrics
from gateway.risk_states import RiskStates
from gateway.routers import beacon, chat, health, insights, pages, sites
from gateway.security import SecurityHeaders
from gateway.state import GatewayState
from gateway.static_files import STATIC

logger = logging.getLogger(__name__)


def error_body(detail: str, kind_text: str) -> dict:
    return {"detail": detail, "messages": [{"type": "text", "text": kind_text}]}


def create_app(settings: Settings) -> FastAPI:
    registry = load_registry(Path(settings.sites_file))
    metrics = GatewayMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # One Redis, or the master Sentinel names, found again after a failover (bot.redis_connection).
        redis = RedisAddress.from_settings(settings).async_client(decode_responses=True)
        # aiohttp (Rasa's own HTTP client) costs the gateway half the CPU a message httpx did. A
        # new loopback connection for each message: Rasa's Sanic workers share one socket, and the
        # least busy one accepts it. Kept-alive connections stay with whichever worker took them
        # first, 41 to 14 in one measured run, and the busier worker's queue set the p99 (1.3 s).
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        async with aiohttp.ClientSession(connector=connector, headers=settings.rasa_headers) as rasa:
            app.state.gateway = GatewayState(
                settings=settings,
                sites=registry,
                redis=redis,
                rasa=rasa,
                screen=get_screen(),
                replies=Replies(),
                limiter=RateLimiter(
                    redis, settings.messages_per_minute_per_session, settings.messages_per_minute_per_client
                ),
                risk_states=RiskStates(redis, settings.conversation_ttl_seconds),
                metrics=metrics,
                insight=Counter(redis, settings.insight_counting),
            )
            async with serving_metrics(app.state.gateway) as app.state.metrics_endpoint:
                yield
            await app.state.gateway.insight.drain()  # the last second's counts, before Redis closes
        await redis.close()

    app = FastAPI(
        title="Backup gateway",
        description="Chat API and widget for Backup, the wellbeing assistant for UK police officers and staff.",
        lifespan=lifespan,
        # The interactive docs load scripts from a CDN, which the CSP (rightly) refuses.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=sorted(registry.origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics, metrics=metrics)  # outermost: it times every answer, refusals too
    for router in (chat.router, beacon.router, sites.router, health.router, pages.router, insights.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        text = error.detail if isinstance(error.detail, str) and crisis_line.NUMBER in error.detail else GENERIC_ERROR
        return JSONResponse(error_body(str(error.detail), text), status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in e["loc"][1:]) for e in error.errors()})
        return JSONResponse(error_body(f"invalid request: {', '.join(fields)}", GENERIC_ERROR), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        logger.error("Unhandled error: %s", type(error).__name__)
        return JSONResponse(error_body("internal error", GENERIC_ERROR), status_code=500)

    return app


app = create_app(get_settings())
