"""The demo district is reproducible, valid and varied enough to exercise every part of the app."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from fieldapp.core.admin_units import ward_by_code
from fieldapp.core.founding import CaseState, FoundingCase, Step, due_steps, schedule
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import default_rules
from fieldapp.io.demo import CADRES, DISTRICTS, generate_demo, tax_code_check_digit
from fieldapp.io.demo_founding import demo_founding_cases

TODAY = date(2026, 11, 23)
RULES = default_rules()


@pytest.fixture(scope="module")
def district() -> tuple[list[Enterprise], list[Visit]]:
    return generate_demo(enterprises=600, visits=1500, seed=3, today=TODAY)


def test_same_seed_same_records() -> None:
    first = generate_demo(enterprises=50, visits=120, seed=9, today=TODAY)
    again = generate_demo(enterprises=50, visits=120, seed=9, today=TODAY)
    assert [e.to_doc() for e in first[0]] == [e.to_doc() for e in again[0]]
    assert [v.to_doc() for v in first[1]] == [v.to_doc() for v in again[1]]
    other = generate_demo(enterprises=50, visits=120, seed=10, today=TODAY)
    assert [e.id for e in other[0]] != [e.id for e in first[0]]


def test_counts_and_every_record_valid(district: tuple[list[Enterprise], list[Visit]]) -> None:
    enterprises, visits = district
    assert (len(enterprises), len(visits)) == (600, 1500)
    for e in enterprises:
        assert Enterprise.parse(e.to_doc()) == e
    for v in visits:
        assert Visit.parse(v.to_doc(), today=TODAY) == v
    ids = {e.id for e in enterprises}
    assert len(ids) == 600 and {v.enterprise_id for v in visits} <= ids
    assert len({v.id for v in visits}) == 1500


def test_tax_codes_unique_with_check_digit_and_branches(
    district: tuple[list[Enterprise], list[Visit]],
) -> None:
    codes = [e.tax_code for e in district[0]]
    assert all(codes) and len(set(codes)) == len(codes)
    for code in codes:
        assert code is not None
        assert tax_code_check_digit(code[:9]) == int(code[9])
    branches = [c for c in codes if c and c.endswith("-001")]
    assert branches and all(c[:10] in codes for c in branches if c)


def test_a_varied_district(district: tuple[list[Enterprise], list[Visit]]) -> None:
    enterprises, visits = district
    names = " ".join(e.name for e in enterprises)
    for kind in ("Công ty TNHH", "Công ty Cổ phần", "Hộ kinh doanh", "Hợp tác xã"):
        assert kind in names
    wards = {e.ward for e in enterprises}
    assert {"Phường Bồ Đề", "Phường Bạch Mai", "Phường Hoàng Liệt"} & wards and wards <= {
        w for ws in DISTRICTS.values() for w in ws
    }
    # on the 2025 map: each ward is its official name with its codes, and there is no district any more
    for e in enterprises:
        unit = ward_by_code(e.ward_code or "")
        assert unit is not None and (unit.name, unit.province_code) == (e.ward, e.province_code) == (
            e.ward,
            "01",
        )
        assert e.district == ""
    assert {e.ownership for e in enterprises} == {"state", "non_state", "fdi", "cooperative", "household"}
    assert {e.status for e in enterprises} == {"active", "suspended", "dissolved"}
    assert all(not e.legal_entity for e in enterprises if e.ownership == "household")
    assert any(e.has_union for e in enterprises) and any(e.family_business for e in enterprises)
    sizes = [e.registered_workers for e in enterprises if e.registered_workers is not None]
    assert sum(s < 20 for s in sizes) > len(sizes) / 2 and max(sizes) >= 100
    assert any(e.registered_workers is None for e in enterprises)
    assert Counter(v.attitude for v in visits).keys() == {"supportive", "neutral", "reluctant", "hostile"}
    assert any(v.seasonal / v.headcount >= 0.5 for v in visits)
    assert any(v.applications >= 5 for v in visits)
    assert {v.cadre for v in visits} <= set(CADRES) and len({v.cadre for v in visits}) >= 3
    assert all(v.visited_on < TODAY for v in visits)
    assert all(v.note for v in visits)


def test_next_visits_overdue_and_due_this_week(district: tuple[list[Enterprise], list[Visit]]) -> None:
    planned = [v.next_visit_on for v in district[1] if v.next_visit_on is not None]
    assert any(d < TODAY for d in planned)
    assert any(TODAY <= d <= TODAY + timedelta(days=6) for d in planned)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        generate_demo(enterprises=-1)
    with pytest.raises(ValueError):
        generate_demo(enterprises=0, visits=3)
    assert generate_demo(enterprises=0, visits=0, today=TODAY) == ([], [])


# --- founding cases ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def founding(
    district: tuple[list[Enterprise], list[Visit]],
) -> list[tuple[FoundingCase, Enterprise | None]]:
    return demo_founding_cases(*district, seed=3, today=TODAY)


def test_founding_cases_at_every_stage_some_overdue(
    founding: list[tuple[FoundingCase, Enterprise | None]],
) -> None:
    cases = [case for case, _ in founding]
    open_cases = [c for c in cases if c.state is CaseState.OPEN]
    assert {c.stage for c in open_cases} == set(Step)
    assert {c.state for c in cases} == set(CaseState)
    overdue = {s.step for c in cases for s in due_steps(c, RULES, TODAY) if s.overdue}
    assert overdue == {Step.BCH_MEETING, Step.DOSSIER, Step.RECOGNIZED}
    on_time = [c for c in open_cases if c.next_step is not None and not due_steps(c, RULES, TODAY)]
    assert {c.stage for c in on_time} >= {Step.COMMITTEE, Step.CONGRESS, Step.DOSSIER}
    assert not any(
        s.overdue for c in cases if c.state is not CaseState.OPEN for s in schedule(c, RULES, TODAY)
    )


def test_founding_cases_are_valid_and_fit_their_enterprises(
    district: tuple[list[Enterprise], list[Visit]],
    founding: list[tuple[FoundingCase, Enterprise | None]],
) -> None:
    by_id = {e.id: e for e in district[0]}
    assert len({c.enterprise_id for c, _ in founding}) == len(founding) == 6 * 8  # 600 firms: six rounds of 8
    for case, after in founding:
        assert FoundingCase.parse(case.to_doc(), today=TODAY) == case
        assert all(case.done_on(s) is None or case.done_on(s) <= TODAY for s in Step)
        target = by_id[case.enterprise_id]
        assert not target.has_union and target.legal_entity and target.status == "active"
        if case.congress_on is not None:
            assert (case.applications or 0) >= RULES.min_members
        if case.state is not CaseState.OPEN:
            assert case.state_reason is not None and case.state_note and case.history[-1].step == "state"
        if case.recognized:
            assert after is not None and Enterprise.parse(after.to_doc()) == after
            assert (after.id, after.has_union, after.union_members) == (
                target.id,
                True,
                case.members_at_founding,
            )
        else:
            assert after is None


def test_founding_cases_are_reproducible(district: tuple[list[Enterprise], list[Visit]]) -> None:
    def docs(seed: int) -> list[Any]:
        made = demo_founding_cases(*district, seed=seed, today=TODAY)
        return [(c.to_doc(), e.to_doc() if e else None) for c, e in made]

    assert docs(3) == docs(3) and docs(3) != docs(4)
    small = generate_demo(enterprises=30, visits=40, seed=2, today=TODAY)
    assert 0 < len(demo_founding_cases(*small, today=TODAY)) <= 8
    assert demo_founding_cases([], [], today=TODAY) == []
