"""The statistical entity tagger: a linear-chain CRF over Arabic word features.

The model (``data/ner.crfsuite``, python-crfsuite's format) is trained by ``scripts/train_ner.py``
on WikiFANE Gold and NewsFANE Gold (Alotaibi and Lee, COLING 2014; CC BY-SA 3.0, see
``data/ner.LICENSE.md``). It tags the words of a text (whitespace words, punctuation on its own)
with BIO labels over four types: ``person``, ``organisation``, ``place`` (GPE, LOC and FAC of the
corpus) and ``misc`` (everything else the corpus names: works, products, vehicles…).

Features come only from the folded word (``nashra.arabic.normalize``), so a hamza or a harakah
never changes a decision: the word and its clitic-free stem, affixes, the proclitic letters,
the word shape, the neighbouring words, and whether the shipped gazetteers and given-name list
cover the word. The word segmenter (``Segmenter``) is a unigram choice between "proclitic +
stem" splits, with stem counts from the clitic-segmented training text (``data/ner_stems.json.gz``):
``ولبنان`` → ``و`` + ``لبنان``, but ``بغداد`` stays whole.

The model is loaded lazily, once per process (:func:`default_tagger`).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from nashra.arabic import MARKS_CLASS
from nashra.enrich._text import norm_word, strip_clitics

__all__ = [
    "LABEL_TYPES",
    "Segmenter",
    "Tagged",
    "Tagger",
    "default_tagger",
    "sentence_features",
    "tagger_tokens",
]

MODEL_FILE = "ner.crfsuite"
STEMS_FILE = "ner_stems.json.gz"
CLUSTERS_FILE = "ner_clusters.json.gz"
VECTORS_FILE = "ner_vectors.json.gz"  # word2vec clusters (scripts/build_word_vectors.py)
LABEL_TYPES = {"PER": "person", "ORG": "organisation", "PLACE": "place", "MISC": "misc"}
_TOKEN = re.compile(rf"(?:[^\W_]|[{MARKS_CLASS}])+|[^\s\w{MARKS_CLASS}]")
_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
_LETTERS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_SENTENCE_END = frozenset(".؟?!")
_PUNCT = frozenset(".،,؛;:!؟?()[]{}«»“”\"'-–—/…")


@dataclass(frozen=True, slots=True)
class Tagged:
    """One entity the tagger proposes."""

    first: int  # tagger-token range [first, last)
    last: int
    start: int  # character offsets into the text; ``start`` is after a proclitic (وبغداد → ب)
    end: int
    type: str  # person, organisation, place, misc
    clitic: str  # the proclitic letters cut off the first word ("" if none)
    confidence: float  # mean marginal probability of the span's labels


class Segmenter:
    """Proclitic + stem, chosen by how often the stem stands alone in segmented text."""

    def __init__(self, counts: dict[str, int]) -> None:
        self._counts = counts

    def count(self, word: str) -> int:
        return self._counts.get(word, 0)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one segmenter per process
    def split(self, word: str) -> tuple[str, str]:
        """``(proclitic, stem)`` of one folded word; the proclitic is ``""`` when none fits."""
        best = ("", word)
        best_count = self._counts.get(word, 0)
        for pre in _LETTERS:
            if not word.startswith(pre) or len(word) - len(pre) < 2:
                continue
            stem = word[len(pre) :]
            if pre.endswith("ل") and stem.startswith("ل") and len(stem) > 2:
                stem = "ا" + stem  # للاتحاد → ل + الاتحاد
            c = self._counts.get(stem, 0)
            # The split must be clearly better than the whole word (بغداد is not ب + غداد).
            if c > 2 * best_count + 1:
                best, best_count = (pre, stem), c
        return best


def tagger_tokens(text: str) -> list[tuple[int, int]]:
    """Character spans of the tagger's tokens: words, and each punctuation mark alone."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if word in _PUNCT or not word[:1].isalnum():
        return "punct"
    if word.isascii():
        return "latin"
    return "ar"


