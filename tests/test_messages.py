"""One catalog for the whole product: every marked string of the code is translated, nothing stale, placeholders
kept, the compiled catalog up to date (``scripts/messages.py check``), and the mechanism itself behaves."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fieldapp.core import errors, i18n, labels, reasons

ROOT = Path(__file__).resolve().parents[1]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


messages = _load_script()


def test_the_catalog_is_in_step_with_the_code() -> None:
    found = list(messages.problems())
    assert not found, "run `python scripts/messages.py update` and translate:\n" + "\n".join(found)


def test_extraction_finds_strings_from_every_layer() -> None:
    extracted = {(m.context, m.id) for m in messages.extract() if m.id}
    assert (None, errors.MESSAGES["too_small"]) in extracted  # core problems
    assert ("field", labels.FIELD_LABELS["headcount"]) in extracted  # field labels, with their context
    assert ("verdict", reasons.STATUS_LABELS["eligible"]) in extracted  # verdicts
    assert (None, "Save") in extracted  # the terminal app


def test_the_check_reports_a_missing_translation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a catalog that lost one entry must be reported: the check can fail
    copy = tmp_path / "locale"
    shutil.copytree(messages.LOCALE_DIR, copy)
    po = copy / "vi" / "LC_MESSAGES" / "fieldapp.po"
    text = po.read_text(encoding="utf-8")
    entry = 'msgid "Save"\nmsgstr "Lưu"\n'
    assert entry in text
    po.write_text(text.replace(entry, 'msgid "Save"\nmsgstr ""\n'), encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE_DIR", copy)
    found = list(messages.problems())
    assert any("missing translation of 'Save'" in line for line in found), found
    assert any("is not compiled" in line for line in found), found


def test_every_table_entry_is_in_the_catalog() -> None:
    catalog = {(m.context, m.id) for m in messages.read_catalog("vi") if m.id and m.string}
    tables: list[tuple[str | None, list[str]]] = [
        (None, list(errors.MESSAGES.values())),
        ("field", list(labels.FIELD_LABELS.values())),
        ("verdict", list(reasons.STATUS_LABELS.values())),
        ("priority", list(reasons.PRIORITY_LABELS.values())),
        ("basis", list(reasons.BASIS_LABELS.values())),
        ("reason", list(reasons.REASON_TITLES.values())),
        (None, list(reasons.REASON_TEXTS.values()) + list(reasons.NEXT_STEP_TEXTS.values())),
    ]
    tables += [(field, [msgid]) for (field, _value), msgid in labels.VALUE_LABELS.items()]
    missing = [
        (context, msgid) for context, ids in tables for msgid in ids if (context, msgid) not in catalog
    ]
    assert not missing


def test_vietnamese_is_complete_and_english_is_the_message_id() -> None:
    assert i18n.gettext("Save", "vi") == "Lưu"
    assert i18n.gettext("Save", "en") == "Save"
    assert i18n.gettext("rows {first}–{last} of {total}", "en", first=1, last=2, total=3) == "rows 1–2 of 3"
    # one English word, two Vietnamese ones: the context tells them apart
    assert labels.field_label("status", "vi") == "Trạng thái"
    assert reasons.status_label("eligible", "vi") == "Đủ điều kiện"
    assert reasons.status_label("eligible", "en") == "Eligible"


def test_a_message_renders_its_message_parameters_in_the_same_language() -> None:
    status = i18n.Message(labels.VALUE_LABELS[("status", "suspended")], context="status")
    reason = reasons.Reason("not_operating", {"status": status})
    assert "Tạm ngừng" in reason.text("vi")
    assert "Suspended" in reason.text("en")
