"""Properties of classification that hold for any valid enterprise and visits (hypothesis)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.core.classify import BASES, PRIORITIES, STATUSES, classify
from fieldapp.core.reasons import FLAG_CODES, STATUS_CODES
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import default_rules

TODAY = date(2026, 6, 15)
RULES = default_rules()
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def enterprises(draw: st.DrawFn) -> Enterprise:
    return Enterprise.create(
        name=draw(st.sampled_from(["Công ty TNHH Hòa Bình", "HTX Đồng Tâm", "Cơ sở may Ánh Dương"])),
        ownership=draw(st.sampled_from(["state", "non_state", "fdi", "cooperative", "household"])),
        status=draw(st.sampled_from(["active", "active", "active", "suspended", "dissolved"])),
        legal_entity=draw(st.booleans()),
        family_business=draw(st.booleans()),
        has_union=draw(st.booleans()),
        registered_workers=draw(st.none() | st.integers(0, 500)),
    )


@st.composite
def visit_fields(draw: st.DrawFn) -> dict:
    headcount = draw(st.integers(0, 200))
    seasonal = draw(st.integers(0, headcount))
    managers = draw(st.integers(0, headcount - seasonal))
    return {
        "visited_on": TODAY - timedelta(days=draw(st.integers(0, 1000))),
        "headcount": headcount,
        "seasonal": seasonal,
        "managers": managers,
        "applications": draw(st.integers(0, headcount - managers)),
        "attitude": draw(st.sampled_from(["supportive", "neutral", "reluctant", "hostile"])),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 10_000))),
    }


def make_visits(enterprise: Enterprise, fields: list[dict]) -> list[Visit]:
    return [Visit.create(enterprise_id=enterprise.id, cadre="Lê Văn Tâm", today=TODAY, **f) for f in fields]


@PROPS
@given(enterprises(), st.lists(visit_fields(), max_size=4))
def test_output_is_always_well_formed(enterprise: Enterprise, fields: list[dict]) -> None:
    c = classify(enterprise, make_visits(enterprise, fields), RULES, TODAY)
    assert c.status in STATUSES and c.basis in BASES and c.priority in PRIORITIES
    assert c.codes[0] in STATUS_CODES
    assert all(code in FLAG_CODES for code in c.codes[1:])
    assert len(set(c.codes)) == len(c.codes)
    row = c.to_dict()
    assert json.loads(json.dumps(row)) == row
    assert all(texts["vi"] and texts["en"] for texts in row["reason_texts"].values())
    assert c.next_steps, "there is always something to do next"


@PROPS
@given(enterprises(), st.lists(visit_fields(), max_size=3))
def test_has_union_is_always_unionized(enterprise: Enterprise, fields: list[dict]) -> None:
    c = classify(enterprise, make_visits(enterprise, fields), RULES, TODAY)
    assert (c.status == "unionized") is enterprise.has_union


@PROPS
@given(enterprises(), st.lists(visit_fields(), max_size=3))
def test_eligible_needs_an_active_legal_entity_without_a_union_and_some_data(
    enterprise: Enterprise, fields: list[dict]
) -> None:
    c = classify(enterprise, make_visits(enterprise, fields), RULES, TODAY)
    if c.status == "eligible":
        assert enterprise.status == "active" and enterprise.legal_entity and not enterprise.has_union
        assert c.basis != "none"
        assert (c.applications or 0) >= RULES.min_members or (c.stable or 0) >= RULES.min_members
    assert (c.basis == "none") is (not fields and enterprise.registered_workers is None)


@PROPS
@given(enterprises(), visit_fields(), st.integers(1, 200))
def test_more_applications_never_make_an_eligible_enterprise_ineligible(
    enterprise: Enterprise, fields: dict, extra: int
) -> None:
    before = classify(enterprise, make_visits(enterprise, [fields]), RULES, TODAY)
    more = dict(
        fields, applications=min(fields["headcount"] - fields["managers"], fields["applications"] + extra)
    )
    after = classify(enterprise, make_visits(enterprise, [more]), RULES, TODAY)
    if before.status == "eligible":
        assert after.status == "eligible"
    if before.codes[0] == "ready_to_found":
        assert after.codes[0] == "ready_to_found"


@PROPS
@given(enterprises(), st.lists(visit_fields(), min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_visit_order_does_not_matter(enterprise: Enterprise, fields: list[dict], rnd) -> None:
    visits = make_visits(enterprise, fields)
    shuffled = list(visits)
    rnd.shuffle(shuffled)
    first, second = classify(enterprise, visits, RULES, TODAY), classify(enterprise, shuffled, RULES, TODAY)
    assert first == second
    assert first.visit == max(visits, key=lambda v: (v.visited_on, v.created_at, v.id))
