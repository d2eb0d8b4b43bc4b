"""A server too slow to finish: it answers every HTTP request with its headers, then one byte every *interval*.

Each byte arrives well within any read timeout, so only a total deadline (or a cancel that does not wait for the
next read) ends a request to it. Threads on 127.0.0.1, bounded: a connection ends after *max_bytes* bytes, when the
client goes away, or at ``stop()``.

    with TrickleServer(interval=0.5) as slow:
        slow.url                 # http://127.0.0.1:PORT
        slow.answering.wait(5)   # set once a request got its headers and the trickle began
        slow.requests            # how many requests arrived
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

__all__ = ["TrickleServer"]

_HEAD_LIMIT = 64 * 1024
_JOIN_TIMEOUT = 5.0


class TrickleServer:
    """An HTTP/1.1 server on a free 127.0.0.1 port that never finishes an answer in reasonable time."""

    def __init__(self, interval: float = 0.5, max_bytes: int = 600) -> None:
        self.interval = interval
        self.max_bytes = max_bytes
        self.requests = 0
        #: set when the first answer's headers went out and its body began to trickle
        self.answering = threading.Event()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # the accept loop looks at the stop event this often
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> TrickleServer:
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        """Stop accepting, end every connection, and wait (bounded) for the threads."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for thread in list(self._threads):
            thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> TrickleServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by stop()
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5.0)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < _HEAD_LIMIT:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                with self._lock:
                    self.requests += 1
                # the body is left unread: it is small and waits in the socket's buffer
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {self.max_bytes}\r\n\r\n".encode()
                )
                self.answering.set()
                for _ in range(self.max_bytes):
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(b" ")
            except OSError:  # the client went away (cancelled, or gave up at its deadline)
                return
