"""``fieldapp-server install-service --systemd``: the unit file it writes, checked by systemd's own verifier and run.

systemctl is never called: the command only writes the file and prints what to run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from support.areas import give_area
from support.live_server import free_port

from fieldapp.core.records import Enterprise
from fieldapp.settings import Settings
from fieldapp.store import Store
from sync.client import SyncClient
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL
from sync.server.db import make_engine
from sync.server.identity import epoch
from sync.server.users import add_user

#: an account every Debian-like system has, and not one systemd calls unsafe (as it does "nobody")
ACCOUNT = "daemon"
PROGRAM = Path(sys.executable).parent / "fieldapp-server"
ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(
        main, ["--lang", "en", *args], env={ENV_DATABASE_URL: None, "SUDO_USER": None, **(env or {})}
    )


def settings(unit: str) -> dict[str, list[str]]:
    """The unit's ``Key=value`` lines (comments and sections left out), each key's values in order."""
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def environment(unit: str) -> dict[str, str]:
    """The variables the unit's ``Environment="NAME=value"`` lines set, as systemd reads them."""
    pairs = (shlex.split(value)[0].replace("%%", "%") for value in settings(unit)["Environment"])
    return dict(pair.split("=", 1) for pair in pairs)


def test_the_unit_runs_this_install_as_the_account_on_the_database(sqlite_url: str, tmp_path: Path) -> None:
    result = run(
        "install-service", "--systemd", "--user", ACCOUNT, "--database-url", sqlite_url,
        "--output", str(tmp_path), "--port", "8800", "--trust-proxy",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    unit_path = tmp_path / "fieldapp-server.service"
    unit = unit_path.read_text(encoding="utf-8")
    found = settings(unit)
    assert found["ExecStart"] == [f"{PROGRAM} serve --host 127.0.0.1 --port 8800 --workers 1 --trust-proxy"]
    assert found["User"] == [ACCOUNT]
    assert found["Restart"] == ["on-failure"]
    assert found["WantedBy"] == ["multi-user.target"]
    assert environment(unit)[ENV_DATABASE_URL] == sqlite_url
    assert "@" not in "".join(line for line in unit.splitlines() if not line.startswith("#"))
    assert oct(unit_path.stat().st_mode & 0o777) == "0o644"
    # nothing was started: the commands are printed
    assert result.stdout.splitlines()[2:] == [
        f"  sudo install -m 0644 {unit_path} /etc/systemd/system/",
        "  sudo systemctl daemon-reload",
        "  sudo systemctl enable --now fieldapp-server",
        "  systemctl status fieldapp-server",
        "  journalctl -u fieldapp-server -f",
    ]
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(unit_path)], capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr


