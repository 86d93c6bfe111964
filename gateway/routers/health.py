"""GET /healthz (the process is alive) and GET /readyz (a Rasa replica and Redis answer: a message
finds the replica that is up)."""

import asyncio

import aiohttp
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError

from gateway.deps import State

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def answers(state, url: str) -> bool:
    try:
        async with state.rasa.get(f"{url}/", timeout=aiohttp.ClientTimeout(total=2)) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


@router.get("/readyz")
async def readyz(state: State) -> JSONResponse:
    checks = {"rasa": any(await asyncio.gather(*(answers(state, url) for url in state.settings.rasa_urls)))}
    try:
        checks["redis"] = bool(await state.redis.ping())
    except RedisError:
        checks["redis"] = False
    ready = all(checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503)
