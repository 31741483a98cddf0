"""Politeness towards the servers we fetch from: spacing, per-host and overall limits.

One :class:`HostGate` is shared by every request a :class:`~digest_app.collect.http.Fetcher`
makes, from any thread. A request holds a slot for the duration of one HTTP
exchange (one redirect hop), never while it sleeps before a retry.

    >>> gate = HostGate(min_interval=0.0, max_per_host=2, max_in_flight=4)
    >>> with gate.slot("example.com"):
    ...     gate.in_flight("example.com")
    1
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

CancelCheck = Callable[[], bool]

# How often a waiting request looks at its cancel check: short enough that the
# GUI's Cancel feels immediate, long enough not to spin.
CANCEL_POLL_SECONDS = 0.05


class Cancelled(Exception):
    """Raised inside the gate when the caller's cancel check turned true while waiting."""


def never_cancelled() -> bool:
    return False


def sleep_unless_cancelled(seconds: float, cancelled: CancelCheck) -> None:
    """Sleep *seconds*, waking early and raising :class:`Cancelled` if *cancelled* turns true."""
    deadline = time.monotonic() + seconds
    while True:
        if cancelled():
            raise Cancelled
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(remaining, CANCEL_POLL_SECONDS))


class HostGate:
    """Admits requests so that no host is hammered and the machine is not flooded.

    - at most *max_in_flight* requests at once overall;
    - at most *max_per_host* at once to the same host;
    - consecutive request starts to the same host at least *min_interval* seconds apart.

    Hosts are compared as ``host[:port]`` (what :func:`host_key` returns).
    """

    def __init__(self, min_interval: float, max_per_host: int, max_in_flight: int) -> None:
        if max_per_host < 1 or max_in_flight < 1:
            raise ValueError("max_per_host and max_in_flight must be at least 1")
        self.min_interval = min_interval
        self.max_per_host = max_per_host
        self.max_in_flight = max_in_flight
        self._changed = threading.Condition()
        self._per_host: dict[str, int] = {}
        self._next_start: dict[str, float] = {}
        self._total = 0

    def in_flight(self, host: str | None = None) -> int:
        """Requests holding a slot now, to *host* or overall."""
        with self._changed:
            return self._total if host is None else self._per_host.get(host, 0)

    @contextmanager
    def slot(self, host: str, cancelled: CancelCheck = never_cancelled) -> Iterator[None]:
        """Wait until a request to *host* may start, and hold its slot for the ``with`` block.

        Raises :class:`Cancelled` if *cancelled* turns true while waiting.
        """
        with self._changed:
            while True:
                if cancelled():
                    raise Cancelled
                now = time.monotonic()
                not_before = self._next_start.get(host, 0.0)
                if (
                    self._total < self.max_in_flight
                    and self._per_host.get(host, 0) < self.max_per_host
                    and now >= not_before
                ):
                    break
                wait = not_before - now if now < not_before else CANCEL_POLL_SECONDS
                self._changed.wait(min(wait, CANCEL_POLL_SECONDS))
            self._total += 1
            self._per_host[host] = self._per_host.get(host, 0) + 1
            self._next_start[host] = now + self.min_interval
        try:
            yield
        finally:
            with self._changed:
                self._total -= 1
                self._per_host[host] -= 1
                if not self._per_host[host]:
                    del self._per_host[host]
                self._changed.notify_all()


def host_key(host: str, port: int | None) -> str:
    """The name politeness limits are kept under: lower-case host, plus the port if explicit."""
    host = host.lower().rstrip(".")
    return host if port is None else f"{host}:{port}"
