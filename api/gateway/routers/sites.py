"""GET /api/sites: what the widget and the embed page may know about each site."""

from fastapi import APIRouter, HTTPException

from api.gateway.deps import State
from api.gateway.routers.chat import ERRORS
from bot.content import CRISIS_NUMBER

router = APIRouter(prefix="/api/sites", tags=["sites"])
CRISIS = {"number": CRISIS_NUMBER, "tel": "tel:+443001312789", "emergency_tel": "tel:999"}


@router.get("")
async def list_sites(state: State) -> list[dict[str, str]]:
    return [{"id": site.id, "name": site.name} for site in state.sites.sites]


@router.get("/{site_id}", responses=ERRORS)
async def get_site(site_id: str, state: State) -> dict:
    site = state.sites.get(site_id)
    if site is None:
        raise HTTPException(404, "unknown site")
    return {**site.public(), "crisis": CRISIS}
