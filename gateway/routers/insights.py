"""GET /insights (the service owners' dashboard) and GET /insights.csv (`date,site,measure,value`).

Both need `Authorization: Bearer <INSIGHTS_TOKEN>` (compared in constant time); without it, 401
with `WWW-Authenticate: Bearer`, and /insights answers with a sign-in page whose same-origin script
asks for the token and fetches the dashboard with that header. Pages are never cached nor framed
(gateway.security adds no-store, the CSP with frame-ancestors 'none', and X-Frame-Options DENY).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hmac
import io
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from bot import crisis_line
from bot.insight.counter import today
from bot.insight.report import PERIODS, Report, build, clamp, read_days
from bot.sites import SITE_ID
from gateway.deps import State
from gateway.insight_page import dashboard, sign_in

router = APIRouter(include_in_schema=False)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="insights"'}
DEFAULT_DAYS = 30
CSV_HEADER = ("date", "site", "measure", "value")
REFUSED = f"A valid insights token is needed. (Need to talk? The police mental health crisis line: {crisis_line.NUMBER}.)\n"


def authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class Filters:
    """The query: site (one, or every site), from and to (UTC days, within what is kept), period."""

    def __init__(self, state: State, site: Annotated[str | None, Query(pattern=SITE_ID)] = None,
                 first: Annotated[dt.date | None, Query(alias="from")] = None,
                 last: Annotated[dt.date | None, Query(alias="to")] = None,
                 period: Annotated[str, Query(pattern="^(day|week|month)$")] = "day") -> None:
        if site is not None and state.sites.get(site) is None:
            raise HTTPException(404, "unknown site")
        now = today()
        last = last or now
        self.site = site
        self.first, self.last = clamp(first or last - dt.timedelta(days=DEFAULT_DAYS - 1), last, now)
        self.period = period if period in PERIODS else "day"


async def report(state: State, filters: Filters) -> Report:
    sites = [site.id for site in state.sites.sites]
    counts = await read_days(state.redis, sites, filters.first, filters.last)
    # Suppression is pure CPU work: off the event loop, so chat replies do not wait for it.
    return await asyncio.to_thread(build, counts, sites, filters.first, filters.last, filters.period)


@router.get("/insights")
async def insights(request: Request, state: State, filters: Annotated[Filters, Depends()]) -> Response:
    if not authorised(request, state.settings.insights_token):
        return HTMLResponse(sign_in(), status_code=401, headers=CHALLENGE)
    names = {site.id: site.name for site in state.sites.sites}
    return HTMLResponse(dashboard(await report(state, filters), filters.site, names))


@router.get("/insights.csv")
async def insights_csv(request: Request, state: State, filters: Annotated[Filters, Depends()]) -> Response:
    if not authorised(request, state.settings.insights_token):
        return PlainTextResponse(REFUSED, status_code=401, headers=CHALLENGE)
    published = await report(state, filters)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(published.rows(filters.site))
    name = f"backup-insight-{published.first.isoformat()}-{published.last.isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
