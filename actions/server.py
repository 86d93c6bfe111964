"""Rasa's action-server protocol on FastAPI, running the `actions` package through rasa_sdk.

Rasa POSTs {next_action, sender_id, tracker, domain, version} to /webhook and expects
{events, responses}; a rejection is a 400 carrying action_name, an unknown action a 404.
Every call but /health must carry the shared token that endpoints.yml sends.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from actions.local_contacts import registry
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"


class ActionCall(BaseModel):
    next_action: str
    sender_id: str | None = None
    tracker: dict[str, Any]
    domain: dict[str, Any] = {}
    version: str | None = None


def get_executor(request: Request) -> ActionExecutor:
    return request.app.state.executor


def require_token(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    expected = f"Bearer {settings.action_server_token}"
    if authorization is None or not hmac.compare_digest(authorization, expected):
        raise HTTPException(status_code=401, detail="missing or wrong token")


ExecutorDep = Annotated[ActionExecutor, Depends(get_executor)]
Authorised = Depends(require_token)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    registry()  # a mistake in the site registry stops the action server at start-up, with where it is
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    app.state.executor = executor
    yield


app = FastAPI(title="Backup action server", lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/actions", dependencies=[Authorised])
async def list_actions(executor: ExecutorDep) -> list[dict[str, str]]:
    return [{"name": name} for name in executor.actions]


@app.post("/webhook", dependencies=[Authorised])
async def webhook(call: ActionCall, executor: ExecutorDep) -> JSONResponse:
    utils.check_version_compatibility(call.version)
    try:
        result = await executor.run(call.dict())
    except ActionExecutionRejection as rejection:
        return JSONResponse(
            {"error": rejection.message, "action_name": rejection.action_name}, status_code=400
        )
    except ActionNotFoundException as missing:
        logger.warning("Rasa asked for an unknown action: %s", missing.action_name)
        return JSONResponse(
            {"error": missing.message, "action_name": missing.action_name}, status_code=404
        )
    return JSONResponse(result)
