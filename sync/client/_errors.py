"""The sync client's exceptions: each carries a code and its parameters; ``message(lang)`` words it from the catalog.

SyncError                  anything that stopped a sync or resolve(); ``.summary`` (the work done so far)
├── SyncConfigError        no server or no token configured; a plain-http server not allowed
├── SyncAuthError          the server refused the token (401) or the action (403)
├── SyncNetworkError       the server could not be reached; gave up after the retries
│   └── SyncTooSlow        a request or the whole sync went past its deadline
├── SyncProtocolError      the server answered something the client cannot read, or an unexpected 4xx
└── SyncCancelled          SyncClient.cancel() was called while the sync ran

``str(error)`` is the English message (for logs and ``SyncSummary.errors``). A refusal by the server also carries
the server's own error code (``server_code``), its field problems (``problems``) and the HTTP ``status_code``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from fieldapp.core.i18n import N_, NC_, CodedError, Message

if TYPE_CHECKING:
    from sync.client._models import SyncSummary

__all__ = [
    "SyncAuthError",
    "SyncCancelled",
    "SyncConfigError",
    "SyncError",
    "SyncNetworkError",
    "SyncProtocolError",
    "SyncTooSlow",
]


class SyncError(CodedError):
    """A sync, or the settling of a sync issue, could not finish. Records not yet acknowledged stay pending;
    running the sync again is safe."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "already_running": N_("A sync is already running."),
        # resolve(): the record was edited between reading it and writing the choice; {kind} and {id} name it
        "changed_meanwhile": N_(
            "This record was changed on this laptop while its sync issue was being settled; nothing was "
            "overwritten. Look at it again, then choose once more."
        ),
    }

    def __init__(
        self,
        code: str,
        /,
        *,
        problems: Iterable[Mapping[str, Any]] = (),
        **params: Any,
    ) -> None:
        super().__init__(code, **params)
        #: what the sync had done before it stopped (set by SyncClient.run; None when it never started)
        self.summary: SyncSummary | None = None
        #: for refusals: the server's field problems (``{"field", "code", "vi", "en"}`` dicts)
        self.problems: list[dict[str, Any]] = [dict(problem) for problem in problems]

    @property
    def server_code(self) -> str:
        """For refusals: the server's error code (``""`` for anything else)."""
        return str(self.params.get("server_code", ""))


class SyncConfigError(SyncError):
    """No server address or no token in the settings."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        # {missing}: "server", "token" or "server and token" (see missing())
        "not_configured": N_(
            "No {missing} configured. Enter it in Settings (F4) in the app, or run "
            "`fieldapp config set server URL` and `fieldapp config set token TOKEN` "
            "(the token comes from the office)."
        ),
        "demo_folder": N_(
            "This data folder holds demo data (made by `fieldapp demo`): nothing from it is ever sent to a "
            "server. For real work use another data folder (--data-dir, or FIELDAPP_DATA_DIR)."
        ),
        "insecure_server": N_(
            "The server address {server} is plain http:// to another machine: the access token would travel "
            "unencrypted. Nothing was sent. Use an https:// address or, only on a network you trust, run "
            "`fieldapp sync --insecure` or `fieldapp config set server {server} --insecure`."
        ),
    }

    @classmethod
    def missing(cls, *, server: bool, token: bool) -> SyncConfigError:
        """``not_configured``, naming what is missing: the server, the token or both."""
        return cls("not_configured", missing=Message(_MISSING[server, token], context=_MISSING_CONTEXT))


_MISSING_CONTEXT = "missing setting"
_MISSING = {
    (True, False): NC_("missing setting", "server"),
    (False, True): NC_("missing setting", "token"),
    (True, True): NC_("missing setting", "server and token"),
}


class _Refusal(SyncError):
    """An answer of the server with an HTTP status: its ``status_code`` is a parameter of the message too."""

    @property
    def status_code(self) -> int | None:
        """The HTTP status of the server's answer (None when there was none to blame)."""
        status = self.params.get("status_code")
        return int(status) if status is not None else None


class SyncAuthError(_Refusal):
    """The server answered 401 (no, wrong or revoked token) or 403 (not allowed)."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "bad_token": N_(
            "The server did not accept the token (401): it is missing, wrong or revoked. "
            "Ask the office for a new one, then enter it in Settings (F4) in the app, "
            "or run `fieldapp config set token TOKEN`."
        ),
        # {detail}: the server's explanation (in English), or its error code
        "forbidden": N_("This account is not allowed to do that (403): {detail}"),
    }

    def __init__(self, code: str, /, *, status_code: int, **params: Any) -> None:
        super().__init__(code, status_code=status_code, **params)


class SyncNetworkError(SyncError):
    """Connection errors, timeouts, 429 or 5xx answers went on past the retry budget."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        # {cause}: the last failure, as the network library names it (English)
        "unreachable": N_(
            "Could not reach the server {server} after {attempts} attempts ({cause}). "
            "Unsent records are kept on this laptop; sync again later."
        ),
        "bad_certificate": N_(
            "The TLS certificate of {server} is not valid ({reason}). Ask the office; turn verification off "
            "(`fieldapp config set verify_tls false`) only on a network you trust."
        ),
    }


class SyncTooSlow(SyncNetworkError):
    """A request (its whole answer included) or the whole sync took longer than its deadline
    (``request_deadline``, ``sync_deadline`` in the settings); the connection was dropped."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        # {seconds}: the deadline that passed
        "request_deadline": N_(
            "The server {server} is too slow: it did not answer one request within {seconds} seconds. Records "
            "without an answer stay pending on this laptop; sync again later or on a better connection."
        ),
        "sync_deadline": N_(
            "The server {server} is too slow: the sync did not finish within {seconds} seconds and was stopped. "
            "Records without an answer stay pending on this laptop; sync again later or on a better connection."
        ),
    }


class SyncProtocolError(_Refusal):
    """The server's answer could not be understood, or it refused the request with an unexpected 4xx."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "not_json": N_("The server's answer is not JSON."),
        # {detail}: the server's explanation (in English)
        "refused": N_("The server refused the request ({status_code} {server_code}): {detail}"),
        "bad_push_answer": N_("The server's answer to a push does not follow the protocol: {errors} errors."),
        "bad_change_feed": N_("The server's change feed does not follow the protocol: {errors} errors."),
        "bad_identity": N_("The server did not say who this token belongs to."),
        "bad_rules": N_(
            "The federation's rules from the server cannot be read; this laptop keeps classifying with the rules "
            "it had. Tell the office."
        ),
    }


class SyncCancelled(SyncError):
    """The sync was cancelled (the app is closing, or the user pressed stop)."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "cancelled": N_("Sync cancelled."),
    }
