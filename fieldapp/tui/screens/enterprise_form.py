"""The enterprise form (new and edit), warning when the tax code or the name in the same ward already exists."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Select, Static

from fieldapp.core.admin_units import resolve_ward
from fieldapp.core.contact import phone_display
from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.records import (
    Enterprise,
    Record,
    field_type,
    fields_of_type,
    input_fields,
)
from fieldapp.core.taxcode import normalise_tax_code
from fieldapp.tui.i18n import _, language, value
from fieldapp.tui.screens.form_base import RecordForm
from fieldapp.tui.shown import plain, shown
from fieldapp.tui.widgets.fields import FieldBox, WardSuggester, make_input

__all__ = ["EnterpriseFormScreen"]

# the fields shown as a choice rather than typed: the enums of the record, and yes/no for its flags
_CHOICES: dict[str, tuple[str, ...]] = {
    **{
        name: tuple(str(choice) for choice in cast(type[StrEnum], field_type(Enterprise, name)))
        for name in fields_of_type(Enterprise, StrEnum)
    },
    **{name: ("true", "false") for name in fields_of_type(Enterprise, bool)},
}

#: an example of what a field takes, shown while it is empty
_PLACEHOLDERS = {"contact_phone": "0912 345 678", "contact_email": "ten@congty.vn"}


def _as_text(raw: Any) -> str:
    """A field's value as the form holds it: yes/no flags as "true"/"false", nothing as "", and a control
    character a stored value may hold (an older version let them in) shown as U+FFFD, to be seen and fixed."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return plain(raw)


class EnterpriseFormScreen(RecordForm):
    """Add an enterprise, or correct one."""

    AUTO_FOCUS = "#input-name"
    FIELDS: ClassVar[tuple[str, ...]] = input_fields(Enterprise)

    def __init__(self, enterprise: Enterprise | None) -> None:
        self.enterprise = enterprise
        super().__init__()

    def initial_values(self) -> dict[str, str]:
        e = self.enterprise
        if e is None:
            # a new enterprise starts from the record's own defaults, and is assigned to this cadre
            fields = Enterprise.model_fields
            values = {
                name: _as_text(None if fields[name].is_required() else fields[name].default)
                for name in self.FIELDS
            }
            values["assigned_to"] = self.fapp.settings.cadre or ""
            return values
        values = {name: _as_text(getattr(e, name)) for name in self.FIELDS}
        values["contact_phone"] = phone_display(
            e.contact_phone
        )  # typed and read as 0912 345 678; stored +84...
        return values

    def build(self, values: dict[str, str]) -> Record:
        fields: dict[str, Any] = {name: values[name] for name in self.FIELDS}
        fields["tax_code"] = values["tax_code"].strip() or None
        fields["assigned_to"] = values["assigned_to"].strip() or None
        if not values["union_members"].strip():
            fields["union_members"] = 0
        ward_problems = self._put_on_the_map(fields)
        try:
            record = (
                Enterprise.create(**fields) if self.enterprise is None else self.enterprise.edit(**fields)
            )
        except RecordError as exc:
            raise RecordError([*ward_problems, *exc.problems]) from None
        if ward_problems:
            raise RecordError(ward_problems)
        return record

    def _put_on_the_map(self, fields: dict[str, Any]) -> list[Problem]:
        """Set the ward typed as its official name and codes (the rule ``fieldapp enterprise`` follows too);
        the problems when it names no ward of the province. A stored ward from before the 2025 map that was not
        touched is kept as it is, with a warning (``after_check``): an unrelated edit is not held up by it."""
        e = self.enterprise
        try:
            fields.update(resolve_ward(fields["ward"], self.fapp.settings.province))
        except RecordError as exc:
            if e is not None and e.ward_code is None and fields["ward"] == _as_text(e.ward):
                fields["ward"] = e.ward
                return []
            return exc.problems
        return []

    def store_record(self, record: Record) -> str:
        assert isinstance(record, Enterprise)
        self.fapp.store.save_enterprise(record)
        return record.id

    # --- layout ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self.enterprise is None:
            title = _("New enterprise")
        else:
            title = _("Edit enterprise — {name}", name=self.enterprise.name)
        yield Static(shown(title, style="bold"), id="form-title")
        yield Static(id="duplicates")
        with VerticalScroll(id="form"):
            for name in self.FIELDS:
                raw = self.values[name]
                if name in _CHOICES:
                    options = [(self._choice_label(name, choice), choice) for choice in _CHOICES[name]]
                    widget: Any = Select(
                        options, value=raw, allow_blank=False, id=f"input-{name}", compact=True
                    )
                elif name == "ward":
                    widget = make_input(name, raw, suggester=WardSuggester(self._province))
                else:
                    widget = make_input(name, raw, placeholder=_PLACEHOLDERS.get(name, ""))
                yield FieldBox(name, widget)
        yield Footer(compact=True)

    def _province(self) -> str:
        return self.fapp.settings.province

    @staticmethod
    def _choice_label(name: str, choice: str) -> str:
        if choice in ("true", "false"):
            return _("yes") if choice == "true" else _("no")
        return value(name, choice)

    def on_mount(self) -> None:
        self.check()
        self.query_one("#input-name").focus()

    def read_widgets(self) -> None:
        super().read_widgets()
        for select in self.query(Select):
            if select.id and isinstance(select.value, str):
                self.values[select.id.removeprefix("input-")] = select.value

    def on_select_changed(self, event: Select.Changed) -> None:
        self.read_widgets()
        if event.select.id:  # a choice is complete at once
            self.touched.add(event.select.id.removeprefix("input-"))
        self.check()

    def after_check(self, record: Record | None) -> None:
        self.query_one("#duplicates", Static).update(self.duplicate_warning())
        # what the record keeps but a person should check (Enterprise.warnings); known once the values are valid
        found = (
            {w.field: w.message(language()) for w in record.warnings()}
            if isinstance(record, Enterprise)
            else {}
        )
        if isinstance(record, Enterprise) and record.ward and record.ward_code is None:
            found["ward"] = _("not on the 2025 map: type the ward or commune it is in now")
        for box in self.query(FieldBox):
            box.show_warning(found.get(box.field_name))

    def duplicate_warning(self) -> Text:
        """A warning naming the enterprises this one may duplicate (empty when there are none)."""
        store = self.fapp.store
        own_id = self.enterprise.id if self.enterprise else None
        lines: list[str] = []
        raw_tax = self.values["tax_code"].strip()
        if raw_tax:
            try:
                other = store.find_by_tax_code(normalise_tax_code(raw_tax))
            except ValueError:
                other = None
            if other is not None and other.id != own_id:
                lines.append(
                    _("Tax code {code} already belongs to “{name}”.", code=other.tax_code, name=other.name)
                )
        name, ward = self.values["name"].strip(), self.values["ward"].strip()
        if name:
            for other in store.find_by_name_ward(name, ward):
                if other.id != own_id:
                    lines.append(
                        _("“{name}” is already listed in {ward}.", name=other.name, ward=other.ward or "—")
                    )
        if not lines:
            return Text()
        return shown("⚠ " + "\n⚠ ".join(lines), style="bold", newlines=True)
