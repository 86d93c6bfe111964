"""GET /healthz (the process is alive) and GET /readyz (a Rasa replica and Redis answer: a message
finds the replica that is up)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway import availability
from gateway.deps import State

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> JSONResponse:
    now = await availability.check(state.rasa, state.settings.rasa_urls, state.redis)
    checks = {"rasa": any(now.rasa.values()), "redis": now.redis}
    ready = all(checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503)
