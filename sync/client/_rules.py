"""The federation's rules, received on every sync and kept in the data folder for classification.

``GET /rules`` answers the text of the rules file the office set on the server (empty: the package's defaults).
It is checked with the laptop's own rules check and written atomically to ``federation-rules.toml`` beside the
store, which ``fieldapp.core.rules.load_rules`` reads under the laptop's own ``rules.toml``. A text that does not
pass the check is refused as a protocol error and the file kept as it was: a laptop never classifies with rules
it cannot read.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from fieldapp.core.rules import FEDERATION_RULES_FILE, RulesError, parse_rules
from fieldapp.files import write_atomic
from sync.client._errors import SyncProtocolError
from sync.client._http import HttpSession

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["receive_rules"]

_MAX_RULES_TEXT = 64 * 1024


def receive_rules(store: Store, http: HttpSession) -> bool:
    """Fetch the federation's rules and keep them beside *store*; True when they changed."""
    answer = http.get_json("/rules", {})
    text = answer.get("text") if isinstance(answer, dict) else None
    if not isinstance(text, str) or len(text) > _MAX_RULES_TEXT:
        raise SyncProtocolError("bad_rules")
    try:
        parse_rules(text, FEDERATION_RULES_FILE)
    except RulesError:
        raise SyncProtocolError("bad_rules") from None
    path = store.folder / FEDERATION_RULES_FILE
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old == text:
        return False
    if text.strip():
        write_atomic(path, text.encode("utf-8"))
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return True
