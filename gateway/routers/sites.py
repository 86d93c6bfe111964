"""GET /api/sites: what the widget and the embed page may know about each site, and whether a
page's origin is registered for one (the embed page's "check my page")."""

from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from bot import crisis_line
from gateway.deps import State
from gateway.routers.chat import ERRORS

router = APIRouter(prefix="/api/sites", tags=["sites"])
CRISIS = {"number": crisis_line.NUMBER, "tel": crisis_line.TEL, "emergency_tel": "tel:999"}


@router.get("")
async def list_sites(state: State) -> list[dict[str, str]]:
    return [{"id": site.id, "name": site.name} for site in state.sites.sites]


@router.get("/{site_id}", responses=ERRORS)
async def get_site(site_id: str, state: State) -> dict:
    site = state.sites.get(site_id)
    if site is None:
        raise HTTPException(404, "unknown site")
    return {**site.public(), "crisis": CRISIS}


def as_origin(value: str) -> str | None:
    """scheme://host[:port], lower case, as the registry keeps origins; None if it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


@router.get("/{site_id}/check")
async def check(site_id: str, state: State, request: Request, origin: str | None = None) -> JSONResponse:
    """Whether a page's origin (the `origin` query, else the request's Origin) may use this site's
    widget. Any page may read the answer, even from an origin CORS refuses, so the widget can tell a
    web admin why it is refused; it says no more than a refused CORS request already shows."""
    asked = as_origin(origin or request.headers.get("origin") or "")
    site = state.sites.get(site_id)
    body = {"site": site_id, "known": site is not None, "name": site.name if site else None,
            "origin": asked, "registered": bool(site and asked in site.origins)}
    return JSONResponse(body, status_code=200 if site else 404, headers={"Access-Control-Allow-Origin": "*"})
