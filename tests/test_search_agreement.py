"""One fold and one search everywhere: for any query, the core's own definition, the store (and so ``fieldapp
enterprise list --search``) and the terminal app's home table find the same enterprises, in the same order."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.cli import main
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import default_rules
from fieldapp.core.search import matches, query_words, search_keys, search_text
from fieldapp.core.text import fold, fold_many, fold_slow
from fieldapp.core.wards import ward_key
from fieldapp.store import Store
from fieldapp.tui.index import EnterpriseIndex, Query

ENTERPRISES = [
    Enterprise.create(name="Công ty Ánh Dương", tax_code="0101234567-001", ward="Phường Bồ Đề"),
    Enterprise.create(name="Công ty TNHH May Long Biên", tax_code="0101234567", address="5 Ngô Gia Tự"),
    Enterprise.create(name="HTX Đức Giang", ward="Phường Đức Giang", address="12 đường Long Biên"),
    Enterprise.create(name="CỬA HÀNG THU HÀ", ward="Phường Ngọc Lâm", address="Ngõ 4 | ngách 7"),
    Enterprise.create(name="Xưởng in Sao Mai", ward="Phường Long Biên", tax_code="0109876543"),
    Enterprise.create(name="Straße Café Ætna", ward="Phường Gia Thụy", address="Tầng 2, số 1A"),
    Enterprise.create(name="Công ty Vận tải Hoàng Long", ward="Phường Phúc Đồng"),
    Enterprise.create(name="Nhà hàng Москва", ward="Phường Thạch Bàn", tax_code="0300000001-012"),
]
WORDS = sorted(
    {word for e in ENTERPRISES for word in " ".join((e.name, e.tax_code or "", e.address, e.ward)).split()}
)


def _spelling(word: str, how: str) -> str:
    if how == "folded":
        return fold(word)
    if how == "upper":
        return word.upper()
    if how == "decomposed":
        return unicodedata.normalize("NFD", word)
    if how == "no dash":
        return word.replace("-", "")
    if how == "prefix":
        return word[: max(1, len(word) // 2)]
    return word


spelled_word = st.builds(
    _spelling,
    st.sampled_from(WORDS),
    st.sampled_from(["as is", "folded", "upper", "decomposed", "no dash", "prefix"]),
)
queries = st.one_of(
    st.lists(spelled_word, max_size=3).map(" ".join),
    st.text(max_size=12),
    st.sampled_from(["0101234567001", "long bien", "LONG  BIÊN", "|", "a", ""]),
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("search") / "data"
    with Store.open(folder) as store:
        store.save_enterprises(ENTERPRISES)
    yield folder


@pytest.fixture(scope="module")
def store(data_dir: Path) -> Iterator[Store]:
    with Store.open(data_dir, readonly=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def index() -> EnterpriseIndex:
    built = EnterpriseIndex(default_rules(), date(2026, 6, 15))
    built.load(ENTERPRISES, [])
    return built


def _definition(query: str) -> list[str]:
    words = query_words(query)
    found = [e for e in ENTERPRISES if matches(search_text(e), words)]
    return [e.id for e in sorted(found, key=lambda e: (fold(e.name), e.id))]


def _cli(data_dir: Path, query: str) -> list[str]:
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "enterprise", "list", f"--search={query}", "--json"]
    )
    assert result.exit_code == 0, result.output
    return [row["id"] for row in orjson.loads(result.stdout)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_store_app_and_core_find_the_same_enterprises(
    store: Store, index: EnterpriseIndex, query: str
) -> None:
    expected = _definition(query)
    assert [e.id for e in store.search_enterprises(query)] == expected
    assert [row.id for row in index.query(Query(text=query))] == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_the_command_line_finds_what_the_store_finds(data_dir: Path, query: str) -> None:
    assert _cli(data_dir, query) == _definition(query)


def test_a_branch_tax_code_typed_without_its_dash_is_found_everywhere(
    data_dir: Path, store: Store, index: EnterpriseIndex
) -> None:
    anh_duong = ENTERPRISES[0].id
    assert _definition("0101234567001") == [anh_duong]
    assert [e.id for e in store.search_enterprises("0101234567001")] == [anh_duong]
    assert [row.id for row in index.query(Query(text="0101234567001"))] == [anh_duong]
    assert _cli(data_dir, "0101234567001") == [anh_duong]


@given(st.text(max_size=40))
def test_the_fast_fold_is_the_definition(text: str) -> None:
    assert fold(text) == fold_slow(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold_slow(unicodedata.normalize("NFD", text))


_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"


@given(st.text(alphabet=_VIETNAMESE + _VIETNAMESE.upper() + " \t-0123456789", max_size=40))
def test_the_fast_fold_on_vietnamese_text(text: str) -> None:
    assert fold(text) == fold_slow(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold_slow(text)


@given(
    st.lists(
        st.one_of(st.text(alphabet=_VIETNAMESE + " ĐÂ\x1f", max_size=20), st.text(max_size=20)), max_size=8
    )
)
def test_folding_many_at_once_is_folding_each(texts: list[str]) -> None:
    assert fold_many(texts) == [fold(t) for t in texts]


def test_the_bulk_search_keys_are_the_search_text() -> None:
    assert search_keys(ENTERPRISES) == [(search_text(e), fold(e.name), ward_key(e.ward)) for e in ENTERPRISES]
