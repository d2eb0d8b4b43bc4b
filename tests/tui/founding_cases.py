"""Founding cases on the fixed store of the TUI tests (added by the tests that need them, so the shared seed and the
other snapshots stay as they are)."""

from __future__ import annotations

from datetime import date

from fieldapp.core.founding import FoundingCase, record_step, start_case
from fieldapp.core.rules import default_rules
from fieldapp.store import Store

from .conftest import HOANG_MAI, QUYNH_LUU, SAI_DONG, TODAY

__all__ = ["add_cases"]


def _case(enterprise_id: str, committee_on: date, steps: list[tuple[str, dict[str, object]]]) -> FoundingCase:
    rules = default_rules()
    case = start_case(
        enterprise_id, committee_on, committee_members=3, committee_head="Trần Thị Mai", today=TODAY
    )
    for step, fields in steps:
        case = record_step(case, step, rules, today=TODAY, **fields)
    return case


def add_cases(store: Store) -> dict[str, FoundingCase]:
    """Three open cases, by enterprise id, as of TODAY (Monday 23/11/2026, with 24/11 a holiday):

    - Quỳnh Lưu: congress on 12/10, so the BCH meeting (due 26/10) and the dossier (due 2/11) are overdue;
    - Sài Đồng: congress on 10/11, so the BCH meeting is due soon (25/11), the dossier later (2/12);
    - Hoàng Mai: 3 applications on 16/11, the congress next (it needs 5).
    """
    cases = {
        QUYNH_LUU: _case(
            QUYNH_LUU,
            date(2026, 9, 1),
            [
                ("applications", {"applications_on": "2026-09-20", "applications": 8}),
                (
                    "congress",
                    {
                        "congress_on": "2026-10-12",
                        "congress_attending": 7,
                        "bch_size": 3,
                        "inspection_size": 1,
                    },
                ),
            ],
        ),  # fmt: skip
        SAI_DONG: _case(
            SAI_DONG,
            date(2026, 10, 1),
            [
                ("applications", {"applications_on": "2026-10-20", "applications": 6}),
                (
                    "congress",
                    {
                        "congress_on": "2026-11-10",
                        "congress_attending": 6,
                        "bch_size": 3,
                        "inspection_size": 1,
                    },
                ),
            ],
        ),  # fmt: skip
        HOANG_MAI: _case(
            HOANG_MAI,
            date(2026, 11, 2),
            [("applications", {"applications_on": "2026-11-16", "applications": 3})],
        ),
    }
    for case in cases.values():
        store.save_founding_case(case)
    return cases
