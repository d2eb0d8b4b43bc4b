"""API errors: every error response is a protocol.ErrorBody with a stable ``code`` and a message.

Server-only field problems (forged cadre, deleted record, ...) are spelled here, in both languages, so the shared
message table in fieldapp.core.errors stays the laptop's.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldapp.core.errors import Problem
from sync.protocol import MAX_PUSH_ITEMS, ErrorBody, ErrorDetail, FieldProblem

__all__ = ["ApiError", "error_response", "install_error_handlers", "problem", "server_problem"]

log = logging.getLogger("sync.server")

# code -> (Vietnamese, English); templates may use {value}
SERVER_MESSAGES: dict[str, tuple[str, str]] = {
    "forged_cadre": (
        "chỉ được gửi lần thăm của chính mình ({value}); lần thăm này ghi cán bộ khác",
        "you may only send your own visits ({value}); this visit names another cadre",
    ),
    "not_your_visit": (
        "lần thăm này thuộc cán bộ khác; không được sửa",
        "this visit belongs to another cadre; you may not change it",
    ),
    "cadre_changed": (
        "không được đổi cán bộ của lần thăm đã có (đang là {value})",
        "the cadre of an existing visit cannot change (it is {value})",
    ),
    "record_deleted": ("bản ghi này đã bị xoá trên máy chủ", "this record was deleted on the server"),
    "unknown_base_version": (
        "máy chủ không có phiên bản {value} của bản ghi này",
        "the server has no version {value} of this record",
    ),
    "id_mismatch": (
        "mã trong bản ghi ({value}) khác với mã của mục",
        "the record's id ({value}) differs from the item's id",
    ),
}

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


def server_problem(field: str, code: str, value: Any = "") -> FieldProblem:
    """A FieldProblem for one of SERVER_MESSAGES."""
    vi, en = SERVER_MESSAGES[code]
    return FieldProblem(field=field, code=code, vi=vi.format(value=value), en=en.format(value=value))


def problem(p: Problem, prefix: str = "") -> FieldProblem:
    """A FieldProblem from a fieldapp.core Problem, its field optionally prefixed (``items.3.record.``)."""
    data = p.as_dict()
    data["field"] = prefix + data["field"]
    return FieldProblem(**data)


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


def _validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        msg = str(err.get("msg", "invalid"))
        problems.append(
            FieldProblem(field=field, code=str(err.get("type", "invalid")), vi=f"không hợp lệ: {msg}", en=msg)
        )
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
        problems = _validation_problems(exc)
        if any(p.field == "items" and p.code == "too_long" for p in problems):
            # the protocol promises 413 for a batch over MAX_PUSH_ITEMS, so the client knows to split it
            return error_response(
                413,
                "too_many_items",
                f"more than {MAX_PUSH_ITEMS} items in one push; send smaller batches",
                problems,
            )
        first = problems[0] if problems else None
        message = f"invalid request: {first.field}: {first.en}" if first else "invalid request"
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more)"
        return error_response(422, "invalid_request", message, problems)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal server error; the server log has the details")
