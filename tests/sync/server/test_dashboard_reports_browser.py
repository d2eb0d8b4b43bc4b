"""The dashboard's reports page in a real browser: Debian's Chromium driven by Playwright against a real seeded
server process (the fixtures of test_dashboard_browser). Signed in, the page renders, the monthly report downloads
as an XLSX that openpyxl opens with the seeded ward and enterprises; a bad month is refused on the page.

Screenshot at 1366×768: docs/screenshots/dashboard-reports.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from dashboard_seed import Seeded
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from support.live_server import LiveServer
from test_dashboard_browser import browser, page, seeded, shoot, sign_in  # noqa: F401 (fixtures)

from sync.server.config import ENV_FEDERATION_NAME
from sync.server.recordstore import office_today

FEDERATION = "Liên đoàn Lao động quận Long Biên"


@pytest.fixture(scope="module", autouse=True)
def federation_name() -> Iterator[None]:
    """The module's server process is started with the federation's name in its environment."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_FEDERATION_NAME, FEDERATION)
        yield


def test_the_reports_page_downloads_the_monthly_report(
    page: Page,  # noqa: F811
    module_server: LiveServer,
    seeded: Seeded,  # noqa: F811
    db_backend: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    sign_in(page, module_server.url, seeded.viewer)
    page.get_by_role("link", name="Báo cáo").click()
    expect(page).to_have_url(f"{module_server.url}/dashboard/reports")
    expect(page.get_by_role("heading", name="Báo cáo giao ban hằng tháng")).to_be_visible()
    today = office_today()
    expect(page.get_by_label("Tháng")).to_have_value(f"{today:%Y-%m}")
    expect(page.get_by_label("Phường")).to_contain_text(seeded.ward)
    expect(page.get_by_label("Cán bộ")).to_contain_text(seeded.cadre)
    if db_backend == "sqlite":
        shoot(page, "reports")
    page.get_by_label("Tệp").select_option("xlsx")
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về").click()
    download = info.value
    assert download.suggested_filename == f"bao-cao-{today:%Y-%m}.xlsx"
    path = tmp_path_factory.mktemp("download") / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Tổng hợp", "Theo phường", "Theo cán bộ"]
    assert book["Tổng hợp"]["A1"].value == FEDERATION
    wards = [row[0] for row in book["Theo phường"].iter_rows(min_row=7, values_only=True)]
    assert seeded.ward in wards
    ready = [row[0] for row in book["Cần thành lập"].iter_rows(min_row=7, values_only=True)]
    assert seeded.hung_thinh["name"] in ready  # eligible (30 applications), no founding case
    # this month's visit by the cadre, on the cadre's row
    cadres = {row[0]: row for row in book["Theo cán bộ"].iter_rows(min_row=7, values_only=True)}
    assert cadres[seeded.cadre][3] == 1


def test_a_bad_month_is_refused_on_the_page_and_nothing_downloads(
    page: Page,  # noqa: F811
    module_server: LiveServer,
    seeded: Seeded,  # noqa: F811
) -> None:
    sign_in(page, module_server.url, seeded.admin)
    next_month = (office_today().replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    page.goto(f"{module_server.url}/dashboard/reports/download?month={next_month}&format=pdf")
    expect(page.get_by_role("alert")).to_contain_text("Tháng: hãy chọn một tháng đã bắt đầu")
    expect(page.get_by_label("Tệp")).to_have_value("pdf")  # the choices kept
    page.goto(
        f"{module_server.url}/dashboard/reports/download?month={date.today():%Y-%m}&ward=Phường Không Có"
    )
    expect(page.get_by_role("alert")).to_contain_text("Phường:")
    # without a session: the sign-in page, no report
    answer = httpx.get(
        f"{module_server.url}/dashboard/reports/download?month=2026-01", follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/login"
