"""Shared test fixtures: where the read-only third-party data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` read in place (never copied into the project)."""
    if not DATA.is_dir():
        pytest.fail(f"the shared data folder is missing: {DATA}")
    return DATA
