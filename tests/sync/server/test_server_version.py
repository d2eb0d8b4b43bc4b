"""``fieldapp-server --version``: the version, the sync protocol and the database it would use (its data folder)."""

from __future__ import annotations

from click.testing import CliRunner

import fieldapp
from sync.protocol import PROTOCOL_VERSION
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL, default_database_url


def test_version_names_the_default_database() -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "--version"], env={ENV_DATABASE_URL: None})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"fieldapp-server {fieldapp.__version__}",
        f"Sync protocol: {PROTOCOL_VERSION}",
        f"Database: {default_database_url()} (default: SQLite in the user data folder; "
        "a command's --database-url wins)",
    ]


def test_version_names_the_configured_database_without_its_password() -> None:
    url = "postgresql://fieldapp:bi-mat@db.office.vn/fieldapp"
    result = CliRunner().invoke(main, ["--lang", "en", "--version"], env={ENV_DATABASE_URL: url})
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[2]
    assert line.startswith("Database: postgresql+psycopg://fieldapp:***@db.office.vn/fieldapp ")
    assert f"(${ENV_DATABASE_URL};" in line and "bi-mat" not in result.output
