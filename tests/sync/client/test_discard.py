"""What is stuck can be listed and dropped: ``fieldapp sync issues`` and ``fieldapp sync discard ID``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store


def _stuck_laptop(run: Callable[..., Result], data_dir: Path, module_server) -> tuple[Enterprise, Visit]:  # type: ignore[no-untyped-def]
    token = module_server.add_user("nva_discard", "cadre", wards=["Ngọc Lâm"])
    assert run("config", "set", "server", module_server.url).exit_code == 0
    assert run("config", "set", "token", token).exit_code == 0
    with Store.open(data_dir) as store:
        outside = store.save_enterprise(Enterprise.create(name="Công ty Ngoài Vùng", ward="Bạch Mai"))
        visit = store.save_visit(
            Visit.create(enterprise_id=outside.id, visited_on="2026-11-20", cadre="nva_discard", headcount=9,
                         attitude="neutral")
        )  # fmt: skip
    synced = run("sync", "--json")
    assert synced.exit_code == 1
    return outside, visit


def test_issues_list_what_is_stuck_and_discard_asks_then_drops_it(
    run: Callable[..., Result], data_dir: Path, module_server
) -> None:  # type: ignore[no-untyped-def]
    outside, visit = _stuck_laptop(run, data_dir, module_server)
    listed = json.loads(run("sync", "issues", "--json").stdout)
    assert {(i["kind"], i["id"], i["status"]) for i in listed} >= {("enterprise", outside.id, "rejected")}
    assert any(i["label"] == "Công ty Ngoài Vùng" for i in listed)
    text = run("sync", "issues").stdout
    assert "Công ty Ngoài Vùng" in text and "địa bàn" in text

    # the confirmation names the record; "no" changes nothing
    declined = run("sync", "discard", outside.id, input="n\n")
    assert declined.exit_code == 1
    assert "Công ty Ngoài Vùng" in declined.stderr and "1 lần thăm" in declined.stderr
    with Store.open(data_dir, readonly=True) as store:
        assert store.get_enterprise(outside.id) is not None

    done = run("sync", "discard", outside.id, input="y\n")
    assert done.exit_code == 0, done.output
    with Store.open(data_dir, readonly=True) as store:
        assert store.get_enterprise(outside.id) is None and store.get_visit(visit.id) is None
        assert store.sync_issues() == []
    assert run("sync", "--json").exit_code == 0  # nothing stuck any more


def test_only_a_rejected_record_can_be_discarded(run: Callable[..., Result], data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        firm = store.save_enterprise(Enterprise.create(name="Công ty Bình Thường", ward="Ngọc Lâm"))
    refused = run("sync", "discard", firm.id, "--yes", lang="en")
    assert refused.exit_code == 1 and "no rejected record" in refused.stderr
    with Store.open(data_dir, readonly=True) as store:
        assert store.get_enterprise(firm.id) is not None
