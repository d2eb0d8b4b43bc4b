"""The federation's rules on the server (``rules show|set``, ``GET /rules``) and the server's own verdicts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from server_helpers import AppServer, enterprise, item, visit

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL


def run(server: AppServer, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--lang", "en", *args, "--database-url", server.database_url], env={ENV_DATABASE_URL: None}
    )


def test_rules_set_is_checked_like_the_laptops_file_and_shown(server: AppServer, tmp_path: Path) -> None:
    shown = run(server, "rules", "show", "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["text"] == ""
    bad = tmp_path / "rules.toml"
    bad.write_text("min_members = 0\nsoon = 3\n", encoding="utf-8")
    refused = run(server, "rules", "set", str(bad))
    assert refused.exit_code == 1
    assert (
        "min_members" in refused.output
        and "soon" in refused.output
        and "nothing was changed" in refused.output
    )
    assert json.loads(run(server, "rules", "show", "--json").stdout)["text"] == ""

    good = tmp_path / "federation.toml"
    good.write_text("min_members = 7\n", encoding="utf-8")
    assert run(server, "rules", "set", str(good)).exit_code == 0
    now = json.loads(run(server, "rules", "show", "--json").stdout)
    assert now["text"] == "min_members = 7\n" and now["values"]["min_members"] == 7
    assert now["federation"] == ["min_members"] and now["updated_by"] == "fieldapp-server"
    # every user reads them (the laptop fetches them on each sync)
    assert server.api("viewer").http.get("/api/v1/rules").json()["values"]["min_members"] == 7


def test_server_classify_speaks_the_laptops_json(server: AppServer) -> None:
    admin = server.api("admin")
    firm = enterprise(ward="Phường Thanh Nhàn", registered_workers=30)
    other = enterprise(ward="Bạch Mai")
    admin.push(
        [item("enterprise", firm), item("enterprise", other), item("visit", visit(firm["id"], admin.name))]
    )
    result = run(server, "classify", "--format", "json", "--ward", "thanh nhan")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["enterprise_id"] for r in rows] == [firm["id"]]
    assert set(rows[0]) >= {"status", "reasons", "priority", "basis", "next_visit_on", "visit_id"}
    everything = json.loads(run(server, "classify", "--format", "json").stdout)
    assert {r["enterprise_id"] for r in everything} == {firm["id"], other["id"]}
    assert run(server, "classify", "--user", "nobody").exit_code == 1
