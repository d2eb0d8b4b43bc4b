"""docs/deploy.md's restore, step by step, on a real server (each database), and a laptop's next sync after it.

A backup taken while serving (``fieldapp-server backup``), more work after it, the database put back as the docs
say (SQLite: the file and its -wal/-shm aside, the backup in place; PostgreSQL: the database renamed aside, a new one
filled by pg_restore), ``db upgrade``, ``db new-epoch``, serve: the laptop starts over and the server gets back what
the restore lost.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
from click.testing import CliRunner
from sqlalchemy.engine import make_url
from support.live_server import LiveServer

from fieldapp.store import Store
from sync.client import CURSOR_KEY
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL

from .laptop import add_enterprise, add_visits, client_for, server_hashes


def server_cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={ENV_DATABASE_URL: None})
    assert result.exit_code == 0, result.output
    return result.stdout


def restore_as_the_docs_say(database_url: str, saved: Path, aside: list[str]) -> None:
    """Put the backup *saved* in place of the database at *database_url* (its server stopped)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        live = Path(str(parsed.database))
        broken = live.parent / "broken"
        broken.mkdir()
        for path in live.parent.glob(live.name + "*"):  # the file, its -wal and -shm
            path.rename(broken / path.name)
        shutil.copyfile(saved, live)
        return
    name = str(parsed.database)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres",
                         autocommit=True) as admin:  # fmt: skip
        admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_broken"')
        aside.append(f"{name}_broken")
        admin.execute(f'CREATE DATABASE "{name}"')
    dbname = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_restore", "--no-owner", f"--dbname={dbname}", str(saved)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_after_a_restore_and_a_new_epoch_the_laptop_brings_back_what_was_lost(
    server_factory: Callable[..., LiveServer], laptop: Store, tmp_path: Path
) -> None:
    server = server_factory()
    url = server.database_url
    cadre, office = server.add_user("an", "cadre"), server.add_user("office", "admin")
    company = add_enterprise(laptop, assigned_to="an")
    add_visits(laptop, company, "an", 3, seed=1)
    assert client_for(laptop, server.url, cadre).run().ok
    saved = tmp_path / "backup.fieldapp"
    server_cli("backup", "--output", str(saved), "--database-url", url)  # while it serves

    later = add_visits(laptop, company, "an", 4, seed=2)  # work the backup does not hold
    assert client_for(laptop, server.url, cadre).run().ok
    old_epoch = laptop.get_meta("server_epoch")
    server.stop()

    aside: list[str] = []
    try:
        restore_as_the_docs_say(url, saved, aside)
        server_cli("db", "upgrade", "--database-url", url)
        server_cli("db", "new-epoch", "--database-url", url)
        server.start()
        assert not {v.id for v in later} & {i for i, _ in server_hashes(server.url, office, "visit")}
        epoch = httpx.get(f"{server.url}/api/v1/health").json()["epoch"]
        assert epoch != old_epoch

        summary = client_for(laptop, server.url, cadre).run()

        assert summary.ok and summary.server_changed == "other_server"
        on_server = dict(server_hashes(server.url, office, "visit"))
        assert {v.id: v.content_hash for v in laptop.visits()}.items() <= on_server.items()
        assert {v.id for v in later} <= set(on_server)  # what the restore lost came back from the laptop
        assert laptop.get_meta("server_epoch") == epoch
        assert laptop.get_meta(CURSOR_KEY) > 0
        assert laptop.counts()["pending_visits"] == 0
    finally:
        for name in aside:
            with (
                contextlib.suppress(Exception),
                psycopg.connect(
                    host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True
                ) as admin,
            ):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
