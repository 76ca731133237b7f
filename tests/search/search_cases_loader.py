"""The docs of search_cases.json, for other test packages that need an Arabic archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CASES: dict[str, Any] = json.loads((Path(__file__).parent / "search_cases.json").read_text("utf-8"))
DOCS: dict[str, dict[str, Any]] = CASES["docs"]
