"""ASGI middleware: bound request bodies and undo ``Content-Encoding: gzip`` before FastAPI parses them.

The bound applies to the bytes received AND to the decompressed bytes, so a small gzip bomb is refused (413)
after at most MAX_BODY_BYTES of output, never inflated into memory.
"""

from __future__ import annotations

import zlib
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.errors import error_response

__all__ = ["BodyLimitMiddleware"]


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BodyLimitMiddleware:
    """Read the whole body (bounded), gunzip it (bounded), and hand the app a plain body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body = await self._read(headers, receive)
            encoding = headers.get("content-encoding", "identity").strip().lower()
            if encoding == "gzip":
                body = self._gunzip(body)
            elif encoding not in ("", "identity"):
                raise _Refused(
                    415, "unsupported_encoding", f"Content-Encoding {encoding!r} is not supported; use gzip"
                )
        except _Refused as exc:
            await error_response(exc.status, exc.code, exc.message)(scope, receive, send)
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
            raise _Refused(
                413, "payload_too_large", f"request body over {self.max_bytes} bytes; send smaller batches"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.disconnect":
                raise _Refused(400, "bad_request", "client disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _Refused(
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
                raise _Refused(
                    413,
                    "payload_too_large",
                    f"request body over {self.max_bytes} bytes once decompressed; send smaller batches",
                )
            out += inflater.flush()
        except zlib.error as exc:
            raise _Refused(400, "bad_gzip", f"the body is not valid gzip: {exc}") from None
        if not inflater.eof or len(out) > self.max_bytes:
            raise _Refused(400, "bad_gzip", "the gzip body is truncated or too large")
        return out