def test_the_units_command_serves_the_database(sqlite_url: str, tmp_path: Path) -> None:
    """The ExecStart and Environment of the unit, run as systemd would run them (as this user), answer."""
    port = free_port()
    result = run(
        "install-service", "--systemd", "--user", ACCOUNT, "--database-url", sqlite_url,
        "--port", str(port), "--output", "-",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    unit = result.stdout
    command = shlex.split(settings(unit)["ExecStart"][0].replace("%%", "%").replace("$$", "$"))
    env = {**os.environ, **environment(unit)}
    log = (tmp_path / "service.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        health = None
        deadline = time.monotonic() + 30
        while health is None and time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
            time.sleep(0.2)
        assert health is not None, (tmp_path / "service.log").read_text(errors="replace")
        engine = make_engine(sqlite_url)
        with engine.connect() as conn:
            assert health["epoch"] == epoch(conn)
        engine.dispose()
        # the unit turns the API documentation off
        assert httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5).status_code == 404
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_an_existing_unit_is_kept_unless_forced(sqlite_url: str, tmp_path: Path) -> None:
    unit_path = tmp_path / "office.service"
    unit_path.write_text("[Unit]\n")
    args = ["install-service", "--systemd", "--user", ACCOUNT, "--database-url", sqlite_url]
    refused = run(*args, "--output", str(unit_path))
    assert (
        refused.exit_code == 1
        and refused.stderr == f"Error: {unit_path} exists; give --force to replace it\n"
    )
    assert unit_path.read_text() == "[Unit]\n"
    forced = run(*args, "--output", str(unit_path), "--force", "--json")
    assert forced.exit_code == 0, forced.output
    report = json.loads(forced.stdout)
    assert report["output"] == str(unit_path) and report["user"] == ACCOUNT
    assert "sudo systemctl enable --now office" in report["commands"]
    assert settings(unit_path.read_text())["Restart"] == ["on-failure"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "root"], "the server must not run as root"),
        (["--user", "no-such-account-x"], "there is no user no-such-account-x on this machine"),
        (
            ["--user", ACCOUNT, "--database-url", "postgresql://office:secret@db.local/fieldapp"],
            "the database URL holds a password",
        ),
    ],
)
def test_refused_settings_write_nothing(args: list[str], message: str, tmp_path: Path) -> None:
    result = run("install-service", "--systemd", "--output", str(tmp_path), *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert "secret" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_root_is_refused_even_through_sudo(tmp_path: Path) -> None:
    result = run("install-service", "--systemd", "--output", str(tmp_path), env={"SUDO_USER": "root"})
    assert result.exit_code == 1 and "must not run as root" in result.stderr


def test_a_service_manager_must_be_named() -> None:
    result = run("install-service", "--user", ACCOUNT)
    assert result.exit_code == 2 and "--systemd" in result.stderr


def test_a_relative_sqlite_file_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("install-service", "--systemd", "--user", ACCOUNT, "--database-url", "sqlite:///office 5%.db",
                 "--output", "-")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert environment(result.stdout)[ENV_DATABASE_URL] == f"sqlite:///{tmp_path / 'office 5%.db'}"
    assert f'"FIELDAPP_SERVER_DATABASE_URL=sqlite:///{tmp_path}/office 5%%.db"' in result.stdout


# --- HTTPS with uvicorn's own certificate ---------------------------------------------------------------------
def office_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the office's own, as ``openssl req`` makes it in docs/deploy.md)."""
    cert, key = folder / "office.pem", folder / "office.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_https_with_the_offices_certificate_and_a_laptop_that_trusts_it(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = office_certificate(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "sync.server", "serve", "--port", str(port), "--database-url", sqlite_url,
               "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)]  # fmt: skip
    log = (tmp_path / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k != ENV_DATABASE_URL}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                               start_new_session=True)  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    store = Store.open(tmp_path / "laptop")
    try:
        health = None
        deadline = time.monotonic() + 30
        while health is None and time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(f"{url}/api/v1/health", verify=str(cert), timeout=1).json()
            time.sleep(0.2)
        assert health is not None and health["status"] == "ok", (tmp_path / "server.log").read_text()
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{url}/api/v1/health")  # the public authorities do not know the office's certificate
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)  # no plain HTTP beside it

        token = add_user(sqlite_url, "an", role="cadre")
        give_area(sqlite_url, "an", ["Phường 1"])
        firm = store.save_enterprise(Enterprise.create(name="Công ty May Hòa Bình", ward="Phường 1"))
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the laptop trusts the office's certificate
        summary = SyncClient(store, Settings(server=url, token=token, cadre="an")).run()
        assert summary.ok and summary.pushed == 1
        assert store.get_enterprise(firm.id).server_version == 1  # type: ignore[union-attr]
    finally:
        store.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_https_needs_both_files(sqlite_url: str, tmp_path: Path) -> None:
    cert, _ = office_certificate(tmp_path)
    result = run("serve", "--ssl-certfile", str(cert), "--database-url", sqlite_url)
    assert result.exit_code == 2 and "both --ssl-certfile and --ssl-keyfile" in result.stderr


def test_the_unit_serves_https_with_absolute_certificate_paths(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_certificate(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("install-service", "--systemd", "--user", ACCOUNT, "--database-url", sqlite_url, "--output", "-",
                 "--ssl-certfile", "office.pem", "--ssl-keyfile", "office.key")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert settings(result.stdout)["ExecStart"] == [
        f"{PROGRAM} serve --host 127.0.0.1 --port 8765 --workers 1 "
        f"--ssl-certfile {tmp_path / 'office.pem'} --ssl-keyfile {tmp_path / 'office.key'}"
    ]


# --- Windows: the WinSW configuration to copy --------------------------------------------------------------
def test_the_winsw_configuration_restarts_the_server_as_local_service() -> None:
    """Nothing runs it here (no Windows): the file parses and says what docs/deploy.md says it says."""
    import xml.etree.ElementTree as ET
    from importlib.resources import files

    service = ET.fromstring(
        files("sync.server").joinpath("deploy", "fieldapp-server-service.xml").read_text(encoding="utf-8")
    )
    assert service.findtext("id") == "fieldapp-server"
    assert service.findtext("executable") == r"C:\fieldapp\venv\Scripts\fieldapp-server.exe"
    assert (service.findtext("arguments") or "").split()[0] == "serve"
    env = {e.get("name"): e.get("value") for e in service.findall("env")}
    assert env[ENV_DATABASE_URL] == "sqlite:///C:/fieldapp/data/fieldapp-server.sqlite3"
    assert env["FIELDAPP_SERVER_DOCS"] == "0"
    assert [e.get("action") for e in service.findall("onfailure")] == ["restart"]
    assert service.findtext("startmode") == "Automatic"
    assert (service.findtext("serviceaccount/domain"), service.findtext("serviceaccount/user")) == (
        "NT AUTHORITY",
        "LocalService",
    )
    assert "%" not in "".join(v or "" for v in env.values())  # WinSW would expand it
