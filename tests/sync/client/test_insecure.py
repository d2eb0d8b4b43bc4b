"""Plain http:// to another machine carries the token in clear: refused unless the cadre allows it (``--insecure``,
``allow_insecure``), then a warning at every sync. This machine (127.0.0.0/8, ::1, localhost) is fine over http.

No test here sends anything beyond 127.0.0.1: the refusals happen before any request, which a recording transport
proves, and ``0.0.0.0`` (not loopback by the rule, yet reaching this machine on Linux) stands for another machine
where a real request must go through.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from click.testing import Result
from support.hostile import HOSTILE

from fieldapp.core.errors import RecordError
from fieldapp.settings import Settings, load_settings, save_settings, sends_in_clear
from fieldapp.store import Store
from sync.client import SyncClient, SyncConfigError

from .conftest import User
from .laptop import add_enterprise, add_visits

Run = Callable[..., Result]


def _saved(data_dir: Path) -> dict[str, Any]:
    return dict(orjson.loads((data_dir / "settings.json").read_bytes()))


@pytest.mark.parametrize(
    ("url", "in_clear"),
    [
        ("http://example.org", True),
        ("http://sync.ldld.vn:8765/api/v1", True),
        ("http://192.168.1.10:8765", True),
        ("http://0.0.0.0:8765", True),
        ("HTTP://Example.org", True),
        ("http://[2001:db8::1]:8765", True),
        ("http://127.0.0.1:8765", False),
        ("http://127.3.4.5", False),
        ("http://[::1]:8765", False),
        ("http://localhost:8765", False),
        ("http://LOCALHOST", False),
        ("http://[::ffff:127.0.0.1]:8765", False),
        ("https://example.org", False),
        ("https://192.168.1.10", False),
    ],
)
def test_which_addresses_send_the_token_in_clear(url: str, in_clear: bool) -> None:
    assert sends_in_clear(url) is in_clear


def test_config_set_refuses_plain_http_to_another_machine(run: Run, data_dir: Path) -> None:
    result = run("config", "set", "server", "http://example.org")

    assert result.exit_code == 1
    assert "http://example.org" in result.stderr and "--insecure" in result.stderr
    assert "không được mã hóa" in result.stderr  # Vietnamese by default
    english = run("config", "set", "server", "http://example.org", lang="en")
    assert english.exit_code == 1 and "travel unencrypted" in english.stderr
    assert _saved(data_dir)["server"] is None and _saved(data_dir)["allow_insecure"] is False


def test_config_set_insecure_accepts_it_remembers_it_and_warns(run: Run, data_dir: Path) -> None:
    result = run("config", "set", "server", "http://example.org", "--insecure")

    assert result.exit_code == 0, result.output
    assert "http://example.org" in result.stderr and "Cảnh báo" in result.stderr
    assert (_saved(data_dir)["server"], _saved(data_dir)["allow_insecure"]) == ("http://example.org", True)


@pytest.mark.parametrize("url", ["https://example.org", "http://127.0.0.1:8765", "http://localhost:8765"])
def test_https_and_this_machine_are_accepted_without_a_word(run: Run, data_dir: Path, url: str) -> None:
    result = run("config", "set", "server", url)
    assert result.exit_code == 0 and result.stderr == ""
    assert _saved(data_dir)["server"] == url


def test_a_refused_server_gets_no_request(laptop: Store) -> None:
    """A laptop whose settings file already names a plain-http server (set up before the rule) sends nothing."""
    add_enterprise(laptop)
    sent: list[httpx.Request] = []
    recorder = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    settings = Settings(server="http://example.org", token="t" * 20)

    with pytest.raises(SyncConfigError) as refused:
        SyncClient(laptop, settings, transport=recorder).run()

    assert refused.value.code == "insecure_server" and "http://example.org" in refused.value.message("en")
    assert sent == [] and laptop.counts()["pending_enterprises"] == 1


def test_fieldapp_sync_refuses_then_goes_through_with_insecure_and_warns(
    module_server: Any, run: Run, data_dir: Path, cadre: User
) -> None:
    plain = module_server.url.replace("127.0.0.1", "0.0.0.0")
    with Store.open(data_dir) as store:
        add_visits(store, add_enterprise(store), cadre.name, 2)
    settings = load_settings(data_dir).updated("token", cadre.token)
    save_settings(data_dir, settings.model_copy(update={"server": plain}))

    refused = run("sync")
    assert refused.exit_code == 2 and plain in refused.stderr and "--insecure" in refused.stderr
    with Store.open(data_dir, readonly=True) as store:
        assert store.counts()["pending_visits"] == 2  # nothing sent

    allowed = run("sync", "--insecure", "--json")
    assert allowed.exit_code == 0, allowed.output
    assert plain in allowed.stderr and "Cảnh báo" in allowed.stderr  # said at this sync
    assert orjson.loads(allowed.stdout)["accepted"] == 3
    assert _saved(data_dir)["allow_insecure"] is False  # --insecure on sync is for that run only


def test_a_live_server_on_loopback_needs_no_flag(module_server: Any, laptop: Store, cadre: User) -> None:
    add_visits(laptop, add_enterprise(laptop), cadre.name, 2)
    summary = SyncClient(laptop, Settings(server=module_server.url, token=cadre.token)).run()
    assert summary.ok and summary.accepted == 3
    assert Settings(server=module_server.url).insecure_warning("en") is None


@pytest.mark.parametrize("junk", HOSTILE)
@pytest.mark.parametrize("shape", ["{}", "http://{}", "http://{}:8765/", "https://{}"])
def test_hostile_addresses_are_refused_or_judged_never_crash(shape: str, junk: str) -> None:
    url = shape.format(junk)
    in_clear = sends_in_clear(url)  # never raises
    try:
        kept = Settings().updated("server", url)
    except RecordError as exc:
        assert exc.fields == ["server"]
        return
    # none of these hosts is this machine: over plain http, each must have been refused as in clear
    assert kept.server == url and url.startswith("https://") and not in_clear, url


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "HTTP://192.168.1.10/api/v1", " http://localhost "])
def test_a_plain_http_server_loads_no_ca_bundle_and_trusts_no_certificate(url: str) -> None:
    import ssl

    from sync.client._http import tls_setting

    context = tls_setting(url, verify=True)
    assert isinstance(context, ssl.SSLContext)
    # nothing loaded (the CA bundle costs each sync ~65 ms), and should TLS ever start it fails, never unchecked
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


@pytest.mark.parametrize("verify", [True, False])
def test_an_https_server_keeps_the_verify_setting(verify: bool) -> None:
    from sync.client._http import tls_setting

    assert tls_setting("https://fieldapp.congdoan.example", verify=verify) is verify
