"""The web page: ``/`` and its static files, all served by this app (no CDN, nothing fetched elsewhere)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)

#: The page may talk to this server only: scripts, styles, images and requests are all same-origin.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def static_dir() -> Path:
    """The packaged static files (``api/static``), wherever the package is installed."""
    return Path(str(files("api") / "static"))


@router.get("/")
async def page() -> FileResponse:
    """The web page."""
    return FileResponse(
        static_dir() / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_POLICY, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
    )


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """The icon browsers ask for on every page (the lesson pages too)."""
    return FileResponse(static_dir() / "favicon.svg", media_type="image/svg+xml")


def mount(app: FastAPI) -> None:
    """Serve ``api/static`` at ``/static`` (scripts fetched from npm at build time are in ``vendor/``)."""
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
