"""``nashra tag`` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nashra.cli import app

runner = CliRunner()


def _run(args: list[str], stdin: str) -> dict[str, object]:
    result = runner.invoke(app, ["tag", *args], input=stdin)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_first_line_is_the_title() -> None:
    text = (
        "خطر “داعش”.. بغداد تدعو للتنسيق مع دمشق وواشنطن\n"
        "وقال وزير الخارجية العراقي فؤاد حسين إن الخطر قائم.\n"
    )
    out = _run([], text)
    assert out["hashtags"][:4] == ["#داعش", "#بغداد", "#دمشق", "#واشنطن"]
    assert "#فؤاد_حسين" in out["hashtags"]
    entities = out["entities"]
    assert isinstance(entities, list)
    for e in entities:
        assert set(e) >= {"text", "type", "start", "end"}
        assert text[e["start"] : e["end"]] == e["text"]
    assert {"text": "فؤاد حسين", "type": "person"}.items() <= next(
        e for e in entities if e["text"] == "فؤاد حسين"
    ).items()
    assert out["topic"] is not None


def test_title_option_and_options(tmp_path: Path) -> None:
    gaz = tmp_path / "my.tsv"
    gaz.write_text("نادي الوحدة\torganisation\tالوحدة\n", encoding="utf-8")
    out = _run(
        ["--title", "فوز كبير للوحدة", "-g", str(gaz), "--max", "1", "--source-tag", "رياضة"],
        "سجل لاعبو الوحدة ثلاثة أهداف في مرمى الضيوف في الدوري.",
    )
    assert out["hashtags"] == ["#نادي_الوحدة", "#رياضة"]
    first = out["entities"][0]
    # لل + X (ال + X after ل) keeps the whole written word.
    assert (first["text"], first["type"], first["start"]) == ("للوحدة", "organisation", 9)


def test_config_gazetteer(tmp_path: Path) -> None:
    (tmp_path / "names.tsv").write_text("مدينة الملاهي\tplace\n", encoding="utf-8")
    cfg = tmp_path / "nashra.toml"
    cfg.write_text('[enrich]\ngazetteer = "names.tsv"\nmax_hashtags = 2\n', encoding="utf-8")
    out = _run(["-c", str(cfg)], "افتتاح مدينة الملاهي في حلب ودمشق\n")
    assert out["hashtags"] == ["#مدينة_الملاهي", "#حلب"]


def test_bad_gazetteer_is_an_arabic_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("اسم بلا نوع\n", encoding="utf-8")
    result = runner.invoke(app, ["tag", "-g", str(bad)], input="نص\n")
    assert result.exit_code == 2
    assert "المعجم" in result.output
