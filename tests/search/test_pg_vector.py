"""The ``tsvector`` literal of one article (``nashra.search.pg.doc_vector``): positions, weights,
clitic-free shadows, title marks and filter terms, quoting, and positions past PostgreSQL's last
one; the literal is read by a real PostgreSQL as the same lexemes and positions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nashra.search.pg import LABELED, MAX_POS, doc_vector
from tests.store.conftest import pg_url  # noqa: F401  (the fixture)


def test_positions_weights_shadows_and_marks() -> None:
    got = doc_vector("والرياض اليوم", "والرياض اليوم خبر", ["@o:x", "@t:y"])
    assert got == (
        "'والرياض':1A,4C '~رياض':1B,4D 'اليوم':2A,5C '~يوم':2B,5D 'خبر':6C '~خبر':6D"
        " '^والرياض' '^اليوم' '^~رياض' '^~يوم' '@o:x' '@t:y'"
    )


def test_quotes_and_backslashes_are_escaped() -> None:
    got = doc_vector("a'b", "c\\d")
    assert got == "'a''b':1A '~a''b':1B 'c\\\\d':3C '~c\\\\d':3D '^a''b' '^~a''b'"


def test_positions_past_the_labeled_ones_and_past_the_last() -> None:
    words = ["x", "y"] * (MAX_POS // 2 + 50)  # ends past MAX_POS
    got = doc_vector("t", " ".join(words))
    lexemes = dict(part.split(":", 1) for part in got.split(" ") if ":" in part)
    xs = lexemes["'x'"].split(",")
    # Title "t" at 1, the text from 3: x at odd positions, each once, the last one clamped.
    assert xs[:3] == ["3C", "5C", "7C"]
    assert f"{LABELED + 1}C" in xs  # the first position not taken from the table
    assert xs[-1] == f"{MAX_POS}C" and xs.count(f"{MAX_POS}C") == 1
    assert len(xs) == len(set(xs))
    assert lexemes["'~y'"].split(",")[-1] == f"{MAX_POS}D"


@pytest.mark.postgres
def test_postgresql_reads_the_literal(pg_url: str) -> None:  # noqa: F811
    words = ["x"] * MAX_POS + ["z"]  # z past the last position
    literal = doc_vector("عاجل واشنطن", "ولواشنطن " + " ".join(words), ["@e:كيان"])
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT lexeme, positions, weights FROM unnest(CAST(:v AS tsvector))"),
                {"v": literal},
            ).all()
            hit = conn.execute(
                sa.text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"),
                {"v": literal, "q": "'~واشنطن' <-> 'x' & '@e:كيان' & '^واشنطن'"},
            ).scalar()
    finally:
        engine.dispose()
    got = {r.lexeme: (list(r.positions or []), list(r.weights or [])) for r in rows}
    assert got["واشنطن"] == ([2], ["A"])
    assert got["~واشنطن"] == ([2, 4], ["B", "D"])
    # PostgreSQL keeps a lexeme's first 256 positions; z is clamped to the last position.
    assert got["x"][0][:3] == [5, 6, 7] and len(got["x"][0]) == 256
    assert got["z"] == ([MAX_POS], ["C"])
    assert got["@e:كيان"] == ([], []) and "^واشنطن" in got
    assert hit is True