class _Word(NamedTuple):
    stem: str
    own: tuple[str, ...]  # the features of the word itself
    around: dict[int, tuple[str, ...]]  # its features as the neighbour at offset d


Clusters = dict[str, list[int]]


def _word(
    w: str, seg: Segmenter, given: frozenset[str], clusters: Clusters, vectors: Clusters
) -> _Word:
    pre, stem = seg.split(w)
    c = clusters.get(w) or clusters.get(stem)
    v = vectors.get(w) or vectors.get(stem)
    own = [
        "b",
        "w=" + w,
        "s=" + stem,
        "p=" + pre,
        "x=" + _shape(w),
        "l=" + str(min(len(stem), 8)),
        "s2=" + stem[-2:],
        "s3=" + stem[-3:],
        "f2=" + stem[:2],
        "f3=" + stem[:3],
        "bare=" + strip_clitics(w),
    ]
    if c is not None:
        own += [f"c64={c[0]}", f"c512={c[1]}"]
    if v is not None:
        own += [f"v{k}={x}" for k, x in enumerate(v)]  # word2vec clusters, coarse to fine
    if stem in given or w in given:
        own.append("given")
    if stem.startswith("ال"):
        own.append("def")
    around: dict[int, tuple[str, ...]] = {}
    for d in (-2, -1, 1, 2):
        f = [f"w{d}={w}", f"s{d}={stem}"]
        if abs(d) == 1 and stem in given:
            f.append(f"given{d}")
        if c is not None:
            f.append(f"c{d}={c[1]}")
        if v is not None:
            f.append(f"v{d}={v[1]}")
        around[d] = tuple(f)
    return _Word(stem, tuple(own), around)


def sentence_features(
    words: Sequence[str],
    seg: Segmenter,
    gaz: Sequence[str],
    given: frozenset[str],
    clusters: Clusters,
    cache: dict[str, _Word] | None = None,
    vectors: Clusters | None = None,
) -> list[list[str]]:
    """Features of one sequence of folded words (``gaz``: a gazetteer label per word or "").

    ``cache`` keeps each word's own features between calls (they depend on the word only)."""
    n = len(words)
    memo: dict[str, _Word] = {} if cache is None else cache
    info = []
    for w in words:
        x = memo.get(w)
        if x is None:
            x = memo[w] = _word(w, seg, given, clusters, vectors or {})
        info.append(x)
    feats: list[list[str]] = []
    none: tuple[str, ...] = ()
    for i in range(n):
        me = info[i]
        g = gaz[i]
        gl = gaz[i - 1] if i > 0 else ""
        gr = gaz[i + 1] if i + 1 < n else ""
        f = [
            *me.own,
            *(("g=" + g, "gt=" + g[2:]) if g else none),
            *(info[i - 2].around[-2] if i >= 2 else none),
            *(info[i - 1].around[-1] if i >= 1 else ("BOS",)),
            *(("g-1=" + gl,) if gl else none),
            *(info[i + 1].around[1] if i + 1 < n else ("EOS",)),
            *(("g1=" + gr,) if gr else none),
            *(info[i + 2].around[2] if i + 2 < n else none),
        ]
        if i > 0:
            f.append(f"s-1|s={info[i - 1].stem}|{me.stem}")
        if i + 1 < n:
            f.append(f"s|s+1={me.stem}|{info[i + 1].stem}")
        feats.append(f)
    return feats


def _crfsuite() -> Any:
    import pycrfsuite  # python-crfsuite; imported only when the model is first used

    return pycrfsuite


