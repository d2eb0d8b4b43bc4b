"""The two records a cadre keeps: Enterprise and Visit (pydantic v2, frozen, NFC text, sync-ready).

Every record carries, besides its content:
- ``id``: a UUID made on the device, so records never need renumbering when they reach the server;
- ``schema_version``: the version of this layout (``SCHEMA_VERSION``);
- ``created_at`` / ``updated_at``: UTC timestamps;
- ``rev``: the local revision, 1 on creation and one more on every local edit;
- ``content_hash``: SHA-256 of the content fields only (derived, never trusted from input), so a resend of the
  same content is recognised as a duplicate;
- ``pending_since``: when the record was first changed locally without the server acknowledging it (None = synced);
- ``server_version``: the last version of this record the server confirmed (None = the server has never seen it);
  it is the *base version* the next push names.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self, cast, get_args

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from fieldapp.core.contact import email_ok, normalise_phone
from fieldapp.core.errors import Problem, RecordError, custom_error, problems_from_validation
from fieldapp.core.taxcode import normalise_tax_code, tax_code_check_digit_ok
from fieldapp.core.text import control_characters, nfc

__all__ = [
    "LATER_FIELDS",
    "SCHEMA_VERSION",
    "Attitude",
    "Enterprise",
    "EnterpriseStatus",
    "Ownership",
    "Record",
    "Visit",
    "canonical_id",
    "content_hash",
    "field_type",
    "fields_of_type",
    "input_fields",
    "new_id",
    "utcnow",
]

#: 2: enterprises carry ``province_code`` and ``ward_code`` (the 2025 map; fieldapp.store.migrations)
SCHEMA_VERSION = 2


class Ownership(StrEnum):
    STATE = "state"
    NON_STATE = "non_state"
    FDI = "fdi"
    COOPERATIVE = "cooperative"
    HOUSEHOLD = "household"


class EnterpriseStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DISSOLVED = "dissolved"


class Attitude(StrEnum):
    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    RELUCTANT = "reluctant"
    HOSTILE = "hostile"


def utcnow() -> datetime:
    """Now, in UTC, to the microsecond."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh record id (UUID4, canonical lower-case text)."""
    return str(uuid.uuid4())


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical_id(value: str) -> str:
    """*value* as a UUID's canonical text (lower case, dashed); ValueError (or TypeError, AttributeError) if it is
    no UUID. Every id a device makes is already canonical: that case is one match, without building a UUID."""
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value):
        return value
    return str(uuid.UUID(value))


