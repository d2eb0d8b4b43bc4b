"""HTTP with retries: exponential backoff with jitter on connection errors, timeouts, 429 and 5xx; never on 4xx.

Every call the client makes is safe to repeat (a pushed record is recognised by id and content hash, a pull page is
re-applied harmlessly), so retrying a request whose answer was lost is always correct.

Deadlines: httpx's timeouts bound each read, so a server trickling one byte every few seconds keeps a request alive
for ever. Each request therefore runs on its own short-lived thread while the caller watches a monotonic clock and
the cancel event: past the request's deadline (``request_deadline``), the sync's (``sync_deadline``), or on
cancel(), the caller stops waiting at once (within ``_POLL`` seconds), closes the session's connections (the
abandoned request fails at its next read; its timeouts, clamped to the deadline, bound it anyway) and raises. The
abandoned request's answer is never used, so nothing is marked from it.
"""

from __future__ import annotations

import email.utils
import gzip
import math
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx
import orjson

from sync.client._errors import (
    SyncAuthError,
    SyncCancelled,
    SyncError,
    SyncNetworkError,
    SyncProtocolError,
    SyncTooSlow,
)
from sync.protocol import API_PREFIX

__all__ = ["DEFAULT_TIMEOUT", "HttpSession", "RetryPolicy", "api_base"]

#: connect quickly or give up; a large push batch may take a while to store, hence the longer read timeout
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: how often a caller waiting for an answer looks at the cancel event and the clock (cancel stops within this)
_POLL = 0.05
#: a request's own timeouts end this long after its deadline, so the watching caller is always the one to stop it
_GRACE = 1.0


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


def tls_setting(server: str, verify: bool) -> ssl.SSLContext | bool:
    """What the httpx client is given as ``verify`` for *server*.

    An https:// server: *verify* itself (True: the CA bundle checks its certificate). A plain http:// server never
    starts TLS, since the client follows no redirect; loading the CA bundle for it would cost every sync about 65 ms
    for nothing. It gets a context that trusts no certificate at all instead, so that TLS, were it ever attempted
    through this client, would fail rather than go unchecked.
    """
    if urlsplit(server.strip()).scheme.lower() == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checked, certificate required, no CA loaded
    return verify


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
        request_deadline: float | None = None,
        sync_deadline: float | None = None,
    ):
        self.server = server
        self.retry = retry or RetryPolicy()
        self._timeout = timeout
        #: seconds one request may take, its whole answer included (None: no limit)
        self.request_deadline = request_deadline
        #: seconds the whole session (one sync) may take, and when (monotonic) it ends
        self.sync_deadline = sync_deadline
        self._sync_ends = time.monotonic() + sync_deadline if sync_deadline is not None else math.inf
        # what stopped the session (cancel or a deadline): every request of it, on any thread, stops with it
        self._lock = threading.Lock()
        self._stopped: SyncError | None = None
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
            verify=tls_setting(server, verify),
            transport=_Borrowed(transport) if transport is not None else None,
            timeout=timeout,
        )

    def close(self) -> None:
        self._client.close()

    def _stop(self, error: SyncError) -> NoReturn:
        """End the session with *error*: drop every connection (a request blocked reading fails at its next read
        instead of reading on; its answer is never used) and raise."""
        with self._lock:
            if self._stopped is None:
                self._stopped = error
        self._client.close()
        raise error

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
            self._check_stopped()
            retry_after: float | None = None
            sent = time.monotonic()
            try:
                response = self._request(method, path, kwargs)
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
            now = time.monotonic()
            if now - started + wait > policy.total or now + wait > self._sync_ends:
                break
            self._sleep(wait)
        raise SyncNetworkError("unreachable", server=self.server, attempts=attempt, cause=cause)

    def _request(self, method: str, path: str, kwargs: dict[str, Any]) -> httpx.Response:
        """One request on its own thread, watched: raises SyncCancelled on cancel() and SyncTooSlow past the
        request's or the sync's deadline, at once, whatever the request is blocked in."""
        now = time.monotonic()
        request_ends = now + self.request_deadline if self.request_deadline is not None else math.inf
        ends = min(request_ends, self._sync_ends)
        too_slow = (
            SyncTooSlow("request_deadline", server=self.server, seconds=_seconds(self.request_deadline))
            if request_ends < self._sync_ends
            else SyncTooSlow("sync_deadline", server=self.server, seconds=_seconds(self.sync_deadline))
        )
        timeout = _clamped(self._timeout, ends - now + _GRACE)
        outcome: list[httpx.Response | BaseException] = []
        done = threading.Event()

        def call() -> None:
            try:
                outcome.append(self._client.request(method, path, timeout=timeout, **kwargs))
            except BaseException as exc:  # handed to the caller (who may have stopped waiting)
                outcome.append(exc)
            finally:
                done.set()

        # a daemon: a request abandoned on cancel must not keep the process alive until its timeouts end
        threading.Thread(target=call, name="fieldapp-sync-request", daemon=True).start()
        while not done.wait(_POLL):
            if self._cancelled.is_set():
                self._stop(SyncCancelled("cancelled"))
            if time.monotonic() >= ends:
                self._stop(too_slow)
        result = outcome[0]
        if isinstance(result, httpx.Response):
            return result
        self._check_stopped()  # another request stopped the session and closed this one's connection
        if isinstance(result, httpx.TimeoutException) and time.monotonic() >= ends:
            self._stop(too_slow)  # its clamped timeout beat the watcher to it: the same deadline
        raise result

    def _check_stopped(self) -> None:
        """Raise if the session was stopped (by another request), cancelled, or is past the sync's deadline."""
        stopped = self._stopped
        if stopped is not None:  # a fresh exception per thread, naming the same thing
            raise type(stopped)(stopped.code, **stopped.params)
        if self._cancelled.is_set():
            self._stop(SyncCancelled("cancelled"))
        if time.monotonic() >= self._sync_ends:
            self._stop(SyncTooSlow("sync_deadline", server=self.server, seconds=_seconds(self.sync_deadline)))


def _seconds(value: float | None) -> str:
    return f"{value:g}" if value is not None else "?"


def _clamped(timeout: httpx.Timeout, seconds: float) -> httpx.Timeout:
    """*timeout* with no phase longer than *seconds*."""

    def cap(value: float | None) -> float | None:
        bound = min(value if value is not None else math.inf, seconds)
        return None if math.isinf(bound) else max(0.01, bound)  # None: no timeout (httpx's spelling)

    return httpx.Timeout(
        connect=cap(timeout.connect), read=cap(timeout.read), write=cap(timeout.write), pool=cap(timeout.pool)
    )


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
