"""Bad configs (``bad_configs.jsonl``, one case a line): ``nashra once -c BAD`` as a real process
says what is wrong in one line and exits 2 — never a traceback, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CASES_FILE = Path(__file__).with_name("bad_configs.jsonl")
BASE = """[[sources]]
name = "مصدر"
url = "http://127.0.0.1:9/feed"

[[channels]]
name = "posts"
kind = "directory"
path = "posts"

"""
TIMEOUT = 60.0


def load_cases() -> list[dict[str, Any]]:
    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


CASES = load_cases()


@dataclass
class Outcome:
    code: int | None  # None: it hung
    out: str


def _prepare(case: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for sub in case.get("setup", {}).get("mkdir", []):
        (folder / sub).mkdir()
    path = folder / "nashra.toml"
    if case.get("path") == "missing":
        return folder / "no-such.toml"
    if case.get("path") == "folder":
        path.mkdir()
        return path
    if "raw_hex" in case:
        path.write_bytes(bytes.fromhex(case["raw_hex"]))
    else:
        text = case.get("toml", "")
        path.write_text((BASE if case.get("base", True) else "") + text, encoding="utf-8")
    return path


def _run(case: dict[str, Any], root: Path) -> Outcome:
    folder = root / case["id"]
    path = _prepare(case, folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NASHRA_")}
    env.update(case.get("env", {}), COLUMNS="80")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "nashra", "once", "-c", str(path)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        return Outcome(None, out.decode() if isinstance(out, bytes) else out)
    return Outcome(proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case run once, four processes at a time (each is a cold ``python -m nashra``)."""
    root = tmp_path_factory.mktemp("bad-configs")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda c: (c["id"], _run(c, root)), CASES)
        return dict(results)


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 50
    assert len({c["id"] for c in CASES}) == len(CASES), "case ids must be unique"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_config_is_one_clear_line(case: dict[str, Any], outcomes: dict[str, Outcome]) -> None:
    got = outcomes[case["id"]]
    assert got.code is not None, f"hung for {TIMEOUT} s: {case['why']}"
    assert "Traceback" not in got.out, got.out
    lines = [line for line in got.out.splitlines() if line.strip()]
    assert len(lines) == 1, f"{case['why']}: expected one line, got {got.out!r}"
    assert got.code == 2, f"{case['why']}: exit {got.code}: {got.out}"
    assert lines[0].startswith("خطأ — error: "), lines[0]
    assert case.get("expect", "") in lines[0], lines[0]
