"""Contacts in outside lists and in our exports: Vietnamese headers and their synonyms, a phone typed as a number
in a spreadsheet, a wrong phone making its row invalid, and the export reading back whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from fieldapp.core.records import Enterprise, Visit
from fieldapp.io.columns import column_for_header
from fieldapp.io.export import export_data
from fieldapp.io.importer import plan_import
from fieldapp.io.readers import read_table

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Người liên hệ", "contact_name"),
        ("NGƯỜI LIÊN HỆ", "contact_name"),
        ("Chức vụ", "contact_role"),
        ("Điện thoại", "contact_phone"),
        ("Số điện thoại", "contact_phone"),
        ("SĐT", "contact_phone"),
        ("sdt", "contact_phone"),
        ("Email", "contact_email"),
        ("E-mail", "contact_email"),
        ("Người đại diện theo pháp luật", "representative"),
        ("Người đại diện", "representative"),
        ("contact_phone", "contact_phone"),  # our own export's header
    ],
)
def test_contact_headers(header: str, column: str) -> None:
    assert column_for_header(header) == column


def test_a_list_with_vietnamese_contact_headers_imports(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx(
        [
            ["Tên doanh nghiệp", "MST", "Người liên hệ", "Chức vụ", "SĐT", "Email", "Người đại diện theo pháp luật"],
            ["Công ty TNHH Sông Hồng", "0101234567", "Nguyễn Văn An", "Kế toán", "0912.345.678", "an@songhong.vn",
             "Trần Thị Bình"],
            # a phone typed into a number cell lost its leading 0; a landline with brackets
            ["Công ty CP Hồ Tây", "0109876543", "Lê Hoa", None, 912345679, None, None],
            ["Công ty Ba Đình", "0100000001", None, None, "(024) 3825 3456", None, None],
            ["Công ty Số Sai", "0100000002", None, None, "0912 345", "khong-phai-email", None],
        ]
    )  # fmt: skip
    plan = plan_import(read_table(path), None, today=TODAY)
    assert plan.counts()["created"] == 3
    (_, song_hong), (_, ho_tay), (_, ba_dinh) = plan.created
    assert (
        song_hong.contact_name,
        song_hong.contact_role,
        song_hong.contact_phone,
        song_hong.contact_email,
        song_hong.representative,
    ) == ("Nguyễn Văn An", "Kế toán", "+84912345678", "an@songhong.vn", "Trần Thị Bình")
    assert (ho_tay.contact_phone, ho_tay.contact_role) == ("+84912345679", "")
    assert ba_dinh.contact_phone == "+842438253456"
    (invalid,) = plan.invalid
    assert invalid.number == 5
    assert sorted(p.field for p in invalid.problems) == ["contact_email", "contact_phone"]
    assert "Điện thoại (contact_phone)" in "; ".join(p.describe("vi") for p in invalid.problems)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_contacts_reads_back(tmp_path: Path, fmt: str) -> None:
    enterprise = Enterprise.create(
        name="Công ty TNHH Sông Hồng",
        tax_code="0101234567",
        contact_name="Nguyễn Văn An",
        contact_role="Trưởng phòng nhân sự",
        contact_phone="0912 345 678",
        contact_email="an@songhong.vn",
        representative="Trần Thị Bình",
    )
    visit = Visit.create(
        today=TODAY,
        enterprise_id=enterprise.id,
        visited_on="2026-11-20",
        cadre="Hoa",
        headcount=30,
        attitude="supportive",
        met_name="Nguyễn Văn An",
        met_role="Trưởng phòng nhân sự",
        next_step="Gửi 20 mẫu đơn",
    )
    files = export_data(fmt, tmp_path / f"out.{fmt}", [(enterprise, {})], [visit])
    plan = plan_import(read_table(files[0]), None, today=TODAY)
    ((_, back),) = plan.created
    fields = [f for f in Enterprise.CONTENT_FIELDS if f != "id"]
    assert {f: getattr(back, f) for f in fields} == {f: getattr(enterprise, f) for f in fields}
    # the phone is written in E.164 (one spelling, and a spreadsheet keeps it as text)
    if fmt == "csv":
        text = files[0].read_text(encoding="utf-8-sig")
        assert "'+84912345678" in text
        visits_text = files[1].read_text(encoding="utf-8-sig")
        assert "met_name" in visits_text and "Gửi 20 mẫu đơn" in visits_text
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(files[0], read_only=True)
        header, row = list(workbook["visits"].iter_rows(values_only=True))
        workbook.close()
        shown = dict(zip(header, row, strict=True))
        assert (shown["met_name"], shown["met_role"], shown["next_step"]) == (
            "Nguyễn Văn An",
            "Trưởng phòng nhân sự",
            "Gửi 20 mẫu đơn",
        )
