"""Fault 10 (report): ``[``/``]`` in a feed's link or a source's name crashed the ``nashra once``
report (rich markup, ``MarkupError``) or silently changed what it showed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sitekit import serve


def test_markup_in_names_and_links_is_printed_as_it_is(tmp_path: Path) -> None:
    with serve() as site:
        site.add("/feed", "<html>not a feed [/]</html>", content_type="text/html")
        cfg = tmp_path / "nashra.toml"
        cfg.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "nashra.db"}"\n'
            '[fetch]\nallow_networks = ["127.0.0.0/8"]\n'
            '[[sources]]\nname = "[bold red]مصدر[/]"\n'
            f'url = "{site.base}/missing/[/]?x=[red]"\n'
            '[[sources]]\nname = "[/] سيئ"\n'
            f'url = "{site.base}/feed"\n'
            f'[[channels]]\nname = "posts"\nkind = "directory"\npath = "{tmp_path / "p"}"\n',
            encoding="utf-8",
        )
        proc = subprocess.run(
            [sys.executable, "-m", "nashra", "once", "-c", str(cfg), "--no-progress"],
            capture_output=True,
            text=True,
            timeout=300,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        )
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "MarkupError" not in out, out
    assert proc.returncode == 1, out  # both sources failed: exit 1, not a crash
    assert "[bold red]مصدر[/]" in out  # shown as written, not as bold red
    assert "[/] سيئ" in out
