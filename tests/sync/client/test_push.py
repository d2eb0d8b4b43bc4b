"""Push against a real server process: batches, idempotent reruns, lost answers, edits during a sync, refusals."""

from __future__ import annotations

import gzip
import random

import httpx
import pytest

from fieldapp.store import Store
from sync.client import SyncNetworkError, SyncProgress

from .conftest import User
from .laptop import Recorder, add_enterprise, add_visits, client_for, server_hashes


def test_first_sync_pushes_everything_in_batches_and_a_rerun_pushes_nothing(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    enterprise = add_enterprise(laptop)
    visits = add_visits(laptop, enterprise, cadre.name, 120)
    recorder = Recorder()
    client = client_for(laptop, module_server.url, cadre.token, transport=recorder, max_items=50)

    first = client.run()

    assert (first.pushed, first.accepted, first.duplicates, first.ok) == (121, 121, 0, True)
    assert len(recorder.paths("POST")) == 3  # 121 records, at most 50 per request
    assert laptop.counts()["pending_visits"] == laptop.counts()["pending_enterprises"] == 0
    assert all(v.server_version == 1 for v in laptop.visits())
    on_server = dict(server_hashes(module_server.url, admin.token))
    assert {v.id: v.content_hash for v in visits}.items() <= on_server.items()

    recorder.requests.clear()
    again = client.run()

    assert (again.pushed, again.accepted, again.pulled, again.ok) == (0, 0, 0, True)
    assert recorder.paths("POST") == []  # nothing pending: no push request at all
    # who am I, one pull page (empty), the federation's rules
    assert recorder.paths("GET") == ["/api/v1/me", "/api/v1/changes", "/api/v1/rules"]


def _pushed_bodies(sizes: list[int], too_large: int | None = None) -> Recorder:
    """A transport noting the size of each push body (uncompressed JSON bytes); it answers 413, as a server
    with a lower limit would, to bodies over *too_large*."""

    def measure(request: httpx.Request, index: int) -> httpx.Response | None:
        if not request.url.path.endswith("/push"):
            return None
        size = len(gzip.decompress(request.content))
        if too_large is not None and size > too_large:
            return httpx.Response(
                413, json={"error": {"code": "payload_too_large", "message": "", "errors": []}}
            )
        sizes.append(size)
        return None

    return Recorder(fault=measure)


def test_no_push_body_is_larger_than_max_bytes(module_server, laptop: Store, cadre: User) -> None:
    # long notes in Vietnamese: the bound is on bytes of UTF-8, not characters
    visits = add_visits(laptop, add_enterprise(laptop), cadre.name, 40)
    laptop.save_visits(v.edit(note="ghi chú dài về điều kiện làm việc " * 20) for v in visits)
    sizes: list[int] = []
    client = client_for(
        laptop, module_server.url, cadre.token, transport=_pushed_bodies(sizes), max_bytes=12_000
    )

    summary = client.run()

    assert (summary.pushed, summary.accepted, summary.ok) == (41, 41, True)
    assert len(sizes) > 2 and max(sizes) <= 12_000


def test_a_body_the_server_finds_too_large_is_halved_until_it_fits(
    module_server, laptop: Store, cadre: User
) -> None:
    add_visits(laptop, add_enterprise(laptop), cadre.name, 60)
    sizes: list[int] = []
    client = client_for(
        laptop, module_server.url, cadre.token, transport=_pushed_bodies(sizes, too_large=10_000)
    )

    summary = client.run()

    assert (summary.pushed, summary.accepted, summary.ok) == (61, 61, True)
    assert len(sizes) > 2 and max(sizes) <= 10_000


def test_a_batch_whose_answer_was_lost_is_resent_and_counted_as_duplicates(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    enterprise = add_enterprise(laptop)
    add_visits(laptop, enterprise, cadre.name, 30)

    def lose_push_answers(request: httpx.Request, response: httpx.Response, index: int) -> None:
        if request.url.path.endswith("/push"):  # the server stored the batch; the laptop never hears it
            raise httpx.ReadError("connection dropped", request=request)

    lossy = client_for(laptop, module_server.url, cadre.token, transport=Recorder(after=lose_push_answers))
    with pytest.raises(SyncNetworkError) as lost:
        lossy.run()
    assert lost.value.summary is not None and lost.value.summary.unanswered == 31
    assert laptop.counts()["pending_visits"] == 30  # nothing marked without an answer

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert (summary.pushed, summary.accepted, summary.duplicates, summary.ok) == (31, 0, 31, True)
    assert laptop.counts()["pending_visits"] == 0
    ids = [i for i, _ in server_hashes(module_server.url, admin.token) if laptop.get_visit(i) is not None]
    assert sorted(ids) == sorted(v.id for v in laptop.visits())  # each exactly once


def test_a_record_edited_while_the_sync_runs_stays_pending(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    enterprise = add_enterprise(laptop)
    first, *_ = add_visits(laptop, enterprise, cadre.name, 5)

    def edit_once_sent(progress: SyncProgress) -> None:
        # the first report comes after the records were read but before any answer arrived
        if progress.phase == "push" and progress.done == 0:
            laptop.save_visit(laptop.get_visit(first.id).edit(note="sửa trong lúc đồng bộ"))  # type: ignore[union-attr]

    client = client_for(laptop, module_server.url, cadre.token)
    summary = client.run(progress=edit_once_sent)

    assert summary.accepted == 6
    edited = laptop.get_visit(first.id)
    assert edited is not None and edited.pending and edited.rev == 2 and edited.server_version == 1
    assert laptop.counts()["pending_visits"] == 1
    server = dict(server_hashes(module_server.url, admin.token))
    assert server[first.id] == first.content_hash  # the server has what was sent: rev 1

    second = client.run()

    assert (second.pushed, second.accepted) == (1, 1)
    assert dict(server_hashes(module_server.url, admin.token))[first.id] == edited.content_hash
    assert not laptop.get_visit(first.id).pending  # type: ignore[union-attr]


def test_visits_in_another_cadres_name_are_rejected_and_the_rest_go_through(
    module_server, laptop: Store, cadre: User
) -> None:
    enterprise = add_enterprise(laptop)
    mine = add_visits(laptop, enterprise, cadre.name, 4)
    forged = add_visits(laptop, enterprise, "someone_else", 2, seed=1)

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert (summary.accepted, summary.rejected, summary.ok) == (5, 2, False)
    issues = {i.id: i for i in laptop.sync_issues()}
    assert set(issues) == {v.id for v in forged}
    assert all(i.status == "rejected" and i.fields == ("cadre",) for i in issues.values())
    assert all(i.errors[0].vi and i.errors[0].en for i in issues.values())
    assert all(laptop.get_visit(v.id).pending for v in forged)  # type: ignore[union-attr]
    assert not any(laptop.get_visit(v.id).pending for v in mine)  # type: ignore[union-attr]


def test_a_rejected_record_keeps_its_field_errors_until_fixed(
    module_server, laptop: Store, cadre: User, admin: User, tmp_path
) -> None:
    taken = f"03{random.randrange(10**8):08d}"
    office = Store.open(tmp_path / "office")
    office_one = add_enterprise(office, tax_code=taken, name="Văn phòng đã đăng ký")
    client_for(office, module_server.url, admin.token).run()
    office.close()
    mine = add_enterprise(laptop, tax_code=taken, name="Cùng mã số thuế")

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert (summary.rejected, summary.pull_failed, summary.ok) == (1, 1, False)
    issues = {i.status: i for i in laptop.sync_issues()}
    rejected, unappliable = issues["rejected"], issues["unappliable"]
    assert (rejected.id, rejected.fields) == (mine.id, ("tax_code",))
    assert rejected.errors[0].code == "duplicate_tax_code"
    # the office's enterprise cannot come down either while ours holds its tax code: kept for the Sync screen
    assert unappliable.id == office_one.id and unappliable.errors[0].code == "duplicate_tax_code"

    laptop.save_enterprise(laptop.get_enterprise(mine.id).edit(tax_code=f"04{random.randrange(10**8):08d}"))  # type: ignore[union-attr]
    client = client_for(laptop, module_server.url, cadre.token)
    client.resolve("enterprise", office_one.id, "server")
    fixed = client.run()

    assert (fixed.accepted, fixed.ok) == (1, True)
    assert laptop.sync_issues() == []
    assert laptop.get_enterprise(office_one.id).tax_code == taken  # type: ignore[union-attr]


def test_visits_are_pushed_after_the_enterprises_they_name(module_server, laptop: Store, cadre: User) -> None:
    # visits saved first, their enterprise edited last: the push must still send the enterprise first
    enterprise = add_enterprise(laptop)
    add_visits(laptop, enterprise, cadre.name, 3)
    laptop.save_enterprise(enterprise.edit(address="12 Lê Lợi"))
    summary = client_for(laptop, module_server.url, cadre.token, max_items=1).run()
    assert (summary.accepted, summary.ok) == (4, True)


def test_several_batches_in_flight_still_store_enterprises_before_their_visits(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    enterprises = [add_enterprise(laptop, name=f"Công ty {i}") for i in range(12)]
    for i, enterprise in enumerate(enterprises):
        add_visits(laptop, enterprise, cadre.name, 5, seed=i)
    recorder = Recorder()
    client = client_for(laptop, module_server.url, cadre.token, max_items=5, in_flight=3, transport=recorder)

    summary = client.run()

    assert (summary.pushed, summary.accepted, summary.ok) == (72, 72, True)
    assert len(recorder.paths("POST")) == 15
    on_server = dict(server_hashes(module_server.url, admin.token))
    assert all(on_server[v.id] == v.content_hash for v in laptop.visits())
