"""The dashboard's overview, enterprise list and enterprise page in Debian's Chromium, against a real server process
seeded with a small district (``dashboard_district``): the figures are counted here from the seeded records.

Writes the screenshots docs/screenshots/dashboard-{overview,enterprises,enterprise}.png (1366×768) and
dashboard-phone.png (390 wide, the whole overview).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from dashboard_district import ADMIN, CADRE_A, CADRE_B, PASSWORD, TODAY, WARD_A, WARD_B, District, seed
from playwright.sync_api import Browser, Page, expect
from support.live_server import LiveServer
from test_dashboard_browser import DESKTOP, PHONE, SCREENSHOTS, browser  # noqa: F401  (the module's browser)

STEP_ORDER = ("committee", "applications", "congress", "bch_meeting", "dossier", "recognized")


@pytest.fixture(scope="module")
def district(module_server: LiveServer) -> District:
    return seed(module_server.url, module_server.database_url)


def _open(browser: Browser, server: LiveServer, viewport: dict[str, int] = DESKTOP) -> Page:  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server.url}/dashboard/login")
    page.get_by_label("Tên người dùng").fill(ADMIN)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    return page


@pytest.fixture
def page(browser: Browser, module_server: LiveServer, district: District) -> Iterator[Page]:  # noqa: F811
    opened = _open(browser, module_server)
    try:
        yield opened
    finally:
        opened.context.close()


def _stage(case: dict[str, object]) -> str:
    return [s for s in STEP_ORDER if case.get(f"{s}_on")][-1]


def _current(district: District, enterprise_id: str) -> dict[str, object]:
    mine = [c for c in district.cases if c["enterprise_id"] == enterprise_id]
    live = [c for c in mine if c["state"] != "abandoned"]
    return (live or mine)[0]


def _in(day: object, start: date) -> bool:
    return isinstance(day, str) and start <= date.fromisoformat(day) <= TODAY


def _shoot(page: Page, name: str, db_backend: str, *, full_page: bool = False) -> None:
    if db_backend == "sqlite":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=full_page)


def _no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"


def test_the_overview_shows_targets_against_progress_and_the_funnel(
    page: Page, module_server: LiveServer, district: District, db_backend: str
) -> None:
    month, year = TODAY.replace(day=1), date(TODAY.year, 1, 1)
    wards = {e["id"]: e["ward"] for e in district.enterprises}
    # this month: the visits dated in it, the cases recognised in it, the members added today
    month_visits = [v for v in district.visits if _in(v["visited_on"], month)]
    expect(page.locator("#fig-visits")).to_have_text(str(len(month_visits)))
    expect(page.locator("#fig-visited")).to_have_text(str(len({v["enterprise_id"] for v in month_visits})))
    recognized = [c for c in district.cases if _in(c.get("recognized_on"), month)]
    expect(page.locator("#fig-recognized")).to_have_text(str(len(recognized)))
    expect(page.locator("#fig-members")).to_have_text(str(sum(district.added.values())))
    expect(page.locator("#fig-enterprises")).to_have_text(str(len(district.enterprises)))
    expect(page.locator("#fig-union")).to_have_text(
        str(sum(1 for e in district.enterprises if e["has_union"]))
    )
    # the congress 60 days ago with no BCH meeting: its BCH meeting and its dossier are overdue, nothing else
    expect(page.locator("#fig-overdue")).to_have_text("2")
    expect(page.locator("#overdue tbody tr")).to_have_count(2)
    expect(page.locator("#overdue")).to_contain_text("Dệt May Hưng Thịnh")

    # the year's targets: each scope's reached figure and percentage, as a table and as the chart's text
    area = {CADRE_A: WARD_A, CADRE_B: WARD_B}
    for scope, unions, members in district.targets:
        ward = area.get(scope, scope if scope != "federation" else None)
        ids = {i for i, w in wards.items() if ward is None or w == ward}
        got_unions = sum(
            1 for c in district.cases if c["enterprise_id"] in ids and _in(c.get("recognized_on"), year)
        )
        got_members = sum(n for i, n in district.added.items() if i in ids)
        label = {"federation": "Toàn Liên đoàn", CADRE_B: "Phạm Thị Cúc (Gia Lâm)"}.get(scope, scope)
        for table, reached, target in (("unions", got_unions, unions), ("members", got_members, members)):
            row = page.locator(f"#{table}-table tbody tr").filter(
                has=page.get_by_role("rowheader", name=label)
            )
            percent = int(100 * reached / target + 0.5)
            expect(row.locator("td")).to_have_text([str(reached), str(target), f"{percent}%"])
            expect(page.locator(f"#{table}-desc")).to_contain_text(
                f"{label}: {reached} / {target} ({percent}%)"
            )
    chart = page.get_by_role("img", name=re.compile("Số CĐCS mới so với chỉ tiêu năm"))
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.tagName") == "svg"
    expect(chart.locator("rect.reached")).to_have_count(len(district.targets))

    # the funnel: the current cases by their last step (the abandoned one not counted)
    live = [c for c in district.cases if c["state"] != "abandoned"]
    for step in STEP_ORDER:
        expect(page.locator(f"#stage-{step}")).to_have_text(str(sum(1 for c in live if _stage(c) == step)))
    expect(page.get_by_role("img", name=re.compile("Số cuộc thành lập theo bước cuối"))).to_be_visible()
    _shoot(page, "overview", db_backend)


def test_the_cadre_and_stage_filters_narrow_the_list_and_survive_paging(
    page: Page, module_server: LiveServer, district: District, db_backend: str
) -> None:
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role("link", name="Doanh nghiệp").click()
    expect(page.locator("#found")).to_have_text(f"Tìm thấy {len(district.enterprises)} doanh nghiệp.")
    _shoot(page, "enterprises", db_backend)
    # by cadre: the enterprises of their area (their ward), no others
    page.get_by_label("Cán bộ").select_option(label=CADRE_A)
    page.get_by_role("button", name="Lọc").click()
    in_a = sorted(e["name"] for e in district.enterprises if e["ward"] == WARD_A)
    expect(page.locator("#found")).to_have_text(f"Tìm thấy {len(in_a)} doanh nghiệp.")
    names = page.locator("#enterprises tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == in_a
    # and by stage: the cadre's enterprise whose founding is at the congress
    page.get_by_label("Giai đoạn thành lập").select_option("congress")
    page.get_by_role("button", name="Lọc").click()
    at_congress = [e["name"] for e in district.enterprises if e["ward"] == WARD_A
                   and any(c["enterprise_id"] == e["id"] for c in district.cases)
                   and _stage(_current(district, e["id"])) == "congress"]  # fmt: skip
    expect(page.locator("#enterprises tbody tr")).to_have_count(len(at_congress))
    expect(page.locator("#enterprises tbody tr").first).to_contain_text(at_congress[0])
    # the other cadre's paused case, at its applications step
    page.get_by_label("Cán bộ").select_option(label="Phạm Thị Cúc (Gia Lâm)")
    page.get_by_label("Giai đoạn thành lập").select_option("applications")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#enterprises tbody tr")).to_have_count(1)
    expect(page.locator("#enterprises tbody tr")).to_contain_text("Bao bì Gia Lâm")
    expect(page.locator("#enterprises tbody tr")).to_contain_text("Tạm dừng")
    # no case yet: more than a page; the filter stays on the next page
    with_case = {c["enterprise_id"] for c in district.cases}
    page.get_by_label("Cán bộ").select_option("")
    page.get_by_label("Giai đoạn thành lập").select_option("none")
    page.get_by_role("button", name="Lọc").click()
    none = len(district.enterprises) - len(with_case)
    expect(page.locator("#found")).to_have_text(f"Tìm thấy {none} doanh nghiệp.")
    page.get_by_role("link", name="Trang sau").click()
    expect(page).to_have_url(re.compile(r"stage=none.*page=2"))
    expect(page.locator("#enterprises tbody tr")).to_have_count(none - 25)
    expect(page.get_by_label("Giai đoạn thành lập")).to_have_value("none")
    # a cadre who is not one: said, naming the field, and nothing listed
    page.goto(f"{module_server.url}/dashboard/enterprises?cadre=ai+do")
    expect(page.get_by_role("alert")).to_contain_text("Cán bộ: không có cán bộ nào tên “ai do”")
    expect(page.locator("#found")).to_have_text("Tìm thấy 0 doanh nghiệp.")


def test_an_enterprise_shows_its_founding_timeline(
    page: Page, module_server: LiveServer, district: District, db_backend: str
) -> None:
    hung = district.enterprises[0]
    case = _current(district, hung["id"])
    page.goto(f"{module_server.url}/dashboard/enterprises/{hung['id']}")
    steps = page.locator("#timeline li")
    expect(steps).to_have_count(6)
    for step in STEP_ORDER:
        item = page.locator(f"#timeline li[data-step={step}]")
        done = case.get(f"{step}_on")
        if done:
            expect(item).to_contain_text("xong " + date.fromisoformat(str(done)).strftime("%d/%m/%Y"))
        else:
            expect(item).to_contain_text("chưa làm")
    # the congress was 60 days ago: the BCH meeting (10 working days) and the dossier (15) are overdue
    for step in ("bch_meeting", "dossier"):
        expect(page.locator(f"#timeline li[data-step={step}]")).to_contain_text("Quá hạn")
    expect(page.locator("#timeline li[data-step=recognized]")).not_to_contain_text("Quá hạn")
    expect(page.locator("#visits tbody tr")).to_have_count(sum(1 for v in district.visits
                                                                if v["enterprise_id"] == hung["id"]))  # fmt: skip
    expect(page.locator("#reasons li").first).to_be_visible()
    _shoot(page, "enterprise", db_backend)
    # paused, with its reason and note
    paused = district.enterprises[2]
    page.goto(f"{module_server.url}/dashboard/enterprises/{paused['id']}")
    expect(page.locator("#case-state")).to_contain_text("Tạm dừng")
    expect(page.locator("#case-state")).to_contain_text("Chủ doanh nghiệp cản trở: Giám đốc không cho họp")
    # abandoned, then started again: the new case's timeline, the old one listed with its reason
    again = district.enterprises[3]
    page.goto(f"{module_server.url}/dashboard/enterprises/{again['id']}")
    expect(page.locator("#case-state")).to_contain_text("Đang tiến hành")
    expect(page.locator("#timeline li.step-done")).to_have_count(1)
    expect(page.locator("#earlier li")).to_contain_text("Đã dừng hẳn (Người lao động rút lui)")


def test_on_a_phone_no_page_scrolls_sideways(
    browser: Browser,  # noqa: F811
    module_server: LiveServer,
    district: District,
    db_backend: str,
) -> None:
    page = _open(browser, module_server, PHONE)
    try:
        _no_sideways_scroll(page)
        expect(page.get_by_role("img", name=re.compile("Số CĐCS mới"))).to_be_visible()
        _shoot(page, "phone", db_backend, full_page=True)
        for path in (
            "enterprises",
            "enterprises?stage=none&page=2",
            f"enterprises/{district.enterprises[0]['id']}",
        ):
            page.goto(f"{module_server.url}/dashboard/{path}")
            expect(page.locator("h1")).to_be_visible()
            _no_sideways_scroll(page)
        expect(page.locator("#timeline li")).to_have_count(6)
    finally:
        page.context.close()


def test_the_keyboard_reaches_the_menu_and_the_search(page: Page, module_server: LiveServer) -> None:
    page.goto(f"{module_server.url}/dashboard/enterprises")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, tới nội dung")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    menu = page.get_by_role("navigation", name="Trình đơn chính")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Tổng quan")).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Doanh nghiệp")).to_be_focused()
    # the skip link takes the next Tab straight to the search
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Tìm", exact=True)).to_be_focused()
    page.keyboard.type("hung thinh")
    page.keyboard.press("Enter")
    expect(page.locator("#found")).to_have_text("Tìm thấy 1 doanh nghiệp.")
