"""Contacts travel through a real server: what one laptop fills in (the enterprise's contact block, who was met and
the next step on a visit) reaches another laptop of the same cadre whole; a record sent before these fields existed
keeps its content hash, so a resend of it is a duplicate, not a new version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx

from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store

from .conftest import User
from .laptop import client_for, server_records


def test_contacts_and_who_was_met_reach_another_laptop(
    module_server, laptop: Store, tmp_path: Path, cadre: User, admin: User
) -> None:
    enterprise = laptop.save_enterprise(
        Enterprise.create(
            name="Công ty TNHH Sông Hồng",
            ward="Phường 1",
            assigned_to=cadre.name,
            contact_name="Nguyễn Văn An",
            contact_role="Trưởng phòng nhân sự",
            contact_phone="0912.345.678",
            contact_email="an@songhong.vn",
            representative="Trần Thị Bình",
        )
    )
    visit = Visit.create(
        enterprise_id=enterprise.id,
        visited_on=date(2026, 3, 2),
        cadre=cadre.name,
        headcount=40,
        attitude="supportive",
        met_name="Lê Thị Hoa",
        met_role="Kế toán trưởng",
        next_step="Gửi 20 mẫu đơn vào thứ Hai",
    )
    laptop.save_visit(visit)

    first = client_for(laptop, module_server.url, cadre.token).run()
    assert first.ok and first.accepted == 2

    # the server keeps them in the record's JSON content, E.164 for the phone
    (on_server,) = [e for e in server_records(module_server.url, admin.token, "enterprise")
                    if e["id"] == enterprise.id]  # fmt: skip
    assert on_server["record"]["contact_phone"] == "+84912345678"
    assert on_server["record"]["representative"] == "Trần Thị Bình"
    (visit_on_server,) = [v for v in server_records(module_server.url, admin.token) if v["id"] == visit.id]
    assert visit_on_server["record"]["next_step"] == "Gửi 20 mẫu đơn vào thứ Hai"

    with Store.open(tmp_path / "second-laptop") as second:
        pulled = client_for(second, module_server.url, cadre.token).run()
        assert pulled.ok and pulled.pulled >= 2
        got = second.get_enterprise(enterprise.id)
        got_visit = second.get_visit(visit.id)
        assert got is not None and got_visit is not None
        assert got.content() == enterprise.content() and not got.pending
        assert (
            got.contact_name,
            got.contact_role,
            got.contact_phone,
            got.contact_email,
            got.representative,
        ) == (
            "Nguyễn Văn An",
            "Trưởng phòng nhân sự",
            "+84912345678",
            "an@songhong.vn",
            "Trần Thị Bình",
        )
        assert (got_visit.met_name, got_visit.met_role, got_visit.next_step) == (
            "Lê Thị Hoa",
            "Kế toán trưởng",
            "Gửi 20 mẫu đơn vào thứ Hai",
        )

        # an edit on the second laptop (a new number) goes back through the server to the first
        second.save_enterprise(got.edit(contact_phone="024 3825 3456", contact_email=""))
        assert client_for(second, module_server.url, cadre.token).run().accepted == 1
    assert client_for(laptop, module_server.url, cadre.token).run().ok
    back = laptop.get_enterprise(enterprise.id)
    assert back is not None and (back.contact_phone, back.contact_email) == ("+842438253456", "")


def _push_raw(url: str, token: str, kind: str, record: dict, base: int | None = None) -> dict:
    response = httpx.post(
        f"{url}/api/v1/push",
        json={"device_id": "old-laptop", "items": [
            {"kind": kind, "id": record["id"], "rev": 1, "base_version": base, "record": record}
        ]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )  # fmt: skip
    response.raise_for_status()
    (result,) = response.json()["results"]
    return dict(result)


def test_a_record_sent_before_the_contacts_existed_keeps_its_hash(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    # what a laptop without the new fields sent: the content has none of their keys
    fresh = Enterprise.create(name="Công ty Cũ", ward="Phường 1", assigned_to=cadre.name)
    old_content = {
        k: v for k, v in fresh.content().items() if not k.startswith(("contact_", "representative"))
    }
    assert "contact_phone" not in old_content
    assert _push_raw(module_server.url, admin.token, "enterprise", old_content)["status"] == "accepted"

    assert client_for(laptop, module_server.url, cadre.token).run().ok
    pulled = laptop.get_enterprise(fresh.id)
    assert pulled is not None and pulled.contact_phone == "" and not pulled.pending
    assert pulled.content_hash == fresh.content_hash  # the same content, the same hash, on either version

    # the old laptop resending its content (its answer was lost) is recognised, not stored again
    again = _push_raw(module_server.url, admin.token, "enterprise", old_content)
    assert (again["status"], again["server_version"]) == ("duplicate", 1)

    # the newer laptop fills in the contact: a new version the server keeps
    laptop.save_enterprise(pulled.edit(contact_name="Phạm Văn Cường", contact_phone="0351234567"))
    assert client_for(laptop, module_server.url, cadre.token).run().accepted == 1
    (stored,) = [
        e for e in server_records(module_server.url, admin.token, "enterprise") if e["id"] == fresh.id
    ]
    assert stored["record"]["contact_phone"] == "+84351234567"
    assert stored["server_version"] == 2
