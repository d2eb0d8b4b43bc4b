"""The database's identity (epoch) and head: on /health and every pull page; 409 for a cursor beyond the head.

On SQLite and PostgreSQL: a new database gets a new epoch, an existing one gets one when upgraded (its data kept),
tables copied onto the other backend get a new one at the next upgrade, and ``db new-epoch`` makes one by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from click.testing import CliRunner
from server_helpers import AppServer, enterprise, item, visit
from sqlalchemy import Engine, insert, select, text
from support.databases import OTHER_BACKEND, fresh_database

from sync.protocol import PROTOCOL_VERSION
from sync.server.cli import main
from sync.server.db import alembic_config, make_engine, upgrade
from sync.server.identity import epoch
from sync.server.models import Record, ServerIdentity


def _epoch_of(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return epoch(conn)
    finally:
        engine.dispose()


def test_health_and_every_pull_page_name_the_database_and_its_head(any_server: AppServer) -> None:
    admin = any_server.api("admin")
    admin.push([item("enterprise", enterprise()) for _ in range(3)])
    health = any_server.client(None).http.get("/api/v1/health").json()

    first = admin.http.get("/api/v1/changes", params={"since": 0, "limit": 2}).json()
    last = admin.http.get("/api/v1/changes", params={"since": first["next_cursor"]}).json()

    assert uuid.UUID(health["epoch"]) and health["protocol"] == PROTOCOL_VERSION
    assert first["epoch"] == last["epoch"] == health["epoch"] == _epoch_of(any_server.database_url)
    assert first["head"] == last["head"] == last["next_cursor"] == 3
    assert first["has_more"] and first["next_cursor"] == 2


def test_a_cursor_beyond_the_head_is_refused_with_409_cursor_ahead(any_server: AppServer) -> None:
    admin = any_server.api("admin")
    admin.push([item("enterprise", enterprise()) for _ in range(2)])

    at_head = admin.http.get("/api/v1/changes", params={"since": 2})
    beyond = admin.http.get("/api/v1/changes", params={"since": 3})

    assert at_head.status_code == 200 and at_head.json()["changes"] == []
    assert beyond.status_code == 409
    error = beyond.json()["error"]
    assert error["code"] == "cursor_ahead" and "3" in error["message"] and "2" in error["message"]


def test_the_head_counts_every_change_even_those_a_cadre_does_not_see(any_server: AppServer) -> None:
    admin, cadre = any_server.api("admin"), any_server.api("cadre", wards=["Bến Thành"])
    company = enterprise()
    admin.push([item("enterprise", company)])
    other = any_server.api("cadre", wards=["Phường 9"])
    other.push(
        [item("visit", visit(company["id"], other.name)) for _ in range(4)]
    )  # outside their area: shown
    elsewhere = enterprise(ward="Phường 9")
    admin.push([item("enterprise", elsewhere)])  # seq 6: not the cadre's area

    page = cadre.http.get("/api/v1/changes", params={"since": 0}).json()
    assert [c["kind"] for c in page["changes"]] == ["enterprise", *["visit"] * 4]
    assert (page["next_cursor"], page["head"], page["has_more"]) == (5, 6, False)
    page = other.http.get("/api/v1/changes", params={"since": 0}).json()
    assert [c["id"] for c in page["changes"]] == [elsewhere["id"]]
    assert (page["next_cursor"], page["head"]) == (6, 6)
    # a cursor behind the head, not ahead of it: no 409
    assert cadre.http.get("/api/v1/changes", params={"since": 6}).status_code == 200


def test_each_new_database_has_its_own_epoch_which_stays_across_upgrades(migrated_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    upgrade(other)
    first = _epoch_of(migrated_url)

    upgrade(migrated_url)  # what every `serve` does first

    assert _epoch_of(migrated_url) == first
    assert _epoch_of(other) != first


def test_an_existing_database_gets_an_epoch_when_upgraded_and_keeps_its_data(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0001")  # a database made before epochs existed
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(
                insert(Record).values(
                    kind="enterprise", id=str(uuid.uuid4()), version=1, content={"name": "Công ty Cũ"},
                    content_hash="0" * 64, deleted=False, seq=1, updated_at=now, updated_by="office",
                )
            )  # fmt: skip

        upgrade(database_url)

        with engine.connect() as conn:
            assert uuid.UUID(epoch(conn))
            assert conn.execute(select(Record.content)).scalars().all() == [{"name": "Công ty Cũ"}]
    finally:
        engine.dispose()


def _copy_identity(source: str, target: Engine) -> None:
    """What a table-copying tool does to the identity row: the source's row, verbatim, in the target."""
    engine = make_engine(source)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(ServerIdentity.__table__)).mappings().one()
    finally:
        engine.dispose()
    with target.begin() as conn:
        conn.execute(text("DELETE FROM server_identity"))
        conn.execute(insert(ServerIdentity).values(**row))


def test_tables_copied_onto_the_other_backend_get_a_new_epoch_at_the_next_upgrade(
    migrated_url: str, db_backend: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # the move: from this test's backend to the other one
    with fresh_database(OTHER_BACKEND[db_backend], tmp_path) as moved:
        upgrade(moved)
        engine = make_engine(moved)
        try:
            _copy_identity(migrated_url, engine)
            assert _epoch_of(moved) == _epoch_of(migrated_url)  # the copy, as the tool left it

            upgrade(moved)  # `serve` does it first

            assert _epoch_of(moved) != _epoch_of(migrated_url)
            with engine.connect() as conn:
                assert conn.execute(select(ServerIdentity.backend)).scalar_one() == OTHER_BACKEND[db_backend]
        finally:
            engine.dispose()


def test_db_new_epoch_gives_the_database_a_new_identity(migrated_url: str) -> None:
    before = _epoch_of(migrated_url)

    result = CliRunner().invoke(main, ["db", "new-epoch", "--json", "--database-url", migrated_url])

    assert result.exit_code == 0, result.output
    assert '"epoch"' in result.output and _epoch_of(migrated_url) != before
    assert _epoch_of(migrated_url) in result.output
