"""Fixtures for the dedupe tests: a real SQLite store in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nashra.dedupe import backfill
from nashra.store import Store
from tests.dedupe.desk import Desk


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    backfill.forget_process_state()
    s = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    yield s
    s.close()


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store)
