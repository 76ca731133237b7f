"""The gazetteer format, user files, the shipped data's consistency, and clitic tolerance."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from nashra.enrich import Enricher, load_gazetteer, parse_tsv
from nashra.enrich._text import proclitic_forms, tokenize
from nashra.enrich.gazetteer import SHIPPED_FILES, _shipped_text
from nashra.errors import ConfigError


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("وواشنطن", "واشنطن"),
        ("بدمشق", "دمشق"),
        ("للتنظيم", "التنظيم"),
        ("وبالعراق", "العراق"),
        ("فلسوريا", "سوريا"),
        ("كالقاهرة", "القاهره"),
    ],
)
def test_proclitic_forms(word: str, form: str) -> None:
    (folded,) = tokenize(word)
    assert form.replace("ة", "ه") in proclitic_forms(folded)
    assert proclitic_forms(folded)[0] == folded


def test_short_words_are_not_stripped() -> None:
    assert proclitic_forms("بن") == ("بن",)
    assert proclitic_forms("لها") == ("لها",)


def test_parse_tsv_columns_and_comments() -> None:
    items = parse_tsv(
        "# a comment\n\nالتنظيم\torganisation\tتنظيم الدولة|التنظيم المتطرف\tداعش\tarmed_group\n"
        "حلب\tplace\n"
    )
    assert [(e.canonical, e.type, e.hashtag, e.kind, a) for e, a in items] == [
        ("التنظيم", "organisation", "داعش", "armed_group", ("تنظيم الدولة", "التنظيم المتطرف")),
        ("حلب", "place", "", "", ()),
    ]


@pytest.mark.parametrize("line", ["حلب", "حلب\tPlace", "\tplace", "حلب\t\tحلب"])
def test_parse_tsv_rejects_bad_lines(line: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_tsv(f"# ok\n{line}\n", where="my.tsv")
    assert info.value.where == "my.tsv:2"


def test_user_file_extends_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "my.tsv"
    user.write_text(
        "# my outlet's names\n"
        "التنظيم\torganisation\t\tداعش\n"
        "خالد المحاميد\tperson\tالمحاميد\n"
        "دمشق\torganisation\tالحكومة في دمشق\n",
        encoding="utf-8",
    )
    enricher = Enricher(user_gazetteers=[user])
    result = enricher.enrich("هجوم للتنظيم قرب بدمشق", "وقال المحاميد إن الوضع هادئ.")
    got = {(e.text, e.type, e.canonical) for e in result.entities}
    assert ("للتنظيم", "organisation", "التنظيم") in got  # لل + X is ال + X
    assert ("المحاميد", "person", "خالد المحاميد") in got
    assert ("دمشق", "organisation", "دمشق") in got  # the user's line wins
    assert "#داعش" in result.hashtags


def test_unreadable_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_gazetteer([tmp_path / "missing.tsv"])
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError):
        load_gazetteer([bad])


def test_shipped_files_are_consistent() -> None:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    total = 0
    for name in SHIPPED_FILES:
        for entry, aliases in parse_tsv(_shipped_text(name), where=name):
            total += 1
            assert entry.type in {"person", "place", "organisation"}
            for alias in (entry.canonical, *aliases):
                owners[tuple(tokenize(alias))].add(entry.canonical)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}
    assert total > 900
    assert len(load_gazetteer()) >= len(owners)
