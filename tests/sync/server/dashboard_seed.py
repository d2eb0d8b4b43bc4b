"""A seeded server for the dashboard tests: users with passwords, enterprises and visits pushed over the API.

Fixed names (the module's server has its own fresh database), so the screenshots in docs/ stay the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from server_helpers import Api, enterprise, item, visit

from sync.server.users import add_user, set_password

PASSWORD = "mật khẩu đủ dài 2026"


@dataclass(frozen=True)
class Seeded:
    admin: str
    viewer: str
    cadre: str
    cadre_token: str
    #: the enterprise with visits (name "Công ty TNHH Dệt May Hưng Thịnh …")
    hung_thinh: dict[str, object]
    names: list[str]
    ward: str


def seed(url: str, database_url: str) -> Seeded:
    """Users (an admin and a viewer with PASSWORD, a cadre with a token) and a small registry on the server."""
    admin, viewer, cadre = "quantri", "lanhdao", "Nguyễn Văn Bình"
    admin_token = add_user(database_url, admin, role="admin", full_name="Trần Thị Quản Trị")
    add_user(database_url, viewer, role="viewer", full_name="Lê Văn Lãnh Đạo")
    cadre_token = add_user(database_url, cadre, role="cadre")
    set_password(database_url, admin, PASSWORD)
    set_password(database_url, viewer, PASSWORD)
    ward = "Phường Bồ Đề"
    hung = enterprise(name="Công ty TNHH Dệt May Hưng Thịnh", ward=ward, registered_workers=120,
                      address="25 Nguyễn Văn Cừ", tax_code="0107654321")  # fmt: skip
    others = [
        enterprise(
            name=f"Công ty {kind} {trade} {place}",
            ward=ward if i % 2 else "Xã Gia Lâm",
            address=f"{10 + i} Ngô Gia Tự",
            tax_code=f"01088{i:05d}",
            registered_workers=20 + 7 * i,
        )
        for i, (kind, trade, place) in enumerate(
            (kind, trade, place)
            for kind in ("TNHH", "Cổ phần")
            for trade in ("Cơ khí", "Bao bì", "Điện tử")
            for place in ("Đông Anh", "Long Biên", "Việt Hưng", "Gia Thụy", "Thạch Bàn")
        )
    ]
    union = enterprise(name="Công ty TNHH Thực phẩm Sài Gòn", ward=ward, has_union=True, union_members=80,
                       tax_code="0301112223")  # fmt: skip
    this_month = date.today().replace(day=1)
    visits = [
        visit(
            hung["id"],
            cadre,
            visited_on=this_month.isoformat(),
            headcount=120,
            applications=30,
            attitude="supportive",
            note="Giám đốc đồng ý thành lập ban vận động",
        ),  # fmt: skip
        visit(
            hung["id"],
            cadre,
            visited_on=(this_month - timedelta(days=40)).isoformat(),
            headcount=110,
            note="Lần đầu gặp phòng nhân sự",
        ),  # fmt: skip
    ]
    api = Api.live(url, admin_token, admin)
    try:
        api.push([item("enterprise", e) for e in [hung, union, *others]])
        api.push([item("visit", v) for v in visits])
    finally:
        api.close()
    names = [str(e["name"]) for e in [hung, union, *others]]
    return Seeded(admin, viewer, cadre, cadre_token, hung, names, ward)
