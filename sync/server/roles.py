"""The roles a user of the server can have (a module of its own, so that ``fieldapp-server --help`` and the
``user add --role`` choice need no SQLAlchemy)."""

from __future__ import annotations

from typing import Literal

__all__ = ["ROLES", "Role"]

Role = Literal["cadre", "admin", "viewer"]
#: ``admin``: everything; ``cadre``: field work in their area; ``viewer``: reads everything, writes nothing
ROLES: tuple[Role, ...] = ("cadre", "admin", "viewer")
