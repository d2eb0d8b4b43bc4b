"""The dashboard's admin pages without a browser: cadres and areas, conflicts waiting for a person.

The app runs in-process (FastAPI's TestClient) on a real migrated SQLite database; the browser tests
(test_dashboard_admin_browser.py) drive the same pages in Chromium against a server process.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_helpers import Api, AppServer, enterprise, item, visit
from sqlalchemy import select

from sync.server.areas import list_areas
from sync.server.db import read_session
from sync.server.models import Conflict, User
from sync.server.users import add_user, set_password

PASSWORD = "một mật khẩu dài"
CADRE = "Nguyễn Văn Bình"


@dataclass
class Office:
    server: AppServer
    admin: Api
    firms: list[dict[str, Any]]

    def browser(self, name: str, lang: str = "vi") -> TestClient:
        client = TestClient(self.server.app, follow_redirects=False, cookies={"fa_lang": lang})
        page = client.get("/dashboard/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        signed = client.post(
            "/dashboard/login", data={"csrf": csrf.group(1), "name": name, "password": PASSWORD}
        )
        assert signed.status_code == 303, signed.text
        return client

    def wards(self, name: str = CADRE) -> list[str]:
        return next(a.wards for a in list_areas(self.server.engine) if a.user == name)

    def scope_version(self, name: str = CADRE) -> int:
        with read_session(self.server.engine) as session:
            return int(session.scalar(select(User.scope_version).where(User.name == name)) or 0)


@pytest.fixture
def office(server: AppServer) -> Iterator[Office]:
    """An admin and a viewer who sign in, a cadre with no area yet, and firms in Bồ Đề (2) and Gia Lâm (1)."""
    admin = server.api("admin", name="quantri")
    add_user(server.engine, "lanhdao", role="viewer")
    for name in ("quantri", "lanhdao"):
        set_password(server.engine, name, PASSWORD)
    server.api("cadre", name=CADRE, wards=[])
    firms = [
        enterprise(name="Công ty May Bồ Đề", ward="Phường Bồ Đề"),
        enterprise(name="Công ty In Bồ Đề", ward="Phường Bồ Đề"),
        enterprise(name="Công ty Gốm Gia Lâm", ward="Xã Gia Lâm"),
    ]
    assert {r["status"] for r in admin.push([item("enterprise", e) for e in firms])} == {"accepted"}
    yield Office(server, admin, firms)


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def text_of(page: Any) -> str:
    """The page's text without tags, spaces collapsed (what a reader reads)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


# --- cadres and areas -------------------------------------------------------------------------------------------------
def test_an_admin_assigns_a_ward_typed_without_accents_as_the_server_writes_it(office: Office) -> None:
    web = office.browser("quantri")
    page = web.get("/dashboard/cadres")
    assert page.status_code == 200 and 'action="/dashboard/cadres/assign"' in page.text
    before = office.scope_version()
    done = web.post(
        "/dashboard/cadres/assign", data={"csrf": csrf_of(page), "user": CADRE, "ward": "  bo de "}
    )
    assert done.status_code == 200, done.text
    assert office.wards() == ["Phường Bồ Đề"]  # the registry's spelling, not what was typed
    assert office.scope_version() > before  # the cadre's laptop pulls its area again
    assert f"{CADRE} now works Phường Bồ Đề" in text_of(done).replace("nay phụ trách", "now works")
    row = re.search(r'<tr id="cadre-\d+">(.*?)</tr>', done.text, re.S)
    assert row is not None and "Phường Bồ Đề" in row.group(1)
    assert re.search(r'class="num">2</td>', row.group(1))  # the two firms of Bồ Đề are in the area now


def test_a_ward_matching_nothing_is_refused_naming_the_field_and_the_closest_and_changes_nothing(
    office: Office,
) -> None:
    web = office.browser("quantri")
    csrf = csrf_of(web.get("/dashboard/cadres"))
    before = office.scope_version()
    refused = web.post("/dashboard/cadres/assign", data={"csrf": csrf, "user": CADRE, "ward": "bo dei"})
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Phường/Xã (ward): “bo dei” không phải phường của sổ doanh nghiệp" in text
    assert "Phường Bồ Đề" in text.split("gần nhất:")[1]
    assert 'value="bo dei" aria-invalid="true"' in refused.text  # the form keeps what was typed
    assert office.wards() == [] and office.scope_version() == before
    # in English for a reader who chose it
    english = office.browser("quantri", lang="en")
    refused = english.post("/dashboard/cadres/assign", data={"csrf": csrf_of(english.get("/dashboard/cadres")),
                                                             "user": CADRE, "ward": "gia lamm"})  # fmt: skip
    assert refused.status_code == 422
    assert "“gia lamm” is no ward of the registry or of anyone's area; the closest: Xã Gia Lâm" in text_of(
        refused
    )
    assert office.wards() == []


