"""A laptop that meets another server database starts over with it: nothing local lost, nothing of the server missed.

Real server processes on SQLite and PostgreSQL: another server (another epoch), a database restored from a backup
(same epoch, its sequence gone back: ``cursor_ahead``), and a move to the other backend (a fresh database).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
from click.testing import Result
from support.databases import OTHER_BACKEND, backup, fresh_database, restore
from support.live_server import LiveServer

from fieldapp.core.records import Enterprise, Record
from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store
from sync.client import CURSOR_KEY, SyncSummary

from .laptop import add_enterprise, add_visits, client_for, office_push, server_hashes


def _head(server: LiveServer, token: str) -> tuple[int, str]:
    """The (head, epoch) the server declares."""
    page = httpx.get(
        f"{server.url}/api/v1/changes", params={"since": 0, "limit": 1}, headers=server.headers(token)
    ).json()
    return int(page["head"]), str(page["epoch"])


def _office_enterprises(server: LiveServer, token: str, count: int, prefix: str) -> list[Enterprise]:
    made = [Enterprise.create(name=f"{prefix} {i}", ward="Phường 2") for i in range(count)]
    office_push(server.url, token, [("enterprise", e) for e in made])
    return made


def _everything_is_on(server: LiveServer, admin_token: str, laptop: Store) -> None:
    """The server holds every record of the laptop, with the same content, and the laptop has nothing pending."""
    for kind, records in (("enterprise", laptop.enterprises()), ("visit", laptop.visits())):
        held = dict(server_hashes(server.url, admin_token, kind))
        mine: dict[str, str] = {r.id: r.content_hash for r in records}
        assert mine.items() <= held.items(), kind
    counts = laptop.counts()
    assert counts["pending_enterprises"] == counts["pending_visits"] == 0
    assert not laptop.sync_issues()


def _says_it_started_over(summary: SyncSummary, reason: str) -> None:
    assert summary.server_changed == reason and summary.ok
    assert summary.to_dict()["server_changed"] == reason
    vi, en = summary.notice("vi"), summary.notice("en")
    assert vi and en and vi != en
    assert "Không mất dữ liệu nào" in vi and "Nothing on this laptop was lost" in en


def _versions(laptop: Store) -> dict[str, int | None]:
    records: list[Record] = [*laptop.enterprises(), *laptop.visits()]
    return {r.id: r.server_version for r in records}


def test_a_laptop_pointed_at_another_server_sends_everything_and_pulls_it_all(
    server_factory: Callable[..., LiveServer], laptop: Store, tmp_path: Path, db_backend: str
) -> None:
    first = server_factory()
    cadre_first, office_first = first.add_user("an", "cadre"), first.add_user("office", "admin")
    company = add_enterprise(laptop, assigned_to="an")
    add_visits(laptop, company, "an", 5)
    _office_enterprises(first, office_first, 3, "Công ty A")
    assert client_for(laptop, first.url, cadre_first).run().ok
    cursor = laptop.get_meta(CURSOR_KEY)
    assert cursor == _head(first, office_first)[0] > 0

    # another server: the same accounts, its own history, longer than the laptop's cursor
    with fresh_database(db_backend, tmp_path) as other_url:
        second = server_factory(other_url)
        cadre_second, office_second = second.add_user("an", "cadre"), second.add_user("office", "admin")
        theirs = _office_enterprises(second, office_second, cursor + 5, "Công ty B")
        assert _head(second, office_second)[0] > cursor

        summary = client_for(laptop, second.url, cadre_second).run()

        _says_it_started_over(summary, "other_server")
        assert summary.pushed == 1 + 5 + 3  # everything the laptop had, the first server's registry too
        _everything_is_on(second, office_second, laptop)
        assert {e.id for e in theirs} <= {e.id for e in laptop.enterprises()}  # all of it, from seq 1
        head, epoch = _head(second, office_second)
        assert laptop.get_meta(CURSOR_KEY) == head
        assert laptop.get_meta("server_epoch") == epoch != _head(first, office_first)[1]
        on_second = dict(server_hashes(second.url, office_second, "visit"))
        assert all(v.server_version == 1 and v.id in on_second for v in laptop.visits())

        again = client_for(laptop, second.url, cadre_second).run()
        assert (again.server_changed, again.pushed, again.ok) == (None, 0, True)


def test_a_server_restored_from_a_backup_gets_back_what_it_lost_from_the_laptop(
    server_factory: Callable[..., LiveServer], laptop: Store, tmp_path: Path
) -> None:
    server = server_factory()
    cadre, office = server.add_user("an", "cadre"), server.add_user("office", "admin")
    company = add_enterprise(laptop, assigned_to="an")
    early = add_visits(laptop, company, "an", 3, seed=1)
    assert client_for(laptop, server.url, cadre).run().ok
    server.stop()
    with backup(server.database_url, tmp_path) as saved:
        server.start()
        # after the backup: more visits from the laptop, the office's work, one visit edited
        later = add_visits(laptop, company, "an", 4, seed=2)
        laptop.save_visit(laptop.get_visit(early[0].id).edit(note="sửa sau khi sao lưu"))  # type: ignore[union-attr]
        lost_office = _office_enterprises(server, office, 2, "Công ty sau sao lưu")
        assert client_for(laptop, server.url, cadre).run().ok
        cursor_before = laptop.get_meta(CURSOR_KEY)
        server.stop()
        restore(server.database_url, saved)
    server.start()
    head, epoch = _head(server, office)
    assert head < cursor_before and laptop.get_meta("server_epoch") == epoch  # the same database, gone back
    # meanwhile, on the laptop: a new visit, and an edit of a visit the restored server still has
    fresh = add_visits(laptop, company, "an", 1, seed=3)
    laptop.save_visit(laptop.get_visit(early[1].id).edit(note="sửa sau khi khôi phục"))  # type: ignore[union-attr]

    summary = client_for(laptop, server.url, cadre).run()

    _says_it_started_over(summary, "server_behind")
    _everything_is_on(server, office, laptop)
    on_server = {i for i, _ in server_hashes(server.url, office, "visit")}
    assert {v.id for v in [*later, *fresh]} <= on_server  # what the restore lost came back from the laptop
    assert {e.id for e in lost_office} <= {i for i, _ in server_hashes(server.url, office, "enterprise")}
    assert laptop.get_meta(CURSOR_KEY) == _head(server, office)[0]


def test_a_move_to_the_other_backend_is_a_new_database_for_the_laptop(
    server_factory: Callable[..., LiveServer], laptop: Store, tmp_path: Path, db_backend: str
) -> None:
    before = server_factory()
    cadre_before = before.add_user("an", "cadre")
    company = add_enterprise(laptop, assigned_to="an")
    add_visits(laptop, company, "an", 6)
    assert client_for(laptop, before.url, cadre_before).run().ok
    versions_before = _versions(laptop)
    before.stop()

    # the office moves the server: a fresh database on the other backend, the accounts made again
    with fresh_database(OTHER_BACKEND[db_backend], tmp_path) as moved_url:
        moved = server_factory(moved_url)
        cadre, office = moved.add_user("an", "cadre"), moved.add_user("office", "admin")
        assert _head(moved, office)[1] != laptop.get_meta("server_epoch")

        summary = client_for(laptop, moved.url, cadre).run()

        _says_it_started_over(summary, "other_server")
        _everything_is_on(moved, office, laptop)
        assert set(_versions(laptop)) == set(versions_before)  # nothing local lost
        assert laptop.get_meta(CURSOR_KEY) == _head(moved, office)[0]


def test_fieldapp_sync_tells_the_user_it_started_over_in_both_languages(
    server_factory: Callable[..., LiveServer],
    run: Callable[..., Result],
    data_dir: Path,
    tmp_path: Path,
    db_backend: str,
) -> None:
    tokens: dict[str, str] = {}

    def point_at(server: LiveServer) -> None:
        if server.url not in tokens:
            tokens[server.url] = server.add_user("an", "cadre")
        token = tokens[server.url]
        settings = load_settings(data_dir)
        save_settings(data_dir, settings.updated("server", server.url).updated("token", token))

    with Store.open(data_dir) as store:
        add_visits(store, add_enterprise(store, assigned_to="an"), "an", 3)
    first = server_factory()
    point_at(first)
    assert run("sync").exit_code == 0
    with fresh_database(db_backend, tmp_path) as other_url:
        point_at(server_factory(other_url))

        moved = run("sync", "--json")

        data = orjson.loads(moved.stdout)
        assert moved.exit_code == 0 and (data["server_changed"], data["accepted"]) == ("other_server", 4)
        assert "Không mất dữ liệu nào trên máy này" in data["notice"]
        # and back to the first server (another epoch again; it already holds everything), said in English
        point_at(first)

        back = run("sync", lang="en")

        assert back.exit_code == 0, back.output
        assert "started over" in back.stdout and "Nothing on this laptop was lost" in back.stdout
        assert orjson.loads(run("sync", "--json").stdout)["server_changed"] is None  # told once
