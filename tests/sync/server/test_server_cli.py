"""The ``fieldapp-server`` command line, in-process (click's runner); one real ``python -m sync.server`` run.

Migrations and the export read and write SQL, so those run on each database; the user commands on SQLite.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from server_helpers import Api, AppServer, enterprise, item, visit

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL, ENV_LANG
from sync.server.db import head_revision


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """``fieldapp-server ARGS`` in-process, without the ambient database URL."""
    return CliRunner().invoke(main, ["--lang", "en", *args], env={ENV_DATABASE_URL: None, **(env or {})})


def test_the_module_runs_the_command_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != ENV_LANG}
    result = subprocess.run(
        [sys.executable, "-m", "sync.server", "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert (
        result.returncode == 0 and "Cách dùng:" in result.stdout and "serve" in result.stdout
    )  # Vietnamese first


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["db", "upgrade"],
        ["user", "add"],
        ["user", "list"],
        ["user", "revoke"],
        ["export"],
        ["area", "assign"],
        ["area", "unassign"],
        ["area", "list"],
        ["enterprise", "assign"],
        ["backup"],
        ["install-service"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output, command


def test_bad_usage_exits_2() -> None:
    assert run("export", "--format", "pdf", "--output", "x").exit_code == 2
    assert run("user", "add").exit_code == 2


def test_db_upgrade_is_repeatable_and_honours_the_environment(database_url: str) -> None:
    first = run("db", "upgrade", "--json", env={ENV_DATABASE_URL: database_url})
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["revision"] == head_revision()
    again = run("db", "upgrade", "--database-url", database_url)
    assert again.exit_code == 0 and head_revision() in again.stdout


def test_serve_without_upgrade_refuses_an_empty_database(database_url: str) -> None:
    result = run("serve", "--no-upgrade", "--port", "1", "--database-url", database_url)
    assert result.exit_code == 1
    assert "db upgrade" in result.stderr and "no tables" in result.stderr


def test_user_add_list_revoke(server: AppServer) -> None:
    url = server.database_url
    added = run(
        "user", "add", "nguyen.van.a", "--role", "cadre", "--full-name", "Nguyễn Văn A", "--database-url", url
    )
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 43
    api = server.client(token)
    assert api.http.get("/api/v1/visits").status_code == 200
    taken = run("user", "add", "nguyen.van.a", "--database-url", url)
    assert taken.exit_code == 1 and "already exists" in taken.stderr
    listed = json.loads(run("user", "list", "--json", "--database-url", url).stdout)
    assert [(u["name"], u["role"], u["full_name"], u["revoked_at"]) for u in listed] == [
        ("nguyen.van.a", "cadre", "Nguyễn Văn A", None)
    ]
    assert token not in run("user", "list", "--database-url", url).stdout
    assert run("user", "revoke", "nguyen.van.a", "--database-url", url).exit_code == 0
    assert "revoked" in run("user", "list", "--database-url", url).stdout
    assert api.http.get("/api/v1/visits").status_code == 401
    missing = run("user", "revoke", "nobody", "--database-url", url)
    assert missing.exit_code == 1 and "nobody" in missing.stderr


def test_user_add_on_an_unmigrated_database_says_to_upgrade(database_url: str) -> None:
    result = run("user", "add", "nva", "--database-url", database_url)
    assert result.exit_code == 1 and "db upgrade" in result.stderr


@pytest.fixture
def filled_server(any_server: AppServer) -> tuple[AppServer, dict, dict]:  # type: ignore[type-arg]
    """A server holding one enterprise (edited once), one visit, one founding case and one deleted enterprise."""
    from fieldapp.core.founding import start_case

    admin: Api = any_server.api("admin", "office")
    e, gone = enterprise(name="Công ty Cổ phần Đồng Tâm"), enterprise()
    v = visit(e["id"], "nguyen.van.b", note="Gặp chủ tịch công đoàn")
    case = start_case(e["id"], "2026-03-02").content()
    results = admin.push(
        [item("enterprise", e), item("enterprise", gone), item("visit", v), item("founding_case", case)]
    )
    assert [r["status"] for r in results] == ["accepted"] * 4
    admin.push([item("enterprise", {**e, "union_members": 9}, rev=2, base=1)])
    assert admin.http.delete(f"/api/v1/enterprises/{gone['id']}").status_code == 200
    return any_server, {**e, "union_members": 9, "server_version": 2}, {**v, "server_version": 1}


def test_export_json(filled_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, e, v = filled_server
    out = tmp_path / "export.json"
    result = run(
        "export", "--format", "json", "--output", str(out), "--json", "--database-url", server.database_url
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["enterprises"] == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {k: doc[k] for k in ("enterprises", "visits")} == {"enterprises": [e], "visits": [v]}
    assert [(c["enterprise_id"], c["name"], c["stage"]) for c in doc["founding_cases"]] == [
        (e["id"], e["name"], "committee")
    ]


def test_export_csv_and_xlsx(filled_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, e, v = filled_server
    folder = tmp_path / "csv"
    result = run("export", "--format", "csv", "--output", str(folder), "--database-url", server.database_url)
    assert result.exit_code == 0 and "Exported 1 enterprises, 1 visits and 1 founding cases" in result.stdout
    with (folder / "enterprises.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [
        (r["id"], r["name"], r["union_members"], r["server_version"], r["assigned_to"], r["legal_entity"])
        for r in rows
    ] == [(e["id"], e["name"], "9", "2", "", "true")]
    with (folder / "visits.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [r["note"] for r in csv.DictReader(fh)] == [v["note"]]
    book = tmp_path / "all.xlsx"
    result = run("export", "--format", "xlsx", "--output", str(book), "--database-url", server.database_url)
    assert result.exit_code == 0
    wb = load_workbook(book)
    sheet = list(wb["visits"].values)
    assert sheet[0][0] == "id" and sheet[0][-1] == "server_version"
    assert [row[0] for row in sheet[1:]] == [v["id"]]
    assert [row[1] for row in list(wb["enterprises"].values)[1:]] == [e["name"]]


def test_export_of_an_unmigrated_database_fails_with_the_reason(database_url: str, tmp_path: Path) -> None:
    result = run(
        "export", "--format", "json", "--output", str(tmp_path / "x.json"), "--database-url", database_url
    )
    assert result.exit_code == 1 and "db upgrade" in result.stderr
