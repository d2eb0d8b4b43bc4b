"""ASGI middleware: the one place request bodies are read. Bound them, undo ``Content-Encoding: gzip``, and
refuse JSON nested too deep, before FastAPI parses anything.

It runs behind the gate (``sync/server/gate.py``): only an authenticated request's body is ever read.

- The bound applies to the bytes received AND to the decompressed bytes, so a small gzip bomb is refused (413)
  after at most MAX_BODY_BYTES of output, never inflated into memory.
- At most MAX_INFLATING bodies are inflated at once per process (in a worker thread, off the event loop); beyond
  that the answer is 503 with Retry-After, which the laptop honours.
- A body nested more than MAX_JSON_DEPTH levels is refused (422 ``too_deep``) by a scan of its brackets, before a
  recursive parser or validator could meet it: no record is nested more than a few levels.
"""

from __future__ import annotations

import re
import threading
import zlib
from typing import Any

from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.errors import ApiError, error_response, server_problem

__all__ = ["MAX_INFLATING", "MAX_JSON_DEPTH", "BodyLimitMiddleware", "nested_deeper_than"]

#: gzip bodies inflated at once per process
MAX_INFLATING = 4
#: the deepest JSON nesting read: a push is 3 levels down to a record's fields, and their values are flat
MAX_JSON_DEPTH = 64

# a JSON string (escapes included), whose brackets are text, not structure
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON in *body* nests arrays and objects more than *limit* deep (malformed JSON is left to the
    parser unless it is already too deep, as an unclosed ``[[[[…`` is)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
            if depth < 0:
                return False  # a closer with no opener: malformed, which the parser says
    return False


class BodyLimitMiddleware:
    """Read the whole body (bounded), gunzip it (bounded), check its depth, and hand the app a plain body."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_inflating: int = MAX_INFLATING) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # a threading semaphore: the app may serve from more than one event loop (test clients), never waits
        self._inflating = threading.BoundedSemaphore(max_inflating)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body = await self._read(headers, receive)
            encoding = headers.get("content-encoding", "identity").strip().lower()
            if encoding == "gzip":
                if not self._inflating.acquire(blocking=False):
                    raise ApiError(
                        503,
                        "busy",
                        "the server is unpacking other requests; send this one again in a moment",
                        headers={"Retry-After": "1"},
                    )
                try:
                    body = await run_in_threadpool(self._gunzip, body)
                finally:
                    self._inflating.release()
            elif encoding not in ("", "identity"):
                raise ApiError(
                    415, "unsupported_encoding", f"Content-Encoding {encoding!r} is not supported; use gzip"
                )
            too_deep: bool = await run_in_threadpool(nested_deeper_than, body, MAX_JSON_DEPTH)
            if too_deep:
                raise ApiError(
                    422,
                    "too_deep",
                    f"the body is nested more than {MAX_JSON_DEPTH} levels deep; nothing was read",
                    [server_problem("body", "too_deep", limit=MAX_JSON_DEPTH)],
                )
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, exc.errors, exc.headers)
            await response(scope, receive, send)
            return
        new_headers = [
            (k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        scope = dict(scope, headers=new_headers)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, headers: dict[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ApiError(
                413, "payload_too_large", f"request body over {self.max_bytes} bytes; send smaller batches"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.disconnect":
                raise ApiError(400, "bad_request", "client disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise ApiError(
                    413,
                    "payload_too_large",
                    f"request body over {self.max_bytes} bytes; send smaller batches",
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _gunzip(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(data, self.max_bytes + 1)
            if len(out) > self.max_bytes or inflater.unconsumed_tail:
                raise ApiError(
                    413,
                    "payload_too_large",
                    f"request body over {self.max_bytes} bytes once decompressed; send smaller batches",
                )
            out += inflater.flush()
        except zlib.error as exc:
            raise ApiError(400, "bad_gzip", f"the body is not valid gzip: {exc}") from None
        if not inflater.eof or len(out) > self.max_bytes:
            raise ApiError(400, "bad_gzip", "the gzip body is truncated or too large")
        return out
