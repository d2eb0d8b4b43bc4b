"""A fault-injecting TCP proxy on 127.0.0.1: it cuts connections between the client and a real server.

Each accepted connection gets a plan, drawn from a seeded random generator:

- ``clean``: bytes pass both ways untouched;
- ``refuse``: the connection is closed before anything is forwarded;
- ``up``: the connection is cut after N bytes of the client's requests were forwarded (N random: the cut lands
  before, inside or between requests of a keep-alive connection);
- ``down``: the connection is cut after N bytes of the server's answers were forwarded; N = 0 is the nasty case:
  the server has stored the batch and answered, but the client hears nothing.

A cut closes both sides, with a FIN or (at random) a RST. ``stats`` counts the plans drawn and the cuts made, so a
test can check that faults really happened.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass

__all__ = ["FaultProxy", "Plan"]

_CHUNK = 16 * 1024


@dataclass(frozen=True, slots=True)
class Plan:
    """What happens to one connection."""

    mode: str  # clean | refuse | up | down
    limit: int = 0  # bytes forwarded in the cut direction before the cut
    reset: bool = False  # cut with RST rather than FIN


class FaultProxy:
    """Forwards 127.0.0.1:<port> to *target_port*, cutting a share *fault_rate* of connections."""

    def __init__(
        self,
        target_port: int,
        *,
        seed: int = 0,
        fault_rate: float = 0.5,
        max_cut_bytes: int = 24 * 1024,
        target_host: str = "127.0.0.1",
    ):
        self.target = (target_host, target_port)
        self.fault_rate = fault_rate
        self.max_cut_bytes = max_cut_bytes
        self.stats: Counter[str] = Counter()
        self.enabled = True
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self._thread.start()

    # --- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop accepting and close every open connection."""
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock, reset=False)
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plans -------------------------------------------------------------------------------------
    def _plan(self) -> Plan:
        with self._lock:
            rng = self._rng
            if not self.enabled or rng.random() >= self.fault_rate:
                plan = Plan("clean")
            else:
                mode = rng.choice(["refuse", "up", "up", "down", "down", "down"])
                limit = 0
                if mode == "up":
                    limit = rng.randint(0, self.max_cut_bytes)
                elif mode == "down":
                    # a third of the answer cuts drop the whole answer: the server stored, the client never heard
                    limit = 0 if rng.random() < 1 / 3 else rng.randint(1, self.max_cut_bytes)
                plan = Plan(mode, limit, reset=rng.random() < 0.5)
            self.stats[f"plan_{plan.mode}"] += 1
            return plan

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    # --- forwarding --------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            plan = self._plan()
            if plan.mode == "refuse":
                self._count("cut_refuse")
                _close(client, reset=plan.reset)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client, reset=True)  # the server is down: behave like it (connection refused/reset)
                continue
            upstream.settimeout(None)
            for sock in (
                client,
                upstream,
            ):  # forward each piece at once: Nagle + delayed ACK would add ~40 ms
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets.update((client, upstream))
            connection = _Connection(self, client, upstream, plan)
            for direction in ("up", "down"):
                threading.Thread(target=connection.pump, args=(direction,), daemon=True).start()

    def _forget(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._sockets.difference_update(sockets)


class _Connection:
    """One client connection and its upstream twin; two pump threads share it."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, upstream: socket.socket, plan: Plan):
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.plan = plan
        self.forwarded = {"up": 0, "down": 0}
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._finished: set[str] = set()

    def pump(self, direction: str) -> None:
        source, sink = (self.client, self.upstream) if direction == "up" else (self.upstream, self.client)
        try:
            while not self._done.is_set():
                data = source.recv(_CHUNK)
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)  # pass the half-close on
                    self._finish(direction)
                    return
                if self.plan.mode == direction:
                    room = self.plan.limit - self.forwarded[direction]
                    if room < len(data):
                        if room > 0:
                            sink.sendall(data[:room])
                        self.proxy._count(f"cut_{direction}" + ("_0" if self.plan.limit == 0 else ""))
                        self.cut(reset=self.plan.reset)
                        return
                sink.sendall(data)
                self.forwarded[direction] += len(data)
        except OSError:
            self.cut(reset=False)

    def _finish(self, direction: str) -> None:
        with self._lock:
            self._finished.add(direction)
            both = len(self._finished) == 2
        if both:  # both sides said goodbye: release the sockets
            self.cut(reset=False)

    def cut(self, *, reset: bool) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self._done.set()
        _close(self.client, reset=reset)
        _close(self.upstream, reset=reset)
        self.proxy._forget(self.client, self.upstream)


def _close(sock: socket.socket, *, reset: bool) -> None:
    # A thread blocked in recv() on this socket keeps it alive past close(): wake it first. SHUT_RD sends nothing
    # to the peer, so a reset still goes out as a RST; SHUT_RDWR sends the FIN of an orderly cut.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD if reset else socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        if reset:  # SO_LINGER 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()
