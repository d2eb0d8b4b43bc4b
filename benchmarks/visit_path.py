"""The path of one visit, from the form's Save to the server and back: which of our functions and modules it runs.

    python benchmarks/visit_path.py [--list]

Not a timing: a count, for docs/architecture.md and the redesign's closing note. It runs the real terminal app
headless (``run_test``) on a fresh data folder, types a visit into the form, and records every function of
``fieldapp`` and ``sync`` that the Save runs until the visit is on disk (not the reclassification and repainting
that follow); then it syncs that visit with the real ``SyncClient`` to the real FastAPI app (in-process, through
Starlette's test transport, on a fresh SQLite database) and records the functions of the push (the pull that
follows is another path). Each function is counted once, however many times it runs. ``--list`` prints them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from textual.widgets import Input  # noqa: E402

from fieldapp.core.records import Enterprise  # noqa: E402
from fieldapp.core.rules import load_rules  # noqa: E402
from fieldapp.settings import load_settings, save_settings  # noqa: E402
from fieldapp.store import Store  # noqa: E402
from fieldapp.tui import create_app  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.server.app import create_app as create_server  # noqa: E402
from sync.server.db import upgrade  # noqa: E402
from sync.server.users import add_user  # noqa: E402

TODAY = date(2026, 11, 23)
CADRE = "nva"
OURS = ("fieldapp", "sync")
# the pull after the push is another path
ENTRIES = {"RecordForm.action_save", "SyncClient.run"}
LEFT_OUT = ("sync.client._pull", "sync._pull", "sync.server.queries")
LEFT_OUT_NAMES = {"changes", "reindex"}  # the server's pull route; the app's reclassification after a save


class Tracer:
    """Records every function of ours that the saving or the pushing of one visit runs.

    In the thread that drives the work (the app's, or the caller of ``SyncClient.run``) a call counts when it is
    made under one of ``ENTRIES``; in the other threads (the app's save worker, the server's threads) every call
    counts. A call under one of ``LEFT_OUT`` (the pull that follows the push, and the reclassification the app does
    after a save) belongs to another path and does not. The profile is installed for every thread started from
    then on, and records only while ``active``.
    """

    def __init__(self) -> None:
        self.active = False
        self.driver = threading.get_ident()
        self.seen: dict[str, set[str]] = {}

    def __call__(self, frame: FrameType, event: str, _arg: Any) -> None:
        if not self.active or event != "call":
            return
        module, name = frame.f_globals.get("__name__", ""), frame.f_code.co_qualname
        if module.split(".")[0] not in OURS or "<" in name:  # ours; functions, not comprehensions or imports
            return
        entered = threading.get_ident() != self.driver
        caller: FrameType | None = frame
        while caller is not None:
            qualname = caller.f_code.co_qualname
            if (
                caller.f_globals.get("__name__", "").startswith(LEFT_OUT)
                or qualname.rsplit(".", 1)[-1] in LEFT_OUT_NAMES
            ):
                return
            entered = entered or qualname in ENTRIES
            caller = caller.f_back
        if entered:
            self.seen.setdefault(module, set()).add(name)

    @contextmanager
    def installed(self) -> Iterator[None]:
        threading.setprofile(self)
        sys.setprofile(self)
        try:
            yield
        finally:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]

    @contextmanager
    def recording(self) -> Iterator[None]:
        self.active = True
        try:
            yield
        finally:
            self.active = False


async def save_through_the_form(data_dir: Path, enterprise_id: str, tracer: Tracer) -> None:
    # installed before the app starts, so its worker threads (started later or pooled) carry the profile too
    with tracer.installed(), Store.open(data_dir) as store:
        app = create_app(store, load_settings(data_dir), data_dir, load_rules(data_dir), TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):  # bounded: the index loads in a worker
                if getattr(app, "loaded", True):
                    break
                await pilot.pause(0.05)
            app.open_enterprise(enterprise_id)
            await pilot.pause()
            await pilot.press("v")
            await pilot.pause()
            form = app.screen
            for name, text in {
                "headcount": "20",
                "seasonal": "0",
                "managers": "1",
                "applications": "6",
            }.items():
                widget = form.query_one(f"#input-{name}", Input)
                widget.focus()
                widget.value = ""
                await pilot.press(*text)
            form.query_one("#input-attitude").focus()
            await pilot.press("1")
            await pilot.pause()
            before = store.counts()["visits"]
            with tracer.recording():
                await pilot.press("ctrl+s")
                for _ in range(200):  # until the visit is on disk (bounded)
                    if store.counts()["visits"] > before:
                        break
                    await pilot.pause(0.01)
            assert store.counts()["visits"] == before + 1, "the visit was not saved"


def sync_it(data_dir: Path, url: str, tracer: Tracer | None = None) -> None:
    """Sync the folder with the server at *url*, recording the path with *tracer* (when given)."""
    settings = load_settings(data_dir)
    quiet = tracer is None
    tracer = tracer or Tracer()
    with tracer.installed(), TestClient(create_server(url)) as http, Store.open(data_dir) as store:
        client = SyncClient(store, settings, transport=http._transport)
        with tracer.recording():
            summary = client.run()
        if quiet:
            return
        assert (summary.pushed, summary.accepted) == (1, 1), summary
        assert store.counts()["pending_visits"] == 0


def report(name: str, seen: dict[str, set[str]], listing: bool) -> tuple[int, int]:
    functions = sum(len(names) for names in seen.values())
    print(f"{name}: {functions} functions in {len(seen)} modules")
    if listing:
        for module in sorted(seen):
            print(f"  {module}: {', '.join(sorted(seen[module]))}")
    return functions, len(seen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--list", action="store_true", help="print every function")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        with Store.open(data_dir) as store:
            enterprise = store.save_enterprise(
                Enterprise.create(name="Xưởng in Hoàng Mai", ward="Bồ Đề", tax_code="0109998882")
            )
        url = f"sqlite:///{Path(tmp) / 'server.sqlite3'}"
        upgrade(url)
        token = add_user(url, CADRE, full_name="Nguyễn Văn A")
        # the server runs in-process (an ASGI transport): nothing travels, plain http is fine
        settings = (
            load_settings(data_dir)
            .updated("cadre", CADRE)
            .updated("server", "http://testserver", insecure=True)
        )
        save_settings(data_dir, settings.updated("token", token))
        sync_it(data_dir, url)  # the enterprise reaches the server first: the path below is the visit's alone
        form_side, server_side = Tracer(), Tracer()
        asyncio.run(save_through_the_form(data_dir, enterprise.id, form_side))
        sync_it(data_dir, url, server_side)
    report("form -> laptop disk", form_side.seen, args.list)
    report("laptop -> server's database -> marked synced", server_side.seen, args.list)
    whole: dict[str, set[str]] = {}
    for part in (form_side.seen, server_side.seen):
        for module, names in part.items():
            whole.setdefault(module, set()).update(names)
    report("the whole path", whole, False)


if __name__ == "__main__":
    main()
