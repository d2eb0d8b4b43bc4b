"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real seeded server process.

The browser must be there (``.ci/run`` installs the ``chromium`` package): without it these tests fail, never skip.
The sign-in page's screenshot goes to docs/screenshots/dashboard-login.png (the other pages' are taken on a fuller
district by test_dashboard_pages_browser.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dashboard_seed import PASSWORD, Seeded, seed
from playwright.sync_api import Browser, Page, expect, sync_playwright
from support.live_server import LiveServer

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "Chromium is missing: `apt-get install -y chromium` (Debian's package; .ci/run installs it)"
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def seeded(module_server: LiveServer) -> Seeded:
    return seed(module_server.url, module_server.database_url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(f"{url}/dashboard/login")
    page.get_by_label("Tên người dùng").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"))


def test_sign_in_shows_the_overview_with_the_seeded_figures(
    page: Page, module_server: LiveServer, seeded: Seeded, db_backend: str
) -> None:
    page.goto(f"{module_server.url}/dashboard/")
    if db_backend == "sqlite":
        shoot(page, "login")
    sign_in(page, module_server.url, seeded.admin)
    expect(page).to_have_url(f"{module_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    # this module's server holds this seed only: 32 enterprises, 1 with a union, 1 visit this month
    expect(page.locator("#fig-enterprises")).to_have_text("32")
    expect(page.locator("#fig-union")).to_have_text("1")
    expect(page.locator("#fig-visits")).to_have_text("1")
    expect(page.locator("#status-unionized")).to_have_text("1")
    expect(page.locator("#role-cadre")).to_have_text("1")
    expect(page.get_by_text("Trần Thị Quản Trị")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "fa_session")
    assert (
        cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    )  # http here: not Secure


def test_a_wrong_password_is_refused_and_opens_nothing(
    page: Page, module_server: LiveServer, seeded: Seeded
) -> None:
    sign_in(page, module_server.url, seeded.viewer, "not the password at all")
    expect(page.get_by_role("alert")).to_contain_text("Sai tên người dùng hoặc mật khẩu")
    assert not any(c["name"] == "fa_session" for c in page.context.cookies())
    page.goto(f"{module_server.url}/dashboard/enterprises")
    expect(page).to_have_url(f"{module_server.url}/dashboard/login")


def test_a_cadre_token_does_not_open_the_dashboard(
    browser: Browser, module_server: LiveServer, seeded: Seeded
) -> None:
    context = browser.new_context(
        viewport=DESKTOP, extra_http_headers={"Authorization": f"Bearer {seeded.cadre_token}"}
    )
    try:
        page = context.new_page()
        page.goto(f"{module_server.url}/dashboard/enterprises")
        expect(page).to_have_url(f"{module_server.url}/dashboard/login")
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
        # the cadre's name with whatever password (a cadre has none) is refused like a wrong password
        sign_in(page, module_server.url, seeded.cadre, PASSWORD)
        expect(page.get_by_role("alert")).to_contain_text("không được đăng nhập trang quản lý")
    finally:
        context.close()


def test_a_post_without_the_csrf_token_is_refused(
    page: Page, module_server: LiveServer, seeded: Seeded
) -> None:
    sign_in(page, module_server.url, seeded.viewer)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    # the sign-out form with a wrong token, then without one: refused, still signed in
    page.locator("form[action='/dashboard/logout'] input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Biểu mẫu bị từ chối")).to_be_visible()
    page.goto(f"{module_server.url}/dashboard/")
    page.locator("form[action='/dashboard/logout'] input[name=csrf]").evaluate("e => e.remove()")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Biểu mẫu bị từ chối")).to_be_visible()
    page.goto(f"{module_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    # the real form signs out: the session is gone on the server, the old cookie opens nothing
    old = next(c for c in page.context.cookies() if c["name"] == "fa_session")["value"]
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{module_server.url}/dashboard/login")
    replay = httpx.get(f"{module_server.url}/dashboard/", cookies={"fa_session": old}, follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"] == "/dashboard/login"


def test_the_sign_in_form_needs_its_csrf_token(page: Page, module_server: LiveServer, seeded: Seeded) -> None:
    page.goto(f"{module_server.url}/dashboard/login")
    page.locator("input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_label("Tên người dùng").fill(seeded.admin)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Biểu mẫu bị từ chối")).to_be_visible()
    assert not any(c["name"] == "fa_session" for c in page.context.cookies())


def test_enterprises_search_without_accents_filter_and_page(
    page: Page, module_server: LiveServer, seeded: Seeded, db_backend: str
) -> None:
    sign_in(page, module_server.url, seeded.admin)
    page.get_by_role("link", name="Doanh nghiệp").click()
    expect(page.locator("#found")).to_have_text("Tìm thấy 32 doanh nghiệp.")
    expect(page.get_by_text("Trang 1/2")).to_be_visible()
    # by name without accents: "Đông Anh" sorts as "dong anh", before "Gia Thụy"
    expect(page.locator("table.list tbody tr").first).to_contain_text("Công ty Cổ phần Bao bì Đông Anh")
    page.get_by_role("link", name="Trang sau").click()
    expect(page.get_by_text("Trang 2/2")).to_be_visible()
    expect(page.locator("table.list tbody tr")).to_have_count(32 - 25)
    page.get_by_role("link", name="Trang trước").click()
    page.get_by_label("Tìm", exact=True).fill("det may hung thinh")  # no accents: "Dệt May Hưng Thịnh"
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#found")).to_have_text("Tìm thấy 1 doanh nghiệp.")
    expect(page.get_by_role("link", name=str(seeded.hung_thinh["name"]))).to_be_visible()
    page.get_by_label("Tìm", exact=True).fill("")
    page.get_by_label("Phường").select_option(seeded.ward)
    page.get_by_label("Kết quả").select_option("unionized")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#found")).to_have_text("Tìm thấy 1 doanh nghiệp.")
    expect(page.get_by_text("Sài Gòn")).to_be_visible()
    page.get_by_label("Kết quả").select_option("")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#found")).to_have_text(
        "Tìm thấy 17 doanh nghiệp."
    )  # 15 of the 30, Hưng Thịnh, Sài Gòn


def test_an_enterprise_page_shows_its_visits_and_verdict_reasons(
    page: Page, module_server: LiveServer, seeded: Seeded, db_backend: str
) -> None:
    sign_in(page, module_server.url, seeded.admin)
    page.goto(f"{module_server.url}/dashboard/enterprises?q=hung+thinh")
    page.get_by_role("link", name=str(seeded.hung_thinh["name"])).click()
    expect(page.get_by_role("heading", name=str(seeded.hung_thinh["name"]))).to_be_visible()
    expect(page.locator("#verdict")).to_have_text("Đủ điều kiện")
    expect(page.locator("#reasons li").first).to_be_visible()
    rows = page.locator("#visits tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Giám đốc đồng ý thành lập ban vận động")
    expect(rows.first).to_contain_text("Ủng hộ")
    # the English toggle, kept across pages
    page.get_by_role("link", name="English").click()
    expect(page.locator("#verdict")).to_have_text("Eligible")
    expect(page.get_by_role("heading", name="Visits")).to_be_visible()
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_the_list_is_usable_on_a_phone(browser: Browser, module_server: LiveServer, seeded: Seeded,
                                       db_backend: str) -> None:  # fmt: skip
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        sign_in(page, module_server.url, seeded.viewer)
        page.goto(f"{module_server.url}/dashboard/enterprises?q=hung+thinh")
        link = page.get_by_role("link", name=str(seeded.hung_thinh["name"]))
        expect(link).to_be_visible()
        # nothing wider than the screen: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_keyboard_reaches_every_field_and_focus_is_drawn(page: Page, module_server: LiveServer) -> None:
    page.goto(f"{module_server.url}/dashboard/login")
    expect(page.get_by_label("Tên người dùng")).to_be_focused()  # the form starts where the eyes are
    page.keyboard.press("Tab")
    password = page.get_by_label("Mật khẩu")
    expect(password).to_be_focused()
    outline = password.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline == "solid 3px"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_focused()
