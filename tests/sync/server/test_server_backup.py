"""``fieldapp-server backup``: taken from a real server process while a cadre keeps pushing (each database).

The backup must be the database as of one moment: every change up to its newest one (``S``) and none after. The
server's change sequence says what that means: a record whose last change is at seq <= S is in the backup exactly
as on the server; one changed after S is in the backup at an earlier version, identical to that version in the
server's history, or absent if it was made after S. Then the backup is restored (SQLite: the file put in place;
PostgreSQL: pg_restore into a new database) and served.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from server_helpers import Api, enterprise, item
from sqlalchemy import text
from support.databases import fresh_database
from support.live_server import LiveServer

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL
from sync.server.db import head_revision, make_engine

ROOT = Path(__file__).resolve().parents[3]
#: the writer's bounds: rounds in all, rounds before the backup and after it, seconds at most
MAX_ROUNDS, ROUNDS_BEFORE, ROUNDS_AFTER, MAX_SECONDS = 400, 15, 15, 90.0
NEW_PER_ROUND, UPDATES_PER_ROUND = 4, 3

Rows = dict[tuple[str, str], tuple[Any, ...]]


def run(*args: str) -> Result:
    """``fieldapp-server ARGS`` in-process, without the ambient database URL."""
    return CliRunner().invoke(main, ["--lang", "en", *args], env={ENV_DATABASE_URL: None})


class Writer(threading.Thread):
    """A cadre pushing new enterprises and edits of earlier ones, round after round, until told to stop (after
    ``ROUNDS_AFTER`` more rounds) or the bounds are reached."""

    def __init__(self, api: Api) -> None:
        super().__init__(daemon=True)
        self.api = api
        self.known: dict[str, tuple[dict[str, Any], int, int]] = {}  # id -> (content, version, rev)
        self.rounds = 0
        self.rounds_at_stop: int | None = None
        self.started_enough = threading.Event()
        self.error: BaseException | None = None

    def stop_after_more(self) -> None:
        self.rounds_at_stop = self.rounds

    def run(self) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        try:
            while self.rounds < MAX_ROUNDS and time.monotonic() < deadline:
                if self.rounds_at_stop is not None and self.rounds >= self.rounds_at_stop + ROUNDS_AFTER:
                    break
                self.round()
                self.rounds += 1
                if self.rounds >= ROUNDS_BEFORE:
                    self.started_enough.set()
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.started_enough.set()

    def round(self) -> None:
        items = [item("enterprise", enterprise()) for _ in range(NEW_PER_ROUND)]
        for rid in random.sample(sorted(self.known), min(UPDATES_PER_ROUND, len(self.known))):
            content, version, rev = self.known[rid]
            edited = dict(content, union_members=content["union_members"] + 1)
            items.append(item("enterprise", edited, rev=rev + 1, base=version))
        results = self.api.push(items)
        for sent, result in zip(items, results, strict=True):
            assert result["status"] == "accepted", result
            self.known[sent["id"]] = (sent["record"], result["server_version"], sent["rev"])


def records(url: str) -> tuple[Rows, Rows, int]:
    """The records (kind, id) -> (version, seq, content_hash, deleted), their versions (kind, id, version) ->
    (content_hash,) and the last number of the change sequence of the database at *url*."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = {
                (r.kind, r.id): (r.version, r.seq, r.content_hash, bool(r.deleted))
                for r in conn.execute(
                    text("SELECT kind, id, version, seq, content_hash, deleted FROM records")
                )
            }
            versions = {
                (r.kind, r.id, r.version): (r.content_hash,)
                for r in conn.execute(text("SELECT kind, id, version, content_hash FROM record_versions"))
            }
            # SQLite numbers changes with the counter row, PostgreSQL with the sequence change_seq
            counter = conn.execute(
                text("SELECT last_value FROM change_seq")
                if conn.dialect.name == "postgresql"
                else text("SELECT value FROM counters WHERE name = 'seq'")
            ).scalar_one()
    finally:
        engine.dispose()
    return current, versions, int(counter)  # type: ignore[return-value]


def assert_a_moment_of(server_url: str, backup_url: str) -> int:
    """The backup at *backup_url* is the server's database as of its newest change S; returns S."""
    server, server_versions, _ = records(server_url)
    saved, saved_versions, counter = records(backup_url)
    head = max(seq for _, seq, _, _ in saved.values())
    # the sequence hands out numbers a transaction may leave unused (reserved by a push, or rolled back)
    assert counter >= head if server_url.startswith("postgresql") else counter == head, "the backup's counter"
    for key, (version, seq, content_hash, deleted) in server.items():
        if seq <= head:  # last changed before the backup: in it exactly
            assert saved.get(key) == (version, seq, content_hash, deleted), key
        elif key in saved:  # changed after: the backup has an earlier version, as the server's history has it
            saved_version = saved[key][0]
            assert saved_version < version, key
            assert saved_versions[(*key, saved_version)] == server_versions[(*key, saved_version)], key
    assert set(saved) <= set(server), "the backup holds no record the server never had"
    for (kind, rid), (version, _, content_hash, _) in saved.items():  # each record with its whole history
        assert [v for (k, i, v) in saved_versions if (k, i) == (kind, rid)] == list(range(1, version + 1))
        assert saved_versions[(kind, rid, version)] == (content_hash,)
    return head


