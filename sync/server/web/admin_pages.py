"""The dashboard's admin pages: cadres and their areas (/dashboard/cadres), conflicts waiting for a person
(/dashboard/conflicts).

Admins change things here through the functions the CLI and the API use (``areas.assign_wards``/``unassign_wards``,
``admin.resolve_conflict``); viewers read the same pages without a form, and a POST of theirs is refused (403).
Every form carries the session's CSRF token. A refused change redisplays the page with the reason in the reader's
language, naming the field, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from fieldapp.core.i18n import N_, Lang, gettext
from fieldapp.core.issues import kind_name
from fieldapp.core.labels import field_label, value_label
from sync.server.admin import resolve_conflict
from sync.server.areas import AreaError, assign_wards, unassign_wards
from sync.server.errors import ApiError
from sync.server.recordstore import VIETNAM
from sync.server.schemas import ResolveRequest
from sync.server.web import admin_views
from sync.server.web.pages import PREFIX, _csrf_ok, _engine, _form, _lang, _render, _signed, _to_login
from sync.server.web.sessions import Signed

__all__ = ["RESOLUTIONS", "router"]

router = APIRouter(prefix=PREFIX, include_in_schema=False)

#: what an admin may choose for a conflict on this page, as the laptop offers it (keep mine / take the server's)
RESOLUTIONS = ("server", "client")

_RESOLVE_REFUSALS = {
    "not_found": N_("There is no conflict {id}; nothing was changed."),
    "already_resolved": N_("Conflict {id} was already resolved; nothing was changed."),
    "record_deleted": N_(
        "The record of conflict {id} was deleted on the server; there is nothing to resolve."
    ),
    "duplicate_tax_code": N_("Another enterprise has this tax code now; conflict {id} was left as it was."),
    "invalid_record": N_("The laptop's version in conflict {id} is not valid; nothing was changed:"),
}


def _refused_role(request: Request, signed: Signed) -> HTMLResponse:
    message = gettext("Only an admin may change this; nothing was changed.", _lang(request))
    return _render(request, "refused.html", {"message": message}, status=403, signed=signed)


def _local(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if moment else "—"


def _shown(lang: Lang) -> Any:
    def shown(field: str, value: Any) -> str:
        """A field's value as a reader reads it: labels for choices, yes/no, a dash for nothing."""
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return gettext("Yes", lang) if value else gettext("No", lang)
        if isinstance(value, str):
            return value_label(field, value, lang)
        return str(value)

    return shown


# --- cadres and areas -------------------------------------------------------------------------------------------------
async def _cadres(request: Request, signed: Signed, *, status: int = 200,
                  extra: Mapping[str, Any] | None = None) -> HTMLResponse:  # fmt: skip
    engine = _engine(request)
    rows = await run_in_threadpool(admin_views.cadre_rows, engine)
    wards = await run_in_threadpool(admin_views.known_ward_labels, engine) if signed.user.is_admin else []
    context = {"rows": rows, "known": wards, "local": _local, "error": "", "error_user": "", "typed": "",
               "notice": "", **(extra or {})}  # fmt: skip
    return _render(request, "cadres.html", context, status=status, signed=signed)


@router.get("/cadres")
async def cadres_page(request: Request) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    return await _cadres(request, signed)


async def _area_change(request: Request, assign: bool) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    form = await _form(request)
    if not _csrf_ok(form.get("csrf"), signed.csrf):
        return _render(request, "refused.html", {}, status=403, signed=signed)
    if not signed.user.is_admin:
        return _refused_role(request, signed)
    lang, engine = _lang(request), _engine(request)
    user, ward = form.get("user", "")[:200], form.get("ward", "")[:200]
    try:
        if assign:
            area = await run_in_threadpool(
                lambda: assign_wards(engine, user, [ward], by=signed.user.name, known_only=True)
            )
        else:
            area = await run_in_threadpool(unassign_wards, engine, user, [ward])
    except AreaError as exc:
        problem = exc.problem
        message = problem.describe(lang) if problem is not None else str(exc)
        return await _cadres(request, signed, status=422,
                             extra={"error": message, "error_user": user, "typed": ward})  # fmt: skip
    if assign:
        notice = gettext("{user} now works {wards}.", lang, user=area.full_name or area.user,
                         wards=", ".join(area.wards))  # fmt: skip
    else:
        notice = gettext("{ward} was removed from the area of {user}.", lang, ward=ward,
                         user=area.full_name or area.user)  # fmt: skip
    return await _cadres(request, signed, extra={"notice": notice})


@router.post("/cadres/assign")
async def assign_ward(request: Request) -> Response:
    return await _area_change(request, assign=True)


@router.post("/cadres/unassign")
async def unassign_ward(request: Request) -> Response:
    return await _area_change(request, assign=False)


# --- conflicts --------------------------------------------------------------------------------------------------------
async def _conflicts(request: Request, signed: Signed, *, status: int = 200, error: str = "",
                     error_id: int = 0, notice: str = "") -> HTMLResponse:  # fmt: skip
    rows = await run_in_threadpool(admin_views.conflict_rows, _engine(request), signed.user)
    lang = _lang(request)
    context = {
        "rows": rows,
        "local": _local,
        "shown": _shown(lang),
        "field_label": lambda f: field_label(f, lang),
        "kind_label": lambda k: kind_name(k, lang),
        "error": error,
        "error_id": error_id,
        "notice": notice,
    }
    return _render(request, "conflicts.html", context, status=status, signed=signed)


@router.get("/conflicts")
async def conflicts_page(request: Request) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    return await _conflicts(request, signed)


@router.post("/conflicts/{conflict_id}/resolve")
async def resolve(request: Request, conflict_id: int) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    form = await _form(request)
    if not _csrf_ok(form.get("csrf"), signed.csrf):
        return _render(request, "refused.html", {}, status=403, signed=signed)
    if not signed.user.is_admin:
        return _refused_role(request, signed)
    lang = _lang(request)
    choice = form.get("resolution", "")
    if choice not in RESOLUTIONS or not 1 <= conflict_id < 2**31:
        message = gettext("Choose to keep the server's value or to take the laptop's; nothing was changed.",
                          lang)  # fmt: skip
        return await _conflicts(request, signed, status=422, error=message, error_id=conflict_id)
    try:
        await run_in_threadpool(
            resolve_conflict, _engine(request), signed.user, conflict_id, ResolveRequest(resolution=choice)
        )
    except ApiError as exc:
        template = _RESOLVE_REFUSALS.get(exc.code)
        message = gettext(template, lang, id=conflict_id) if template else exc.message
        details = [p.vi if lang == "vi" else p.en for p in exc.errors]
        message = " ".join([message, *details])
        status = 422 if exc.status == 422 else 409 if exc.status == 409 else 404
        return await _conflicts(request, signed, status=status, error=message, error_id=conflict_id)
    done = (
        gettext("Conflict {id}: the server's value was kept.", lang, id=conflict_id)
        if choice == "server"
        else gettext("Conflict {id}: the laptop's value was stored.", lang, id=conflict_id)
    )
    return await _conflicts(request, signed, notice=done)
