"""The dashboard's routes under /dashboard: sign-in, sign-out, the overview and the enterprises.

Server-rendered HTML (Jinja2 templates in ``templates/``, one small stylesheet in ``static/``; nothing from a CDN).
Only a session cookie opens a page: an ``Authorization`` header is never read here, so no API token, a cadre's or
anyone's, opens the dashboard. Every POST form carries its session's CSRF token (the sign-in form, before there is a
session, a random token also set in a short-lived cookie: double submit). Failed sign-ins are limited per address.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine

from fieldapp.core.classify import STATUSES
from fieldapp.core.founding import STEPS
from fieldapp.core.i18n import LANGUAGES, Lang, as_lang, gettext
from fieldapp.core.labels import value_label
from fieldapp.core.reasons import status_label
from sync.server.gate import FailureLimiter
from sync.server.recordstore import office_today
from sync.server.targets import Scope
from sync.server.users import user_for_password
from sync.server.web import charts, views
from sync.server.web.sessions import SESSION_HOURS, Signed, end_session, new_session, session_for

__all__ = ["LOGIN_FAILURES", "LOGIN_WINDOW", "PREFIX", "router"]

PREFIX = "/dashboard"
SESSION_COOKIE = "fa_session"
LOGIN_CSRF_COOKIE = "fa_login_csrf"
LANG_COOKIE = "fa_lang"
#: failed sign-ins an address may make within LOGIN_WINDOW seconds before it is answered 429
LOGIN_FAILURES = 10
LOGIN_WINDOW = 900.0
_MAX_FORM = 10_000
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("sync.server.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _limiter(request: Request) -> FailureLimiter:
    state = request.app.state
    if getattr(state, "login_limiter", None) is None:
        state.login_limiter = FailureLimiter(LOGIN_FAILURES, LOGIN_WINDOW)
    limiter: FailureLimiter = state.login_limiter
    return limiter


def _lang(request: Request) -> Lang:
    return as_lang(request.cookies.get(LANG_COOKIE))


def _secure(request: Request) -> bool:
    # https, directly or (with `serve --trust-proxy`) as the reverse proxy's X-Forwarded-Proto said: uvicorn sets it
    return request.url.scheme == "https"


def _render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    signed: Signed | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    lang = _lang(request)

    def _(msgid: str, **params: Any) -> str:
        return gettext(msgid, lang, **params)

    other = next(code for code in LANGUAGES if code != lang)
    page = (
        _templates()
        .get_template(template)
        .render(
            {
                "_": _,
                "lang": lang,
                "other_lang": other,
                "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                "prefix": PREFIX,
                "signed": signed,
                "status_label": lambda s: status_label(s, lang),
                "value_label": lambda f, v: value_label(f, v, lang),
                **context,
            }
        )
    )
    return HTMLResponse(page, status_code=status, headers={**_HEADERS, **(headers or {})})


async def _signed(request: Request) -> Signed | None:
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    return await run_in_threadpool(session_for, _engine(request), value)


def _to_login() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login", status_code=303, headers=_HEADERS)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > _MAX_FORM:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {name: values[0] for name, values in fields.items()}


def _csrf_ok(sent: str | None, expected: str | None) -> bool:
    return bool(sent) and bool(expected) and secrets.compare_digest(str(sent), str(expected))


def _refused(request: Request, signed: Signed | None = None) -> HTMLResponse:
    return _render(request, "refused.html", {}, status=403, signed=signed)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- sign-in and sign-out -----------------------------------------------------------------------------------------
@router.get("/login")
async def login_page(request: Request) -> Response:
    if await _signed(request) is not None:
        return RedirectResponse(f"{PREFIX}/", status_code=303, headers=_HEADERS)
    return _login_form(request)


def _login_form(request: Request, *, error: str = "", name: str = "", status: int = 200,
                headers: Mapping[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    token = secrets.token_urlsafe(32)
    response = _render(
        request, "login.html", {"csrf": token, "error": error, "name": name}, status=status, headers=headers
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, path=PREFIX, httponly=True, samesite="strict",
                        secure=_secure(request))  # fmt: skip
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    if not _csrf_ok(form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _refused(request)
    limiter, address = _limiter(request), _address(request)
    wait = limiter.retry_after(address)
    if wait is not None:
        lang = _lang(request)
        message = gettext("Too many failed sign-ins from this address; try again in {minutes} min.", lang,
                          minutes=max(1, -(-wait // 60)))  # fmt: skip
        return _login_form(request, error=message, status=429, headers={"Retry-After": str(wait)})
    name = form.get("name", "")
    user = await run_in_threadpool(user_for_password, _engine(request), name, form.get("password", ""))
    if user is None:
        limiter.failed(address)
        message = gettext(
            "Wrong user name or password, or this user may not sign in to the dashboard.", _lang(request)
        )
        return _login_form(request, error=message, name=name, status=401)
    value, _signed_in = await run_in_threadpool(new_session, _engine(request), user)
    response = RedirectResponse(f"{PREFIX}/", status_code=303, headers=_HEADERS)
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_HOURS * 3600, path=PREFIX, httponly=True,
                        samesite="lax", secure=_secure(request))  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    form = await _form(request)
    if not _csrf_ok(form.get("csrf"), signed.csrf):
        return _refused(request, signed)
    await run_in_threadpool(end_session, _engine(request), request.cookies.get(SESSION_COOKIE, ""))
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/lang/{code}")
async def set_language(request: Request, code: str, next: str = "") -> Response:
    """Switch the dashboard's language (a cookie; Vietnamese without one) and go back to *next*."""
    target = next if next.startswith(f"{PREFIX}/") and "//" not in next and "\\" not in next else f"{PREFIX}/"
    response = RedirectResponse(target, status_code=303, headers=_HEADERS)
    response.set_cookie(LANG_COOKIE, as_lang(code), max_age=365 * 86400, path=PREFIX, samesite="lax",
                        secure=_secure(request))  # fmt: skip
    return response


