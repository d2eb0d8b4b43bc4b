"""Issue 11, bug 10: at 80 columns the detail's title wrapped ("Ưu / tiên: Cao"), its visits sat below the fold with
their notes cut to about 10 characters, and the home table showed neither tax code nor ward, so two firms of one
name looked the same."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import Static

from fieldapp.core.records import Enterprise, Visit
from fieldapp.tui.i18n import _
from fieldapp.tui.widgets.badges import priority_label, status_label
from fieldapp.tui.widgets.enterprise_table import EnterpriseTable
from fieldapp.tui.widgets.visits_table import VisitsTable

from .conftest import TODAY, screen_text

pytestmark = pytest.mark.anyio

SIZES = [(80, 24), (120, 40)]
LONG_NAME = "Chi nhánh Công ty TNHH Công nghệ Minh Phát tại Hai Bà Trưng"
NOTE = "Gặp giám đốc nhân sự; hẹn tuần sau nói chuyện với công nhân ca chiều về quyền lợi khi có công đoàn cơ sở."


async def _busy_enterprise(app: Any, pilot: Any) -> str:
    """A high-priority enterprise with a long name, waiting to sync, and four visits, the latest with a long note."""
    enterprise = Enterprise.create(name=LONG_NAME, ward="Thanh Nhàn", tax_code="0105109808")
    app.store.save_enterprise(enterprise)
    for days_ago in (300, 200, 100, 10):
        app.store.save_visit(
            Visit.create(
                enterprise_id=enterprise.id,
                visited_on=TODAY - timedelta(days=days_ago),
                headcount=120,
                seasonal=5,
                managers=3,
                applications=1,
                attitude="neutral",
                cadre=app.settings.cadre,
                note=f"{days_ago} ngày trước. {NOTE}",
                today=TODAY,
            )
        )
    app.reindex(enterprise.id)
    await pilot.pause()
    c = app.index.classes[enterprise.id]
    assert c.priority == "high" and app.store.get_enterprise(enterprise.id).pending, (
        "the case needs all of it"
    )
    return enterprise.id


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_the_detail_title_is_one_line_with_the_badges_whole(run_app: Any, size: Any, lang: str) -> None:
    async with run_app(size=size) as (app, pilot):
        if lang == "en":
            app.switch_language("en")
        enterprise_id = await _busy_enterprise(app, pilot)
        app.open_enterprise(enterprise_id)
        await pilot.pause()
        title = app.screen.query_one("#title", Static)
        assert title.region.height == 1
        c = app.index.classes[enterprise_id]
        first = screen_text(app).splitlines()[title.region.y]
        # the verdict, the priority and the sync marker, whole, on the title's one line
        for whole in (
            status_label(c.status),
            f"{_('Priority')}: {priority_label('high')}",
            _("waiting to sync"),
        ):
            assert whole in first, (whole, first)
        assert first.lstrip().startswith(LONG_NAME[:16])  # the name first, cut when it must be
        if size[0] == 80:
            assert "…" in first and LONG_NAME not in first
        else:
            assert LONG_NAME in first


@pytest.mark.parametrize("size", SIZES)
async def test_the_latest_visits_and_their_notes_show_without_scrolling(run_app: Any, size: Any) -> None:
    async with run_app(size=size) as (app, pilot):
        enterprise_id = await _busy_enterprise(app, pilot)
        app.open_enterprise(enterprise_id)
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#visits", VisitsTable)
        height = size[1]
        assert table.region.bottom <= height - 1, (
            "the visits are below the fold"
        )  # the footer is the last line
        lines = screen_text(app).splitlines()
        latest = next(
            (i for i, text in enumerate(lines) if (TODAY - timedelta(days=10)).isoformat() in text), None
        )
        assert latest is not None, "the latest visit is not on screen"
        assert (TODAY - timedelta(days=100)).isoformat() in lines[latest + 1]  # and the one before it
        # the note takes the width left, unscrolled: a good part of it can be read
        assert "10 ngày trước. Gặp giám đốc nhân" in lines[latest], lines[latest]
        note = next(c for c in table.ordered_columns if c.key.value == "note")
        assert note.width >= 24


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"ward": "Bồ Đề", "tax_code": "0109990001"}, {"ward": "Bồ Đề", "tax_code": "0109990002"}),
        ({"ward": "Bồ Đề"}, {"ward": "Thạch Bàn"}),  # neither has a tax code
    ],
)
async def test_two_firms_of_one_name_look_different(
    run_app: Any, size: Any, first: dict[str, str], second: dict[str, str]
) -> None:
    async with run_app(size=size) as (app, pilot):
        name = "Công ty TNHH Một Thành Viên Cơ khí Chính xác Hà Nội"  # longer than the name column at 80
        twins = [Enterprise.create(name=name, **first), Enterprise.create(name=name, **second)]
        app.store.save_enterprises(twins)
        app.load_index()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash", *"co khi chinh xac", "enter")
        await pilot.pause()
        table = app.screen.query_one(EnterpriseTable)
        assert [r.id for r in table.rows] and {r.id for r in table.rows} == {t.id for t in twins}
        rows = [line for line in screen_text(app).splitlines() if name[:20] in line]
        assert len(rows) == 2
        assert rows[0] != rows[1], rows
