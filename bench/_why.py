"""bench/eval_stories.py --stream --why: for each labelled pair the stream did not join, which
step of the story layer lost it (recorded while the stream runs, by wrapping the story layer's
candidate lookup and comparison: the code under test is the same).

Steps, for the later article ``b`` of a missed pair (a, b):

* ``layer``: an earlier layer (title, body) matched b to another story;
* ``short``: b's title + lead are too short for the story layer;
* ``no-cand``: a was not among b's term candidates (too few shared rare terms, or crowded out);
* ``not-top``: a was a candidate but its story was not among the stories compared;
* ``gated``: a's story was a candidate but the cheap signals kept b from being encoded for it;
* ``low``: a's story was compared and scored under the threshold (the scores are printed);
* ``other``: a's story scored enough but another story scored more;
* ``joined``: b joined a's story but one of the two left it later (a swap), or a's story had
  been merged into another.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from nashra.dedupe import index, signals, stories

CURRENT: list[str] = [""]
CANDS: dict[str, list[int]] = {}
COMPARED: dict[str, list[tuple[int, signals.Signals]]] = {}
GATED: dict[str, list[tuple[int, signals.Signals]]] = {}  # cheap signals, before encoding
KEYS: dict[str, dict[int, int]] = {}  # the candidates' story keys, as b saw them
_installed: list[bool] = []


def install() -> None:
    if _installed:
        return
    _installed.append(True)
    term_candidates = index.term_candidates
    members = stories.storyindex.members
    compare = signals.compare
    story_keys = stories.storyindex.story_keys

    def sk(conn: Any, ids: Any) -> Any:
        out = story_keys(conn, ids)
        KEYS[CURRENT[0]] = out
        return out

    of_story: dict[Any, int] = {}  # a member's features → its story

    def tc(*a: Any, **k: Any) -> Any:
        out = term_candidates(*a, **k)
        CANDS[CURRENT[0]] = [i for i, _ in out]
        return out

    def mem(conn: Any, story_id: int) -> Any:
        out = members(conn, story_id)
        for _, _, st in out:
            of_story[_key(st)] = story_id
        return out

    def cmp(mine: Any, ms: Any, idf: Any, **kw: Any) -> Any:
        s = compare(mine, ms, idf, **kw)
        if not kw.get("vectors", True):
            GATED.setdefault(CURRENT[0], []).append((of_story.get(_key(ms[0]), -1), s))
            return s
        COMPARED.setdefault(CURRENT[0], []).append((of_story.get(_key(ms[0]), -1), s))
        return s

    index.term_candidates = tc  # type: ignore[assignment]
    stories.storyindex.members = mem  # type: ignore[assignment]
    signals.compare = cmp  # type: ignore[assignment]
    stories.storyindex.story_keys = sk  # type: ignore[assignment]


def _key(st: signals.StoryText) -> Any:
    """A member's features, recognised again after ``storyindex.encoded`` copied them."""
    return (st.at, tuple(sorted(st.terms)[:8]), tuple(sorted(st.entities)))


def fmt(s: signals.Signals) -> str:
    return (
        f"value {s.value:+.2f} use {s.use:.2f} centroid {s.centroid:.2f} body {s.body:.2f} "
        f"ent {s.entities:.2f} places {s.places:+d} hours {s.hours:.0f}"
    )


def explain(
    pos: list[tuple[str, str]],
    story: dict[str, int],
    ids: dict[str, int],
    verdicts: dict[str, Any],
    docs: dict[str, Any],
    story_at: dict[str, int],
    show: int,
) -> None:
    """story_at[d]: the story key d had when it was stored (before any later change)."""
    steps: Counter[str] = Counter()
    lines = []
    for a, b in pos:
        if story[a] == story[b]:
            continue
        v = verdicts[b]
        key_a = story_at[a]
        comp = dict(COMPARED.get(b, []))
        if v.reason in ("title", "body", "url", "content"):
            step = "layer"
        elif ids[a] not in CANDS.get(b, []) and key_a not in comp:
            step = "short" if b not in CANDS else "no-cand"
        elif key_a not in comp and key_a in dict(GATED.get(b, [])):
            step = "gated"  # the cheap signals said no vector could join them
        elif key_a not in comp:
            keys = KEYS.get(b, {})
            cands = CANDS.get(b, [])
            order = list(dict.fromkeys(keys[i] for i in cands if i in keys))
            if b not in KEYS:
                step = "short"
            elif ids[a] not in keys:
                step = "a-unindexed"  # a has no story index row (matched by an earlier layer)
            elif keys[ids[a]] in order[: stories.STORY_STORIES]:
                step = "members"  # compared through other outlets' 16 latest members only
            else:
                step = f"not-top({order.index(keys[ids[a]])})"
        elif v.story_id == key_a:
            step = "joined"
        elif comp[key_a].same_story:
            step = "other"
        else:
            step = "low"
        steps[step.split("(")[0]] += 1
        sig = fmt(comp[key_a]) if key_a in comp else ""
        lines.append(
            f"  [{step}] {sig}\n     {docs[a].source} {docs[a].title}\n"
            f"     {docs[b].source} {docs[b].title}"
        )
    print("    missed pairs by step:", dict(steps.most_common()))
    for line in lines[:show]:
        print(line)
