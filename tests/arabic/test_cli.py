"""`nashra normalize` and `nashra dates`, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nashra.cli import app

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "sample_post.txt"
runner = CliRunner()


def test_normalize_prints_the_matching_form_line_by_line() -> None:
    result = runner.invoke(app, ["normalize"], input="إِنَّ «الحـــلّ» ٢٠٢٥\nوواشنطن تحذر!\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "ان الحل 2025\nوواشنطن تحذر\n"


def test_dates_prints_spans_values_and_precision_as_json() -> None:
    text = "أعلنت مطلع أيلول/ سبتمبر الفائت، وفي 8 كانون الأول/ ديسمبر 2024"
    result = runner.invoke(app, ["dates", "--published", "2025-10-07T11:53:41+03:00"], input=text)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["value"], r["precision"]) for r in rows] == [
        ("2025-09", "month"),
        ("2024-12-08", "day"),
    ]
    for row in rows:
        assert text[row["start"] : row["end"]] == row["text"]


def test_dates_on_the_sample_post_finds_its_phrases() -> None:
    text = SAMPLE.read_text("utf-8")
    result = runner.invoke(app, ["dates", "--published", "2025-10-07T11:53:41+03:00"], input=text)
    assert result.exit_code == 0, result.output
    found = {r["text"]: r["value"] for r in json.loads(result.stdout)}
    assert found["الثاني من كانون الأول/ ديسمبر الماضي"] == "2024-12-02"
    assert found["مطلع أيلول/ سبتمبر الفائت"] == "2025-09"
    assert found["حزيران/ يونيو الماضي"] == "2025-06"
    assert found["8 كانون الأول/ ديسمبر 2024"] == "2024-12-08"
    assert found["اليوم الثلاثاء"] == "2025-10-07"


def test_dates_without_published_keeps_only_absolute_dates() -> None:
    result = runner.invoke(app, ["dates"], input="حزيران الماضي و8 ديسمبر 2024")
    assert result.exit_code == 0, result.output
    assert [r["value"] for r in json.loads(result.stdout)] == ["2024-12-08"]


def test_dates_refuses_an_unreadable_published_date_in_arabic() -> None:
    result = runner.invoke(app, ["dates", "--published", "غدا"], input="أمس")
    assert result.exit_code == 2
    assert "تاريخ نشر غير مفهوم" in result.output
