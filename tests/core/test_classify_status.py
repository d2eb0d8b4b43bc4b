"""Classification status, in rule order (first match wins), its basis and the latest visit it rests on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fieldapp.core.classify import classify, classify_all, group_visits, latest_visit
from fieldapp.core.rules import Rules

TODAY = date(2026, 6, 15)


def test_has_union_wins_over_everything(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(has_union=True, union_members=42, status="dissolved", legal_entity=False)
    c = classify(e, [make_visit(e, headcount=3, attitude="hostile")], rules, TODAY)
    assert c.status == "unionized"
    assert c.codes[0] == "has_union"
    assert "42 đoàn viên" in c.reasons[0].vi and "42 members" in c.reasons[0].en
    assert [s.code for s in c.next_steps] == ["recruit_members"]


def test_unionized_without_any_data_has_basis_none(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(has_union=True), [], rules, TODAY)
    assert (c.status, c.basis, c.codes) == ("unionized", "none", ("has_union",))


@pytest.mark.parametrize(
    ("status", "vi", "en"),
    [("suspended", "Tạm ngừng", "Suspended"), ("dissolved", "Đã giải thể", "Dissolved")],
)
def test_enterprise_not_operating_is_not_eligible(
    make_enterprise, make_visit, rules: Rules, status: str, vi: str, en: str
) -> None:
    e = make_enterprise(status=status)
    c = classify(e, [make_visit(e, applications=20)], rules, TODAY)
    assert (c.status, c.codes[0]) == ("not_eligible", "not_operating")
    assert vi in c.reasons[0].vi and en in c.reasons[0].en
    assert [s.code for s in c.next_steps] == ["check_reopening"]


def test_no_visit_and_no_registered_workers_is_unknown(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(legal_entity=False), [], rules, TODAY)
    assert (c.status, c.basis, c.codes) == ("unknown", "none", ("no_data",))
    assert (c.headcount, c.stable, c.applications, c.attitude) == (None, None, None, None)
    assert [s.code for s in c.next_steps] == ["first_visit"]


def test_not_legal_entity_points_to_a_multi_employer_union(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(ownership="household")  # a household business never has legal-entity status
    c = classify(e, [make_visit(e, headcount=40, applications=12)], rules, TODAY)
    assert (c.status, c.codes[0]) == ("not_eligible", "not_legal_entity")
    assert "CĐCS ghép nhiều đơn vị sử dụng lao động" in c.reasons[0].vi
    assert "spanning several employers" in c.reasons[0].en
    assert [s.code for s in c.next_steps] == ["multi_employer_union"]


@pytest.mark.parametrize(
    ("applications", "status", "code"),
    [(5, "eligible", "ready_to_found"), (4, "not_eligible", "too_few_stable_workers")],
)
def test_exactly_min_members_applications_is_ready(
    make_enterprise, make_visit, rules: Rules, applications: int, status: str, code: str
) -> None:
    # 10 workers, all seasonal but one manager: no stable workers, so only applications can make it eligible
    e = make_enterprise()
    c = classify(
        e, [make_visit(e, headcount=10, seasonal=9, managers=1, applications=applications)], rules, TODAY
    )
    assert (c.status, c.codes[0]) == (status, code)


def test_ready_to_found_counts_applicants_whatever_their_contracts(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=8, seasonal=8, applications=6)], rules, TODAY)
    assert c.stable == 0
    assert (c.status, c.codes[0]) == ("eligible", "ready_to_found")
    assert "Đã có 6 đơn gia nhập (cần ít nhất 5)" in c.reasons[0].vi
    assert [s.code for s in c.next_steps] == ["hold_founding_congress"]


@pytest.mark.parametrize(
    ("stable", "status", "code"),
    [(4, "not_eligible", "too_few_stable_workers"), (5, "eligible", "enough_stable_workers")],
)
def test_stable_workers_boundary(
    make_enterprise, make_visit, rules: Rules, stable: int, status: str, code: str
) -> None:
    # stable = headcount - seasonal - managers = 9 - 2 - (7 - stable)
    e = make_enterprise()
    managers = 7 - stable
    c = classify(e, [make_visit(e, headcount=9, seasonal=2, managers=managers, applications=3)], rules, TODAY)
    assert c.stable == stable
    assert (c.status, c.codes[0]) == (status, code)


def test_too_few_stable_workers_says_what_is_missing(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=10, seasonal=7, managers=1, applications=3)], rules, TODAY)
    assert (c.status, c.stable) == ("not_eligible", 2)
    assert c.reasons[0].vi.startswith("Mới có 3 đơn gia nhập, 2 lao động ổn định; cần ít nhất 5")
    assert c.reasons[0].en.startswith("Only 3 applications and 2 stable workers; at least 5")
    step = c.next_steps[0]
    assert step.code == "collect_applications"
    assert step.vi == "Cần thêm 2 đơn gia nhập (hiện có 3, cần 5)."
    assert step.en == "Needs 2 more applications (3 so far, 5 needed)."


def test_one_missing_application_is_singular_in_english(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=30, applications=4)], rules, TODAY)
    assert c.next_steps[0].en == "Needs 1 more application (4 so far, 5 needed)."


def test_too_small_to_ever_reach_five_applications_points_to_multi_employer(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=5, managers=1, applications=2)], rules, TODAY)
    assert c.status == "not_eligible"
    assert [s.code for s in c.next_steps] == ["multi_employer_union"]


def test_otherwise_eligible_with_applications_still_to_collect(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=12, seasonal=2, managers=1, applications=0)], rules, TODAY)
    assert (c.status, c.basis, c.codes[0], c.stable) == ("eligible", "visit", "enough_stable_workers", 9)
    assert c.next_steps[0].vi == "Cần thêm 5 đơn gia nhập (hiện có 0, cần 5)."


def test_registry_fallback_is_unverified(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(registered_workers=30), [], rules, TODAY)
    assert (c.status, c.basis) == ("eligible", "registry")
    assert c.codes == ("enough_stable_workers", "unverified")
    assert (c.headcount, c.stable, c.applications, c.attitude, c.last_visit_on) == (30, 30, None, None, None)
    assert "Theo danh sách có 30 lao động" in c.reasons[0].vi
    assert "30 lao động là số theo danh sách, chưa được kiểm chứng" in c.reasons[1].vi
    assert [s.code for s in c.next_steps] == ["verify_registry"]


def test_registry_below_min_members_is_not_eligible(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(registered_workers=4), [], rules, TODAY)
    assert (c.status, c.basis) == ("not_eligible", "registry")
    assert c.codes == ("too_few_stable_workers", "small_enterprise", "unverified")
    assert c.reasons[0].en == "The registry lists only 4 workers; at least 5 are needed."


def test_registry_zero_workers_is_data_not_unknown(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(registered_workers=0), [], rules, TODAY)
    assert (c.status, c.basis) == ("not_eligible", "registry")


def test_a_visit_outweighs_the_registry(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(registered_workers=200)
    c = classify(e, [make_visit(e, headcount=3)], rules, TODAY)
    assert (c.basis, c.headcount, c.status) == ("visit", 3, "not_eligible")
    assert "unverified" not in c.codes


def test_latest_visit_is_by_visit_date(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    old = make_visit(e, visited_on=date(2026, 1, 10), applications=9)
    new = make_visit(e, visited_on=date(2026, 3, 1), applications=1)
    for order in ([old, new], [new, old]):
        c = classify(e, order, rules, TODAY)
        assert c.visit == new
        assert c.applications == 1


def test_same_day_visits_are_broken_by_when_they_were_recorded(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    day = date(2026, 5, 2)
    morning = make_visit(e, visited_on=day, applications=9, created_at=datetime(2026, 5, 2, 8, tzinfo=UTC))
    evening = make_visit(e, visited_on=day, applications=2, created_at=datetime(2026, 5, 2, 18, tzinfo=UTC))
    for order in ([morning, evening], [evening, morning]):
        assert classify(e, order, rules, TODAY).visit == evening
    # a later visit date wins even when it was recorded earlier
    earlier_typed = make_visit(e, visited_on=date(2026, 5, 3), created_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert classify(e, [morning, evening, earlier_typed], rules, TODAY).visit == earlier_typed


def test_visits_of_other_enterprises_are_ignored(make_enterprise, make_visit, rules: Rules) -> None:
    e, other = make_enterprise(), make_enterprise(name="Khác")
    c = classify(e, [make_visit(other, applications=20)], rules, TODAY)
    assert (c.status, c.basis) == ("unknown", "none")
    assert latest_visit(e.id, [make_visit(other)]) is None


def test_classification_carries_the_enterprise_and_visit_figures(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise(tax_code="0101234567001")
    v = make_visit(
        e,
        headcount=40,
        seasonal=10,
        managers=2,
        applications=3,
        attitude="supportive",
        next_visit_on=date(2026, 7, 1),
    )
    c = classify(e, [v], rules, TODAY)
    assert (c.enterprise_id, c.tax_code, c.name) == (e.id, "0101234567-001", e.name)
    assert (c.headcount, c.seasonal, c.managers, c.stable, c.applications) == (40, 10, 2, 28, 3)
    assert c.seasonal_share == 0.25
    assert (c.attitude, c.last_visit_on, c.next_visit_on) == (
        "supportive",
        date(2026, 5, 15),
        date(2026, 7, 1),
    )


def test_classify_all_matches_classify_one_by_one(make_enterprise, make_visit, rules: Rules) -> None:
    a, b, c = make_enterprise(), make_enterprise(registered_workers=8), make_enterprise(has_union=True)
    visits = [make_visit(a, applications=7), make_visit(a, visited_on=date(2026, 1, 1)), make_visit(c)]
    grouped = group_visits(visits)
    assert [len(grouped[a.id]), len(grouped[c.id])] == [2, 1]
    together = classify_all([a, b, c], grouped, rules, TODAY)
    assert list(together) == [a.id, b.id, c.id]
    for e in (a, b, c):
        assert together[e.id] == classify(e, visits, rules, TODAY)


def test_min_members_override_moves_the_boundary(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    v = make_visit(e, headcount=10, seasonal=10, applications=5)
    assert classify(e, [v], rules, TODAY).status == "eligible"
    assert classify(e, [v], rules.replace(min_members=7), TODAY).status == "not_eligible"
