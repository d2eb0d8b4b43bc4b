"""HTTP with retries: exponential backoff with jitter on connection errors, timeouts, 429 and 5xx; never on 4xx.

Every call the client makes is safe to repeat (a pushed record is recognised by id and content hash, a pull page is
re-applied harmlessly), so retrying a request whose answer was lost is always correct.
"""

from __future__ import annotations

import email.utils
import gzip
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from sync.client._errors import SyncAuthError, SyncCancelled, SyncNetworkError, SyncProtocolError
from sync.protocol import API_PREFIX

__all__ = ["DEFAULT_TIMEOUT", "HttpSession", "RetryPolicy", "api_base"]

#: connect quickly or give up; a large push batch may take a while to store, hence the longer read timeout
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one request is retried: at most *attempts* tries and *total* seconds, waits doubling from *base*."""

    attempts: int = 8
    base: float = 0.5
    cap: float = 15.0
    total: float = 120.0

    def backoff(self, retry: int, rng: random.Random) -> float:
        """The wait before retry number *retry* (1-based): exponential, capped, with "equal jitter"."""
        ceiling = min(self.cap, self.base * (2 ** (retry - 1)))
        # half fixed, half random: spreads out clients that failed together without ever waiting ~0
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def api_base(server: str) -> str:
    """The API root for a configured server address (with or without the ``/api/v1`` suffix)."""
    base = server.strip().rstrip("/")
    if base.endswith(API_PREFIX):
        base = base[: -len(API_PREFIX)]
    return base + API_PREFIX


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_detail(response: httpx.Response) -> tuple[str, str, list[dict[str, Any]]]:
    """The (code, message, problems) of an error answer ``{"error": {"code", "message", "errors"}}``.

    Best effort: an answer of another shape gives the status code and the start of the text.
    """
    try:
        error = response.json().get("error") or {}
        problems = [e for e in error.get("errors") or [] if isinstance(e, dict)]
        return str(error.get("code") or response.status_code), str(error.get("message") or ""), problems
    except (ValueError, AttributeError):
        return str(response.status_code), response.text[:200], []


class HttpSession:
    """One httpx client for one server and token, sending JSON (gzip) and retrying what is worth retrying."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        verify: bool = True,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        cancelled: threading.Event | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] | None = None,
        user_agent: str = "fieldapp-sync",
    ):
        self.server = server
        self.retry = retry or RetryPolicy()
        self._cancelled = cancelled or threading.Event()
        self._rng = rng or random.Random()
        # waits between retries end early when the sync is cancelled
        self._sleep = sleep or self._cancelled.wait
        #: seconds taken by each request that got an answer (for benchmarks)
        self.latencies: list[float] = []
        self._client = httpx.Client(
            base_url=api_base(server),
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": user_agent,
                "Accept": "application/json",
            },
            verify=verify,
            transport=_Borrowed(transport) if transport is not None else None,
            timeout=timeout,
        )

    def close(self) -> None:
        self._client.close()

    def post_json(self, path: str, body: bytes) -> Any:
        """POST the JSON *body*, gzip-compressed; the decoded JSON answer."""
        body = gzip.compress(body, compresslevel=5)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return self._decode(self._send("POST", path, content=body, headers=headers))

    def get_json(self, path: str, params: dict[str, Any]) -> Any:
        """GET *path* with query *params*; the decoded JSON answer."""
        return self._decode(self._send("GET", path, params=params))

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise SyncProtocolError("not_json", status_code=response.status_code) from None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        policy = self.retry
        started = time.monotonic()
        cause = ""
        for attempt in range(1, policy.attempts + 1):
            self._check_cancelled()
            retry_after: float | None = None
            sent = time.monotonic()
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TransportError as exc:  # connect/read/write errors, timeouts, dropped connections
                if "CERTIFICATE_VERIFY_FAILED" in repr(exc.__context__) + str(exc):
                    raise _tls_error(self.server, exc) from exc  # retrying cannot fix a bad certificate
                cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            else:
                self.latencies.append(time.monotonic() - sent)
                if response.status_code < 400:
                    return response
                if response.status_code not in _RETRY_STATUS:
                    raise _refusal(response)
                cause = f"HTTP {response.status_code}"
                retry_after = _retry_after(response)
            if attempt == policy.attempts:
                break
            wait = policy.backoff(attempt, self._rng)
            if retry_after is not None:
                wait = max(wait, retry_after)  # honour the server's request to slow down
            if time.monotonic() - started + wait > policy.total:
                break
            self._sleep(wait)
        raise SyncNetworkError("unreachable", server=self.server, attempts=attempt, cause=cause)

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise SyncCancelled("cancelled")


class _Borrowed(httpx.BaseTransport):
    """A transport lent by the caller: used for one run, left open for the next (the caller closes it)."""

    def __init__(self, transport: httpx.BaseTransport):
        self._transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)

    def close(self) -> None:
        return None


def _tls_error(server: str, exc: Exception) -> SyncNetworkError:
    return SyncNetworkError("bad_certificate", server=server, reason=str(exc))


def _refusal(response: httpx.Response) -> SyncAuthError | SyncProtocolError:
    """The error for a 4xx answer, with the server's error code and field problems."""
    status = response.status_code
    code, message, problems = error_detail(response)
    if status == 401:
        return SyncAuthError("bad_token", status_code=status, server_code=code, problems=problems)
    if status == 403:
        return SyncAuthError(
            "forbidden", status_code=status, server_code=code, problems=problems, detail=message or code
        )
    return SyncProtocolError(
        "refused", status_code=status, server_code=code, problems=problems, detail=message
    )
