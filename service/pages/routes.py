"""What the browser loads: the pages and assets in ``web/``, served by the service itself (no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parents[2] / "web"

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    """The start page (Chinese)."""
    return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")


static = StaticFiles(directory=WEB_DIR)
