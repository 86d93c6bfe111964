"""The pages the gateway serves itself: the intranet demo, the embed page, the quick-exit page."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from gateway.static_files import STATIC

router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo() -> FileResponse:
    return FileResponse(STATIC / "demo.html")


@router.get("/embed")
async def embed() -> FileResponse:
    return FileResponse(STATIC / "embed.html")


@router.get("/neutral")
async def neutral() -> FileResponse:
    return FileResponse(STATIC / "neutral.html")
