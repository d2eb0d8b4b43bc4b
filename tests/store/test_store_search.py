"""Accent-insensitive search, the fast folding behind it, and records loaded without re-validation."""

from __future__ import annotations

from datetime import date

import pytest
from store_factories import enterprise, visit

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.text import fold
from fieldapp.store import Store
from fieldapp.store.codec import from_doc, to_doc


@pytest.fixture
def district(store: Store) -> dict[str, Enterprise]:
    rows = {
        "may": enterprise(name="Công ty May Long Biên", ward="Phường Bồ Đề", tax_code="0101234567"),
        "duc": enterprise(
            name="HTX Đức Giang", ward="Phường Đức Giang", address="5 Ngô Gia Tự", district="Long Biên"
        ),
        "ward": enterprise(name="Công ty In Sao Mai", ward="Phường Long Biên", tax_code="0109876543"),
        "addr": enterprise(name="Cửa hàng Thu Hà", address="12 đường Long Biên", ward="Phường Ngọc Lâm"),
        "other": enterprise(name="Công ty Vận tải Hoàng Long", ward="Phường Gia Thụy"),
    }
    store.save_enterprises(rows.values())
    return rows


def names(found: list[Enterprise]) -> list[str]:
    return [e.name for e in found]


def test_spellings_of_long_bien_find_the_same_rows(store: Store, district: dict[str, Enterprise]) -> None:
    expected = ["Công ty In Sao Mai", "Công ty May Long Biên", "Cửa hàng Thu Hà"]  # by folded name
    for query in ("long bien", "LONG BIÊN", "Long Biên", "  long   BIEN "):
        assert names(store.search_enterprises(query)) == expected, query


def test_d_with_stroke_folds_to_d(store: Store, district: dict[str, Enterprise]) -> None:
    for query in ("duc giang", "ĐỨC GIANG", "Đức Giang", "đức"):
        assert names(store.search_enterprises(query)) == ["HTX Đức Giang"], query
    assert names(store.search_enterprises("bo de")) == ["Công ty May Long Biên"]


def test_every_word_must_occur_in_some_field(store: Store, district: dict[str, Enterprise]) -> None:
    assert names(store.search_enterprises("may bo de")) == ["Công ty May Long Biên"]  # name + ward
    assert store.search_enterprises("may gia thuy") == []
    assert names(store.search_enterprises("ngo gia tu")) == ["HTX Đức Giang"]  # address
    assert names(store.search_enterprises("0109876")) == ["Công ty In Sao Mai"]  # tax code
    assert store.search_enterprises("hoang long bien") == []
    # the district is not searched: only name, tax code, address and ward
    assert "HTX Đức Giang" not in names(store.search_enterprises("long bien"))


def test_order_limit_and_empty_query(store: Store, district: dict[str, Enterprise]) -> None:
    everything = store.search_enterprises("")
    assert everything == store.enterprises()
    assert [fold(e.name) for e in everything] == sorted(fold(e.name) for e in everything)
    assert names(store.search_enterprises("cong ty", limit=2)) == [
        "Công ty In Sao Mai",
        "Công ty May Long Biên",
    ]
    twins = [enterprise(name="Công ty Bình An"), enterprise(name="CÔNG TY BÌNH AN")]
    store.save_enterprises(twins)
    assert [e.id for e in store.search_enterprises("binh an")] == sorted(e.id for e in twins)


def test_search_follows_edits_and_deletes(store: Store, district: dict[str, Enterprise]) -> None:
    store.save_enterprise(district["other"].edit(name="Công ty Vận tải Long Biên"))
    assert "Công ty Vận tải Long Biên" in names(store.search_enterprises("long bien"))
    assert store.search_enterprises("hoang long") == []
    store.delete_enterprise(district["may"].id)
    assert "Công ty May Long Biên" not in names(store.search_enterprises("long bien"))


def test_loaded_records_equal_validated_ones(store: Store) -> None:
    e = enterprise(ownership="household", registered_workers=12, assigned_to="Lê Minh", has_union=True)
    v = visit(e.id, next_visit_on=date(2025, 6, 1), attitude="hostile", managers=2)
    for record in (e, v, v.with_meta(pending_since=None, server_version=4), enterprise(tax_code=None)):
        model = type(record)
        loaded = from_doc(model, to_doc(record), store.folder)
        assert loaded == record == model.parse(to_doc(record))
        assert loaded.content_hash == record.content_hash
        assert loaded.to_doc() == record.to_doc()
        assert loaded.model_fields_set == set(model.model_fields)
    loaded_visit = from_doc(Visit, to_doc(v), store.folder)
    assert loaded_visit.edit(headcount=50).rev == v.rev + 1
    assert "content_hash" not in to_doc(v)
