"""Identity from the token: the laptop takes the server's user name and full name; nobody types a name to match."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from fieldapp.core.records import Enterprise, Visit
from fieldapp.settings import load_settings
from fieldapp.store import Store

from .conftest import User


def test_config_set_token_asks_the_server_who_this_is(
    run: Callable[..., Result], data_dir: Path, module_server
) -> None:  # type: ignore[no-untyped-def]
    token = module_server.add_user("nva_identity", "cadre", full_name="Nguyễn Văn A")
    assert run("config", "set", "server", module_server.url).exit_code == 0
    result = run("config", "set", "token", token)
    assert result.exit_code == 0, result.output
    assert "Nguyễn Văn A (nva_identity" in result.stdout
    settings = load_settings(data_dir)
    assert (settings.cadre, settings.full_name, settings.role) == ("nva_identity", "Nguyễn Văn A", "cadre")
    shown = json.loads(run("config", "get", "--json").stdout)
    assert shown["cadre"] == "nva_identity"


def test_a_token_the_server_refuses_is_not_saved(
    run: Callable[..., Result], data_dir: Path, module_server
) -> None:  # type: ignore[no-untyped-def]
    assert run("config", "set", "server", module_server.url).exit_code == 0
    refused = run("config", "set", "token", "not-a-real-token", lang="en")
    assert refused.exit_code == 1
    assert "refuses this token" in refused.stderr and "Traceback" not in refused.stderr
    assert load_settings(data_dir).token is None


def test_visits_typed_under_another_name_are_sent_under_the_servers(
    run: Callable[..., Result], data_dir: Path, module_server, admin: User
) -> None:  # type: ignore[no-untyped-def]
    assert run("config", "set", "cadre", "Trần Thị B").exit_code == 0
    with Store.open(data_dir) as store:
        firm = store.save_enterprise(Enterprise.create(name="Công ty Đổi Tên", ward="Ngọc Lâm"))
        store.save_visit(Visit.create(enterprise_id=firm.id, visited_on="2026-11-20", cadre="Trần Thị B",
                                      headcount=12, attitude="neutral"))  # fmt: skip
    token = module_server.add_user("ttb_identity", "cadre", full_name="Trần Thị B")
    assert run("config", "set", "server", module_server.url).exit_code == 0
    assert run("config", "set", "token", token).exit_code == 0
    synced = run("sync", "--json")
    assert synced.exit_code == 0, synced.output
    summary = json.loads(synced.stdout)
    assert summary["accepted"] == 2 and summary["identity"]["name"] == "ttb_identity"
    with Store.open(data_dir, readonly=True) as store:
        assert [v.cadre for v in store.visits()] == ["ttb_identity"]
