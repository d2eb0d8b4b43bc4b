"""Run a real server process, for tests and benchmarks.

``LiveServer(database_url, log_path)`` runs ``python -m sync.server serve`` on a free 127.0.0.1 port: ``start()``
upgrades the database, starts the process in its own process group and waits (bounded) until ``/api/v1/health``
answers; ``stop()`` sends SIGTERM, then SIGKILL after a bounded wait; ``kill()`` is a SIGKILL, as a crash would be.
It is also a context manager (started on entry if not running, stopped on exit).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

__all__ = ["START_TIMEOUT", "STOP_TIMEOUT", "LiveServer", "free_port"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# the checkout (or install) root: `python -m sync.server` runs from here, as the tests always did
_ROOT = Path(__file__).resolve().parents[2]
_LOG_TAIL = 3000


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real ``python -m sync.server serve`` process on 127.0.0.1, writing its output to *log_path*."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        workers: int = 1,
        *,
        start_timeout: float = START_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.database_url = database_url
        #: more ``serve`` options, e.g. ``("--no-docs",)``
        self.extra_args = tuple(extra_args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    # lifecycle
    def start(self) -> LiveServer:
        """Upgrade the database, start the process and wait until /api/v1/health answers."""
        from sync.server.db import upgrade

        upgrade(self.database_url)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("FIELDAPP_SERVER_DATABASE_URL", None)  # --database-url must be the only source
        cmd = [sys.executable, "-m", "sync.server", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--database-url", self.database_url, "--workers", str(self.workers), *self.extra_args]  # fmt: skip
        log = self._log_path.open("ab")
        try:
            # own process group, so kill() also reaches uvicorn's worker processes
            self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=_ROOT,
                                          start_new_session=True)  # fmt: skip
        finally:
            log.close()
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited with {self._proc.returncode}:\n{self.log()[-_LOG_TAIL:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v1/health", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(
            f"server did not answer /api/v1/health within {self.start_timeout}s:\n{self.log()[-_LOG_TAIL:]}"
        )

    def kill(self) -> None:
        """SIGKILL the server (and its workers), as a crash would."""
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=self.stop_timeout)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), SIGKILL after a bounded wait."""
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> LiveServer:
        """Stop (or reap a killed process) and start again on the same port and database."""
        self.stop()
        return self.start()

    @property
    def pid(self) -> int:
        """The server's process id (uvicorn's master process; with one worker, the one serving)."""
        assert self._proc is not None, "not started"
        return self._proc.pid

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> LiveServer:
        return self if self.running else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # helpers
    def add_user(
        self, name: str, role: str = "cadre", full_name: str | None = None, wards: Sequence[str] | None = None
    ) -> str:
        """Create a user directly in the database; returns the bearer token. A cadre works *wards* (by default
        every ward the tests' records use: ``support.areas.TEST_WARDS``)."""
        from support.areas import TEST_WARDS, give_area
        from sync.server.users import add_user

        token = add_user(self.database_url, name, role=role, full_name=full_name)
        if role == "cadre":
            give_area(self.database_url, name, TEST_WARDS if wards is None else wards)
        return token

    def headers(self, token: str) -> dict[str, str]:
        """The Authorization header for *token*."""
        return {"Authorization": f"Bearer {token}"}

    def log(self) -> str:
        """The server's output so far."""
        try:
            return self._log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
