"""The admin pages in a real browser (Debian's Chromium through Playwright) against a real seeded server process:
a ward assigned in the browser reaches the cadre's laptop on its next pull; a conflict resolved with both values
in view. Screenshots at 1366×768 go to docs/screenshots/dashboard-cadres.png and dashboard-conflicts.png.
"""

from __future__ import annotations

from pathlib import Path

from client.laptop import client_for
from dashboard_seed import Seeded
from playwright.sync_api import Browser, Page, expect
from server_helpers import Api, enterprise, item
from support.live_server import LiveServer
from test_dashboard_browser import PHONE, browser, page, seeded, shoot, sign_in  # noqa: F401 (fixtures)

from fieldapp.store import Store


def _file_conflict(
    server: LiveServer, names: tuple[str, str], firm_name: str
) -> tuple[Api, dict[str, object]]:
    """Two cadres of Thạch Bàn change a firm's address and head count: the second push is a hard conflict.
    Returns the second cadre's client (to close) and the firm."""
    a, b = (Api.live(server.url, server.add_user(n, wards=["Thạch Bàn"]), n) for n in names)
    firm = enterprise(name=firm_name, ward="Thạch Bàn", registered_workers=40, address="12 Thạch Bàn")
    a.push([item("enterprise", firm)])
    b.push([item("enterprise", {**firm, "registered_workers": 55, "address": "14 Thạch Bàn"}, rev=2, base=1)])
    mine = {**firm, "registered_workers": 61, "address": "12A Thạch Bàn"}
    assert a.push([item("enterprise", mine, rev=2, base=1)])[0]["conflict"] == "hard"
    b.close()
    return a, firm


def test_a_ward_assigned_in_the_browser_reaches_the_cadres_next_pull(
    page: Page,  # noqa: F811
    module_server: LiveServer,
    seeded: Seeded,  # noqa: F811
    tmp_path: Path,
    db_backend: str,
) -> None:
    with Store.open(tmp_path / "laptop") as store:
        laptop = client_for(store, module_server.url, seeded.cadre_token)
        assert laptop.run().ok and store.enterprises() == []  # no area yet: nothing to pull

        colleague = "Phạm Thị Hoa"
        module_server.add_user(colleague, full_name=colleague, wards=["Xã Gia Lâm"])
        sign_in(page, module_server.url, seeded.admin)
        page.get_by_role("link", name="Cán bộ và địa bàn").click()
        expect(page.get_by_role("heading", name="Cán bộ và địa bàn")).to_be_visible()
        row = page.locator("#cadres tbody tr", has_text=seeded.cadre)
        expect(row).to_contain_text("Chưa có phường")
        field = row.get_by_label(f"Phường thêm cho {seeded.cadre}")
        # a typing mistake: refused with the closest wards, named in the field's message; nothing changes
        field.fill("bo dei")
        row.get_by_role("button", name=f"Thêm ({seeded.cadre})").click()
        row = page.locator("#cadres tbody tr", has_text=seeded.cadre)
        alert = row.get_by_role("alert")
        expect(alert).to_contain_text("“bo dei” không phải phường của sổ doanh nghiệp")
        expect(alert).to_contain_text("gần nhất: Phường Bồ Đề")
        field = row.get_by_label(f"Phường thêm cho {seeded.cadre}")
        expect(field).to_have_value("bo dei")
        expect(field).to_be_focused()
        expect(row).to_contain_text("Chưa có phường")
        # without accents, as the laptop folds text
        field.fill("bo de")
        field.press("Enter")
        expect(page.get_by_role("status")).to_have_text(f"{seeded.cadre} nay phụ trách Phường Bồ Đề.")
        row = page.locator("#cadres tbody tr", has_text=seeded.cadre)
        expect(row.locator("ul.wards li > span")).to_have_text(["Phường Bồ Đề"])
        expect(row.get_by_role("button", name=f"Bỏ Phường Bồ Đề ({seeded.cadre})")).to_be_visible()
        expect(row.locator("td.num")).to_have_text("17")  # 15 of the 30, Hưng Thịnh, Sài Gòn
        if db_backend == "sqlite":
            shoot(page, "cadres")

        summary = laptop.run()
        assert summary.ok, summary
        in_bo_de = {str(seeded.hung_thinh["id"])}
        pulled = {e.id for e in store.enterprises()}
        assert len(pulled) == 17 and in_bo_de <= pulled
        assert {e.ward for e in store.enterprises()} == {seeded.ward}