def test_removing_a_ward_is_recorded_and_one_not_in_the_area_is_refused(office: Office) -> None:
    web = office.browser("quantri")
    csrf = csrf_of(web.get("/dashboard/cadres"))
    for ward in ("bo de", "Gia Lâm"):
        assert (
            web.post("/dashboard/cadres/assign", data={"csrf": csrf, "user": CADRE, "ward": ward}).status_code
            == 200
        )
    assert office.wards() == ["Phường Bồ Đề", "Xã Gia Lâm"]
    removed = web.post(
        "/dashboard/cadres/unassign", data={"csrf": csrf, "user": CADRE, "ward": "Phường Bồ Đề"}
    )
    assert removed.status_code == 200 and office.wards() == ["Xã Gia Lâm"]
    again = web.post("/dashboard/cadres/unassign", data={"csrf": csrf, "user": CADRE, "ward": "Phường Bồ Đề"})
    assert again.status_code == 422
    assert f"“Phường Bồ Đề” không thuộc địa bàn của {CADRE}" in text_of(again)
    assert office.wards() == ["Xã Gia Lâm"]


def test_a_viewer_sees_the_areas_without_a_form_and_a_post_of_theirs_is_refused(office: Office) -> None:
    web = office.browser("quantri")
    csrf = csrf_of(web.get("/dashboard/cadres"))
    web.post("/dashboard/cadres/assign", data={"csrf": csrf, "user": CADRE, "ward": "bo de"})
    viewer = office.browser("lanhdao")
    page = viewer.get("/dashboard/cadres")
    assert page.status_code == 200 and "Phường Bồ Đề" in page.text and CADRE in page.text
    assert "/dashboard/cadres/assign" not in page.text and "/dashboard/cadres/unassign" not in page.text
    before = office.scope_version()
    for path, ward in (("assign", "Gia Lâm"), ("unassign", "Phường Bồ Đề")):
        refused = viewer.post(
            f"/dashboard/cadres/{path}", data={"csrf": csrf_of(page), "user": CADRE, "ward": ward}
        )
        assert refused.status_code == 403
        assert "Chỉ quản trị viên mới được thay đổi" in text_of(refused)
    assert office.wards() == ["Phường Bồ Đề"] and office.scope_version() == before


def test_an_admins_post_without_the_csrf_token_is_refused_and_changes_nothing(office: Office) -> None:
    web = office.browser("quantri")
    web.get("/dashboard/cadres")
    for data in ({"csrf": "forged"}, {}):
        refused = web.post("/dashboard/cadres/assign", data={**data, "user": CADRE, "ward": "bo de"})
        assert refused.status_code == 403 and "Biểu mẫu bị từ chối" in refused.text
    assert office.wards() == []
    # and without a session, the sign-in page
    anonymous = TestClient(office.server.app, follow_redirects=False)
    for path in ("/dashboard/cadres", "/dashboard/conflicts"):
        assert anonymous.get(path).headers["location"] == "/dashboard/login"
    assert (
        anonymous.post("/dashboard/cadres/assign", data={"user": CADRE, "ward": "bo de"}).status_code == 303
    )
    assert office.wards() == []


# --- conflicts ------------------------------------------------------------------------------------------------------
def _hard_conflict(office: Office) -> tuple[dict[str, Any], int]:
    """Two cadres edit the registry count of one firm: the second push clashes with the first (a hard conflict)."""
    a = office.server.api("cadre", name="cadre-a")
    b = office.server.api("cadre", name="cadre-b")
    firm = enterprise(name="Công ty Dệt Thạch Bàn", ward="Thạch Bàn", registered_workers=40)
    a.push([item("enterprise", firm)])
    b.push([item("enterprise", {**firm, "registered_workers": 55}, rev=2, base=1)])
    mine = {**firm, "registered_workers": 61}
    assert a.push([item("enterprise", mine, rev=2, base=1)])[0]["conflict"] == "hard"
    with read_session(office.server.engine) as session:
        conflict_id = session.scalar(select(Conflict.id).where(Conflict.record_id == firm["id"]))
    assert conflict_id is not None
    return firm, conflict_id