#: content fields added after records were first synced, with the value every record from before them has. A field
#: at that value is left out of the content hash, so adding the field changes no record's hash: the server, which
#: stored the hashes of the older content, and a laptop not yet updated still recognise the same content as the
#: same (a resend is a duplicate, not a new version). A field joins this table when it is added to CONTENT_FIELDS.
LATER_FIELDS: dict[str, Any] = {
    # Enterprise: the ward on the 2025 map (issue #11, fieldapp.core.admin_units)
    "province_code": None,
    "ward_code": None,
    # Enterprise: contacts (issue #11)
    "contact_name": "",
    "contact_role": "",
    "contact_phone": "",
    "contact_email": "",
    "representative": "",
    # Visit: who was met and the next step (issue #11)
    "met_name": "",
    "met_role": "",
    "next_step": "",
}


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a record's content (``Record.content()``): its ``content_hash``.

    A field of ``LATER_FIELDS`` still at its first value counts as absent, so older content hashes as it always did.
    """
    hashed = {k: v for k, v in content.items() if k not in LATER_FIELDS or v != LATER_FIELDS[k]}
    return hashlib.sha256(orjson.dumps(hashed, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _refuse_controls(value: str, *, newlines: bool) -> str:
    found = control_characters(value, newlines=newlines)
    if found:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in found)
        raise custom_error("control_character", value=shown)
    return value


#: what str.splitlines() breaks lines at, "\n" aside, and the tab _clean_text makes a space
_BREAKS_BUT_NEWLINE = re.compile("[\t\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _clean_text(value: Any) -> Any:
    # multi-line text (notes): every line separator made "\n", tabs made spaces; any other control is refused
    if not isinstance(value, str) or not value:  # "" (most optional text) is clean as it is
        return value
    text = nfc(value)
    if _BREAKS_BUT_NEWLINE.search(text) is None:
        # only "\n" breaks lines: splitting and joining on it would give the text back (less one final "\n",
        # which strip() drops anyway)
        return _refuse_controls(text.strip(), newlines=True)
    text = "\n".join(text.replace("\t", " ").splitlines()).strip()
    return _refuse_controls(text, newlines=True)


def _clean_line(value: Any) -> Any:
    # single-line fields: also collapse runs of white space typed or pasted in
    # (tabs, line ends and other white-space controls become one space; any other control character is refused)
    if not isinstance(value, str) or not value:  # "" (most optional fields) is clean as it is
        return value
    return _refuse_controls(" ".join(nfc(value).split()), newlines=False)


class Record(BaseModel):
    """What Enterprise and Visit share: identity, timestamps and the sync bookkeeping."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    #: the fields whose values make up the record's content (hashed, synced, compared for conflicts)
    CONTENT_FIELDS: ClassVar[tuple[str, ...]] = ()
    _CONTENT_SET: ClassVar[set[str]] = set()
    _CONTENT_IN_FIELD_ORDER: ClassVar[bool] = False
    #: the bookkeeping fields: everything that is not content
    META_FIELDS: ClassVar[tuple[str, ...]] = (
        "schema_version",
        "created_at",
        "updated_at",
        "rev",
        "pending_since",
        "server_version",
    )

    id: str = Field(default_factory=new_id)
    schema_version: int = SCHEMA_VERSION
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    rev: int = Field(default=1, ge=1)
    pending_since: datetime | None = None
    server_version: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # content_hash is derived; a stored or sent copy of it is never trusted.
        if isinstance(data, dict) and "content_hash" in data:
            data = {k: v for k, v in data.items() if k != "content_hash"}
        return data

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        try:
            return canonical_id(value)
        except (ValueError, AttributeError, TypeError):
            raise custom_error("not_a_uuid") from None

    @field_validator("created_at", "updated_at", "pending_since")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @classmethod
    def merge_field(cls, name: str, base: Any, mine: Any, theirs: Any) -> tuple[bool, Any]:
        """Both sides of a sync changed the content field *name* from *base* (JSON values): ``(True, value)`` when
        the two changes can be kept together in *value*, else ``(False, None)`` (a conflict for a person). No field
        of an enterprise or a visit merges: a kind whose field does (a founding case's history) says so here."""
        return False, None

    # --- derived -------------------------------------------------------------------------------------
    def content(self) -> dict[str, Any]:
        """The content fields as JSON-ready values (what is hashed and synced)."""
        cls = type(self)
        dumped = self.model_dump(mode="json", include=cls._CONTENT_SET)
        if cls._CONTENT_IN_FIELD_ORDER:  # pydantic dumps in field order: already the content's order
            return dumped
        return {name: dumped[name] for name in self.CONTENT_FIELDS}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # content() is called for every record pushed, saved and hashed: its include set is made once per class
        super().__pydantic_init_subclass__(**kwargs)
        cls._CONTENT_SET = set(cls.CONTENT_FIELDS)
        in_order = [name for name in cls.model_fields if name in cls._CONTENT_SET]
        cls._CONTENT_IN_FIELD_ORDER = in_order == list(cls.CONTENT_FIELDS)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of the content fields."""
        return content_hash(self.content())

    @property
    def pending(self) -> bool:
        """True while the record has local changes the server has not acknowledged."""
        return self.pending_since is not None

    # --- construction --------------------------------------------------------------------------------
    @classmethod
    def parse(cls, data: dict[str, Any], *, today: date | None = None) -> Self:
        """Validate *data* into a record; raise RecordError naming every field at fault."""
        try:
            return cls.model_validate(data, context={"today": today} if today else None)
        except ValidationError as exc:
            raise RecordError(problems_from_validation(exc)) from None

    @classmethod
    def create(cls, *, today: date | None = None, **fields: Any) -> Self:
        """A new local record: fresh id and timestamps, pending sync. Raises RecordError."""
        now = utcnow()
        fields.setdefault("created_at", now)
        fields.setdefault("updated_at", now)
        fields.setdefault("pending_since", now)
        return cls.parse(fields, today=today)

    def edit(self, *, today: date | None = None, **changes: Any) -> Self:
        """A local edit: the content *changes* applied, ``rev`` + 1, pending sync. Raises RecordError.

        Editing content to what it already is returns the record unchanged.
        """
        unknown = set(changes) - set(self.CONTENT_FIELDS)
        if unknown:
            raise RecordError(Problem(f, "unknown_field", {}) for f in sorted(unknown))
        data = self.to_doc()
        data.update(changes)
        candidate = type(self).parse(data, today=today)
        if candidate.content_hash == self.content_hash:
            return self
        now = utcnow()
        return candidate.with_meta(rev=self.rev + 1, updated_at=now, pending_since=self.pending_since or now)

    def with_meta(self, **meta: Any) -> Self:
        """A copy with bookkeeping fields changed (no validation of content, no new revision)."""
        unknown = set(meta) - set(self.META_FIELDS)
        if unknown:
            raise ValueError(f"not bookkeeping fields: {sorted(unknown)}")
        return self.model_copy(update=meta)

    def to_doc(self) -> dict[str, Any]:
        """The record as a JSON-ready dict (what the store writes and the CLI prints)."""
        return self.model_dump(mode="json")


class Enterprise(Record):
    """An enterprise (doanh nghiệp) in the cadre's area."""

    CONTENT_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "tax_code",
        "address",
        "ward",
        "district",
        "province_code",
        "ward_code",
        "ownership",
        "status",
        "legal_entity",
        "family_business",
        "has_union",
        "union_members",
        "registered_workers",
        "assigned_to",
        "contact_name",
        "contact_role",
        "contact_phone",
        "contact_email",
        "representative",
    )

    name: str = Field(min_length=1, max_length=300)
    tax_code: str | None = None
    address: str = Field(default="", max_length=500)
    ward: str = Field(default="", max_length=100)
    district: str = Field(default="", max_length=100)
    #: the ward on the 2025 map (fieldapp.core.admin_units): when set, ``ward`` is its official name
    province_code: str | None = None
    ward_code: str | None = None
    ownership: Ownership = Ownership.NON_STATE
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE
    legal_entity: bool = True
    family_business: bool = False
    has_union: bool = False
    union_members: int = Field(default=0, ge=0, le=1_000_000)
    registered_workers: int | None = Field(default=None, ge=0, le=1_000_000)
    assigned_to: str | None = Field(default=None, max_length=100)
    # who the cadre deals with: "" when not known (a stored record from before these fields reads as "")
    contact_name: str = Field(default="", max_length=100)
    contact_role: str = Field(default="", max_length=100)
    contact_phone: str = Field(
        default="", max_length=30
    )  # stored in E.164 (+84912345678): fieldapp.core.contact
    contact_email: str = Field(default="", max_length=254)
    representative: str = Field(
        default="", max_length=100
    )  # the legal representative (người đại diện theo PL)

    @field_validator(
        "name",
        "address",
        "ward",
        "district",
        "assigned_to",
        "tax_code",
        "contact_name",
        "contact_role",
        "contact_phone",
        "contact_email",
        "representative",
        mode="before",
    )
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean_line(value)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        # "" is no number; anything else must be a Vietnamese number, stored in its one E.164 spelling
        if not value:
            return value
        try:
            return normalise_phone(value)
        except ValueError:
            raise custom_error("phone_format", value=value) from None

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not email_ok(value):
            raise custom_error("email_format", value=value)
        return value

    @field_validator("tax_code")
    @classmethod
    def _tax_code(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            return normalise_tax_code(value)
        except ValueError:
            raise custom_error("tax_code_format", value=value) from None

    @field_validator("assigned_to")
    @classmethod
    def _assigned(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("province_code", "ward_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return _clean_line(value) or None

    @field_validator("province_code")
    @classmethod
    def _province_known(cls, value: str | None) -> str | None:
        # the map is consulted only for records that carry a code (the import of the list is lazy)
        if value is None:
            return None
        from fieldapp.core import admin_units

        province = admin_units.normal_province_code(value)
        if admin_units.province_name(province) is None:
            raise custom_error("unknown_province_code", value=value)
        return province

    @field_validator("ward_code")
    @classmethod
    def _ward_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        from fieldapp.core import admin_units

        unit = admin_units.ward_by_code(value)
        if unit is None:
            raise custom_error("unknown_ward_code", value=value)
        province = info.data.get("province_code")
        if province is not None and province != unit.province_code:
            raise custom_error("ward_not_in_province", value=unit.name, other=province)
        return unit.code

    @model_validator(mode="after")
    def _official_ward_name(self) -> Self:
        # a ward code makes the ward's text its official name and names the province
        if self.ward_code is not None:
            from fieldapp.core import admin_units

            unit = admin_units.ward_by_code(self.ward_code)
            if unit is not None:
                object.__setattr__(self, "ward", unit.name)
                object.__setattr__(self, "province_code", unit.province_code)
        return self

    @field_validator("registered_workers", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    def warnings(self) -> list[Problem]:
        """What looks wrong but is kept, for a person to check (a tax code whose check digit does not match)."""
        if self.tax_code and not tax_code_check_digit_ok(self.tax_code):
            return [Problem("tax_code", "tax_code_check_digit", {"value": self.tax_code})]
        return []

    @model_validator(mode="after")
    def _household_has_no_legal_entity(self) -> Self:
        # Guidance 238/HD-TLĐ: a household business (hộ kinh doanh) has no legal-entity status.
        if self.ownership is Ownership.HOUSEHOLD and self.legal_entity:
            object.__setattr__(self, "legal_entity", False)
        return self


class Visit(Record):
    """One visit of a cadre to an enterprise, with what the cadre found there."""

    CONTENT_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "enterprise_id",
        "visited_on",
        "cadre",
        "headcount",
        "seasonal",
        "managers",
        "attitude",
        "applications",
        "note",
        "next_visit_on",
        "met_name",
        "met_role",
        "next_step",
    )

    enterprise_id: str
    visited_on: date
    cadre: str = Field(min_length=1, max_length=100)
    headcount: int = Field(ge=0, le=1_000_000)
    seasonal: int = Field(default=0, ge=0, le=1_000_000)
    managers: int = Field(default=0, ge=0, le=1_000_000)
    attitude: Attitude
    applications: int = Field(default=0, ge=0, le=1_000_000)
    note: str = Field(default="", max_length=10_000)
    next_visit_on: date | None = None
    # who the cadre met, and the next step agreed with them: "" when not said
    met_name: str = Field(default="", max_length=100)
    met_role: str = Field(default="", max_length=100)
    next_step: str = Field(default="", max_length=500)

    @field_validator("cadre", "note", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean_text(value)

    @field_validator("met_name", "met_role", "next_step", mode="before")
    @classmethod
    def _line(cls, value: Any) -> Any:
        return _clean_line(value)

    @field_validator("enterprise_id")
    @classmethod
    def _enterprise_id(cls, value: str) -> str:
        try:
            return canonical_id(value)
        except (ValueError, AttributeError, TypeError):
            raise custom_error("not_a_uuid") from None

    @field_validator("next_visit_on", mode="before")
    @classmethod
    def _empty_date(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("visited_on")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        today = (info.context or {}).get("today") or date.today()
        if value > today:
            raise custom_error("date_in_future", limit=today.isoformat())
        return value

    @field_validator("seasonal")
    @classmethod
    def _within_headcount(cls, value: int, info: ValidationInfo) -> int:
        headcount = info.data.get("headcount")
        if headcount is not None and value > headcount:
            raise custom_error("exceeds_headcount", limit=headcount)
        return value

    @field_validator("applications")
    @classmethod
    def _within_who_may_join(cls, value: int, info: ValidationInfo) -> int:
        # managers (the employer's side) may not join the union: only the other workers can apply
        headcount, managers = info.data.get("headcount"), info.data.get("managers")
        if headcount is not None and managers is not None and value > headcount - managers:
            raise custom_error("exceeds_who_may_join", limit=headcount - managers)
        if headcount is not None and value > headcount:
            raise custom_error("exceeds_headcount", limit=headcount)
        return value

    @field_validator("managers")
    @classmethod
    def _managers_fit(cls, value: int, info: ValidationInfo) -> int:
        headcount, seasonal = info.data.get("headcount"), info.data.get("seasonal")
        if headcount is not None and seasonal is not None and seasonal + value > headcount:
            raise custom_error("seasonal_managers_exceed_headcount", limit=headcount, other=seasonal + value)
        return value

    @field_validator("next_visit_on")
    @classmethod
    def _after_visit(cls, value: date | None, info: ValidationInfo) -> date | None:
        visited = info.data.get("visited_on")
        if value is not None and visited is not None and value < visited:
            raise custom_error("before_visit", limit=visited.isoformat())
        return value

    @property
    def stable(self) -> int:
        """Stable workers: head count less seasonal workers and owners/managers (who may not join)."""
        return self.headcount - self.seasonal - self.managers


# --- what the models say about their own fields (for forms, tables and imports) ---------------------------
#: content fields that tie a record to itself or to its enterprise: made by the program, never typed in
_LINK_FIELDS = ("id", "enterprise_id")
#: content fields derived from another (the codes of the ward typed): set by the program, never typed in
_DERIVED_FIELDS = ("province_code", "ward_code")


def input_fields(model: type[Record]) -> tuple[str, ...]:
    """The content fields of *model* a person fills in, in the model's order (not ``id``, ``enterprise_id``, nor
    the ward's codes, which the ward typed gives)."""
    return tuple(name for name in model.CONTENT_FIELDS if name not in _LINK_FIELDS + _DERIVED_FIELDS)


def field_type(model: type[Record], name: str) -> type:
    """The type of a field's value, ``None`` aside: ``int`` for ``int | None``, ``Ownership`` for ``ownership``."""
    annotation = model.model_fields[name].annotation
    kinds = [t for t in get_args(annotation) if t is not type(None)] or [annotation]
    return cast(type, kinds[0])


def fields_of_type(model: type[Record], kind: type) -> tuple[str, ...]:
    """The input fields of *model* whose values are exactly *kind* (a bool is not an int here), in order.

    ``fields_of_type(model, StrEnum)`` gives the choice fields (every enum of the model is a StrEnum).
    """
    found = []
    for name in input_fields(model):
        t = field_type(model, name)
        if t is kind or (kind is StrEnum and issubclass(t, StrEnum)):
            found.append(name)
    return tuple(found)
