"""API errors: every error response is a protocol.ErrorBody with a stable ``code`` and a message.

Field problems, the server's own (forged cadre, deleted record, ...) as much as the laptop's validation codes, are
``fieldapp.core.errors.Problem``s worded by the one catalog; ``problem`` puts one on the wire. What only the server
can say about a request (a record its database will not store, a body nested too deep) is worded here
(``server_problem``), in the same catalog.

``CrashGuard`` answers any unexpected exception with a 500 and logs its class and where it happened, never its
message: a database's message quotes the values it refused, and the server log must never hold record content.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.core.errors import Problem
from fieldapp.core.i18n import N_, gettext
from sync.protocol import MAX_PUSH_ITEMS, ErrorBody, ErrorDetail, FieldProblem

__all__ = [
    "SERVER_MESSAGES",
    "ApiError",
    "CrashGuard",
    "error_response",
    "install_error_handlers",
    "problem",
    "server_problem",
]

log = logging.getLogger("sync.server")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}


#: what only the server says about an item or a body: code -> English template (the catalog has its Vietnamese)
SERVER_MESSAGES: dict[str, str] = {
    "unstorable": N_(
        "the server's database could not store this record ({value}); nothing of it was stored: check its "
        "values and send it again, or tell the office"
    ),
    "too_deep": N_(
        "the request is nested more than {limit} levels deep; no record has values nested like this, so "
        "nothing was read"
    ),
}


def server_problem(field: str, code: str, **params: Any) -> FieldProblem:
    """A problem only the server finds, worded in both languages from SERVER_MESSAGES."""
    template = SERVER_MESSAGES[code]
    return FieldProblem(
        field=field, code=code, vi=gettext(template, "vi", **params), en=gettext(template, "en", **params)
    )


def problem(p: Problem, prefix: str = "", *, code: str | None = None) -> FieldProblem:
    """*p* on the wire, worded in both languages by the catalog; its field optionally prefixed (``items.3.``).

    *code*: the wire code when it is not the wording's (a request error keeps pydantic's error type).
    """
    return FieldProblem(field=prefix + p.field, code=code or p.code, vi=p.message("vi"), en=p.message("en"))


class ApiError(Exception):
    """Raise to answer with an ErrorBody: ``ApiError(403, "forged_cadre", "message", errors)``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or []
        self.headers = headers


def error_response(
    status: int,
    code: str,
    message: str,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, errors=errors or []))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _validation_problems(errors: list[dict[str, Any]]) -> list[FieldProblem]:
    problems = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "header")]
        # pydantic's message, worded "is not valid: ..." by the catalog; its error type stays the wire code
        worded = Problem(".".join(loc) or "body", "invalid", {"value": str(err.get("msg", "invalid"))})
        problems.append(problem(worded, code=str(err.get("type", "invalid"))))
    return problems


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error, expected or not, with an ErrorBody."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.errors, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        problems = _validation_problems(errors)
        if any(p.field == "items" and p.code == "too_long" for p in problems):
            # the protocol promises 413 for a batch over MAX_PUSH_ITEMS, so the client knows to split it
            return error_response(
                413,
                "too_many_items",
                f"more than {MAX_PUSH_ITEMS} items in one push; send smaller batches",
                problems,
            )
        message = "invalid request"
        if problems:
            message += f": {problems[0].field}: {errors[0].get('msg', 'invalid')}"
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more)"
        return error_response(422, "invalid_request", message, problems)


class CrashGuard:
    """ASGI middleware: an unexpected exception becomes a 500 ErrorBody, logged without its message.

    It sits inside Starlette's ServerErrorMiddleware and swallows the exception, so neither Starlette nor uvicorn
    print it ("Exception in ASGI application" with the message and its chained causes).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            # the class and the frames, never str(exc): a DataError's message quotes the value it refused
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "unhandled %s on %s %s\n%s",
                type(exc).__name__,
                scope.get("method", ""),
                scope.get("path", ""),
                frames.rstrip(),
            )
            if not started:
                response = error_response(
                    500, "internal_error", "internal server error; the server log has the details"
                )
                await response(scope, receive, send)
