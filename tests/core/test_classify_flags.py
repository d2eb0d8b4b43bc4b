"""Flags (never change the status), priority, next steps, sentences and the JSON row."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fieldapp.core.classify import classify
from fieldapp.core.reasons import (
    FLAG_CODES,
    NEXT_STEP_TEXTS,
    PRIORITY_LABELS,
    REASON_TEXTS,
    STATUS_CODES,
    STATUS_LABELS,
    Reason,
    basis_label,
    priority_label,
    reason_title,
    status_label,
)
from fieldapp.core.rules import Rules

TODAY = date(2026, 6, 15)


def flags(c) -> set[str]:
    return set(c.codes[1:])


@pytest.mark.parametrize(("headcount", "small"), [(19, True), (20, False)])
def test_small_enterprise_below_small_size(
    make_enterprise, make_visit, rules: Rules, headcount: int, small: bool
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=headcount)], rules, TODAY)
    assert ("small_enterprise" in flags(c)) is small
    assert c.status == "eligible"  # a flag never changes the status


def test_small_enterprise_sentence(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=12)], rules, TODAY)
    assert c.reasons[1] == Reason("small_enterprise", {"headcount": 12, "small_size": 20})
    assert c.reasons[1].vi == "Chỉ có 12 lao động, dưới 20."


@pytest.mark.parametrize(("seasonal", "flagged"), [(20, True), (19, False), (21, True)])
def test_mostly_seasonal_from_exactly_the_share(
    make_enterprise, make_visit, rules: Rules, seasonal: int, flagged: bool
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=40, seasonal=seasonal)], rules, TODAY)
    assert ("mostly_seasonal" in flags(c)) is flagged


def test_mostly_seasonal_sentence_gives_the_shares(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=40, seasonal=30)], rules, TODAY)
    reason = next(r for r in c.reasons if r.code == "mostly_seasonal")
    assert "30/40 lao động là thời vụ" in reason.vi and "(75%, từ 50% trở lên)" in reason.vi
    assert "30 of 40 workers" in reason.en


def test_nobody_at_all_is_small_but_not_seasonal(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=0)], rules, TODAY)
    assert flags(c) == {"small_enterprise"}
    assert c.seasonal_share is None and c.to_dict()["seasonal_share"] is None


def test_registry_basis_is_never_mostly_seasonal(make_enterprise, rules: Rules) -> None:
    c = classify(make_enterprise(registered_workers=50), [], rules, TODAY)
    assert flags(c) == {"unverified"}


def test_family_business_flag(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(family_business=True)
    assert "family_business" in flags(classify(e, [make_visit(e)], rules, TODAY))
    assert "family_business" in flags(classify(e, [], rules, TODAY))  # known without a visit too


@pytest.mark.parametrize(
    ("attitude", "expected"),
    [
        ("supportive", set()),
        ("neutral", set()),
        ("reluctant", {"employer_reluctant"}),
        ("hostile", {"employer_hostile"}),
    ],
)
def test_employer_attitude_flags(
    make_enterprise, make_visit, rules: Rules, attitude: str, expected: set[str]
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, attitude=attitude)], rules, TODAY)
    assert flags(c) == expected
    assert c.attitude == attitude


def test_attitude_sentence_dates_the_visit(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, attitude="hostile", visited_on=date(2026, 3, 4))], rules, TODAY)
    assert c.reasons[1].vi == "Chủ doanh nghiệp phản đối (lần thăm ngày 04/03/2026)."
    assert c.reasons[1].en == "The employer is hostile (visit of 2026-03-04)."


@pytest.mark.parametrize(
    ("visited_on", "stale"),
    [
        (date(2025, 6, 15), False),
        (date(2025, 6, 14), True),
        (date(2026, 6, 15), False),
        (date(2020, 1, 1), True),
    ],
)
def test_stale_data_after_exactly_stale_months(
    make_enterprise, make_visit, rules: Rules, visited_on: date, stale: bool
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, visited_on=visited_on)], rules, TODAY)
    assert ("stale_data" in flags(c)) is stale
    assert ("revisit" in [s.code for s in c.next_steps]) is stale


def test_stale_months_counts_calendar_months_clamped_to_month_end(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    one_month = rules.replace(stale_months=1)
    march_31 = date(2026, 3, 31)
    # one month before 31 March is 28 February (2026 is not a leap year)
    assert "stale_data" not in flags(
        classify(e, [make_visit(e, visited_on=date(2026, 2, 28))], one_month, march_31)
    )
    assert "stale_data" in flags(
        classify(e, [make_visit(e, visited_on=date(2026, 2, 27))], one_month, march_31)
    )


def test_stale_sentence(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, visited_on=date(2025, 1, 2))], rules, TODAY)
    reason = next(r for r in c.reasons if r.code == "stale_data")
    assert reason.vi == "Lần thăm gần nhất ngày 02/01/2025, đã quá 12 tháng; số liệu có thể đã cũ."


def test_flags_never_change_the_status(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(family_business=True)
    v = make_visit(
        e, headcount=10, seasonal=5, attitude="hostile", applications=6, visited_on=date(2024, 1, 1)
    )
    c = classify(e, [v], rules, TODAY)
    assert c.status == "eligible"
    assert c.codes == (
        "ready_to_found",
        "small_enterprise",
        "mostly_seasonal",
        "family_business",
        "employer_hostile",
        "stale_data",
    )


# --- priority --------------------------------------------------------------------------------------------


def test_ready_to_found_is_high_even_with_a_hostile_employer(
    make_enterprise, make_visit, rules: Rules
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=8, applications=5, attitude="hostile")], rules, TODAY)
    assert c.priority == "high"


@pytest.mark.parametrize(
    ("stable", "attitude", "priority"),
    [
        (25, "supportive", "high"),
        (25, "neutral", "high"),
        (24, "neutral", "normal"),
        (25, "reluctant", "normal"),
        (40, "hostile", "low"),
    ],
)
def test_eligible_large_enterprise_with_willing_employer_is_high(
    make_enterprise, make_visit, rules: Rules, stable: int, attitude: str, priority: str
) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=stable + 1, managers=1, attitude=attitude)], rules, TODAY)
    assert (c.status, c.stable) == ("eligible", stable)
    assert c.priority == priority


def test_two_difficulty_flags_make_it_low(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(family_business=True)
    one = classify(e, [make_visit(e, headcount=30)], rules, TODAY)
    assert (one.codes[1:], one.priority) == (("family_business",), "high")  # 30 stable, neutral: still high
    smaller = classify(e, [make_visit(e, headcount=22)], rules, TODAY)
    assert smaller.priority == "normal"
    two = classify(e, [make_visit(e, headcount=12)], rules, TODAY)
    assert set(two.codes[1:]) == {"small_enterprise", "family_business"}
    assert two.priority == "low"


def test_reluctant_employer_is_a_difficulty_flag(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=12, attitude="reluctant")], rules, TODAY)
    assert c.priority == "low"


def test_stale_and_unverified_are_not_difficulties(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    c = classify(e, [make_visit(e, headcount=12, visited_on=date(2020, 1, 1))], rules, TODAY)
    assert set(c.codes[1:]) == {"small_enterprise", "stale_data"}
    assert c.priority == "normal"
    registry = classify(make_enterprise(registered_workers=12), [], rules, TODAY)
    assert set(registry.codes[1:]) == {"small_enterprise", "unverified"}
    assert registry.priority == "normal"


def test_registry_basis_is_never_high(make_enterprise, rules: Rules) -> None:
    # no attitude is known without a visit, so the "willing employer" condition cannot hold
    assert classify(make_enterprise(registered_workers=500), [], rules, TODAY).priority == "normal"


def test_hostile_unionized_enterprise_is_low(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(has_union=True)
    assert classify(e, [make_visit(e, attitude="hostile")], rules, TODAY).priority == "low"


def test_priority_size_override(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise()
    v = make_visit(e, headcount=21)
    assert classify(e, [v], rules, TODAY).priority == "normal"
    assert classify(e, [v], rules.replace(priority_size=20), TODAY).priority == "high"


# --- sentences, labels and the JSON row --------------------------------------------------------------------


def test_every_code_has_both_sentences_and_a_title() -> None:
    for code in (*STATUS_CODES, *FLAG_CODES):
        assert code in REASON_TEXTS
        assert reason_title(code, "vi") not in ("", code, reason_title(code, "en"))
    for status in STATUS_LABELS:
        assert status_label(status, "vi") not in ("", status_label(status, "en"))
    for priority in PRIORITY_LABELS:
        assert priority_label(priority, "vi") not in ("", priority_label(priority, "en"))
    assert set(NEXT_STEP_TEXTS).isdisjoint(REASON_TEXTS)


def test_labels() -> None:
    assert status_label("eligible") == "Đủ điều kiện"
    assert status_label("eligible", "en") == "Eligible"
    assert priority_label("low", "en") == "Low"
    assert basis_label("weird") == "weird"


def test_to_dict_is_the_documented_json_row(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(tax_code="0101234567", name="Công ty Cổ phần Bánh kẹo Hải Hà")
    v = make_visit(
        e,
        headcount=18,
        seasonal=9,
        managers=1,
        applications=2,
        attitude="reluctant",
        next_visit_on=date(2026, 7, 1),
    )
    row = classify(e, [v], rules, TODAY).to_dict()
    assert json.loads(json.dumps(row, ensure_ascii=False)) == row  # JSON-ready as is
    assert row == {
        "enterprise_id": e.id,
        "tax_code": "0101234567",
        "name": "Công ty Cổ phần Bánh kẹo Hải Hà",
        "status": "eligible",
        "basis": "visit",
        "reasons": ["enough_stable_workers", "small_enterprise", "mostly_seasonal", "employer_reluctant"],
        "priority": "low",
        "headcount": 18,
        "seasonal": 9,
        "managers": 1,
        "stable": 8,
        "seasonal_share": 0.5,
        "applications": 2,
        "attitude": "reluctant",
        "last_visit_on": "2026-05-15",
        "next_visit_on": "2026-07-01",
        "visit_id": v.id,
        "reason_texts": {
            "enough_stable_workers": {
                "vi": "Có 8 lao động ổn định (từ 5 trở lên), mới có 2 đơn gia nhập; có thể vận động thành lập CĐCS.",
                "en": "8 stable workers (5 or more) and 2 applications so far; a union can be organised there.",
            },
            "small_enterprise": {
                "vi": "Chỉ có 18 lao động, dưới 20.",
                "en": "Only 18 workers, fewer than 20.",
            },
            "mostly_seasonal": {
                "vi": "9/18 lao động là thời vụ, tạm thời hoặc hợp đồng ngắn hạn (50%, từ 50% trở lên).",
                "en": "9 of 18 workers are seasonal, temporary or on short contracts (50%; 50% or more).",
            },
            "employer_reluctant": {
                "vi": "Chủ doanh nghiệp e ngại (lần thăm ngày 15/05/2026).",
                "en": "The employer is reluctant (visit of 2026-05-15).",
            },
        },
        "next_steps": [
            {
                "code": "collect_applications",
                "vi": "Cần thêm 3 đơn gia nhập (hiện có 2, cần 5).",
                "en": "Needs 3 more applications (2 so far, 5 needed).",
            }
        ],
    }


def test_classification_is_deterministic(make_enterprise, make_visit, rules: Rules) -> None:
    e = make_enterprise(family_business=True)
    visits = [
        make_visit(e, visited_on=date(2026, m, 1), headcount=10 + m, applications=m % 6) for m in range(1, 6)
    ]
    first = classify(e, visits, rules, TODAY)
    for order in (visits[::-1], visits[2:] + visits[:2]):
        again = classify(e, order, rules, TODAY)
        assert again == first
        assert again.to_dict() == first.to_dict()
