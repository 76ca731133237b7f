"""nashra channels preview / list / resume through Typer's runner, on a real SQLite file."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from nashra.channels import ledger
from nashra.cli import app
from nashra.models import Block, BlockKind, Enrichment
from nashra.render import telegram as tg
from nashra.store import Store, articles, outbox
from tests.publish.pubkit import article

runner = CliRunner()


def cli(cfg: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "-c", str(cfg)])


PART = re.compile(r"^── الجزء (\d+)/(\d+) · (صورة \S+|نص) · (\d+)/(\d+) UTF-16 ──$")


def setup(tmp_path: Path) -> tuple[Path, int]:
    """A config with three channels and one long stored article (several Telegram messages)."""
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(
        """
[database]
url = "sqlite:///nashra.db"
[[channels]]
name = "tg"
kind = "telegram"
chat_id = "@nashra_test"
token_env = "NASHRA_PREVIEW_UNSET_TOKEN"
api_base = "http://127.0.0.1:9"
[[channels]]
name = "files"
kind = "directory"
path = "out"
[[channels]]
name = "sport"
kind = "directory"
path = "sport"
include = { keywords = ["كرة القدم"] }
""",
        encoding="utf-8",
    )
    long = replace(
        article(1, paragraphs=40, image="https://example.org/lead.jpg"),
        blocks=tuple(
            Block(BlockKind.PARAGRAPH, f"الفقرة {i}: " + "جملة في متن الخبر الطويل. " * 12)
            for i in range(40)
        ),
    )
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    with store.tx() as conn:
        aid = articles.insert(conn, long, Enrichment(hashtags=("الأردن",)))
    store.close()
    return cfg, aid


def test_preview_telegram_shows_each_part_with_its_utf16_length(tmp_path: Path) -> None:
    cfg, aid = setup(tmp_path)
    result = runner.invoke(
        app, ["channels", "preview", str(aid), "--channel", "tg", "-c", str(cfg)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("— tg (telegram) · المقال 1:")
    heads = [(i, m) for i, ln in enumerate(lines) if (m := PART.match(ln))]
    assert len(heads) >= 3
    total = int(heads[0][1].group(2))
    assert [int(m.group(1)) for _, m in heads] == list(range(1, total + 1))
    assert heads[0][1].group(3).startswith("صورة") and heads[0][1].group(5) == "1024"
    bounds = [i for i, _ in heads] + [len(lines)]
    for (start, m), end in zip(heads, bounds[1:], strict=True):
        body = "\n".join(lines[start + 1 : end])
        assert tg.length(body) == int(m.group(4)) <= int(m.group(5))
    assert "<b>عنوان الخبر رقم 1 &lt;عاجل&gt; &amp; مهم</b>" in result.stdout
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    with store.read() as conn:
        assert outbox.counts(conn) == {}  # nothing queued, nothing sent
    store.close()


def test_preview_text_channel_and_routing_warning(tmp_path: Path) -> None:
    cfg, aid = setup(tmp_path)
    result = runner.invoke(
        app, ["channels", "preview", str(aid), "--channel", "files", "-c", str(cfg)]
    )
    assert result.exit_code == 0, result.output
    assert "#الأردن\nعنوان الخبر رقم 1 <عاجل> & مهم\n" in result.stdout
    assert "🔍 اقرأ المزيد: https://example.org/news/1" in result.stdout
    assert "UTF-16" not in result.stdout
    sport = runner.invoke(
        app, ["channels", "preview", str(aid), "--channel", "sport", "-c", str(cfg)]
    )
    assert sport.exit_code == 0 and "would skip it" in sport.stdout


def test_top_level_preview_with_channel_is_the_same_render(tmp_path: Path) -> None:
    """`nashra preview ARTICLE_ID --channel NAME`, as the issue names it."""
    cfg, aid = setup(tmp_path)
    top = runner.invoke(app, ["preview", str(aid), "--channel", "files", "-c", str(cfg)])
    sub = runner.invoke(
        app, ["channels", "preview", str(aid), "--channel", "files", "-c", str(cfg)]
    )
    assert top.exit_code == 0, top.output
    assert top.stdout == sub.stdout
    bad = runner.invoke(app, ["preview", "not-a-number", "--channel", "files", "-c", str(cfg)])
    assert bad.exit_code != 0


def test_preview_errors(tmp_path: Path) -> None:
    cfg, aid = setup(tmp_path)
    missing = cli(cfg, "channels", "preview", "99", "--channel", "tg")
    assert missing.exit_code == 1 and "99" in missing.output
    nochan = cli(cfg, "channels", "preview", str(aid), "--channel", "x")
    assert nochan.exit_code == 2 and "tg, files, sport" in nochan.output


def test_list_shows_pause_and_pacing_and_resume_clears_it(tmp_path: Path) -> None:
    cfg, _aid = setup(tmp_path)
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    with store.tx() as conn:
        ledger.pause(conn, "tg", "أُزيل البوت من القناة")
    store.close()
    listed = cli(cfg, "channels", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["tg"]["paused"] == "أُزيل البوت من القناة" and rows["tg"]["paused_at"]
    assert rows["tg"]["pacing"] == {"per_window": 20, "window": 60.0, "min_gap": 1.0}
    assert rows["files"]["paused"] is None and rows["files"]["pacing"] is None
    table = cli(cfg, "channels", "list")
    assert table.exit_code == 0 and "paused" in table.stdout and "20/60s" in table.stdout
    resumed = cli(cfg, "channels", "resume", "tg")
    assert resumed.exit_code == 0, resumed.output
    rows = {r["name"]: r for r in json.loads(cli(cfg, "channels", "list", "--json").stdout)}
    assert rows["tg"]["paused"] is None
    again = cli(cfg, "channels", "resume", "tg")
    assert again.exit_code == 1
    unknown = cli(cfg, "channels", "resume", "nope")
    assert unknown.exit_code == 2
