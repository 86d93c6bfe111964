"""POST /api/insight/{event}?site=: the widget's counter-only beacon (a call link tapped, a quick
exit). No body, no session, no text: one count for the site today, within the client's rate limit
so the endpoint cannot be used to flood the counts. Always 204 for a known site and event."""

from fastapi import APIRouter, HTTPException, Query, Request, Response

from bot.insight.measures import BEACON_EVENTS
from bot.sites import SITE_ID
from gateway.deps import State
from gateway.routers.chat import ERRORS, check_origin

router = APIRouter(prefix="/api/insight", tags=["insight"])


@router.post("/{event}", status_code=204, response_class=Response, responses=ERRORS)
async def beacon(event: str, request: Request, state: State,
                 site: str = Query(..., pattern=SITE_ID)) -> Response:
    if event not in BEACON_EVENTS:
        raise HTTPException(404, "unknown event")
    check_origin(request, state, site)
    client = request.client.host if request.client else "unknown"
    if await state.limiter.allow(None, client):
        state.insight.count(site, BEACON_EVENTS[event])
    return Response(status_code=204)
