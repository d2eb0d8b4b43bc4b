"""The push request body, read with pydantic-core's JSON parser: one pass from bytes to a validated PushRequest.

FastAPI would parse the body with the stdlib json module, then validate the resulting Python objects: twice the
work on the server's hottest path. Here a body that is valid goes through ``model_validate_json`` alone. A body
that is not (rare) is read again exactly as FastAPI reads a JSON body, so every answer to a bad request stays what
it always was: the same 422 naming the same fields, the same 400 for undecodable bytes, and a body that only the
stdlib accepts (a UTF-8 BOM, UTF-16) is still accepted.
"""

from __future__ import annotations

import email.message
import json
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import PushRequest

__all__ = ["PUSH_BODY_OPENAPI", "document_push_body", "parse_push_body"]


def parse_push_body(raw: bytes, content_type: str | None) -> PushRequest:
    """The validated push request in *raw*; raises RequestValidationError (422) or HTTPException (400)."""
    if raw and _is_json(content_type):
        try:
            return PushRequest.model_validate_json(raw)
        except ValidationError:
            pass  # answered below, in FastAPI's words
    return _parse_like_fastapi(raw, content_type)


def _is_json(content_type: str | None) -> bool:
    # FastAPI's test (strict content type): application/json or application/*+json, parameters allowed
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _parse_like_fastapi(raw: bytes, content_type: str | None) -> PushRequest:
    """FastAPI's own reading of a JSON body (stdlib json, then Python-mode validation), errors included."""
    if not raw:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    body: Any = raw
    if _is_json(content_type):
        try:
            body = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", exc.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": exc.msg},
                    }
                ]
            ) from None
        except ValueError:  # undecodable bytes (UnicodeDecodeError)
            raise StarletteHTTPException(400, "There was an error parsing the body") from None
    try:
        return PushRequest.model_validate(body, from_attributes=True)  # as FastAPI validates a body
    except ValidationError as exc:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def document_push_body(app: FastAPI) -> None:
    """Make *app*'s OpenAPI schema list PushRequest (and what it uses), which the push route's body refers to.

    The route reads its body itself (see parse_push_body), so FastAPI does not collect the model on its own.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_body_schemas())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _body_schemas() -> dict[str, Any]:
    # FastAPI's own rendering of the model (exactly what it printed when the route declared `body: PushRequest`)
    spec = FastAPI()

    @spec.post("/")
    def _documented(body: PushRequest) -> None:  # never served
        """Only here to be described."""

    schemas: dict[str, Any] = spec.openapi()["components"]["schemas"]
    return {name: value for name, value in schemas.items() if not name.endswith("ValidationError")}


#: the push route's ``openapi_extra``: its body, as FastAPI would document ``body: PushRequest``
PUSH_BODY_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
        "required": True,
    }
}
