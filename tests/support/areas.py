"""Areas for the tests: a cadre made by a test fixture works every ward the tests' records use.

Since areas (issue 7), a cadre pushes and pulls the enterprises of their area only. Tests about something else
(conflicts, faults, the TUI's sync screen) make cadres through their fixtures, which give them ``TEST_WARDS``:
the wards of the record builders, the demo district and the benchmarks. Tests about areas name their wards.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from fieldapp.io.demo import DISTRICTS
from sync.server.areas import assign_wards
from sync.server.users import UserInfo

__all__ = ["TEST_WARDS", "cadre_info", "give_area"]

#: the wards of Hà Nội's Long Biên, Hai Bà Trưng and Hoàng Mai districts before 1 July 2025: records built by
#: tests (and the demo before it moved onto the 2025 map) still name them, as laptops' old data does
_OLD_WARDS = (
    "Ngọc Lâm", "Bồ Đề", "Gia Thụy", "Thạch Bàn", "Phúc Đồng", "Sài Đồng", "Việt Hưng", "Đức Giang", "Giang Biên",
    "Thượng Thanh", "Cự Khối", "Phúc Lợi", "Ngọc Thụy", "Long Biên", "Bạch Đằng", "Minh Khai", "Vĩnh Tuy",
    "Thanh Lương", "Bách Khoa", "Đồng Tâm", "Trương Định", "Quỳnh Mai", "Lê Đại Hành", "Phố Huế", "Bạch Mai",
    "Thanh Nhàn", "Hoàng Liệt", "Lĩnh Nam", "Mai Động", "Tương Mai", "Giáp Bát", "Yên Sở", "Định Công",
)  # fmt: skip

TEST_WARDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            "Bến Thành",
            "Phường 1",
            "Phường 2",
            "Phường 9",
            "X",
            *_OLD_WARDS,
            *(ward for wards in DISTRICTS.values() for ward in wards),
        ]
    )
)


def cadre_info(engine: Engine, name: str, wards: Sequence[str] = TEST_WARDS) -> UserInfo:
    """A cadre *name* in the database (made if missing) working *wards*, as the server knows them."""
    from sync.server.users import add_user, list_users

    if not any(u.name == name for u in list_users(engine)):
        add_user(engine, name)
        give_area(engine, name, wards)
    return next(u for u in list_users(engine) if u.name == name)


def give_area(target: str | Engine, name: str, wards: Sequence[str] = TEST_WARDS) -> None:
    """Assign *wards* (every test ward unless given) to the user *name* of the database *target*."""
    from sync.server.db import make_engine

    engine = make_engine(target) if isinstance(target, str) else target
    try:
        if wards:
            assign_wards(engine, name, wards, by="tests")
    finally:
        if isinstance(target, str):
            engine.dispose()
