"""Fault 7: ``nashra demo --out DIR`` deleted everything already in DIR without asking. Now a
folder the demo did not create (no marker file) is refused, untouched; the command runs as a
real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _demo(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nashra", "demo", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def test_a_folder_of_someone_elses_files_is_refused_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    (out / "photos").mkdir()
    (out / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    for extra in ((), ("--keep",)):
        proc = _demo(out, *extra)
        assert proc.returncode == 2, proc.stderr
        assert "not empty" in proc.stderr and "Traceback" not in proc.stderr
        assert (out / "thesis.docx").read_bytes() == b"years of work"
        assert (out / "photos" / "a.jpg").exists()
        assert sorted(p.name for p in out.iterdir()) == ["photos", "thesis.docx"]


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")
    proc = _demo(target)
    assert proc.returncode == 2 and target.read_text(encoding="utf-8") == "keep me"


def test_the_demo_runs_in_a_new_folder_and_again_in_its_own(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    first = _demo(out)
    assert first.returncode == 0, first.stderr
    assert (out / ".nashra-demo").is_file() and list((out / "posts").glob("*.txt"))
    (out / "posts" / "stale.txt").write_text("from an earlier run", encoding="utf-8")
    again = _demo(out)  # its own folder: emptied and made anew
    assert again.returncode == 0, again.stderr
    assert not (out / "posts" / "stale.txt").exists()
