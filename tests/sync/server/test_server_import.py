"""The office imports the registry itself: ``fieldapp-server import FILE`` speaks and decides like ``fieldapp import``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result
from server_helpers import AppServer
from support.hostile import HOSTILE

from fieldapp.cli import main as laptop_main
from fieldapp.core.text import CONTROL
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL

HEADER = ["Tên doanh nghiệp", "Mã số thuế", "Phường/Xã", "Địa chỉ", "Số lao động"]
GOOD = [
    ["Công ty TNHH May Thanh Nhàn", "0100109106", "Phường Thanh Nhàn", "12 Thanh Nhàn", "120"],
    ["Xưởng in Hồng Hà", "", "Thanh Nhàn", "3 Võ Thị Sáu", "15"],
    ["Công ty Bánh Bạch Mai", "0101245486", "Bạch Mai", "8 Bạch Mai", "40"],
]


def office(server: AppServer, *args: str) -> Result:
    return CliRunner().invoke(
        main, [*args, "--database-url", server.database_url], env={ENV_DATABASE_URL: None}
    )


def test_the_office_imports_the_registry_and_each_cadre_pulls_their_area(
    server: AppServer, make_csv: Callable[..., Path]
) -> None:
    path = make_csv([HEADER, *GOOD])
    dry = office(server, "import", str(path), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["created"] == 3 and json.loads(dry.stdout)["written"] == 0
    admin = server.api("admin")
    assert admin.get_all("enterprises") == []

    done = office(server, "import", str(path))
    assert done.exit_code == 0, done.output
    assert "Đã ghi 3 doanh nghiệp." in done.stdout
    cadre = server.api("cadre", wards=["Thanh Nhàn"])
    pulled, _ = cadre.pull_all()
    assert sorted(c["record"]["name"] for c in pulled) == ["Công ty TNHH May Thanh Nhàn", "Xưởng in Hồng Hà"]

    # the same file again changes nothing; a changed row is an update with a new version
    again = json.loads(office(server, "import", str(path), "--json").stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = make_csv([HEADER, [*GOOD[0][:4], "150"]], name="changed.csv")
    assert json.loads(office(server, "import", str(changed), "--json").stdout)["updated"] == 1
    firm = next(r for r in admin.get_all("enterprises") if r["record"]["tax_code"] == "0100109106")
    assert firm["server_version"] == 2 and firm["record"]["registered_workers"] == 150


def test_an_invalid_row_refuses_the_file_with_the_laptops_words(
    server: AppServer, make_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_csv([HEADER, GOOD[0], ["", "0101234", "Bạch Mai", "", "-3"], GOOD[2]])
    result = office(server, "import", str(path))
    assert result.exit_code == 1
    assert server.api("admin").get_all("enterprises") == []
    # the laptop's `fieldapp import` of the same file says exactly the same lines
    laptop = CliRunner().invoke(laptop_main, ["--data-dir", str(tmp_path / "laptop"), "import", str(path)])
    assert laptop.exit_code == 1
    assert result.stderr.splitlines() == laptop.stderr.splitlines()
    assert any(line.startswith("dòng 3:") for line in result.stderr.splitlines())

    english = office(server, "import", str(path), "--lang", "en")
    assert any(line.startswith("row 3:") for line in english.stderr.splitlines())
    skipped = office(server, "import", str(path), "--skip-invalid", "--json")
    assert skipped.exit_code == 0 and json.loads(skipped.stdout)["written"] == 2


def test_a_file_that_cannot_be_read_is_refused_with_its_name(server: AppServer, tmp_path: Path) -> None:
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"not a workbook")
    result = office(server, "import", str(bad))
    assert result.exit_code == 1 and "list.xlsx" in result.output and "Traceback" not in result.output


def test_hostile_rows_are_refused_by_row_or_stored_neutral(
    server: AppServer, make_csv: Callable[..., Path]
) -> None:
    rows = [[value, "", f"Phường {i}", "", ""] for i, value in enumerate(HOSTILE)]
    path = make_csv([HEADER, *rows])
    refused = office(server, "import", str(path), "--json")
    assert refused.exit_code in (0, 1), refused.output
    report = json.loads(refused.stdout)
    for row in report["invalid_rows"]:
        assert row["row"] >= 2 and row["problems"]
    if report["invalid_rows"]:
        assert server.api("admin").get_all("enterprises") == []
    kept = office(server, "import", str(path), "--skip-invalid", "--json")
    assert kept.exit_code == 0
    for stored in server.api("admin").get_all("enterprises"):
        assert not CONTROL.search(stored["record"]["name"])
