"""The story layer's rules on hand-written article pairs (tests/dedupe/data/story_cases.json):
each case stores ``a``, decides ``b`` through the real path (enrich → decide → insert →
remember, real SQLite) and checks the verdict and the signals the case names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nashra.dedupe import stories, storyindex
from nashra.dedupe.listing import story_key
from nashra.store import Store
from tests.dedupe.desk import Desk, make_article

CASES = json.loads((Path(__file__).parent / "data" / "story_cases.json").read_text("utf-8"))
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=4)


def _article(side: dict[str, Any], n: int) -> Any:
    return make_article(
        side["source"],
        f"https://{side['source']}.example/{n}",
        side["title"],
        side["body"],
        published=T0 + timedelta(hours=side["hours"]),
    )


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["rule"] for c in CASES["cases"]])
def test_story_case(case: dict[str, Any], desk: Desk, store: Store) -> None:
    first, _ = desk.ingest(_article(case["a"], 1))
    second, v = desk.ingest(_article(case["b"], 2))
    with store.read() as conn:
        key_a, key_b = story_key(conn, first), story_key(conn, second)
        linked = [k for k, _ in storyindex.related(conn, key_b or second)]
        sig, _, _ = stories.explain(conn, first, second)
    if case["expect"] == "same":
        assert v.reason == "story" and key_b == key_a, sig
        assert v.duplicate_of == first
    else:
        assert key_b != key_a, sig
        assert v.duplicate_of is None
        if case["expect"] == "thread":
            assert linked == [key_a], sig
        else:
            assert linked == [], sig
    for name, want in case.get("signals", {}).items():
        assert getattr(sig, name) == want, sig


def test_explain_through_the_cli(desk: Desk, store: Store, tmp_path: Path) -> None:
    """``nashra stories explain A B`` prints the signals that joined (or split) two articles,
    and the verdict agrees with what decide did."""
    from typer.testing import CliRunner

    from nashra.cli import app

    case = CASES["cases"][0]  # joined
    first, _ = desk.ingest(_article(case["a"], 1))
    second, v = desk.ingest(_article(case["b"], 2))
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(f'[database]\nurl = "{store.url}"\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app, ["stories", "explain", str(first), str(second), "--json", "-c", str(cfg)]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["same_story"] is True and v.reason == "story"
    assert out["value"] >= out["same_story_at"]
    assert set(out["signals"]) >= {"use", "body", "entities", "places", "numbers", "hours"}
    table = runner.invoke(app, ["stories", "explain", str(first), str(second), "-c", str(cfg)])
    assert table.exit_code == 0 and "قصة واحدة" in table.output
    missing = runner.invoke(app, ["stories", "explain", str(first), "999", "-c", str(cfg)])
    assert missing.exit_code == 2 and "999" in missing.output


def _vec_bytes(store: Store, article_id: int) -> int:
    import sqlalchemy as sa

    with store.read() as conn:
        blob = conn.execute(
            sa.select(storyindex.sv.c.vec).where(storyindex.sv.c.article_id == article_id)
        ).scalar_one()
    return len(blob)


def test_an_article_is_encoded_only_when_a_story_could_take_it(desk: Desk, store: Store) -> None:
    """Lazy encoding: the first article of a story has nothing to be compared with, so it is
    stored without its sentence vector; the next outlet's telling passes the cheap signals, so
    both are encoded then (the first one's vector stored), and each only once; an article that
    shares nothing with any story is never encoded."""
    from nashra.dedupe import encoder

    case = CASES["cases"][0]  # the same event in other words
    before = encoder.ENCODED[0]
    first, _ = desk.ingest(_article(case["a"], 1))
    assert encoder.ENCODED[0] == before and _vec_bytes(store, first) == 0
    second, v = desk.ingest(_article(case["b"], 2))
    assert v.reason == "story" and v.duplicate_of == first
    assert encoder.ENCODED[0] == before + 2
    assert _vec_bytes(store, first) == encoder.DIM and _vec_bytes(store, second) == encoder.DIM
    with store.read() as conn:
        sig, _, _ = stories.explain(conn, first, second)  # read back, not encoded again
    assert sig.same_story and encoder.ENCODED[0] == before + 2
    other = {
        "source": "gamma",
        "hours": 4,
        "title": "افتتاح معرض للكتاب في مدينة الرباط بمشاركة دور نشر عربية",
        "body": "افتتح في العاصمة المغربية معرض الكتاب السنوي بمشاركة مئات الناشرين من عشرين بلدا،"
        " ويستمر عشرة أيام تقام خلالها ندوات وأمسيات شعرية وتوقيع كتب جديدة للأطفال والكبار.",
    }
    third, v3 = desk.ingest(_article(other, 3))
    assert v3.reason is None and encoder.ENCODED[0] == before + 2
    assert _vec_bytes(store, third) == 0
