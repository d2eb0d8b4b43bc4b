"""The founding case in the terminal app (issue 8): the timeline on the detail, the step and state forms, the
pipeline screen (F5) and the founding steps among the follow-ups."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from fieldapp.core.founding import CaseState, Step, record_step
from fieldapp.tui.i18n import _, field, value
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.founding_form import FoundingStateForm, FoundingStepForm
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.screens.pipeline import PipelineScreen
from fieldapp.tui.widgets.badges import status_label
from fieldapp.tui.widgets.enterprise_table import EnterpriseTable

from .conftest import HOANG_MAI, QUYNH_LUU, SAI_DONG, TODAY, screen_text, settle
from .founding_cases import add_cases

pytestmark = pytest.mark.anyio


def _founding_text(app: Any) -> str:
    return str(app.screen.query_one("#founding", Static).render())


async def _open(app: Any, pilot: Any, enterprise_id: str) -> None:
    app.open_enterprise(enterprise_id)
    await pilot.pause()


async def _set(pilot: Any, form: Any, name: str, text: str) -> None:
    """Type *text* into field *name*, as a cadre would (the field judged once left)."""
    widget = form.query_one(f"#input-{name}", Input)
    widget.focus()
    widget.value = ""
    if text:
        await pilot.press(*text)
    await pilot.press("tab")
    await pilot.pause()


def _error(form: Any, name: str) -> str:
    box = form.query_one(f"#error-{name}", Static)
    return str(box.render()) if box.display else ""


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_the_timeline_shows_each_steps_date_and_the_overdue_marks(run_app: Any, size: Any) -> None:
    async with run_app(size=size) as (app, pilot):
        add_cases(app.store)
        await _open(app, pilot, QUYNH_LUU)
        timeline = app.screen.query_one("#founding", Static)
        assert timeline.display and timeline.region.height > 0  # inside the part that scrolls, on screen
        text = screen_text(app)
        assert "2026-10-12" in text and value("step", "congress") in text  # the last step done, with its date
        assert _("overdue") in text  # the BCH meeting was due on 26/10
        assert "2026-10-26" in text
        if size[0] >= 100:  # one line per step
            for day in ("2026-09-01", "2026-09-20", "2026-10-12"):
                assert day in text
            assert _("due {day}", day="2026-11-02") in text  # the dossier, overdue too
            assert text.count(_("overdue")) == 2
        await _open(app, pilot, SAI_DONG)
        assert _("due soon") in screen_text(app)  # the BCH meeting is due on 25/11, two working days away
        await _open(app, pilot, HOANG_MAI)
        assert _("overdue") not in _founding_text(app) and _("due soon") not in _founding_text(app)


async def test_no_case_no_timeline(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await _open(app, pilot, QUYNH_LUU)
        assert not app.screen.query_one("#founding", Static).display


async def test_a_congress_dated_before_the_applications_is_refused_and_nothing_is_saved(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        before = add_cases(app.store)[HOANG_MAI]
        await _open(app, pilot, HOANG_MAI)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStepForm) and form.step is Step.CONGRESS
        assert form.query_one("#input-congress_on", Input).value == TODAY.isoformat()  # today by default
        await _set(pilot, form, "congress_on", "10/11/2026")  # the applications were counted on 16/11
        for name, count in (("congress_attending", "5"), ("bch_size", "3"), ("inspection_size", "1")):
            await _set(pilot, form, name, count)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open
        message = _error(form, "congress_on")
        assert "2026-11-16" in message and value("step", "applications") in message
        assert app.store.current_founding_case(HOANG_MAI) == before


async def test_a_congress_with_too_few_applications_names_the_field_and_saves_nothing(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        before = add_cases(app.store)[HOANG_MAI]  # 3 applications, 5 needed
        await _open(app, pilot, HOANG_MAI)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStepForm)
        for name, count in (("congress_attending", "5"), ("bch_size", "3"), ("inspection_size", "1")):
            await _set(pilot, form, name, count)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        problem = form.query_one("#case-problem", Static)
        assert problem.display
        said = str(problem.render())
        assert said.startswith(field("applications") + ":") and "5" in said and "3" in said
        assert app.store.current_founding_case(HOANG_MAI) == before


async def test_a_valid_step_is_on_disk_after_ctrl_s_and_on_the_timeline(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        add_cases(app.store)
        await _open(app, pilot, QUYNH_LUU)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStepForm) and form.step is Step.BCH_MEETING
        await pilot.press("ctrl+s")  # the date is today's
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        case = app.store.current_founding_case(QUYNH_LUU)
        assert case is not None and case.bch_meeting_on == TODAY and case.pending
        assert TODAY.isoformat() in _founding_text(app)
        assert _founding_text(app).count(_("overdue")) == 1  # the dossier still is


async def test_f_starts_a_case_when_there_is_none(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await _open(app, pilot, QUYNH_LUU)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStepForm) and form.step is Step.COMMITTEE
        await _set(pilot, form, "committee_head", "Lê Văn Hải")
        await pilot.press("ctrl+s")
        await settle(pilot)
        case = app.store.current_founding_case(QUYNH_LUU)
        assert case is not None and case.committee_on == TODAY and case.committee_head == "Lê Văn Hải"
        assert case.committee_members == 3
        assert value("step", "committee") in _founding_text(app)


async def test_recognition_turns_the_enterprise_unionized_in_the_home_table(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        case = add_cases(app.store)[QUYNH_LUU]
        for step, day in (("bch_meeting", "2026-10-20"), ("dossier", "2026-10-30")):
            case = record_step(case, step, app.rules, today=TODAY, **{f"{step}_on": day})
        app.store.save_founding_case(case)
        await _open(app, pilot, QUYNH_LUU)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStepForm) and form.step is Step.RECOGNIZED
        assert form.query_one("#input-members_at_founding", Input).value == "8"  # the applications
        await pilot.press("ctrl+s")  # no decision number
        await settle(pilot)
        assert app.screen is form and _error(form, "decision_number")
        assert not app.store.get_enterprise(QUYNH_LUU).has_union
        await _set(pilot, form, "decision_number", "45/QĐ-LĐLĐ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        enterprise = app.store.get_enterprise(QUYNH_LUU)
        assert enterprise.has_union and enterprise.union_members == 8
        assert app.store.current_founding_case(QUYNH_LUU).decision_number == "45/QĐ-LĐLĐ"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(EnterpriseTable)
        assert app.index.rows[QUYNH_LUU].status == "unionized"
        line = next(line for line in screen_text(app).splitlines() if "Gốm sứ Quỳnh Lưu" in line)
        assert status_label("unionized") in line
        assert any(r.id == QUYNH_LUU for r in table.rows)


async def test_pause_needs_a_reason_then_shows_on_the_timeline_and_resume_opens_it_again(
    run_app: Any,
) -> None:
    async with run_app() as (app, pilot):
        before = add_cases(app.store)[SAI_DONG]
        await _open(app, pilot, SAI_DONG)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStateForm)
        assert form.query_one("#input-action", Select).value == "pause"
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert app.screen is form and _error(form, "state_reason")
        assert app.store.current_founding_case(SAI_DONG) == before
        form.query_one("#input-state_reason", Select).value = "employer_obstruction"
        await _set(pilot, form, "state_note", "Giám đốc không cho họp")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        case = app.store.current_founding_case(SAI_DONG)
        assert case.state is CaseState.PAUSED and case.state_reason == "employer_obstruction"
        shown = _founding_text(app)
        assert value("state", "paused") in shown and value("state_reason", "employer_obstruction") in shown
        assert _("due soon") not in shown  # a paused case is not chased

        await pilot.press("f")  # a paused case: f offers to resume it
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FoundingStateForm)
        assert form.query_one("#input-action", Select).value == "resume"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.store.current_founding_case(SAI_DONG).state is CaseState.OPEN


async def test_the_pipeline_lists_open_cases_by_stage_with_counts_and_opens_a_detail(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        add_cases(app.store)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        text = screen_text(app)
        applications, congress = value("step", "applications"), value("step", "congress")
        assert f"{applications} (1)" in text and f"{congress} (2)" in text
        assert _("{n} open", n=3) in text
        assert _("{n} with a step overdue", n=1) in text
        assert _("{n} due within 3 working days", n=1) in text
        table = screen.query_one("#pipeline", DataTable)
        keys = [str(k.value) for k in table.rows]
        # by stage in the order of the steps, oldest first within a stage
        assert [k for k in keys if not k.startswith("stage:")] == [HOANG_MAI, QUYNH_LUU, SAI_DONG]
        lines = text.splitlines()
        quynh = next(line for line in lines if "Quỳnh Lưu" in line)
        assert "2026-10-26" in quynh and _("overdue") in quynh
        assert _("due soon") in next(line for line in lines if "Sài Đồng" in line)
        table.move_cursor(row=keys.index(QUYNH_LUU))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == QUYNH_LUU
        assert _("overdue") in _founding_text(app)


async def test_the_pipeline_follows_a_recorded_step(run_app: Any) -> None:
    async with run_app(size=(80, 24)) as (app, pilot):
        add_cases(app.store)
        await pilot.press("f5")
        await settle(pilot)
        await _open(app, pilot, HOANG_MAI)
        case = app.store.current_founding_case(HOANG_MAI)
        app.store.save_founding_case(case.edit(state=CaseState.PAUSED, state_reason="other"))
        app.reindex(HOANG_MAI)
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(app)
        assert _("{n} open", n=2) in text and _("{n} paused", n=1) in text and "Hoàng Mai" not in text


async def test_the_follow_ups_show_the_founding_steps_due(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        add_cases(app.store)
        await pilot.press("f2")
        await settle(pilot)
        table = app.screen.query_one("#followups", DataTable)
        keys = [str(k.value) for k in table.rows]
        founding = [k for k in keys if k.startswith("founding:")]
        # Quỳnh Lưu is the cadre's: its BCH meeting and dossier are overdue; Sài Đồng (nobody's yet) is not listed
        assert founding == [f"founding:{QUYNH_LUU}:bch_meeting", f"founding:{QUYNH_LUU}:dossier"]
        text = screen_text(app)
        bch = next(line for line in text.splitlines() if value("step", "bch_meeting") in line)
        assert "2026-10-26 !" in bch and _("overdue") in bch and "Quỳnh Lưu" in bch
        await pilot.press("m")  # everyone's
        await settle(pilot)
        text = screen_text(app)
        sai_dong = next(line for line in text.splitlines() if "Sài Đồng" in line and "2026-11-25" in line)
        assert _("due soon") in sai_dong
        table.move_cursor(row=[str(k.value) for k in table.rows].index(f"founding:{SAI_DONG}:bch_meeting"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == SAI_DONG


async def test_english(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        add_cases(app.store)
        app.switch_language("en")
        await _open(app, pilot, QUYNH_LUU)
        text = screen_text(app)
        assert "Founding a union" in text and "overdue" in text and "BCH first meeting" in text
        await pilot.press("f")
        await pilot.pause()
        assert "Founding step “BCH first meeting”" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_with_a_case_the_visits_stay_on_screen_and_the_timeline_is_in_the_scrolling_part(
    run_app: Any, size: Any
) -> None:
    async with run_app(size=size) as (app, pilot):
        add_cases(app.store)
        await _open(app, pilot, QUYNH_LUU)
        screen = app.screen
        timeline = screen.query_one("#founding", Static)
        assert timeline.parent is screen.query_one("#detail")  # it scrolls with the fields
        visits = screen.query_one("#visits")
        assert visits.region.bottom <= size[1] - 1  # above the footer
        assert "2026-10-14" in screen_text(app)  # the latest visit
        # one line per step from 100 columns (a title and six steps), one line (wrapped in two at 80) below
        assert timeline.region.height == (7 if size[0] >= 100 else 2)