# --- pages ------------------------------------------------------------------------------------------------------------
@router.get("/")
async def overview_page(request: Request) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    figures = await run_in_threadpool(views.overview, _engine(request), office_today())
    lang = _lang(request)

    def scope_label(scope: Scope) -> str:
        if scope.ward is not None:
            return scope.ward
        if scope.user is not None:
            return figures.people.get(scope.user, scope.user)
        return gettext("The federation", lang)

    def chart(measure: str) -> list[charts.ProgressRow]:
        rows = []
        for t in figures.targets:
            target = t.target.new_unions if measure == "new_unions" else t.target.new_members
            if target is None or t.progress is None:
                continue
            reached = t.progress.recognized if measure == "new_unions" else t.progress.new_members
            rows.append((scope_label(t.target.scope), reached, target))
        return charts.progress_rows(rows)

    stages = [(s.value, value_label("step", s.value, lang), figures.this_month.cases_by_stage[s.value])
              for s in STEPS]  # fmt: skip
    context = {
        "o": figures,
        "statuses": STATUSES,
        "m": figures.this_month,
        "unions": chart("new_unions"),
        "members": chart("new_members"),
        "funnel": charts.funnel(stages),
        "chart": charts,
    }
    return _render(request, "overview.html", context, signed=signed)


@router.get("/enterprises")
async def enterprises_page(
    request: Request,
    q: str = "",
    ward: str = "",
    verdict: str = "",
    cadre: str = "",
    stage: str = "",
    page: int = 1,
) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    q, ward, cadre = q[:200], ward[:100], cadre[:100]
    verdict = verdict if verdict in STATUSES else ""
    stage = stage if stage in views.STAGES else ""
    result = await run_in_threadpool(
        lambda: views.enterprise_page(
            _engine(request),
            office_today(),
            query=q,
            ward=ward,
            status=verdict,
            cadre=cadre,
            stage=stage,
            page=max(1, min(page, 10**6)),
        )
    )

    def page_link(number: int) -> str:
        asked = {"q": q, "ward": ward, "verdict": verdict, "cadre": cadre, "stage": stage}
        params = {k: v for k, v in asked.items() if v}
        return f"{PREFIX}/enterprises?" + urlencode({**params, "page": number})

    context = {
        "r": result,
        "q": q,
        "ward": ward,
        "verdict": verdict,
        "cadre": cadre,
        "stage": stage,
        "statuses": STATUSES,
        "stages": views.STAGES,
        "stage_label": lambda s: _stage_label(s, _lang(request)),
        "stage_of": views.stage_of,
        "page_link": page_link,
    }
    return _render(request, "enterprises.html", context, signed=signed)


def _stage_label(stage: str, lang: Lang) -> str:
    if stage == "none":
        return gettext("No founding case", lang)
    if stage == "abandoned":
        return value_label("state", stage, lang)
    return value_label("step", stage, lang)


@router.get("/enterprises/{enterprise_id}")
async def enterprise_page(request: Request, enterprise_id: str) -> Response:
    signed = await _signed(request)
    if signed is None:
        return _to_login()
    detail = await run_in_threadpool(views.enterprise_detail, _engine(request), enterprise_id[:40].lower(),
                                     office_today())  # fmt: skip
    if detail is None:
        return _render(request, "missing.html", {}, status=404, signed=signed)
    return _render(request, "enterprise.html", {"d": detail}, signed=signed)