def test_a_conflict_shows_both_values_and_an_admin_takes_the_laptops(office: Office) -> None:
    firm, conflict_id = _hard_conflict(office)
    web = office.browser("quantri")
    # the cadres who pushed have a "last data sent" time (Vietnam's); the one who never did, a dash
    cadres = web.get("/dashboard/cadres").text
    rows = dict(re.findall(r'<tr id="cadre-\d+">\s*<th scope="row"[^>]*>([^<]+)<(.*?)</tr>', cadres, re.S))
    assert re.search(r"<td[^>]*>\d\d/\d\d/\d{4} \d\d:\d\d</td>", rows["cadre-a"])
    assert re.search(r"<td[^>]*>—</td>", rows[CADRE])
    page = web.get("/dashboard/conflicts")
    assert page.status_code == 200
    card = re.search(
        rf'<section class="card conflict" id="conflict-{conflict_id}".*?</section>', page.text, re.S
    )
    assert card is not None
    row = " ".join(re.sub(r"<[^>]+>", " ", card.group(0)).split())
    assert "Công ty Dệt Thạch Bàn" in row and "cadre-a" in row and "cadre-b" in row
    assert re.search(r'class="server">55</td>\s*<td [^>]*class="laptop">61</td>', card.group(0))
    done = web.post(
        f"/dashboard/conflicts/{conflict_id}/resolve", data={"csrf": csrf_of(page), "resolution": "client"}
    )
    assert done.status_code == 200 and "đã lưu giá trị của máy cán bộ" in text_of(done)
    assert f'id="conflict-{conflict_id}"' not in done.text
    assert office.admin.record("enterprise", firm["id"])["record"]["registered_workers"] == 61  # type: ignore[index]
    with read_session(office.server.engine) as session:
        row_ = session.get(Conflict, conflict_id)
        assert row_ is not None and (row_.resolution, row_.resolved_by) == ("client", "quantri")
    again = web.post(
        f"/dashboard/conflicts/{conflict_id}/resolve", data={"csrf": csrf_of(page), "resolution": "server"}
    )
    assert again.status_code == 409 and f"Xung đột {conflict_id} đã được giải quyết" in text_of(again)


def test_keeping_the_servers_value_and_what_is_refused(office: Office) -> None:
    firm, conflict_id = _hard_conflict(office)
    web = office.browser("quantri")
    csrf = csrf_of(web.get("/dashboard/conflicts"))
    path = f"/dashboard/conflicts/{conflict_id}/resolve"
    assert web.post(path, data={"csrf": "forged", "resolution": "client"}).status_code == 403
    odd = web.post(path, data={"csrf": csrf, "resolution": "edit"})
    assert odd.status_code == 422 and "nothing was changed" not in odd.text
    assert "không có gì thay đổi" in text_of(odd)
    viewer = office.browser("lanhdao")
    seen = viewer.get("/dashboard/conflicts")
    assert f'id="conflict-{conflict_id}"' in seen.text and "/resolve" not in seen.text  # reads, no form
    assert viewer.post(path, data={"csrf": csrf_of(seen), "resolution": "client"}).status_code == 403
    with read_session(office.server.engine) as session:
        assert session.get(Conflict, conflict_id).resolved_at is None  # type: ignore[union-attr]
    kept = web.post(path, data={"csrf": csrf, "resolution": "server"})
    assert kept.status_code == 200 and "đã giữ giá trị của máy chủ" in text_of(kept)
    assert office.admin.record("enterprise", firm["id"])["record"]["registered_workers"] == 55  # type: ignore[index]


def test_a_visits_conflict_is_titled_by_its_enterprise_and_shows_choices_as_labels(office: Office) -> None:
    """One cadre's two laptops change the same visit: the page names the enterprise and words the attitude."""
    first = office.server.api("cadre", name="cadre-c")
    second = office.server.client(None, "cadre-c")
    second.http.headers.update(first.http.headers)
    second.device = "laptop-2"
    firm = office.firms[0]
    seen = visit(str(firm["id"]), "cadre-c", attitude="neutral")
    first.push([item("visit", seen)])
    second.push([item("visit", {**seen, "attitude": "supportive"}, rev=2, base=1)])
    assert (
        first.push([item("visit", {**seen, "attitude": "hostile"}, rev=2, base=1)])[0]["conflict"] == "hard"
    )
    page = office.browser("quantri").get("/dashboard/conflicts")
    text = text_of(page)
    assert "Lần thăm: Công ty May Bồ Đề" in text
    assert re.search(r'class="server">Ủng hộ</td>\s*<td [^>]*class="laptop">Phản đối</td>', page.text), text
