"""The values the server's command line offers as choices, in a module of their own so that ``fieldapp-server
--help`` and its option types need no SQLAlchemy: the users' roles and the years a target may be set for."""

from __future__ import annotations

from typing import Literal

__all__ = ["MAX_YEAR", "MIN_YEAR", "ROLES", "Role"]

Role = Literal["cadre", "admin", "viewer"]
#: ``admin``: everything; ``cadre``: field work in their area; ``viewer``: reads everything, writes nothing
ROLES: tuple[Role, ...] = ("cadre", "admin", "viewer")
#: the years a target may be set for
MIN_YEAR, MAX_YEAR = 2000, 2100
