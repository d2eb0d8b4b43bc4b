"""A realistic, reproducible synthetic district for first-time users, tests and benchmarks.

``generate_demo(enterprises=N, visits=M, seed=S, today=D)`` always returns the same records for the same arguments
(ids and timestamps included): Hà Nội wards of the 2025 map (with their codes) where three districts were, Vietnamese company names, tax codes with a valid
check digit (a few branches ``-001``), mostly small firms, seasonal-heavy and family businesses, households, some
unions, some suspended or dissolved firms, and visits of every attitude by several cadres, all in the past, with
next-visit dates of which some are overdue and some due this week.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from fieldapp.core.records import Attitude, Enterprise, EnterpriseStatus, Ownership, Visit

__all__ = ["CADRES", "DISTRICTS", "PROVINCE_CODE", "generate_demo", "tax_code_check_digit"]

#: the 2025 wards (official names) that cover what were three districts of Hà Nội until 1 July 2025; the keys
#: name those areas (their streets, a branch's "tại Long Biên"), not a level of government: there is none now
DISTRICTS: dict[str, tuple[str, ...]] = {
    "Long Biên": ("Phường Bồ Đề", "Phường Việt Hưng", "Phường Phúc Lợi", "Phường Long Biên"),
    "Hai Bà Trưng": ("Phường Hai Bà Trưng", "Phường Vĩnh Tuy", "Phường Bạch Mai"),
    "Hoàng Mai": (
        "Phường Hoàng Mai", "Phường Tương Mai", "Phường Định Công", "Phường Hoàng Liệt", "Phường Lĩnh Nam",
        "Phường Yên Sở", "Phường Vĩnh Hưng",
    ),
}  # fmt: skip
#: the province of the demo wards: Thành phố Hà Nội
PROVINCE_CODE = "01"
_STREETS: dict[str, tuple[str, ...]] = {
    "Long Biên": (
        "Nguyễn Văn Cừ",
        "Ngọc Lâm",
        "Nguyễn Sơn",
        "Cổ Linh",
        "Ngô Gia Tự",
        "Hồng Tiến",
        "Sài Đồng",
    ),
    "Hai Bà Trưng": (
        "Minh Khai",
        "Bạch Mai",
        "Trần Khát Chân",
        "Lò Đúc",
        "Kim Ngưu",
        "Tam Trinh",
        "Lạc Trung",
    ),
    "Hoàng Mai": ("Giải Phóng", "Lĩnh Nam", "Tân Mai", "Kim Giang", "Nguyễn Đức Cảnh", "Tam Trinh"),
}
CADRES: tuple[str, ...] = (
    "Nguyễn Thị Thu Hà", "Trần Văn Minh", "Lê Thị Hồng Nhung", "Phạm Quốc Huy", "Đỗ Thị Lan Anh",
)  # fmt: skip
_TRADES = (
    "Thương mại và Dịch vụ", "Sản xuất", "May mặc", "Xây dựng", "Cơ khí", "Thực phẩm", "Vận tải",
    "Đầu tư và Phát triển", "In ấn Bao bì", "Điện tử", "Nội thất", "Dệt may", "Công nghệ", "Giao nhận",
)  # fmt: skip
_BRANDS = (
    "Minh Phát", "Hoàng Long", "Thành Công", "An Khang", "Phú Thịnh", "Việt Hưng", "Hưng Thịnh", "Tân Tiến",
    "Đại Dương", "Sao Mai", "Hồng Hà", "Bình Minh", "Kim Ngân", "Thiên Phú", "Ngọc Lan", "Trường Giang",
    "Phúc An", "Quang Vinh", "Hải Đăng", "Đức Tài", "Gia Bảo", "Đông Á", "Nam Việt", "Thăng Long",
)  # fmt: skip
_FOREIGN = ("Sungwoo Vina", "Daeyang Hà Nội", "Tokai Việt Nam", "Hanshin Vina", "Kyoei Việt Nam", "Jinwoo")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
_GIVEN = (
    "Văn Tùng",
    "Thị Hoa",
    "Văn Đức",
    "Thị Mai",
    "Quang Hải",
    "Thị Hằng",
    "Minh Tuấn",
    "Thị Ngọc",
    "Đình Long",
)
_SHOPS = ("Xưởng may", "Xưởng mộc", "Tiệm bánh", "Sửa chữa ô tô", "Quán ăn", "Cơ sở in", "Cơ sở đậu phụ")
_NOTES: dict[Attitude, tuple[str, ...]] = {
    Attitude.SUPPORTIVE: (
        "Giám đốc ủng hộ, hẹn bố trí phòng họp để tuyên truyền cho người lao động.",
        "Đã phát tờ rơi; {applications} người lao động ký đơn gia nhập.",
        "Chủ doanh nghiệp đồng ý cho ban vận động gặp công nhân vào giờ nghỉ trưa.",
    ),
    Attitude.NEUTRAL: (
        "Kế toán tiếp, hẹn báo lại ý kiến của giám đốc.",
        "Chủ doanh nghiệp chưa có ý kiến, đề nghị gửi văn bản giới thiệu của LĐLĐ quận.",
        "Đã gửi tài liệu về quyền lợi đoàn viên; người lao động còn băn khoăn về đoàn phí.",
    ),
    Attitude.RELUCTANT: (
        "Chủ doanh nghiệp e ngại phải đóng kinh phí công đoàn 2%.",
        "Giám đốc nói doanh nghiệp ít việc, chưa muốn thành lập CĐCS.",
        "Quản lý xưởng hẹn lần sau, không cho gặp công nhân trong giờ làm.",
    ),
    Attitude.HOSTILE: (
        "Bảo vệ không cho vào, chủ doanh nghiệp từ chối tiếp.",
        "Chủ doanh nghiệp phản đối, cho rằng công đoàn gây khó khăn cho sản xuất.",
    ),
}
_SEASONAL_NOTE = " Phần lớn lao động thời vụ, hợp đồng dưới 3 tháng."
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first9: str) -> int | None:
    """The tenth digit of a tax code from its first nine (None when no digit fits: such codes are not issued)."""
    check = 10 - sum(int(d) * w for d, w in zip(first9, _WEIGHTS, strict=True)) % 11
    return check if check < 10 else None


def _tax_code(rng: random.Random, used: set[str]) -> str:
    for _ in range(1000):
        first9 = f"01{rng.randrange(10**7):07d}"
        digit = tax_code_check_digit(first9)
        if digit is not None and (code := f"{first9}{digit}") not in used:
            used.add(code)
            return code
    raise RuntimeError("could not find a free tax code")  # 10^7 codes per prefix: never happens in practice


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# Records are built with model_construct: the values above are valid by construction (the tests parse every one of
# them back), and skipping validation makes 20,000 enterprises + 50,000 visits about twice as fast to make.


def _stamp(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(1, 11), rng.randrange(60)), tzinfo=UTC)


def _name_and_ownership(rng: random.Random, ward: str) -> tuple[str, Ownership]:
    roll = rng.random()
    if roll < 0.14:
        person = f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}"
        return f"Hộ kinh doanh {person} – {rng.choice(_SHOPS)}", Ownership.HOUSEHOLD
    if roll < 0.20:
        return (
            f"Hợp tác xã {rng.choice(('Dịch vụ Nông nghiệp', 'May', 'Vận tải', 'Môi trường'))} {ward}",
            Ownership.COOPERATIVE,
        )
    if roll < 0.27:
        return f"Công ty TNHH {rng.choice(_FOREIGN)}", Ownership.FDI
    if roll < 0.30:
        return f"Công ty {rng.choice(_TRADES)} {rng.choice(_BRANDS)} (nhà nước)", Ownership.STATE
    kind = rng.choices(
        ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân"), (50, 25, 15, 10)
    )[0]
    return f"{kind} {rng.choice(_TRADES)} {rng.choice(_BRANDS)}", Ownership.NON_STATE


def _ward_codes() -> dict[str, str]:
    # the codes of the demo wards, from the official list (the map is loaded once, when a demo is made)
    from fieldapp.core.admin_units import match_ward

    return {ward: match_ward(ward, PROVINCE_CODE)[0].code for wards in DISTRICTS.values() for ward in wards}


def _short(ward: str) -> str:
    # "Phường Bồ Đề" -> "Bồ Đề", as a cooperative's name says it
    return ward.removeprefix("Phường ").removeprefix("Xã ")


def _enterprise(
    rng: random.Random, today: date, used: set[str], cadre_of: dict[str, str], codes: dict[str, str]
) -> Enterprise:
    district = rng.choice(tuple(DISTRICTS))
    ward = rng.choice(DISTRICTS[district])
    name, ownership = _name_and_ownership(rng, _short(ward))
    household = ownership is Ownership.HOUSEHOLD
    if household:
        workers: int | None = rng.randint(2, 9)
    else:
        workers = rng.choices((rng.randint(3, 19), rng.randint(20, 60), rng.randint(61, 300)), (60, 30, 10))[
            0
        ]
    if rng.random() < 0.08:
        workers = None  # not on the list the federation got
    has_union = not household and rng.random() < (0.35 if (workers or 0) >= 60 else 0.08)
    created = _stamp(today - timedelta(days=rng.randint(560, 900)), rng)
    return Enterprise.model_construct(
        id=_uuid(rng),
        name=name,
        tax_code=_tax_code(rng, used),
        address=f"Số {rng.randint(1, 250)} {rng.choice(_STREETS[district])}, {ward}, Hà Nội",
        ward=ward,
        district="",
        province_code=PROVINCE_CODE,
        ward_code=codes[ward],
        ownership=ownership,
        status=rng.choices(tuple(EnterpriseStatus), (92, 5, 3))[0],
        legal_entity=not household,
        family_business=not household and ownership is Ownership.NON_STATE and rng.random() < 0.22,
        has_union=has_union,
        union_members=rng.randint(5, max(5, int((workers or 10) * 0.8))) if has_union else 0,
        registered_workers=workers,
        assigned_to=cadre_of[ward],
        created_at=created,
        updated_at=created,
        pending_since=created,
    )


def _branch(
    rng: random.Random, parent: Enterprise, today: date, cadre_of: dict[str, str], codes: dict[str, str]
) -> Enterprise:
    district = rng.choice(tuple(DISTRICTS))
    ward = rng.choice(DISTRICTS[district])
    created = _stamp(today - timedelta(days=rng.randint(400, 550)), rng)
    return (
        parent.model_copy(
            update={"id": _uuid(rng), "created_at": created, "updated_at": created, "pending_since": created}
        )
        .edit(
            name=f"Chi nhánh {parent.name} tại {district}",
            tax_code=f"{parent.tax_code}-001",
            ward=ward,
            ward_code=codes[ward],
            province_code=PROVINCE_CODE,
            address=f"Số {rng.randint(1, 250)} {rng.choice(_STREETS[district])}, {ward}, Hà Nội",
            registered_workers=rng.randint(5, 40),
            has_union=False,
            union_members=0,
            assigned_to=cadre_of[ward],
        )
        .with_meta(rev=1, updated_at=created)
    )


def _visits_of(rng: random.Random, e: Enterprise, count: int, today: date) -> list[Visit]:
    base = e.registered_workers if e.registered_workers is not None else rng.randint(3, 60)
    seasonal_heavy = rng.random() < 0.18
    days = sorted(rng.sample(range(1, 541), count), reverse=True)  # days ago, oldest first
    mood = rng.choices(tuple(Attitude), (30, 35, 22, 13))[0]
    applications = 0
    visits: list[Visit] = []
    for i, ago in enumerate(days):
        visited = today - timedelta(days=ago)
        headcount = max(1, round(base * rng.uniform(0.8, 1.2)))
        share = rng.uniform(0.5, 0.85) if seasonal_heavy else rng.uniform(0.0, 0.3)
        seasonal = min(headcount - 1, round(headcount * share))
        managers = min(headcount - seasonal, rng.randint(1, 3))
        if rng.random() < 0.3:  # attitudes drift between visits
            mood = rng.choice(tuple(Attitude))
        if mood in (Attitude.SUPPORTIVE, Attitude.NEUTRAL):
            applications = min(
                headcount, applications + rng.randint(0, 6 if mood is Attitude.SUPPORTIVE else 2)
            )
        applications = min(applications, headcount - managers)  # managers may not join
        latest = i == len(days) - 1
        next_visit = _next_visit(rng, visited, today, days[i + 1] if not latest else None)
        note = rng.choice(_NOTES[mood]).format(applications=applications)
        cadre = (e.assigned_to or CADRES[0]) if rng.random() < 0.85 else rng.choice(CADRES)
        created = _stamp(visited, rng)
        visits.append(
            Visit.model_construct(
                id=_uuid(rng),
                enterprise_id=e.id,
                visited_on=visited,
                cadre=cadre,
                headcount=headcount,
                seasonal=seasonal,
                managers=managers,
                attitude=mood,
                applications=applications,
                note=note + (_SEASONAL_NOTE if seasonal_heavy else ""),
                next_visit_on=next_visit,
                created_at=created,
                updated_at=created,
                pending_since=created,
            )
        )
    return visits


def _next_visit(rng: random.Random, visited: date, today: date, next_ago: int | None) -> date | None:
    if next_ago is not None:  # an earlier visit: it planned (roughly) the one that followed
        return today - timedelta(days=next_ago) if rng.random() < 0.7 else None
    roll = rng.random()
    if roll < 0.25:  # overdue
        return max(visited, today - timedelta(days=rng.randint(1, 30)))
    if roll < 0.45:  # due this week
        return max(visited, today + timedelta(days=rng.randint(0, 6)))
    if roll < 0.85:
        return today + timedelta(days=rng.randint(7, 90))
    return None


def generate_demo(
    enterprises: int = 300, visits: int = 700, seed: int = 1, today: date | None = None
) -> tuple[list[Enterprise], list[Visit]]:
    """Make *enterprises* enterprises and *visits* visits (all valid records), the same ones for the same arguments."""
    if enterprises < 0 or visits < 0:
        raise ValueError("counts must not be negative")
    if visits and not enterprises:
        raise ValueError("visits need at least one enterprise")
    today = today or date.today()
    rng = random.Random(seed)
    wards = [w for ws in DISTRICTS.values() for w in ws]
    cadre_of = {w: CADRES[i % len(CADRES)] for i, w in enumerate(wards)}
    codes = _ward_codes() if enterprises else {}
    used: set[str] = set()
    made: list[Enterprise] = []
    for _ in range(enterprises):
        parent = rng.choice(made) if made and rng.random() < 0.04 else None
        if (
            parent
            and parent.tax_code
            and "-" not in parent.tax_code
            and parent.ownership is not Ownership.HOUSEHOLD
        ):
            branch_code = f"{parent.tax_code}-001"
            if branch_code not in used:
                used.add(branch_code)
                made.append(_branch(rng, parent, today, cadre_of, codes))
                continue
        made.append(_enterprise(rng, today, used, cadre_of, codes))
    # visits go mostly to operating firms; each visited firm gets 1-540 distinct visit days at most
    weights = [3.0 if e.status is EnterpriseStatus.ACTIVE else 0.4 for e in made]
    per: dict[int, int] = {}
    for index in rng.choices(range(len(made)), weights, k=visits) if visits else ():
        per[index] = min(per.get(index, 0) + 1, 540)
    missing = visits - sum(per.values())
    for index in range(len(made)):  # only when some firm hit the 540 cap: spread what is left
        if missing <= 0:
            break
        room = min(540 - per.get(index, 0), missing)
        per[index] = per.get(index, 0) + room
        missing -= room
    made_visits: list[Visit] = []
    for index in sorted(per):
        made_visits.extend(_visits_of(rng, made[index], per[index], today))
    return made, made_visits
