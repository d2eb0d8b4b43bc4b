"""The federation's rules and the server's own verdicts: one classification for the office and every laptop.

The office sets the rules file once (``fieldapp-server rules set FILE``, checked by the same
``fieldapp.core.rules.parse_rules`` as the laptop's ``rules.toml``); every laptop receives it on sync
(``GET /api/v1/rules``) and classifies with it. ``classify`` runs the same core classification on the server's
records, so the office's verdicts are the laptops' verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.core.classify import Classification, classify_all, group_visits
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules, default_rules, parse_rules, with_federation
from fieldapp.core.wards import ward_key
from sync.server.areas import area_of
from sync.server.db import read_session, write_session
from sync.server.models import FederationSetting, Record

__all__ = ["FederationRules", "classify_records", "federation_rules", "set_rules"]

RULES_KEY = "rules"


@dataclass(frozen=True, slots=True)
class FederationRules:
    """The rules file's text as the office set it (empty: the package's defaults) and the rules in effect."""

    text: str
    rules: Rules
    updated_at: datetime | None = None
    updated_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "values": self.rules.values(),
            "federation": list(self.rules.federation),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "updated_by": self.updated_by,
        }


def federation_rules(session: Session) -> FederationRules:
    """The federation's rules (the package's defaults until the office sets some)."""
    row = session.get(FederationSetting, RULES_KEY)
    if row is None:
        return FederationRules("", default_rules())
    rules = with_federation(default_rules(), parse_rules(row.value))
    updated = row.updated_at.replace(tzinfo=UTC) if row.updated_at.tzinfo is None else row.updated_at
    return FederationRules(row.value, rules, updated, row.updated_by)


def set_rules(engine: Engine, text: str, *, by: str) -> FederationRules:
    """Check *text* as a rules file and make it the federation's. Raises RulesError naming each bad key."""
    parse_rules(text, "rules.toml")
    with write_session(engine) as session:
        row = session.get(FederationSetting, RULES_KEY)
        now = datetime.now(UTC)
        if row is None:
            session.add(FederationSetting(key=RULES_KEY, value=text, updated_at=now, updated_by=by))
        else:
            row.value, row.updated_at, row.updated_by = text, now, by
        session.flush()
        return federation_rules(session)


def classify_records(
    engine: Engine, today: date, *, wards: Sequence[str] = (), user: str | None = None
) -> list[Classification]:
    """The verdict on every live enterprise (of *wards*, or of *user*'s area), with the federation's rules."""
    with read_session(engine) as session:
        rules = federation_rules(session).rules
        contents = session.scalars(
            select(Record.content).where(Record.kind == "enterprise", Record.deleted.is_(False))
        ).all()
        enterprises = [Enterprise.model_validate(c) for c in contents]
        if wards:
            keys = {ward_key(w) for w in wards}
            enterprises = [e for e in enterprises if ward_key(e.ward) in keys]
        if user is not None:
            area = area_of(session, user)
            assigned = {e.id for e in area.enterprises}
            enterprises = [e for e in enterprises if ward_key(e.ward) in area.ward_keys or e.id in assigned]
        visits = [
            Visit.model_validate(c)
            for c in session.scalars(
                select(Record.content).where(Record.kind == "visit", Record.deleted.is_(False))
            )
        ]
    enterprises.sort(key=lambda e: (e.name, e.id))
    return list(classify_all(enterprises, group_visits(visits), rules, today).values())
