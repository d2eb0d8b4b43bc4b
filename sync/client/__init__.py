"""The laptop's sync client: push every pending record to the central server in batches, then pull its changes.

    client = SyncClient(store, settings)
    summary = client.run(progress=callback)     # callback(SyncProgress) from the calling thread
    client.cancel()                             # from another thread: the run stops with SyncCancelled (< 1 s)
    client.resolve("enterprise", id, "mine")    # settle a conflict listed by store.sync_issues(); a Resolution

Exceptions carry a code and its parameters; ``.message(lang)`` words them from the catalog, ``str(error)`` is the
English for logs; ``.summary`` is the work done so far. A refusal also has ``.status_code``, ``.server_code`` and
``.problems`` (the server's error code and field problems):

    SyncError
    ├── SyncConfigError        no server or no token configured; plain http:// to another machine, not allowed
    ├── SyncAuthError          401 (missing, wrong or revoked token) or 403 (not allowed)
    ├── SyncNetworkError       connection errors, timeouts, 429 or 5xx past the retry budget; bad TLS certificate
    │   └── SyncTooSlow        a request, or the whole sync, went past its deadline (a server trickling bytes)
    ├── SyncProtocolError      an answer the client cannot read, or an unexpected 4xx
    └── SyncCancelled          cancel() was called

Whatever stops a sync, nothing is lost: a record is marked synced only when the server's answer for it arrived, and
the pull cursor moves only after its page is applied. Running the sync again is always safe.

The modules behind this façade are private (``_client``, ``_push``, ``_pull``, ``_http``, ``_records``, ``_models``,
``_errors``); import from ``sync.client`` only.
"""

from sync.client._client import DEMO_KEY, LAST_SYNC_KEY, RESOLUTIONS, Resolution, SyncClient, who_am_i
from sync.client._discard import DISCARDABLE, Discard, discard, plan_discard
from sync.client._errors import (
    SyncAuthError,
    SyncCancelled,
    SyncConfigError,
    SyncError,
    SyncNetworkError,
    SyncProtocolError,
    SyncTooSlow,
)
from sync.client._http import RetryPolicy
from sync.client._identity import Identity, adopt_name
from sync.client._models import SyncProgress, SyncSummary
from sync.client._pull import CURSOR_KEY
from sync.client._records import get_record, record_label

__all__ = [
    "CURSOR_KEY",
    "DEMO_KEY",
    "Identity",
    "LAST_SYNC_KEY",
    "RESOLUTIONS",
    "Resolution",
    "RetryPolicy",
    "SyncAuthError",
    "SyncCancelled",
    "SyncClient",
    "SyncConfigError",
    "SyncError",
    "SyncNetworkError",
    "SyncProgress",
    "SyncProtocolError",
    "SyncSummary",
    "SyncTooSlow",
    "DISCARDABLE",
    "Discard",
    "adopt_name",
    "discard",
    "get_record",
    "plan_discard",
    "record_label",
    "who_am_i",
]
