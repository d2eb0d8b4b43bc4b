"""``fieldapp demo``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from fieldapp.cli import main

Run = Callable[..., Result]


def test_fills_an_empty_folder(run: Run, stored: Callable[..., Any]) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    enterprises, visits = stored()
    assert (len(enterprises), len(visits)) == (300, 700)
    assert "300" in result.stdout and "700" in result.stdout


def test_same_seed_same_district(tmp_path: Path) -> None:
    runner = CliRunner()
    folders = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for folder, seed in zip(folders, ("7", "7", "8"), strict=True):
        args = ["--data-dir", str(folder), "demo", "--enterprises", "30", "--visits", "60", "--seed", seed]
        assert runner.invoke(main, args).exit_code == 0
    from fieldapp.store import Store

    def content(folder: Path) -> list[dict[str, Any]]:
        with Store.open(folder, readonly=True) as store:
            return sorted((e.to_doc() for e in store.enterprises()), key=lambda d: d["id"])

    assert content(folders[0]) == content(folders[1])
    assert content(folders[0]) != content(folders[2])


def test_refuses_a_folder_with_data(
    run: Run, stored: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    add_enterprise("Công ty Của Tôi")
    result = run("demo", "--enterprises", "5", "--visits", "5")
    assert result.exit_code == 1
    assert "đã có dữ liệu" in result.stderr
    assert [e.name for e in stored()[0]] == ["Công ty Của Tôi"]


def test_bad_counts(run: Run, stored: Callable[..., Any]) -> None:
    assert run("demo", "--enterprises", "-1").exit_code == 2
    assert run("demo", "--enterprises", "0", "--visits", "3").exit_code == 2
    assert stored() == ([], [])


def test_founding_cases_come_with_the_district(run: Run, data_dir: Path) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Hồ sơ thành lập CĐCS: 24" in result.stdout
    from fieldapp.store import Store

    with Store.open(data_dir, readonly=True) as store:
        cases = store.founding_cases()
        recognized = [c for c in cases if c.recognized]
        assert len(cases) == 24 and len(recognized) == 3
        for case in recognized:
            e = store.get_enterprise(case.enterprise_id)
            assert e is not None and (e.has_union, e.union_members) == (True, case.members_at_founding)
    listed = run("founding", "list", "--due", "--json")
    assert listed.exit_code == 0 and '"overdue": true' in listed.stdout
