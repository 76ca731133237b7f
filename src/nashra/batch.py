"""Stored in order, several at a time: the items of one poll finish in any order, but each is
stored only after every item listed before it has finished (stored, dropped or failed).

``OrderedCommits(n, store)``: call ``done(i, value)`` when item ``i`` has finished (``value`` is
``None`` when there is nothing to store). Each call stores, with one ``store(batch)`` call, the
run of consecutive finished values that it completes, so items that become ready together share
one transaction (one fsync'd commit instead of one per item), and the channel still reads them
oldest first. A slow item delays the *storing* of those after it by at most its own deadline,
never their fetching.

Everything runs on one event loop thread with no ``await`` inside, so there is no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_PENDING = object()


class OrderedCommits(Generic[T]):
    def __init__(self, n: int, store: Callable[[Sequence[T]], None]) -> None:
        self._slots: list[object] = [_PENDING] * n
        self._next = 0
        self._store = store

    def done(self, i: int, value: T | None) -> None:
        if self._slots[i] is not _PENDING:
            raise ValueError(f"item {i} finished twice")
        self._slots[i] = value
        batch: list[T] = []
        while self._next < len(self._slots) and self._slots[self._next] is not _PENDING:
            v = self._slots[self._next]
            self._slots[self._next] = None  # let it go once stored
            if v is not None:
                batch.append(v)  # type: ignore[arg-type]
            self._next += 1
        if batch:
            self._store(batch)

    @property
    def finished(self) -> bool:
        return self._next == len(self._slots)
