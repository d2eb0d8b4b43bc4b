"""The web dashboard served by fieldapp-server under /dashboard (docs/office.md, "Dashboard")."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sync.server.web import reports
from sync.server.web.pages import PREFIX, router

__all__ = ["install"]

STATIC = Path(__file__).with_name("static")


def install(app: FastAPI) -> None:
    """Add the dashboard's pages and its stylesheet to *app*."""
    app.include_router(router)
    app.include_router(reports.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="dashboard-static")
