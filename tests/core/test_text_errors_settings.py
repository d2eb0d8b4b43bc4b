"""Text folding, bilingual problems, and settings stored in the data folder."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from fieldapp.core.errors import MESSAGES, Problem, RecordError
from fieldapp.core.labels import FIELD_LABELS, field_label, value_label
from fieldapp.core.text import fold, nfc
from fieldapp.settings import (
    ENV_DATA_DIR,
    SETTINGS_FILE,
    Settings,
    load_settings,
    resolve_data_dir,
    save_settings,
    write_atomic,
)

# --- text ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["long bien", "LONG BIÊN", "Long Biên", "  long   biên ", unicodedata.normalize("NFD", "Long Biên")],
)
def test_fold_makes_spellings_equal(spelling: str) -> None:
    assert fold(spelling) == "long bien"


def test_fold_turns_d_with_stroke_into_d() -> None:
    assert fold("Đức Giang đường") == "duc giang duong"
    assert fold("ĐỐNG ĐA") == "dong da"


def test_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hai Bà Trưng")
    assert decomposed != "Hai Bà Trưng"
    assert nfc(decomposed) == "Hai Bà Trưng"


# --- problems ------------------------------------------------------------------------------------------------


def test_every_message_has_both_languages() -> None:
    for code in MESSAGES:
        p = Problem("name", code, {})
        assert p.message("vi") and p.message("en") and p.message("vi") != p.message("en"), code


def test_problem_describes_the_field_with_its_label() -> None:
    p = Problem("seasonal", "too_small", {"limit": 0})
    assert p.describe("vi") == "Lao động thời vụ (seasonal): không được nhỏ hơn 0"
    assert p.describe("en") == "Seasonal workers (seasonal): must not be less than 0"
    assert p.as_dict() == {
        "field": "seasonal",
        "code": "too_small",
        "vi": "không được nhỏ hơn 0",
        "en": "must not be less than 0",
    }


def test_problem_with_missing_parameters_still_reads() -> None:
    assert Problem("headcount", "too_small", {}).message("en") == "must not be less than {limit}"
    assert Problem("x", "no_such_code", {"value": 3}).message("en") == "is not valid: 3"


def test_record_error_lists_every_problem() -> None:
    err = RecordError([Problem("name", "blank", {}), Problem("headcount", "too_small", {"limit": 0})])
    assert err.fields == ["name", "headcount"]
    assert "Tên doanh nghiệp (name): không được để trống; Tổng số lao động (headcount)" in err.describe()
    assert str(err).startswith("Enterprise name (name): must not be empty")
    assert isinstance(err, ValueError)


def test_labels() -> None:
    assert field_label("applications") == "Số đơn gia nhập"
    assert field_label("applications", "en") == "Applications"
    assert field_label("nonexistent") == "nonexistent"
    assert value_label("attitude", "reluctant") == "E ngại"
    assert value_label("attitude", "hostile", "en") == "Hostile"
    assert all(
        field_label(name, "vi") != field_label(name, "en") for name in FIELD_LABELS if name != "rules.toml"
    )


# --- settings -------------------------------------------------------------------------------------------------


def test_data_dir_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv(ENV_DATA_DIR)
    assert resolve_data_dir(None).name == "fieldapp"


def test_first_load_saves_defaults_with_a_device_id(tmp_path: Path) -> None:
    first = load_settings(tmp_path)
    assert (tmp_path / SETTINGS_FILE).exists()
    assert first.language == "vi"
    assert load_settings(tmp_path).device_id == first.device_id


def test_updated_and_saved_settings_round_trip(tmp_path: Path) -> None:
    settings = load_settings(tmp_path).updated("cadre", "Phạm Thu Hà").updated("language", "en")
    save_settings(tmp_path, settings)
    again = load_settings(tmp_path)
    assert (again.cadre, again.language) == ("Phạm Thu Hà", "en")
    assert json.loads((tmp_path / SETTINGS_FILE).read_text(encoding="utf-8"))["cadre"] == "Phạm Thu Hà"


def test_updated_refuses_unknown_keys_and_bad_values() -> None:
    settings = Settings()
    with pytest.raises(RecordError) as caught:
        settings.updated("colour", "red")
    assert [(p.field, p.code) for p in caught.value.problems] == [("colour", "unknown_field")]
    with pytest.raises(RecordError) as caught:
        settings.updated("language", "fr")
    assert caught.value.fields == ["language"]
    assert "Ngôn ngữ (language)" in caught.value.describe("vi")
    assert settings.updated("server", "").server is None


def test_corrupt_settings_file_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_settings(tmp_path)
    assert SETTINGS_FILE in caught.value.describe("en")


def test_write_atomic_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]
