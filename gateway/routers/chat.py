"""POST /api/chat and DELETE /api/chat/{session}: the conversation itself."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.content import TOO_FAST, TOO_LONG
from bot.insight.measures import CLEARED, CRISIS_HANDOFFS
from bot.redis_keys import TRACKER
from bot.risk import Assessment, Level
from bot.risk.conversation import Verdict, judge
from bot.sites import SITE_ID
from gateway.counting import answered, arrived, replied
from gateway.deps import State
from gateway.replies import from_rasa
from gateway.sessions import is_valid, new_session
from gateway.state import GatewayState

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"])



class ChatRequest(BaseModel):
    site: str = Field(..., pattern=SITE_ID, description="The site id from the widget's data-site")
    session: str | None = Field(None, max_length=64, description="Omit on the first message")
    message: str = Field(..., min_length=1, description="What the person typed, or a button payload")


class ChatMessage(BaseModel):
    type: str = Field(..., description="text, handoff, call or contacts (the site's local contacts: topic, heading, "
                      "contacts [{name, description, phone, tel, url, hours}])")
    text: str | None = None
    buttons: list[dict[str, str]] | None = None

    model_config = ConfigDict(extra="allow")


class ChatResponse(BaseModel):
    session: str
    messages: list[ChatMessage]


class ErrorBody(BaseModel):
    """Every error: what went wrong, and a kind message that always carries the crisis number."""

    detail: str
    messages: list[ChatMessage]


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 403, 404, 413, 422, 429, 500)}


# Failures before a message reached Rasa: another replica may take it.
NOT_DELIVERED = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


async def ask_rasa(state: GatewayState, session: str, text: str, verdict: Verdict, site: str) -> list[dict[str, Any]]:
    """Rasa's answer as the widget's messages; empty when it is down, slow, failing or makes no
    sense, within RASA_TIMEOUT_SECONDS in all. The verdict goes with the message, so Rasa acts on the
    conversation's risk without screening it again; the site id too, so Rasa's actions add that
    site's local contacts. A replica that does not take the connection (refused, unreachable, or
    silent past the connect timeout) passes the message to the next while time is left. One that took
    it and then gave no answer does not: it may have handled the message, and another replica would
    handle it again. Either way that replica rests a while (gateway.replicas)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + state.settings.rasa_timeout_seconds
    for url in state.replicas.in_order():
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            async with state.rasa.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": session, "message": text, "metadata": {"risk": verdict.as_dict(), "site": site}},
                timeout=aiohttp.ClientTimeout(total=left, sock_connect=state.settings.rasa_connect_timeout_seconds),
                raise_for_status=True,
            ) as response:
                replies = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            state.metrics.rasa_failed(error)
            state.replicas.failed(url)
            if isinstance(error, NOT_DELIVERED):
                logger.warning("Rasa did not answer (a replica was not reached): %s", type(error).__name__)
                continue
            logger.warning("Rasa did not answer: %s", type(error).__name__)
            return []
        state.replicas.answered(url)
        return from_rasa(replies, state.sites.get(site))
    return []


async def judged(state: GatewayState, session: str, assessment: Assessment, site: str) -> Verdict:
    """The message read in its conversation: a hedge after distress, a yes to the suicide question
    (a yes or a no to it counted for the site's insight)."""
    before = await state.risk_states.get(session)
    state.insight.count(site, *answered(before, assessment))
    return judge(assessment, before)


async def after_handoff(state: GatewayState, session: str, client: str, text: str, assessment: Assessment,
                        site: str) -> None:
    """After the handoff has gone: the conversation's state, and Rasa told, if the limit allows."""
    verdict = await judged(state, session, assessment, site)
    await state.risk_states.put(session, verdict.state)
    await tell_rasa_within_limit(state, session, client, text, verdict, site)


async def tell_rasa_within_limit(state: GatewayState, session: str, client: str, text: str, verdict: Verdict,
                                 site: str) -> None:
    if await state.limiter.allow(session, client):
        await ask_rasa(state, session, text, verdict, site)


def answer(session: str, messages: list[dict[str, Any]]) -> JSONResponse:
    """A ChatResponse, sent as built: every message here is made by from_rasa or Replies, and
    FastAPI's check of a returned dict against the model took ~15% of the gateway's CPU a message."""
    return JSONResponse({"session": session, "messages": messages})


def handoff(state: GatewayState, session: str, site: str, arrival: tuple[str, ...]) -> JSONResponse:
    """The handoff as the reply, counted for the site's insight and the operators' metrics."""
    state.insight.count(site, *arrival, CRISIS_HANDOFFS)
    state.metrics.replied("handoff")
    return answer(session, state.replies.handoff())


def check_origin(request: Request, state: GatewayState, site_id: str) -> None:
    site = state.sites.get(site_id)
    if site is None:
        raise HTTPException(404, "unknown site")
    origin = request.headers.get("origin")
    if origin is not None and origin.lower() not in site.origins:
        raise HTTPException(403, "this site may not use the chat from that origin")


@router.post("", response_model=ChatResponse, responses=ERRORS)
async def chat(body: ChatRequest, request: Request, state: State, background: BackgroundTasks):
    check_origin(request, state, body.site)
    if len(body.message) > state.settings.max_message_chars:
        raise HTTPException(413, TOO_LONG)
    secret = state.settings.session_secret
    session = body.session if body.session and is_valid(body.session, secret) else new_session(secret)
    client = request.client.host if request.client else "unknown"
    arrival = arrived(session != body.session)
    with state.metrics.risk_screen.time():
        assessment = state.screen.assess(body.message)
    if assessment.level is Level.CRISIS:
        # The handoff at once, from here, before the rate limit: nobody in crisis is told to slow
        # down. Rasa hears of it after the reply has gone, if the limit allows.
        background.add_task(after_handoff, state, session, client, body.message, assessment, body.site)
        return handoff(state, session, body.site, arrival)
    verdict = await judged(state, session, assessment, body.site)
    if verdict.hand_off:
        await state.risk_states.put(session, verdict.state)
        background.add_task(tell_rasa_within_limit, state, session, client, body.message, verdict, body.site)
        return handoff(state, session, body.site, arrival)
    if not await state.limiter.allow(session, client):
        await state.risk_states.put(session, verdict.unasked().state)
        state.insight.count(body.site, *arrival)
        state.metrics.rate_limited.inc()
        raise HTTPException(429, TOO_FAST)
    messages = await ask_rasa(state, session, body.message, verdict, body.site)
    # Stored once the reply is known: a question that never reached the person is not counted.
    await state.risk_states.put(session, (verdict if messages else verdict.unasked()).state)
    state.insight.count(body.site, *arrival, *replied(verdict, messages))
    state.metrics.replied("answer" if messages else "unavailable")
    return answer(session, messages or state.replies.unavailable())


@router.delete("/{session}", status_code=204, response_class=Response, responses=ERRORS)
async def clear(session: str, state: State, site: str | None = Query(None, pattern=SITE_ID)) -> Response:
    """Deletes the conversation at once. Unknown or malformed ids get the same answer. The widget
    names its site when the person asked to clear, for the count (a quick exit counts as one)."""
    if is_valid(session, state.settings.session_secret):
        await state.redis.delete(TRACKER + session, state.risk_states.key(session))
        if site is not None and state.sites.get(site) is not None:
            state.insight.count(site, CLEARED)
    return Response(status_code=204)