class Tagger:
    """The trained CRF with its segmenter; ``tag(text, gazetteer_labels)`` proposes entities."""

    def __init__(
        self,
        model: Path,
        stems: Path,
        clusters: Path,
        given: frozenset[str],
        vectors: Path | None = None,
    ) -> None:
        self._tagger = _crfsuite().Tagger()
        self._tagger.open(str(model))
        self.segmenter = Segmenter(_json_gz(stems))
        self.clusters: Clusters = _json_gz(clusters)
        self.vectors: Clusters = _json_gz(vectors) if vectors is not None else {}
        self.given = given
        self._cache: dict[str, _Word] = {}

    def _name_clitic(self, word: str) -> str:
        """The proclitic left out of a name: none for a given name (وليد, فيصل), and none for
        ``لل`` + noun, whose written word is kept whole (للمغرب: the alef of ال is gone)."""
        pre, _ = self.segmenter.split(word)
        if not pre or word in self.given:
            return ""
        if pre.endswith("ل") and word.startswith(pre + "ل"):
            return pre[:-1]  # وللمغرب → و + للمغرب
        return pre

    def _memo(self) -> dict[str, _Word]:
        if len(self._cache) > 200_000:
            self._cache.clear()  # a worker that runs for months stays bounded
        return self._cache

    def labels(self, words: Sequence[str], gaz: Sequence[str]) -> list[str]:
        """BIO labels for one sequence of folded words."""
        if not words:
            return []
        feats = sentence_features(
            words, self.segmenter, gaz, self.given, self.clusters, self._memo(), self.vectors
        )
        return list(self._tagger.tag(feats))

    def tag(self, text: str, spans: Sequence[tuple[int, int]], gaz: Sequence[str]) -> list[Tagged]:
        """Entities in ``text`` over tagger tokens ``spans`` (from :func:`tagger_tokens`)."""
        words = [norm_word(text[a:b]) or text[a:b] for a, b in spans]
        out: list[Tagged] = []
        # One sequence per sentence, as the model was trained: a line break or a full stop ends one.
        begin = 0
        for k in range(1, len(spans) + 1):
            if (
                k == len(spans)
                or words[k - 1] in _SENTENCE_END
                or "\n" in text[spans[k - 1][1] : spans[k][0]]
            ):
                out.extend(self._tag_run(text, spans, words, gaz, begin, k))
                begin = k
        return out

    def _tag_run(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        words: Sequence[str],
        gaz: Sequence[str],
        a: int,
        b: int,
    ) -> list[Tagged]:
        feats = sentence_features(
            words[a:b],
            self.segmenter,
            gaz[a:b],
            self.given,
            self.clusters,
            self._memo(),
            self.vectors,
        )
        labels = self._tagger.tag(feats)
        out: list[Tagged] = []
        i = 0
        while i < len(labels):
            lab = labels[i]
            if lab == "O":
                i += 1
                continue
            kind = lab[2:]
            j = i + 1
            while j < len(labels) and labels[j] == "I-" + kind:
                j += 1
            conf = sum(self._tagger.marginal(labels[k], k) for k in range(i, j)) / (j - i)
            first, last = a + i, a + j
            start = spans[first][0]
            clitic = _display_clitic(text[start : spans[first][1]], self._name_clitic(words[first]))
            out.append(
                Tagged(
                    first,
                    last,
                    start + len(clitic),
                    spans[last - 1][1],
                    LABEL_TYPES[kind],
                    clitic,
                    conf,
                )
            )
            i = j
        return out


def _display_clitic(display: str, pre: str) -> str:
    """The letters of proclitic ``pre`` at the start of ``display`` ("" if marks hide them)."""
    if pre and display.startswith(pre):
        return pre
    return ""


def _json_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _data(name: str) -> Path:
    return Path(str(resources.files("nashra.enrich").joinpath("data").joinpath(name)))


def model_available() -> bool:
    return all(_data(f).is_file() for f in (MODEL_FILE, STEMS_FILE, CLUSTERS_FILE))


@functools.cache
def default_tagger() -> Tagger | None:
    """The shipped model, loaded once per process (``None`` if the model file is missing)."""
    if not model_available():
        return None
    from nashra.enrich.rules import GIVEN_NAMES

    vectors = _data(VECTORS_FILE)
    return Tagger(
        _data(MODEL_FILE),
        _data(STEMS_FILE),
        _data(CLUSTERS_FILE),
        GIVEN_NAMES,
        vectors if vectors.is_file() else None,
    )
