"""A seeded server for the dashboard tests: users with passwords, enterprises and visits pushed over the API."""

from __future__ import annotations

import secrets
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
    tag = secrets.token_hex(3)
    admin, viewer, cadre = f"admin-{tag}", f"viewer-{tag}", f"Nguyễn Văn Cán {tag}"
    admin_token = add_user(database_url, admin, role="admin", full_name="Trần Thị Quản Trị")
    add_user(database_url, viewer, role="viewer", full_name="Lê Văn Lãnh Đạo")
    cadre_token = add_user(database_url, cadre, role="cadre")
    set_password(database_url, admin, PASSWORD)
    set_password(database_url, viewer, PASSWORD)
    ward = f"Phường Bồ Đề {tag}"
    hung = enterprise(name=f"Công ty TNHH Dệt May Hưng Thịnh {tag}", ward=ward, registered_workers=120)
    others = [
        enterprise(name=f"Công ty Cổ phần Cơ khí Đông Anh {tag} {i}", ward=ward if i % 2 else f"Xã Gia Lâm {tag}")
        for i in range(30)
    ]
    union = enterprise(name=f"Công ty TNHH Thực phẩm Sài Gòn {tag}", ward=ward, has_union=True, union_members=80)
    this_month = date.today().replace(day=1)
    visits = [
        visit(hung["id"], cadre, visited_on=this_month.isoformat(), headcount=120, applications=30,
              attitude="supportive", note="Giám đốc đồng ý thành lập ban vận động"),  # fmt: skip
        visit(hung["id"], cadre, visited_on=(this_month - timedelta(days=40)).isoformat(), headcount=110,
              note="Lần đầu gặp phòng nhân sự"),  # fmt: skip
    ]
    api = Api.live(url, admin_token, admin)
    try:
        api.push([item("enterprise", e) for e in [hung, union, *others]])
        api.push([item("visit", v) for v in visits])
    finally:
        api.close()
    names = [str(e["name"]) for e in [hung, union, *others]]
    return Seeded(admin, viewer, cadre, cadre_token, hung, names, ward)
