"""The ``fieldapp-server`` command line, run as a real process on both databases."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from server_helpers import Api, enterprise, item, visit


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_SERVER_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sync.server", *args], capture_output=True, text=True, timeout=60, env=full_env
    )


def test_every_command_has_help() -> None:
    for command in (
        [],
        ["serve"],
        ["db", "upgrade"],
        ["user", "add"],
        ["user", "list"],
        ["user", "revoke"],
        ["export"],
    ):
        result = run(*command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command


def test_bad_usage_exits_2() -> None:
    assert run("export", "--format", "pdf", "--output", "x").returncode == 2
    assert run("user", "add").returncode == 2


def test_db_upgrade_is_repeatable_and_honours_the_environment(database_url: str) -> None:
    first = run("db", "upgrade", "--json", env={"FIELDAPP_SERVER_DATABASE_URL": database_url})
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["revision"] == "0001"
    again = run("db", "upgrade", "--database-url", database_url)
    assert again.returncode == 0 and "0001" in again.stdout


def test_serve_without_upgrade_refuses_an_empty_database(database_url: str) -> None:
    result = run("serve", "--no-upgrade", "--port", "1", "--database-url", database_url)
    assert result.returncode == 1
    assert "db upgrade" in result.stderr and "no tables" in result.stderr


def test_user_add_list_revoke(live_server) -> None:
    url = live_server.database_url
    added = run(
        "user", "add", "nguyen.van.a", "--role", "cadre", "--full-name", "Nguyễn Văn A", "--database-url", url
    )
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 43
    api = Api(live_server.url, token)
    assert api.http.get("/api/v1/visits").status_code == 200
    assert run("user", "add", "nguyen.van.a", "--database-url", url).returncode == 1  # name taken
    listed = json.loads(run("user", "list", "--json", "--database-url", url).stdout)
    assert [(u["name"], u["role"], u["full_name"], u["revoked_at"]) for u in listed] == [
        ("nguyen.van.a", "cadre", "Nguyễn Văn A", None)
    ]
    assert token not in run("user", "list", "--database-url", url).stdout
    assert run("user", "revoke", "nguyen.van.a", "--database-url", url).returncode == 0
    assert api.http.get("/api/v1/visits").status_code == 401
    missing = run("user", "revoke", "nobody", "--database-url", url)
    assert missing.returncode == 1 and "nobody" in missing.stderr
    api.close()


@pytest.fixture
def filled_server(live_server):
    """A server holding one enterprise (edited once), one visit and one deleted enterprise."""
    admin = Api(live_server.url, live_server.add_user("office", "admin"))
    e, gone = enterprise(name="Công ty Cổ phần Đồng Tâm"), enterprise()
    v = visit(e["id"], "nguyen.van.b", note="Gặp chủ tịch công đoàn")
    admin.push([item("enterprise", e), item("enterprise", gone), item("visit", v)])
    admin.push([item("enterprise", {**e, "union_members": 9}, rev=2, base=1)])
    assert admin.http.delete(f"/api/v1/enterprises/{gone['id']}").status_code == 200
    admin.close()
    return live_server, {**e, "union_members": 9, "server_version": 2}, {**v, "server_version": 1}


def test_export_json(filled_server, tmp_path: Path) -> None:
    server, e, v = filled_server
    out = tmp_path / "export.json"
    result = run(
        "export", "--format", "json", "--output", str(out), "--json", "--database-url", server.database_url
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["enterprises"] == 1
    assert json.loads(out.read_text(encoding="utf-8")) == {"enterprises": [e], "visits": [v]}


def test_export_csv_and_xlsx(filled_server, tmp_path: Path) -> None:
    server, e, v = filled_server
    folder = tmp_path / "csv"
    assert (
        run(
            "export", "--format", "csv", "--output", str(folder), "--database-url", server.database_url
        ).returncode
        == 0
    )
    with (folder / "enterprises.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [
        (r["id"], r["name"], r["union_members"], r["server_version"], r["assigned_to"]) for r in rows
    ] == [(e["id"], e["name"], "9", "2", "")]
    with (folder / "visits.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [r["note"] for r in csv.DictReader(fh)] == [v["note"]]
    book = tmp_path / "all.xlsx"
    assert (
        run(
            "export", "--format", "xlsx", "--output", str(book), "--database-url", server.database_url
        ).returncode
        == 0
    )
    wb = load_workbook(book)
    sheet = list(wb["visits"].values)
    assert sheet[0][0] == "id" and sheet[0][-1] == "server_version"
    assert [row[0] for row in sheet[1:]] == [v["id"]]
    assert [row[1] for row in list(wb["enterprises"].values)[1:]] == [e["name"]]
