"""Every string the app shows is in both catalogs, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from fieldapp.tui import i18n

from .msgids import used_msgids


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_msgid_used_in_the_code_is_translated(lang: str) -> None:
    catalog = i18n.catalog(lang)  # type: ignore[arg-type]
    used = used_msgids()
    missing = sorted(f"{msgid!r} ({', '.join(places)})" for msgid, places in used.items()
                     if not msgid.startswith("<") and msgid not in catalog)  # fmt: skip
    assert not missing, f"missing in {lang}/LC_MESSAGES/fieldapp.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for msgid, msgstr in i18n.catalog(lang).items():  # type: ignore[arg-type]
        assert _placeholders(msgid) == _placeholders(msgstr), msgid


def test_only_the_binding_translator_passes_computed_ids() -> None:
    computed = {
        place.split(":")[0]
        for key, places in used_msgids().items()
        if key.startswith("<")
        for place in places
    }
    assert computed <= {"localise.py"}


def test_catalogs_hold_no_stale_entries() -> None:
    used = set(used_msgids())
    for lang in i18n.LANGUAGES:
        stale = set(i18n.catalog(lang)) - used
        assert not stale, f"{lang}: {sorted(stale)}"


def test_vietnamese_is_the_default_and_switching_changes_the_text() -> None:
    assert i18n.language() == "vi"
    assert i18n._("Save") == "Lưu"
    i18n.set_language("en")
    try:
        assert i18n._("Save") == "Save"
        assert i18n._("rows {first}–{last} of {total}", first=1, last=2, total=3) == "rows 1–2 of 3"
        assert i18n.field("headcount") == "Head count"  # field labels come from fieldapp.core.labels
    finally:
        i18n.set_language("vi")
    assert i18n.field("headcount") == "Tổng số lao động"
