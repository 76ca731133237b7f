"""The demo site served once per test session on a real loopback socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nashra.demo import demo_site_root, read_manifest, serve_site


@pytest.fixture(scope="session")
def site_root() -> Path:
    return demo_site_root()


@pytest.fixture(scope="session")
def manifest(site_root: Path) -> dict[str, Any]:
    return read_manifest(site_root)


@pytest.fixture(scope="session")
def base(site_root: Path) -> Iterator[str]:
    with serve_site(site_root) as url:
        yield url
