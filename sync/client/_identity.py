"""Who this laptop's token is: ``GET /me`` (user name, full name, role, area).

The server's user name is the name every visit of this laptop carries, so the laptop takes it from the server
instead of asking the cadre to type a name that must match: ``fieldapp config set token`` and the Settings screen
ask once, and every sync asks again (a renamed or reassigned account is seen at once). When the name the laptop
had differs, the cadre's own pending visits, written under the old name, are moved to the server's name before
they are sent, so none is refused as another cadre's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sync.client._errors import SyncProtocolError
from sync.client._http import HttpSession

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["Identity", "adopt_name", "fetch_identity"]


@dataclass(frozen=True, slots=True)
class Identity:
    """The account behind the token, as the server says."""

    name: str
    full_name: str | None
    role: str
    #: the cadre's wards (empty for admins and viewers, who see the whole federation)
    wards: tuple[str, ...] = ()

    @property
    def shown_name(self) -> str:
        """What screens show: the full name when the office gave one."""
        return self.full_name or self.name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["wards"] = list(self.wards)
        return data


def fetch_identity(http: HttpSession) -> Identity | None:
    """Ask the server who the token is; None from a server that cannot say (one from before ``/me``: 404);
    SyncProtocolError when the answer does not say."""
    try:
        answer = http.get_json("/me", {})
    except SyncProtocolError as exc:
        if exc.status_code == 404:
            return None
        raise
    try:
        area = answer.get("area") or {}
        return Identity(
            name=str(answer["name"]),
            full_name=answer.get("full_name") or None,
            role=str(answer["role"]),
            wards=tuple(str(w) for w in area.get("wards", [])),
        )
    except (AttributeError, KeyError, TypeError):
        raise SyncProtocolError("bad_identity") from None


def adopt_name(store: Store, old: str | None, identity: Identity | None) -> int:
    """Move the pending visits written under *old* (the name the laptop had) to the server's name; how many."""
    if identity is None or not old or old == identity.name or identity.role != "cadre":
        return 0
    moved = [v.edit(cadre=identity.name) for v in store.pending_visits() if v.cadre == old]
    return store.save_visits(moved) if moved else 0
