"""The dashboard's reports page: the monthly briefing report (``sync.server.report``) chosen in a form and downloaded
as XLSX, PDF or JSON (docs/office.md, "The monthly report").

Signed-in users only (``pages._signed``); the download is a GET (it changes nothing), answered as an attachment. A
bad month, ward or cadre shows the form again with the reason, in the reader's language, and downloads nothing.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import Engine, select

from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.wards import ward_key
from sync.server.db import read_session
from sync.server.models import Record, User
from sync.server.recordstore import office_today
from sync.server.report import ReportError, build_report, parse_month
from sync.server.report_files import MEDIA_TYPES, report_bytes
from sync.server.web.pages import PREFIX, _engine, _lang, _render, _signed, _to_login

__all__ = ["router"]

router = APIRouter(prefix=PREFIX, include_in_schema=False)
FORMATS = ("xlsx", "pdf", "json")


def _choices(engine: Engine) -> dict[str, list[Any]]:
    """The wards of the registry (one label a ward key) and the active cadres, for the form's lists."""
    with read_session(engine) as session:
        rows = session.execute(
            select(Record.ward_key, Record.content["ward"].as_string()).where(
                Record.kind == "enterprise", Record.deleted.is_(False)
            )
        )
        wards: dict[str, str] = {}
        for key, label in rows:
            if key and label:
                wards.setdefault(key, label)
        cadres = session.execute(
            select(User.name, User.full_name)
            .where(User.role == "cadre", User.revoked_at.is_(None))
            .order_by(User.name)
        ).all()
    return {
        "wards": sorted(wards.values(), key=ward_key),
        "cadres": [(name, f"{full} ({name})" if full and full != name else name) for name, full in cadres],
    }


def _problem(exc: ReportError, lang: Lang) -> str:
    """The refusal in the reader's words, naming the field of the form."""
    text = str(exc)
    if text.startswith("--month"):
        return gettext("Month: choose a month that has begun, as YYYY-MM.", lang)
    if text.startswith("--ward"):
        return gettext("Ward: no enterprise of the registry and no area is in this ward.", lang)
    if text.startswith("--user"):
        return gettext("Cadre: there is no such cadre.", lang)
    return gettext("Choose a ward or a cadre, not both.", lang)


async def _form(request: Request, values: dict[str, str], error: str = "", status: int = 200) -> Response:
    signed = await _signed(request)
    choices = await run_in_threadpool(_choices, _engine(request))
    context = {**choices, **values, "error": error, "formats": FORMATS}
    return _render(request, "reports.html", context, status=status, signed=signed)


@router.get("/reports")
async def reports_page(request: Request) -> Response:
    if await _signed(request) is None:
        return _to_login()
    today = office_today()
    return await _form(request, {"month": f"{today.year:04d}-{today.month:02d}", "ward": "", "user": "",
                                 "format": "xlsx"})  # fmt: skip


@router.get("/reports/download")
async def download(request: Request, month: str = "", ward: str = "", user: str = "",
                   format: str = "xlsx") -> Response:  # fmt: skip
    if await _signed(request) is None:
        return _to_login()
    lang = _lang(request)
    month, ward, user = month[:20].strip(), ward[:100].strip(), user[:100].strip()
    fmt = format if format in FORMATS else "xlsx"
    values = {"month": month, "ward": ward, "user": user, "format": fmt}
    try:
        parse_month(month)
        if ward and user:
            raise ReportError("give --ward or --user, not both")
        report = await run_in_threadpool(
            build_report, _engine(request), month, ward=ward or None, user=user or None
        )
    except ReportError as exc:
        return await _form(request, values, _problem(exc, lang), status=400)
    data = await run_in_threadpool(report_bytes, report, fmt, lang)  # type: ignore[arg-type]
    scope = report.scope.ward_key or report.scope.user or ""
    suffix = "-" + re.sub(r"[^a-z0-9._-]+", "-", scope.lower()).strip("-") if scope else ""
    name = f"bao-cao-{report.month}{suffix}.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)
