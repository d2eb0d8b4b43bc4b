"""Bilingual labels for record fields and choice values: the one source of truth for how they are named."""

from __future__ import annotations

from typing import Literal

__all__ = ["FIELD_LABELS", "VALUE_LABELS", "Lang", "field_label", "value_label"]

Lang = Literal["vi", "en"]

# field name -> (Vietnamese, English)
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "id": ("Mã bản ghi", "Record id"),
    "name": ("Tên doanh nghiệp", "Enterprise name"),
    "tax_code": ("Mã số thuế", "Tax code"),
    "address": ("Địa chỉ", "Address"),
    "ward": ("Phường/Xã", "Ward"),
    "district": ("Quận/Huyện", "District"),
    "ownership": ("Loại hình", "Ownership"),
    "status": ("Trạng thái", "Status"),
    "legal_entity": ("Có tư cách pháp nhân", "Legal entity"),
    "family_business": ("Doanh nghiệp gia đình", "Family business"),
    "has_union": ("Đã có CĐCS", "Has a grassroots union"),
    "union_members": ("Số đoàn viên", "Union members"),
    "registered_workers": ("Số lao động (theo danh sách)", "Registered workers"),
    "assigned_to": ("Cán bộ phụ trách", "Assigned cadre"),
    "enterprise_id": ("Doanh nghiệp", "Enterprise"),
    "visited_on": ("Ngày thăm", "Visit date"),
    "cadre": ("Cán bộ", "Cadre"),
    "headcount": ("Tổng số lao động", "Head count"),
    "seasonal": ("Lao động thời vụ", "Seasonal workers"),
    "managers": ("Chủ/quản lý", "Owners and managers"),
    "attitude": ("Thái độ chủ doanh nghiệp", "Employer attitude"),
    "applications": ("Số đơn gia nhập", "Applications"),
    "note": ("Ghi chú", "Note"),
    "next_visit_on": ("Ngày thăm tiếp theo", "Next visit"),
    "created_at": ("Tạo lúc", "Created at"),
    "updated_at": ("Cập nhật lúc", "Updated at"),
    "schema_version": ("Phiên bản dữ liệu", "Schema version"),
    "rev": ("Lần sửa", "Revision"),
    "pending_since": ("Chờ đồng bộ từ", "Pending since"),
    "server_version": ("Phiên bản máy chủ", "Server version"),
    "language": ("Ngôn ngữ", "Language"),
    "theme": ("Giao diện", "Theme"),
    "server": ("Máy chủ", "Server"),
    "token": ("Mã truy cập", "Access token"),
    "verify_tls": ("Kiểm tra chứng chỉ TLS", "Verify TLS"),
    # eligibility rules (fieldapp/core/rules.toml)
    "rules.toml": ("Tệp quy tắc", "Rules file"),
    "min_members": ("Số đoàn viên/đơn gia nhập tối thiểu", "Minimum members or applications"),
    "small_size": ("Ngưỡng doanh nghiệp nhỏ (lao động)", "Small-enterprise threshold (workers)"),
    "seasonal_share": ("Tỷ lệ lao động thời vụ", "Seasonal share"),
    "stale_months": ("Số tháng coi là số liệu cũ", "Months before data is stale"),
    "priority_size": ("Số lao động ổn định để ưu tiên", "Stable workers for high priority"),
}

# (field, value) -> (Vietnamese, English)
VALUE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("ownership", "state"): ("Nhà nước", "State-owned"),
    ("ownership", "non_state"): ("Ngoài nhà nước", "Non-state"),
    ("ownership", "fdi"): ("Có vốn đầu tư nước ngoài (FDI)", "Foreign-invested (FDI)"),
    ("ownership", "cooperative"): ("Hợp tác xã", "Cooperative"),
    ("ownership", "household"): ("Hộ kinh doanh", "Household business"),
    ("status", "active"): ("Đang hoạt động", "Active"),
    ("status", "suspended"): ("Tạm ngừng", "Suspended"),
    ("status", "dissolved"): ("Đã giải thể", "Dissolved"),
    ("attitude", "supportive"): ("Ủng hộ", "Supportive"),
    ("attitude", "neutral"): ("Trung lập", "Neutral"),
    ("attitude", "reluctant"): ("E ngại", "Reluctant"),
    ("attitude", "hostile"): ("Phản đối", "Hostile"),
}


def field_label(field: str, lang: Lang = "vi") -> str:
    """The label of *field* in *lang*; the field name itself when it has none."""
    pair = FIELD_LABELS.get(field)
    if pair is None:
        return field
    return pair[0] if lang == "vi" else pair[1]


def value_label(field: str, value: str, lang: Lang = "vi") -> str:
    """The label of a choice *value* of *field* in *lang*; the value itself when it has none."""
    pair = VALUE_LABELS.get((field, value))
    if pair is None:
        return value
    return pair[0] if lang == "vi" else pair[1]
