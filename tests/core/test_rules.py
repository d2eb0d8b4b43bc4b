"""Rules: package defaults, key-by-key overrides from the data folder, and refusal of bad override files."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from fieldapp.core.errors import RecordError
from fieldapp.core.rules import DEFAULT_RULES_FILE, RULE_KEYS, Rules, RulesError, default_rules, load_rules


def write_rules(folder: Path, text: str) -> Path:
    path = folder / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_package_defaults_are_the_documented_thresholds() -> None:
    rules = load_rules(None)
    assert rules.values() == {
        "min_members": 5,
        "small_size": 20,
        "seasonal_share": 0.5,
        "stale_months": 12,
        "priority_size": 25,
        "bch_meeting_days": 10,
        "dossier_days": 15,
        "decision_days": 15,
        "extra_days_off": [],
    }
    assert rules.sources == (DEFAULT_RULES_FILE,)
    assert rules.overridden == ()


def test_shipped_file_holds_every_key_and_nothing_else() -> None:
    shipped = tomllib.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
    assert tuple(shipped) == RULE_KEYS


def test_data_folder_without_rules_file_uses_defaults(tmp_path: Path) -> None:
    assert load_rules(tmp_path) == default_rules()


def test_override_changes_only_the_keys_it_names(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "min_members = 7\nseasonal_share = 0.6\n")
    rules = load_rules(tmp_path)
    assert rules.min_members == 7
    assert rules.seasonal_share == 0.6
    assert (rules.small_size, rules.stale_months, rules.priority_size) == (20, 12, 25)
    assert rules.sources == (DEFAULT_RULES_FILE, path)
    assert rules.overridden == ("min_members", "seasonal_share")


def test_share_written_as_one_is_accepted_as_a_float(tmp_path: Path) -> None:
    write_rules(tmp_path, "seasonal_share = 1\n")
    rules = load_rules(tmp_path)
    assert rules.seasonal_share == 1.0
    assert isinstance(rules.seasonal_share, float)


def test_zero_turns_the_small_and_priority_thresholds_off(tmp_path: Path) -> None:
    write_rules(tmp_path, "small_size = 0\npriority_size = 0\n")
    rules = load_rules(tmp_path)
    assert (rules.small_size, rules.priority_size) == (0, 0)


def test_empty_override_file_changes_nothing(tmp_path: Path) -> None:
    write_rules(tmp_path, "# nothing overridden yet\n")
    assert load_rules(tmp_path).values() == default_rules().values()


@pytest.mark.parametrize(
    ("text", "key", "code", "vi_part", "en_part"),
    [
        ("min_members = -1\n", "min_members", "too_small", "không được nhỏ hơn 1", "must not be less than 1"),
        ("min_members = 0\n", "min_members", "too_small", "không được nhỏ hơn 1", "must not be less than 1"),
        ("small_size = -5\n", "small_size", "too_small", "không được nhỏ hơn 0", "must not be less than 0"),
        ("priority_size = -1\n", "priority_size", "too_small", "nhỏ hơn 0", "less than 0"),
        ("stale_months = 0\n", "stale_months", "too_small", "nhỏ hơn 1", "less than 1"),
        ("stale_months = 5000\n", "stale_months", "too_large", "lớn hơn 1200", "greater than 1200"),
        ('min_members = "năm"\n', "min_members", "not_a_number", "phải là số nguyên", "whole number"),
        ("min_members = 5.5\n", "min_members", "not_a_number", "phải là số nguyên", "whole number"),
        ("min_members = true\n", "min_members", "not_a_number", "phải là số nguyên", "whole number"),
        (
            "seasonal_share = 0\n",
            "seasonal_share",
            "not_a_share",
            "lớn hơn 0 và không quá 1",
            "greater than 0",
        ),
        ("seasonal_share = 1.5\n", "seasonal_share", "not_a_share", "không quá 1", "at most 1"),
        ("seasonal_share = -0.2\n", "seasonal_share", "not_a_share", "lớn hơn 0", "greater than 0"),
        ('seasonal_share = "50%"\n', "seasonal_share", "not_a_share", "50%", "50%"),
        ("seasonal_share = nan\n", "seasonal_share", "not_a_share", "nan", "nan"),
        ("min_member = 5\n", "min_member", "unknown_rule", "không phải là quy tắc", "not a known rule"),
        ("[rules]\nmin_members = 5\n", "rules", "unknown_rule", "min_members, small_size", "min_members"),
    ],
)
def test_invalid_override_is_refused_naming_the_key(
    tmp_path: Path, text: str, key: str, code: str, vi_part: str, en_part: str
) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    err = caught.value
    assert isinstance(err, RecordError)
    assert err.path == path
    assert [(p.field, p.code) for p in err.problems] == [(key, code)]
    vi, en = err.describe("vi"), err.describe("en")
    assert str(path) in vi and str(path) in en
    assert f"({key})" in vi and f"({key})" in en
    assert vi_part in vi
    assert en_part in en
    assert str(path) in str(err)


def test_every_bad_key_is_named_at_once(tmp_path: Path) -> None:
    write_rules(tmp_path, "min_members = -1\nsmall_size = 'x'\ncolour = 'red'\n")
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert caught.value.fields == ["min_members", "small_size", "colour"]


def test_labelled_rule_keys_read_naturally_in_both_languages(tmp_path: Path) -> None:
    write_rules(tmp_path, "min_members = 0\n")
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert "Số đoàn viên/đơn gia nhập tối thiểu (min_members)" in caught.value.describe("vi")
    assert "Minimum members or applications (min_members)" in caught.value.describe("en")


def test_toml_syntax_error_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "min_members = \n")
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("rules.toml", "rules_syntax")
    assert "không phải TOML hợp lệ" in caught.value.describe("vi")
    assert "is not valid TOML" in caught.value.describe("en")
    assert "line 1" in caught.value.describe("en")
    assert str(path) in caught.value.describe("en")


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_bytes("min_members = 5 # năm\n".encode("utf-16"))
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert caught.value.fields == ["rules.toml"]


def test_a_folder_named_rules_toml_is_refused_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").mkdir()
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert caught.value.fields == ["rules.toml"]


def test_rules_are_frozen_and_replace_validates() -> None:
    rules = default_rules()
    with pytest.raises(AttributeError):
        rules.min_members = 3  # type: ignore[misc]
    assert rules.replace(min_members=3).min_members == 3
    assert rules.min_members == 5
    with pytest.raises(RulesError) as caught:
        rules.replace(seasonal_share=2.0)
    assert caught.value.fields == ["seasonal_share"]
    assert caught.value.path is None


def test_constructing_bad_rules_directly_is_refused() -> None:
    with pytest.raises(RulesError) as caught:
        Rules(min_members=-1, small_size=20, seasonal_share=0.5, stale_months=12, priority_size=-3)
    assert caught.value.fields == ["min_members", "priority_size"]


def test_extra_days_off_are_a_list_of_dates(tmp_path: Path) -> None:
    write_rules(tmp_path, 'extra_days_off = [2027-02-12, "2027-02-03", 2027-02-12]\nbch_meeting_days = 8\n')
    rules = load_rules(tmp_path)
    assert rules.extra_days_off == (date(2027, 2, 3), date(2027, 2, 12))  # sorted, once each
    assert rules.bch_meeting_days == 8
    assert rules.values()["extra_days_off"] == ["2027-02-03", "2027-02-12"]
    assert rules.shown("extra_days_off") == "2027-02-03, 2027-02-12"
    assert default_rules().shown("extra_days_off") == "–"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('extra_days_off = ["hôm qua"]\n', "extra_days_off"),
        ("extra_days_off = 2027-02-03\n", "extra_days_off"),
        ("extra_days_off = [2027-02-03T08:00:00]\n", "extra_days_off"),
        ("dossier_days = 0\n", "dossier_days"),
        ("decision_days = 1.5\n", "decision_days"),
    ],
)
def test_bad_founding_rules_are_refused_by_key(tmp_path: Path, text: str, key: str) -> None:
    write_rules(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert caught.value.fields == [key]
