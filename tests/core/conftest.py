"""Factories for records and rules shared by the core tests (fixed dates, so nothing depends on the clock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules, default_rules

#: "today" for every classification test
TODAY = date(2026, 6, 15)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def rules() -> Rules:
    return default_rules()


@pytest.fixture
def make_enterprise() -> Callable[..., Enterprise]:
    def make(**fields: Any) -> Enterprise:
        fields.setdefault("name", "Công ty TNHH May Đức Giang")
        return Enterprise.create(**fields)

    return make


@pytest.fixture
def make_visit() -> Callable[..., Visit]:
    """A valid visit of *enterprise*: 30 workers, none seasonal, neutral employer, visited a month before TODAY."""

    def make(enterprise: Enterprise, **fields: Any) -> Visit:
        fields.setdefault("visited_on", date(2026, 5, 15))
        fields.setdefault("cadre", "Nguyễn Thị Hoa")
        fields.setdefault("headcount", 30)
        fields.setdefault("attitude", "neutral")
        created = fields.pop("created_at", None)
        visit = Visit.create(enterprise_id=enterprise.id, today=TODAY, **fields)
        if created is not None:
            visit = visit.with_meta(created_at=created)
        return visit

    return make