def restored(database_url: str, output: Path, tmp_path: Path, stack: list[Callable[[], None]]) -> str:
    """Restore the backup *output* of the database at *database_url* as the docs say; the restored URL."""
    if database_url.startswith("sqlite"):
        target = tmp_path / "restored.sqlite3"
        shutil.copyfile(output, target)
        return f"sqlite:///{target}"
    context = fresh_database("postgresql", tmp_path)
    url = context.__enter__()
    stack.append(lambda: context.__exit__(None, None, None))
    dbname = url.replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={dbname}", str(output)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return url


def test_a_backup_taken_while_a_cadre_pushes_is_the_database_of_one_moment(
    database_url: str, server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite") and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is needed for PostgreSQL backups and is not on PATH")
    server = server_factory()
    api = Api.live(server.url, server.add_user("writer"), name="writer")
    writer = Writer(api)
    output = tmp_path / "backup.fieldapp"
    cleanups: list[Callable[[], None]] = []
    try:
        writer.start()
        assert writer.started_enough.wait(MAX_SECONDS) and writer.error is None, writer.error
        rounds_before = writer.rounds
        # the operator's command, a process of its own, while the writer keeps pushing
        done = subprocess.run(
            [sys.executable, "-m", "sync.server", "backup", "--output", str(output), "--json"],
            env={**os.environ, ENV_DATABASE_URL: database_url},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        writer.stop_after_more()
        writer.join(MAX_SECONDS + 30)
        assert not writer.is_alive() and writer.error is None, writer.error
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert writer.rounds > rounds_before and writer.rounds > writer.rounds_at_stop  # type: ignore[operator]

        restored_url = restored(database_url, output, tmp_path, cleanups)
        head = assert_a_moment_of(database_url, restored_url)
        _, _, server_counter = records(database_url)
        assert 0 < head < server_counter, "writes went on both before and after the backup"
        assert report["head"] == head and report["revision"] == head_revision()
        assert oct(output.stat().st_mode & 0o777) == "0o600"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

        if restored_url.startswith("sqlite"):
            engine = make_engine(restored_url)
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            engine.dispose()
        # the restored database serves, with the epoch of the database it was taken from
        epoch = httpx.get(f"{server.url}/api/v1/health").json()["epoch"]
        assert report["epoch"] == epoch
        again = server_factory(restored_url)
        assert httpx.get(f"{again.url}/api/v1/health").json()["epoch"] == epoch
    finally:
        writer.stop_after_more()
        writer.join(MAX_SECONDS + 30)
        api.close()
        for cleanup in cleanups:
            cleanup()


def test_an_existing_file_is_kept_unless_forced(sqlite_url: str, tmp_path: Path) -> None:
    output = tmp_path / "backup.sqlite3"
    output.write_text("last week's backup")
    refused = run("backup", "--output", str(output), "--database-url", sqlite_url)
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {output} exists; give --force to replace it\n"
    assert output.read_text() == "last week's backup"
    forced = run("backup", "--output", str(output), "--force", "--database-url", sqlite_url)
    assert forced.exit_code == 0, forced.output
    assert f"to {output}" in forced.stdout and "schema " + head_revision() in forced.stdout
    assert output.read_bytes().startswith(b"SQLite format 3\x00")


def test_json_names_what_the_backup_holds(sqlite_url: str, tmp_path: Path) -> None:
    output = tmp_path / "backup.sqlite3"
    result = run("backup", "--output", str(output), "--database-url", sqlite_url, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report == {
        "database": sqlite_url,
        "backend": "sqlite",
        "output": str(output),
        "bytes": output.stat().st_size,
        "revision": head_revision(),
        "epoch": report["epoch"],
        "head": 0,
    }
    assert len(report["epoch"]) == 36


def test_no_database_no_backup_and_nothing_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    result = run("backup", "--output", str(tmp_path / "b"), "--database-url", f"sqlite:///{missing}")
    assert result.exit_code == 1
    assert result.stderr == f"Error: there is no SQLite database at {missing}\n"
    assert list(tmp_path.iterdir()) == []  # neither a backup, a leftover part, nor an empty database


def test_a_database_without_our_tables_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    result = run("backup", "--output", str(tmp_path / "b"), "--database-url", f"sqlite:///{other}")
    assert result.exit_code == 1 and "no fieldapp-server tables" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]


def test_a_missing_output_folder_or_option_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    result = run("backup", "--output", str(tmp_path / "no" / "b"), "--database-url", sqlite_url)
    assert result.exit_code == 1 and f"the folder {tmp_path / 'no'} does not exist" in result.stderr
    assert run("backup", "--database-url", sqlite_url).exit_code == 2


def test_postgresql_without_pg_dump_says_what_to_install(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    result = run(
        "backup", "--output", str(tmp_path / "b"), "--database-url", url, "--pg-dump", "/nowhere/pg_dump"
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: there is no program /nowhere/pg_dump (--pg-dump)\n"
    empty_path = CliRunner().invoke(
        main,
        ["--lang", "en", "backup", "--output", str(tmp_path / "b"), "--database-url", url],
        env={"PATH": str(tmp_path)},
    )
    assert empty_path.exit_code == 1 and "pg_dump is not on PATH" in empty_path.stderr
    assert list(tmp_path.iterdir()) == []
