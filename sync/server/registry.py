"""The office imports the registry itself: ``fieldapp-server import FILE`` (social-insurance or tax lists).

The same columns, the same messages and the same all-or-nothing rule as ``fieldapp import`` on a laptop: the file is
read by ``fieldapp.io.readers`` (its limits included) and planned by ``fieldapp.io.importer.plan_import`` against the
server's registry (``ServerRegistry``: matched by tax code, else by folded name + ward). With any invalid row nothing
is written unless ``--skip-invalid``. The rows are then applied as one push in one transaction: every new or
changed enterprise gets a version and a place in the change feed, so each laptop receives the firms of its area on
its next sync. If anything of it cannot be stored (a laptop changed a firm meanwhile), the whole import is rolled
back and says which rows to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.records import Enterprise
from fieldapp.core.text import fold
from fieldapp.core.wards import ward_key
from fieldapp.io.importer import ImportPlan, plan_import
from fieldapp.io.readers import Table
from sync.protocol import ItemResult, PushItem
from sync.server.db import read_session, write_session
from sync.server.models import Record
from sync.server.push import apply_in_session, today_for_validation
from sync.server.users import UserInfo

__all__ = ["ImportAborted", "ImportOutcome", "ServerRegistry", "import_registry"]

#: who an office import is recorded as (the versions' ``updated_by``) when run from the command line
OFFICE = UserInfo("fieldapp-server", "admin", None, datetime(2025, 7, 1, tzinfo=UTC), None)


class ServerRegistry:
    """The server's live enterprises, as ``plan_import`` matches rows against them."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            select(Record.content, Record.version).where(
                Record.kind == "enterprise", Record.deleted.is_(False)
            )
        ).all()
        self.versions: dict[str, int] = {}
        self._by_tax: dict[str, Enterprise] = {}
        self._by_name_ward: dict[tuple[str, str], list[Enterprise]] = {}
        for content, version in rows:
            enterprise = Enterprise.model_validate(content)
            self.versions[enterprise.id] = version
            if enterprise.tax_code:
                self._by_tax[enterprise.tax_code] = enterprise
            self._by_name_ward.setdefault((fold(enterprise.name), ward_key(enterprise.ward)), []).append(
                enterprise
            )

    def find_by_tax_code(self, tax_code: str) -> Enterprise | None:
        return self._by_tax.get(tax_code)

    def find_by_name_ward(self, name: str, ward: str) -> list[Enterprise]:
        return list(self._by_name_ward.get((fold(name), ward_key(ward)), []))


class ImportAborted(Exception):
    """Rows that could not be stored (changed on the server meanwhile): nothing of the import was written."""

    def __init__(self, rows: list[tuple[int, ItemResult]]) -> None:
        super().__init__(f"{len(rows)} rows could not be stored")
        self.rows = rows

    def message(self, lang: Lang) -> str:
        details = "; ".join(
            gettext("row {row}", lang, row=number)
            + ": "
            + (", ".join(e.vi if lang == "vi" else e.en for e in result.errors) or result.status)
            for number, result in self.rows[:20]
        )
        return gettext(
            "Nothing was written: some enterprises changed on the server while the file was being imported "
            "({details}). Run the import again.",
            lang,
            details=details,
        )


@dataclass
class ImportOutcome:
    plan: ImportPlan
    refused: bool
    written: int = 0
    results: list[ItemResult] = field(default_factory=list)


def import_registry(
    engine: Engine, table: Table, *, dry_run: bool, skip_invalid: bool, user: UserInfo = OFFICE
) -> ImportOutcome:
    """Plan *table* against the server's registry and, unless a dry run or refused, store it all or nothing."""
    today = today_for_validation()
    with read_session(engine) as session:
        registry = ServerRegistry(session)
        plan = plan_import(table, registry, today=today)
    refused = bool(plan.invalid) and not skip_invalid
    outcome = ImportOutcome(plan, refused)
    if dry_run or refused:
        return outcome
    rows = [(number, e) for number, e in plan.created + plan.updated]
    items = [
        PushItem(
            kind="enterprise", id=e.id, rev=1, base_version=registry.versions.get(e.id), record=e.content()
        )
        for _, e in rows
    ]
    with write_session(engine) as session:
        results = apply_in_session(session, user, "office-import", items) if items else []
        failed = [
            (number, r) for (number, _), r in zip(rows, results, strict=True) if r.status not in _STORED
        ]
        if failed:
            raise ImportAborted(failed)  # leaves the transaction: rolled back, nothing written
    outcome.written, outcome.results = len(items), results
    return outcome


_STORED = frozenset({"accepted", "duplicate"})
