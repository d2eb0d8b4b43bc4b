"""Record factories for the store tests (a module of its own so test files and child scripts can import it)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from fieldapp.core.records import Enterprise, Visit

_tax_codes = itertools.count(100_000_000)


def enterprise(**fields: Any) -> Enterprise:
    """A valid new enterprise with a fresh tax code unless told otherwise."""
    fields.setdefault("name", "Công ty TNHH Minh Anh")
    fields.setdefault("tax_code", f"0{next(_tax_codes)}")
    fields.setdefault("ward", "Phường Bồ Đề")
    fields.setdefault("address", "12 Nguyễn Văn Cừ")
    return Enterprise.create(**fields)


def visit(enterprise_id: str, **fields: Any) -> Visit:
    """A valid new visit of *enterprise_id*."""
    fields.setdefault("visited_on", date(2025, 3, 14))
    fields.setdefault("cadre", "Nguyễn Thị Hoa")
    fields.setdefault("headcount", 30)
    fields.setdefault("seasonal", 4)
    fields.setdefault("attitude", "neutral")
    fields.setdefault("note", "Chủ doanh nghiệp hẹn gặp lại")
    return Visit.create(enterprise_id=enterprise_id, **fields)
