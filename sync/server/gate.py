"""ASGI middleware: authenticate every API request from its header, before anything reads its body.

Every request that would reach an endpoint under /api/v1 but ``/health`` needs ``Authorization: Bearer <token>``
(an unknown path or method goes on to its 404/405, which reads no body). The gate looks the token up
(every time: a revoked token stops at once in every process) and hands the user to the endpoint in
``scope["state"]["user"]`` (``deps.CurrentUser``). A request without a good token is answered 401 at once: its body
is never read, let alone inflated, so an anonymous client costs the server one indexed lookup.

Failures are limited per client address (``FailureLimiter``): after AUTH_FAILURES within AUTH_WINDOW seconds, the
address's next failures are answered 429 with ``Retry-After`` until the window has passed. A good token always
passes, even from a limited address: tokens are 256 random bits, so the limit is against flooding, not guessing, and
an office behind one address must not be locked out by one laptop with a revoked token. The address is the
connection's, or with ``serve --trust-proxy`` the one the reverse proxy puts in X-Forwarded-For (uvicorn's proxy
headers; never believed otherwise). Each worker process keeps its own count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from sync.protocol import API_PREFIX
from sync.server.errors import error_response
from sync.server.users import UserInfo, user_for_token

__all__ = ["AUTH_FAILURES", "AUTH_WINDOW", "AuthGate", "FailureLimiter", "OPEN_PATHS"]

#: failed authentications an address may make within AUTH_WINDOW seconds before it is answered 429
AUTH_FAILURES = 20
AUTH_WINDOW = 60.0
#: the API paths that need no token
OPEN_PATHS = frozenset({f"{API_PREFIX}/health"})
#: most addresses remembered at once (a flood from many addresses must not grow the table without end)
_MAX_ADDRESSES = 10_000
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class FailureLimiter:
    """Failed authentications per address in a sliding window; thread-safe."""

    def __init__(
        self,
        limit: int = AUTH_FAILURES,
        window: float = AUTH_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Seconds until *address* may fail again, or None when it is not limited."""
        with self._lock:
            recent = self._recent(address)
            if recent is None or len(recent) < self.limit:
                return None
            return max(1, math.ceil(recent[0] + self.window - self.clock()))

    def failed(self, address: str) -> None:
        """Count one failure of *address*."""
        with self._lock:
            recent = self._recent(address)
            if recent is None:
                if len(self._failures) >= _MAX_ADDRESSES:
                    self._forget_old()
                recent = self._failures[address] = deque(maxlen=self.limit)
            recent.append(self.clock())

    def _recent(self, address: str) -> deque[float] | None:
        recent = self._failures.get(address)
        if recent is None:
            return None
        horizon = self.clock() - self.window
        while recent and recent[0] <= horizon:
            recent.popleft()
        if not recent:
            del self._failures[address]
            return None
        return recent

    def _forget_old(self) -> None:
        horizon = self.clock() - self.window
        for address in [a for a, times in self._failures.items() if not times or times[-1] <= horizon]:
            del self._failures[address]
        while len(self._failures) >= _MAX_ADDRESSES:  # all recent: forget the longest-known address
            del self._failures[next(iter(self._failures))]


def _reaches_an_endpoint(scope: Scope) -> bool:
    """Whether one of the app's routes takes this path and method (the app is in the scope, as Starlette puts it)."""
    app = scope.get("app")
    routes = getattr(getattr(app, "router", None), "routes", None)
    if routes is None:
        return True  # no router to ask: guard everything
    return any(route.matches(scope)[0] is Match.FULL for route in routes)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


class AuthGate:
    """Authenticate API requests from the header before the rest of the app (and the body reader) runs."""

    def __init__(self, app: ASGIApp, engine: Engine, limiter: FailureLimiter | None = None) -> None:
        self.app, self.engine = app, engine
        self.limiter = limiter or FailureLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(f"{API_PREFIX}/")
            or path in OPEN_PATHS
            or not _reaches_an_endpoint(scope)
        ):
            await self.app(scope, receive, send)
            return
        token = _bearer(scope)
        user: UserInfo | None = None
        if token is not None:
            try:
                user = await run_in_threadpool(user_for_token, self.engine, token)
            except SQLAlchemyError:
                response = error_response(
                    503, "database_unavailable", "the database does not answer", headers={"Retry-After": "5"}
                )
                await response(scope, receive, send)
                return
        if user is not None:
            scope.setdefault("state", {})["user"] = user
            await self.app(scope, receive, send)
            return
        address = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.retry_after(address)
        if wait is not None:
            response = error_response(
                429,
                "too_many_failures",
                f"too many failed logins from this address; try again in {wait} s with a valid token",
                headers={"Retry-After": str(wait)},
            )
        else:
            self.limiter.failed(address)
            message = "missing bearer token: send `Authorization: Bearer <token>`"
            if token is not None:
                message = "unknown or revoked token"
            response = error_response(401, "unauthorized", message, headers=_CHALLENGE)
        await response(scope, receive, send)