def test_a_conflict_is_resolved_in_the_browser_with_both_values_in_view(
    page: Page,  # noqa: F811
    module_server: LiveServer,
    seeded: Seeded,  # noqa: F811
    db_backend: str,
) -> None:
    # this module's server has its own database: fixed names keep the screenshot the same
    names = ("Trần Văn Hùng", "Lê Thị Mai")
    a, firm = _file_conflict(module_server, names, "Công ty Dệt Thạch Bàn")
    try:
        sign_in(page, module_server.url, seeded.admin)
        page.get_by_role("link", name="Xung đột").click()
        card = page.locator("section.conflict", has_text="Công ty Dệt Thạch Bàn")
        expect(card.get_by_role("heading")).to_have_text("Doanh nghiệp: Công ty Dệt Thạch Bàn")
        clash = card.locator("tbody tr")
        expect(clash).to_have_count(2)
        expect(clash.locator("th")).to_have_text(["Địa chỉ", "Số lao động (theo danh sách)"])
        expect(clash.locator("td.server")).to_have_text(["14 Thạch Bàn", "55"])
        expect(clash.locator("td.laptop")).to_have_text(["12A Thạch Bàn", "61"])
        expect(card.locator("thead")).to_contain_text(f"do {names[1]}")
        expect(card.locator("thead")).to_contain_text(f"do {names[0]}")
        if db_backend == "sqlite":
            shoot(page, "conflicts")
        card.get_by_role("button", name="Lấy giá trị của máy cán bộ").click()
        expect(page.get_by_role("status")).to_contain_text("đã lưu giá trị của máy cán bộ")
        expect(page.locator("section.conflict", has_text="Công ty Dệt Thạch Bàn")).to_have_count(0)
        stored = a.record("enterprise", str(firm["id"]))
        assert stored is not None and stored["record"]["registered_workers"] == 61
        assert stored["record"]["address"] == "12A Thạch Bàn"
    finally:
        a.close()


def _tab_through(web: Page, limit: int = 80) -> list[str]:
    """Press Tab until focus comes back to the first control (at most *limit* times); the ids/names met."""
    met: list[str] = []
    for _ in range(limit):
        web.keyboard.press("Tab")
        key = web.evaluate(
            "() => { const e = document.activeElement; return e === document.body ? '' : "
            "(e.id || '') + '|' + (e.getAttribute('name') || '') + '|' + e.textContent.trim() + '|' + "
            "(e.getAttribute('href') || '') + '|' + (e.form ? e.form.action : '') + '|' + "
            "(e.form ? [...e.form.elements].indexOf(e) : '') }"
        )
        if met and key == met[0]:
            break
        met.append(key)
    return met


def test_every_control_of_the_admin_pages_has_a_label_and_is_reached_with_tab(
    page: Page,  # noqa: F811
    module_server: LiveServer,
    seeded: Seeded,  # noqa: F811
) -> None:
    sign_in(page, module_server.url, seeded.admin)
    for path in ("cadres", "conflicts"):
        page.goto(f"{module_server.url}/dashboard/{path}")
        unlabelled = page.evaluate(
            "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML)"
        )
        assert unlabelled == []
        nameless = page.evaluate(
            "() => [...document.querySelectorAll('button, a')].filter(e => !e.textContent.trim()).map(e => e.outerHTML)"
        )
        assert nameless == []
        controls = page.evaluate(
            "() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select')]"
            ".filter(e => e.offsetParent !== null).length"
        )
        met = _tab_through(page, limit=controls + 5)
        assert len(set(met) - {""}) == controls, (path, controls, met)


def test_the_admin_pages_fit_a_phone(browser: Browser, module_server: LiveServer, seeded: Seeded) -> None:  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        a, _firm = _file_conflict(module_server, ("Đỗ Văn Nam", "Vũ Thị Lan"), "Công ty Cơ khí Thạch Bàn")
        a.close()
        phone = context.new_page()
        sign_in(phone, module_server.url, seeded.admin)
        for path, heading in (("cadres", "Cán bộ và địa bàn"), ("conflicts", "Xung đột chờ người xử lý")):
            phone.goto(f"{module_server.url}/dashboard/{path}")
            expect(phone.get_by_role("heading", name=heading)).to_be_visible()
            if path == "conflicts":
                expect(phone.get_by_role("button", name="Lấy giá trị của máy cán bộ").first).to_be_visible()
            # nothing wider than the screen: no sideways scrolling
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    finally:
        context.close()
