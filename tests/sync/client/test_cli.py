"""``fieldapp sync`` in-process (click's CliRunner) against a real server: summary, JSON, exit codes, languages.

``data_dir`` and ``run`` come from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
from click.testing import Result

from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store

from .conftest import User
from .laptop import add_enterprise, add_visits, office_push

Run = Callable[..., Result]


def _configure(data_dir: Path, server: str, token: str) -> None:
    settings = load_settings(data_dir)
    save_settings(data_dir, settings.updated("server", server).updated("token", token))


def _with_records(data_dir: Path, cadre: str, visits: int = 3) -> None:
    with Store.open(data_dir) as store:
        add_visits(store, add_enterprise(store), cadre, visits)


def test_without_a_server_the_command_says_what_to_configure(run: Run, data_dir: Path) -> None:
    _with_records(data_dir, "an")
    result = run("sync")
    assert result.exit_code == 2
    assert "fieldapp config set server URL" in result.stderr
    assert "fieldapp config set token TOKEN" in result.stderr
    assert "Chưa cấu hình" in result.stderr  # Vietnamese by default


def test_sync_json_prints_the_summary_and_exits_0(
    module_server, run: Run, data_dir: Path, cadre: User
) -> None:
    _with_records(data_dir, cadre.name, visits=4)
    _configure(data_dir, module_server.url, cadre.token)

    result = run("sync", "--json")

    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert (data["pushed"], data["accepted"], data["duplicates"], data["ok"]) == (5, 5, 0, True)
    assert data["issues"] == [] and result.stderr == ""  # no progress bar with --json
    with Store.open(data_dir, readonly=True) as store:
        assert store.counts()["pending_visits"] == 0


def test_the_summary_table_speaks_the_users_language(
    module_server, run: Run, data_dir: Path, cadre: User
) -> None:
    _with_records(data_dir, cadre.name)
    _configure(data_dir, module_server.url, cadre.token)

    vi = run("sync")

    assert vi.exit_code == 0
    assert "Đã gửi" in vi.stdout and "Máy chủ đã nhận" in vi.stdout and "Đồng bộ xong" in vi.stdout
    save_settings(data_dir, load_settings(data_dir).updated("language", "en"))
    en = run("sync")
    assert en.exit_code == 0
    assert "Pushed" in en.stdout and "Sync complete" in en.stdout


def test_a_soft_conflict_merged_by_the_server_is_a_success_shown_in_the_table(
    module_server, run: Run, data_dir: Path, cadre: User, admin: User
) -> None:
    with Store.open(data_dir) as store:
        shared = add_enterprise(store, name="Công ty Hai Bên", address="1 Lý Thái Tổ")
    _configure(data_dir, module_server.url, cadre.token)
    assert run("sync", "--json").exit_code == 0
    with Store.open(data_dir) as store:
        synced = store.get_enterprise(shared.id)
        assert synced is not None and not synced.pending
        office_push(module_server.url, admin.token, [("enterprise", synced.edit(address="8 Lý Thái Tổ"))])
        store.save_enterprise(synced.edit(name="Công ty Hai Bên Mới"))

    result = run("sync")

    assert result.exit_code == 0, result.output  # merged automatically: nothing left for the cadre
    assert "trong đó tự động gộp" in result.stdout and "Đồng bộ xong" in result.stdout
    assert "Cần xử lý" not in result.stdout
    with Store.open(data_dir, readonly=True) as store:
        merged = store.get_enterprise(shared.id)
        assert merged is not None and not merged.pending
        assert (merged.name, merged.address) == ("Công ty Hai Bên Mới", "8 Lý Thái Tổ")


def test_rejected_records_are_listed_and_the_exit_code_is_1(
    module_server, run: Run, data_dir: Path, cadre: User
) -> None:
    _with_records(data_dir, "not_" + cadre.name, visits=2)  # visits in another cadre's name
    _configure(data_dir, module_server.url, cadre.token)

    result = run("sync")

    assert result.exit_code == 1
    assert "Bị từ chối" in result.stdout
    assert "bị từ chối: Cán bộ: " in result.stdout  # the field, by its label
    assert "màn hình Đồng bộ" in result.stdout


def test_a_wrong_token_exits_1_with_the_reason(module_server, run: Run, data_dir: Path) -> None:
    _with_records(data_dir, "an")
    _configure(data_dir, module_server.url, "wrong-token")

    result = run("sync", "--json")

    assert result.exit_code == 1
    data = orjson.loads(result.stdout)
    assert data["ok"] is False and data["error"]["type"] == "SyncAuthError"
    assert "401" in data["error"]["message"]
