"""Reason codes and labels of classification, in Vietnamese and English: the one source of truth for their wording.

A ``Reason`` keeps its code and the figures behind it; the sentences are formatted only when asked for, so
classifying a whole district stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldapp.core.labels import Lang

__all__ = [
    "BASIS_LABELS",
    "DIFFICULTY_FLAGS",
    "FLAG_CODES",
    "NEXT_STEP_TEXTS",
    "PRIORITY_LABELS",
    "REASON_TEXTS",
    "REASON_TITLES",
    "STATUS_CODES",
    "STATUS_LABELS",
    "Reason",
    "label",
]

# value -> (Vietnamese, English)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "eligible": ("Đủ điều kiện", "Eligible"),
    "not_eligible": ("Chưa đủ điều kiện", "Not eligible"),
    "unionized": ("Đã có CĐCS", "Has a union"),
    "unknown": ("Chưa rõ", "Unknown"),
}
PRIORITY_LABELS: dict[str, tuple[str, str]] = {
    "high": ("Cao", "High"),
    "normal": ("Bình thường", "Normal"),
    "low": ("Thấp", "Low"),
}
BASIS_LABELS: dict[str, tuple[str, str]] = {
    "visit": ("Theo lần thăm", "From a visit"),
    "registry": ("Theo danh sách", "From the registry"),
    "none": ("Chưa có số liệu", "No data"),
}

#: the reason that decided the status (exactly one per classification), in rule order
STATUS_CODES: tuple[str, ...] = (
    "has_union",
    "not_operating",
    "no_data",
    "not_legal_entity",
    "ready_to_found",
    "too_few_stable_workers",
    "enough_stable_workers",
)
#: flags: never change the status, listed after the status reason and drive the priority
FLAG_CODES: tuple[str, ...] = (
    "small_enterprise",
    "mostly_seasonal",
    "family_business",
    "employer_reluctant",
    "employer_hostile",
    "stale_data",
    "unverified",
)
#: the flags that make recruiting harder; two or more of them make the priority low. stale_data and unverified
#: are about how much we know, not about the enterprise, so they do not count.
DIFFICULTY_FLAGS: frozenset[str] = frozenset(
    {"small_enterprise", "mostly_seasonal", "family_business", "employer_reluctant", "employer_hostile"}
)

# short titles for lists and filters: code -> (Vietnamese, English)
REASON_TITLES: dict[str, tuple[str, str]] = {
    "has_union": ("Đã có CĐCS", "Has a union"),
    "not_operating": ("Không hoạt động", "Not operating"),
    "no_data": ("Chưa có số liệu", "No data"),
    "not_legal_entity": ("Không có tư cách pháp nhân", "Not a legal entity"),
    "ready_to_found": ("Đủ đơn để thành lập", "Ready to found"),
    "too_few_stable_workers": ("Quá ít lao động ổn định", "Too few stable workers"),
    "enough_stable_workers": ("Đủ lao động ổn định", "Enough stable workers"),
    "small_enterprise": ("Doanh nghiệp nhỏ", "Small enterprise"),
    "mostly_seasonal": ("Chủ yếu lao động thời vụ", "Mostly seasonal"),
    "family_business": ("Doanh nghiệp gia đình", "Family business"),
    "employer_reluctant": ("Chủ e ngại", "Employer reluctant"),
    "employer_hostile": ("Chủ phản đối", "Employer hostile"),
    "stale_data": ("Số liệu cũ", "Stale data"),
    "unverified": ("Chưa kiểm chứng", "Unverified"),
}

# code (or "code/variant") -> (Vietnamese template, English template). Dates: {..:%d/%m/%Y} vi, ISO en.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "has_union": (
        "Đã có CĐCS ({members} đoàn viên); việc cần làm là phát triển thêm đoàn viên.",
        "Already has a grassroots union ({members} members); the task is recruiting more members.",
    ),
    "not_operating": (
        "Doanh nghiệp không hoạt động (trạng thái: {status_vi}); không thể thành lập CĐCS.",
        "The enterprise is not operating (status: {status_en}); no grassroots union can be founded there.",
    ),
    "no_data": (
        "Chưa có lần thăm nào và chưa có số lao động theo danh sách; chưa thể đánh giá.",
        "No visit and no registered head count yet; it cannot be assessed.",
    ),
    "not_legal_entity": (
        "Đơn vị không có tư cách pháp nhân (như hộ kinh doanh) nên không thể thành lập CĐCS riêng; "
        "người lao động có thể tham gia một CĐCS ghép nhiều đơn vị sử dụng lao động.",
        "Without legal-entity status (e.g. a household business) it cannot host its own grassroots union; "
        "its workers can join a CĐCS spanning several employers.",
    ),
    "ready_to_found": (
        "Đã có {applications} đơn gia nhập (cần ít nhất {min_members}); đủ điều kiện thành lập CĐCS.",
        "{applications} workers have applied to join (at least {min_members} needed); "
        "a grassroots union can be founded.",
    ),
    "too_few_stable_workers": (
        "Mới có {applications} đơn gia nhập, {stable} lao động ổn định; "
        "cần ít nhất {min_members} đơn gia nhập hoặc {min_members} lao động ổn định.",
        "Only {applications} applications and {stable} stable workers; "
        "at least {min_members} applications or {min_members} stable workers are needed.",
    ),
    "too_few_stable_workers/registry": (
        "Theo danh sách chỉ có {stable} lao động; cần ít nhất {min_members}.",
        "The registry lists only {stable} workers; at least {min_members} are needed.",
    ),
    "enough_stable_workers": (
        "Có {stable} lao động ổn định (từ {min_members} trở lên), mới có {applications} đơn gia nhập; "
        "có thể vận động thành lập CĐCS.",
        "{stable} stable workers ({min_members} or more) and {applications} applications so far; "
        "a union can be organised there.",
    ),
    "enough_stable_workers/registry": (
        "Theo danh sách có {stable} lao động (từ {min_members} trở lên); có thể vận động thành lập CĐCS.",
        "The registry lists {stable} workers ({min_members} or more); a union can be organised there.",
    ),
    "small_enterprise": (
        "Chỉ có {headcount} lao động, dưới {small_size}.",
        "Only {headcount} workers, fewer than {small_size}.",
    ),
    "mostly_seasonal": (
        "{seasonal}/{headcount} lao động là thời vụ, tạm thời hoặc hợp đồng ngắn hạn ({share:.0%}, từ {limit:.0%} trở lên).",
        "{seasonal} of {headcount} workers are seasonal, temporary or on short contracts ({share:.0%}; {limit:.0%} or more).",
    ),
    "family_business": (
        "Là doanh nghiệp gia đình; vận động thành lập CĐCS thường khó hơn.",
        "A family business; organising a union there is usually harder.",
    ),
    "employer_reluctant": (
        "Chủ doanh nghiệp e ngại (lần thăm ngày {visited_on:%d/%m/%Y}).",
        "The employer is reluctant (visit of {visited_on:%Y-%m-%d}).",
    ),
    "employer_hostile": (
        "Chủ doanh nghiệp phản đối (lần thăm ngày {visited_on:%d/%m/%Y}).",
        "The employer is hostile (visit of {visited_on:%Y-%m-%d}).",
    ),
    "stale_data": (
        "Lần thăm gần nhất ngày {visited_on:%d/%m/%Y}, đã quá {stale_months} tháng; số liệu có thể đã cũ.",
        "The latest visit was on {visited_on:%Y-%m-%d}, more than {stale_months} months ago; "
        "the figures may be out of date.",
    ),
    "unverified": (
        "Chưa có lần thăm; {headcount} lao động là số theo danh sách, chưa được kiểm chứng.",
        "No visit yet; the {headcount} workers are the registry's figure, not verified.",
    ),
}

NEXT_STEP_TEXTS: dict[str, tuple[str, str]] = {
    "recruit_members": (
        "Phát triển thêm đoàn viên trong CĐCS hiện có.",
        "Recruit more members into the existing union.",
    ),
    "check_reopening": (
        "Nếu doanh nghiệp hoạt động trở lại, cập nhật trạng thái để đánh giá lại.",
        "If the enterprise reopens, update its status to assess it again.",
    ),
    "first_visit": (
        "Đến thăm để ghi nhận số lao động, số đơn gia nhập và thái độ chủ doanh nghiệp.",
        "Visit to record the head count, the applications and the employer's attitude.",
    ),
    "multi_employer_union": (
        "Vận động người lao động tham gia CĐCS ghép với các đơn vị sử dụng lao động khác trên địa bàn.",
        "Bring its workers into a CĐCS spanning several employers in the area.",
    ),
    "hold_founding_congress": (
        "Giúp ban vận động tổ chức đại hội thành lập và gửi hồ sơ đề nghị công đoàn cấp trên công nhận "
        "trong 15 ngày làm việc.",
        "Help the organising committee hold the founding congress and send the recognition dossier to the "
        "superior union within 15 working days.",
    ),
    "collect_applications": (
        "Cần thêm {missing} đơn gia nhập (hiện có {applications}, cần {min_members}).",
        "Needs {missing} more application{plural} ({applications} so far, {min_members} needed).",
    ),
    "verify_registry": (
        "Đến thăm để kiểm chứng số lao động theo danh sách và thu thập đơn gia nhập (cần {min_members}).",
        "Visit to verify the registry's head count and collect applications ({min_members} needed).",
    ),
    "revisit": (
        "Thăm lại để cập nhật số liệu (lần gần nhất ngày {visited_on:%d/%m/%Y}).",
        "Visit again to update the figures (last visit {visited_on:%Y-%m-%d}).",
    ),
}


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable ``code`` with the figures behind it; ``vi`` and ``en`` are its sentences."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: which wording of the code (e.g. "registry"); "" for the usual one
    variant: str = ""

    def __hash__(self) -> int:
        return hash((self.code, self.variant))

    def text(self, lang: Lang = "vi") -> str:
        """The sentence in *lang*."""
        key = f"{self.code}/{self.variant}" if self.variant else self.code
        pair = REASON_TEXTS.get(key) or NEXT_STEP_TEXTS.get(key) or (self.code, self.code)
        return pair[0 if lang == "vi" else 1].format_map(self.params)

    @property
    def vi(self) -> str:
        return self.text("vi")

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def title(self) -> tuple[str, str]:
        """The short (Vietnamese, English) title of the code."""
        return REASON_TITLES.get(self.code, (self.code, self.code))

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "vi": self.vi, "en": self.en}


def label(table: Mapping[str, tuple[str, str]], value: str, lang: Lang = "vi") -> str:
    """The label of *value* in one of the label tables above, e.g. ``label(STATUS_LABELS, "eligible", "en")``."""
    pair = table.get(value)
    if pair is None:
        return value
    return pair[0] if lang == "vi" else pair[1]
