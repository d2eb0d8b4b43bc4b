"""Plan the import of an outside enterprise list: which rows create, update or leave unchanged which enterprises,
and which rows are invalid and why. Planning writes nothing; ``apply_plan`` writes all or nothing.

Choices (documented in docs/cli.md):
- an empty cell means "not known here": on an update it keeps the stored value, on a new enterprise the default;
- an existing enterprise is matched by tax code, else by folded name + ward among those without a tax code;
- a tax code (or, without one, a name + ward) that repeats an earlier row of the file makes the later row invalid;
- a whole number typed into an XLSX tax-code cell lost its leading zero: 9 or 12 digits get it back;
- the ward is put on the 2025 map (``fieldapp.core.old_map.place_ward``): a 2025 ward, or an old one with its
  district, is stored as the official name with its codes; an old ward split between several 2025 wards, or a
  ward on no map, is imported as written, without codes, with a warning naming the candidates for a person to
  choose (``fieldapp wards unmatched`` lists them later).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from fieldapp.core.admin_units import DEFAULT_PROVINCE, province_name
from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.old_map import Placed, place_ward
from fieldapp.core.records import Enterprise, Ownership, Record, fields_of_type
from fieldapp.core.taxcode import normalise_tax_code
from fieldapp.core.text import fold
from fieldapp.core.wards import ward_key
from fieldapp.io.columns import choice_labels, parse_bool, parse_choice, parse_int
from fieldapp.io.readers import SheetRow, Table

if TYPE_CHECKING:
    from fieldapp.store import Store


class Registry(Protocol):
    """Where an import matches its rows: the laptop's store, or the server's registry (``fieldapp-server import``)."""

    def find_by_tax_code(self, tax_code: str) -> Enterprise | None: ...

    def find_by_name_ward(self, name: str, ward: str) -> list[Enterprise]: ...


__all__ = [
    "ImportPlan",
    "InvalidRow",
    "Registry",
    "apply_plan",
    "changed_fields",
    "plan_import",
    "row_fields",
]

# how each column is read, after the type of its Enterprise field (the tax code has its own reading)
_TEXT = (*(f for f in fields_of_type(Enterprise, str) if f != "tax_code"), "province")
_INTS = fields_of_type(Enterprise, int)
_BOOLS = fields_of_type(Enterprise, bool)
_CHOICE = fields_of_type(Enterprise, StrEnum)
_TYPED = frozenset((*_INTS, *_BOOLS, *_CHOICE))


@dataclass(frozen=True, slots=True)
class InvalidRow:
    """A row and problems found in it, by its spreadsheet row number: every reason it cannot be imported, or (in
    ``ImportPlan.warnings``) what looks wrong but is imported, for a person to check."""

    number: int
    problems: tuple[Problem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.number, "problems": [p.as_dict() for p in self.problems]}


@dataclass(slots=True)
class ImportPlan:
    """What an import would do. ``created`` and ``updated`` hold (row number, record to save)."""

    created: list[tuple[int, Enterprise]] = field(default_factory=list)
    updated: list[tuple[int, Enterprise]] = field(default_factory=list)
    unchanged: list[tuple[int, Enterprise]] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    #: rows imported (or importable) with a warning, e.g. a tax code whose check digit does not match
    warnings: list[InvalidRow] = field(default_factory=list)
    #: for each row in ``updated``, by row number: the content fields it changes, as JSON values (old, new)
    changes: dict[int, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    def to_save(self) -> list[Enterprise]:
        """The records a write would save: the new ones and the updated ones."""
        return [e for _, e in self.created] + [e for _, e in self.updated]

    def rows(self) -> list[dict[str, Any]]:
        """What happens to each row, in file order: ``{"row", "action", "name"}`` with the action ``create``,
        ``update`` (and ``"changes": {field: [old, new]}``), ``unchanged`` or ``invalid``; the stored enterprise's
        ``id`` for an update or an unchanged row."""
        out: list[dict[str, Any]] = [{"row": n, "action": "create", "name": e.name} for n, e in self.created]
        for n, e in self.updated:
            changes = {name: list(pair) for name, pair in self.changes.get(n, {}).items()}
            out.append({"row": n, "action": "update", "id": e.id, "name": e.name, "changes": changes})
        out += [{"row": n, "action": "unchanged", "id": e.id, "name": e.name} for n, e in self.unchanged]
        out += [{"row": r.number, "action": "invalid"} for r in self.invalid]
        return sorted(out, key=lambda row: int(row["row"]))

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "invalid": len(self.invalid),
        }


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _tax_code_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        digits = str(raw)
        # a number cell dropped the leading zero of e.g. 0101234567 (provinces 01..09)
        return digits.zfill(len(digits) + 1) if len(digits) in (9, 12) else digits
    return str(raw)


def _typed_cell(column: str, raw: Any) -> tuple[Any, Problem | None]:
    """A number, yes/no or choice cell read into its value, or the problem that it cannot be read."""
    params: dict[str, Any] = {}
    value: Any
    if column in _INTS:
        value, code = parse_int(raw), "not_a_number"
    elif column in _BOOLS:
        value, code = parse_bool(raw), "not_bool"
    else:
        value, code = parse_choice(column, raw), "choice"
        params["choices"] = choice_labels(column)
    if value is None:
        return None, Problem(column, code, {**params, "value": raw})
    return value, None


def row_fields(row: SheetRow) -> tuple[dict[str, Any], list[Problem]]:
    """The Enterprise fields a row gives (empty cells left out) and the problems of cells that cannot be read."""
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, raw in row.values.items():
        if raw is None:
            if column == "name":
                problems.append(Problem("name", "blank", {}))
            continue
        if column in _TEXT:
            fields[column] = _text(raw)
        elif column == "tax_code":
            fields[column] = _tax_code_text(raw)
        elif column in _TYPED:
            value, problem = _typed_cell(column, raw)
            if problem is None:
                fields[column] = value
            else:
                problems.append(problem)
    if "ownership" in fields and "legal_entity" not in fields:
        # lists rarely say it: legal_entity follows the ownership (a household business has none)
        fields["legal_entity"] = fields["ownership"] != Ownership.HOUSEHOLD
    return fields, problems


def _clean_tax_code(raw: Any) -> str | None:
    try:
        return normalise_tax_code(str(raw)) if raw else None
    except ValueError:
        return None


def plan_import(
    table: Table,
    store: Registry | None,
    *,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    province: str = DEFAULT_PROVINCE,
) -> ImportPlan:
    """Work out what importing *table* into *store* would do; with ``store=None`` every valid row is new.

    *province* is the federation's (``fieldapp config set province``): the wards of rows without a province
    column are looked for there."""
    plan = ImportPlan()
    first_row_of: dict[str, int] = {}  # tax code or folded name|ward -> the first row that named it
    matched: dict[str, int] = {}  # existing enterprise id -> the row that updates it
    for done, row in enumerate(table.rows, start=1):
        if progress is not None:
            progress(done)
        fields, problems = row_fields(row)
        unplaced = _place(fields, province)
        tax_code = _clean_tax_code(fields.get("tax_code"))
        # the same enterprise twice in the file: by tax code, else by name and ward as the store matches them
        key = tax_code or f"{fold(fields.get('name', ''))}|{ward_key(fields.get('ward', ''))}"
        if fields.get("name") and key in first_row_of:
            dup_field = "tax_code" if tax_code else "name"
            shown = tax_code or fields["name"]
            problems.append(
                Problem(dup_field, "duplicate_in_file", {"value": shown, "other": first_row_of[key]})
            )
        elif fields.get("name"):
            first_row_of[key] = row.number
        existing: Enterprise | None = None
        if store is not None and not problems:
            existing, problem = _match(store, fields, tax_code)
            if problem is not None:
                problems.append(problem)
            elif existing is not None and existing.id in matched:
                problems.append(
                    Problem(
                        "name", "duplicate_in_file", {"value": existing.name, "other": matched[existing.id]}
                    )
                )
        if problems:
            # report the row's other faults too, so one round of corrections fixes it
            problems += _record_problems(fields, {p.field for p in problems}, today)
            plan.invalid.append(InvalidRow(row.number, tuple(problems)))
            continue
        try:
            if existing is None:
                record = Enterprise.create(today=today, **fields)
                plan.created.append((row.number, record))
            else:
                matched[existing.id] = row.number
                if unplaced is not None and existing.ward_code in unplaced[1]:
                    # the stored ward is one the old ward became: it was chosen already
                    for name in ("ward", "ward_code", "province_code"):
                        fields.pop(name, None)
                    unplaced = None
                record = existing.edit(today=today, **fields)
                if record.content_hash == existing.content_hash:
                    plan.unchanged.append((row.number, record))
                else:
                    plan.updated.append((row.number, record))
                    plan.changes[row.number] = changed_fields(existing, record)
        except RecordError as exc:
            plan.invalid.append(InvalidRow(row.number, tuple(exc.problems)))
            continue
        warnings = record.warnings()
        if unplaced is not None:
            warnings.insert(0, unplaced[0])
        if warnings:
            plan.warnings.append(InvalidRow(row.number, tuple(warnings)))
    return plan


def _place(fields: dict[str, Any], default_province: str) -> tuple[Problem, tuple[str, ...]] | None:
    """Put the row's ward on the 2025 map, in *fields*: its official name and codes. A ward that cannot be placed
    stays as written, without codes; then the warning to give and the codes of its candidate wards."""
    province = str(fields.pop("province", "") or "")
    ward = str(fields.get("ward", ""))
    if "ward" not in fields or fields.get("ward_code"):
        return None  # nothing to place, or placed by the list itself (its code names the ward)
    placement = place_ward(ward, str(fields.get("district", "")), province, default_province=default_province)
    if placement.unit is not None:
        fields.update(placement.fields())
        return None
    fields.update(ward_code=None, province_code=None)
    if placement.how is Placed.EMPTY:
        return None
    choices = ", ".join(u.name for u in placement.candidates)
    codes = tuple(u.code for u in placement.candidates)
    if placement.how is Placed.SPLIT:
        return Problem("ward", "split_ward", {"value": ward, "choices": choices}), codes
    where = province or province_name(default_province) or default_province
    if placement.how is Placed.AMBIGUOUS:
        return Problem("ward", "ambiguous_ward", {"value": ward, "other": where, "choices": choices}), codes
    code = "unknown_ward" if choices else "unknown_ward_no_suggestion"
    return Problem("ward", code, {"value": ward, "other": where, "choices": choices}), codes


def changed_fields(old: Record, new: Record) -> dict[str, tuple[Any, Any]]:
    """The content fields whose values differ between two versions of a record: name -> (old, new) JSON values."""
    before, after = old.content(), new.content()
    return {name: (before[name], after[name]) for name in old.CONTENT_FIELDS if before[name] != after[name]}


def _record_problems(fields: dict[str, Any], reported: set[str], today: date | None) -> list[Problem]:
    try:
        Enterprise.create(today=today, **fields)
    except RecordError as exc:
        return [p for p in exc.problems if p.field not in reported]
    return []


def _match(
    store: Registry, fields: dict[str, Any], tax_code: str | None
) -> tuple[Enterprise | None, Problem | None]:
    if tax_code is not None:
        found = store.find_by_tax_code(tax_code)
        if found is not None:
            return found, None
    candidates = [
        e
        for e in store.find_by_name_ward(fields.get("name", ""), fields.get("ward", ""))
        if e.tax_code is None or e.tax_code == tax_code
    ]
    if len(candidates) > 1:
        return None, Problem("name", "ambiguous_match", {"other": len(candidates)})
    return (candidates[0] if candidates else None), None


def apply_plan(plan: ImportPlan, store: Store) -> int:
    """Save the plan's new and updated records in one all-or-nothing write; return how many were saved."""
    records = plan.to_save()
    if not records:
        return 0
    return store.save_enterprises(records)
