"""The topic classifier shipped with Nashra: multinomial naive Bayes over folded words.

Trained by ``scripts/train_topics.py`` on the ANT corpus v1.1 (Apache-2.0; Chouigui, Ben
Khiroun and Elayeb, "ANT Corpus: An Arabic News Text Collection for Textual Classification",
IEEE/ACS AICCSA 2017). ANT's nine JawharaFM categories map to Nashra topics as below; ANT has
no security category, so ``security`` is not predicted by the model.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from nashra.enrich._text import is_stopword, strip_clitics, tokenize

__all__ = ["ANT_TO_TOPIC", "TOPICS", "TopicModel", "classify", "features", "load_model"]

ANT_TO_TOPIC: Mapping[str, str] = {
    "politic": "politics",
    "internationalNews": "international",
    "localNews": "local",
    "economy": "economy",
    "sport": "sport",
    "culture": "culture",
    "technology": "technology",
    "society": "society",
    "diverse": "misc",
}
TOPICS = tuple(sorted(set(ANT_TO_TOPIC.values())))
_TITLE_WEIGHT = 2
_MAX_WORDS = 600


def features(title: str, body: str) -> list[str]:
    """Folded, clitic-stripped content words; title words count twice."""
    words = [w for w in tokenize(body)[:_MAX_WORDS] if len(w) > 1 and not w.isdigit()]
    head = [w for w in tokenize(title) if len(w) > 1 and not w.isdigit()]
    out = [strip_clitics(w) for w in head * _TITLE_WEIGHT + words]
    return [w for w in out if not is_stopword(w)]


class TopicModel:
    def __init__(
        self,
        classes: Sequence[str],
        vocab: Sequence[str],
        log_prior: npt.NDArray[np.float64],
        log_prob: npt.NDArray[np.float64],
    ) -> None:
        self.classes = tuple(classes)
        self._index = {w: i for i, w in enumerate(vocab)}
        self._log_prior = log_prior
        self._log_prob = log_prob  # (vocab, classes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, alpha: float | None = None) -> TopicModel:
        classes: list[str] = list(data["classes"])
        vocab: list[str] = list(data["vocab"])
        a = float(alpha if alpha is not None else data.get("alpha", 1.0))
        counts = np.zeros((len(vocab), len(classes)))
        for c, pairs in enumerate(data["counts"]):
            if pairs:
                idx, n = zip(*pairs, strict=True)
                counts[list(idx), c] = n
        smoothed = counts + a
        log_prob = np.log(smoothed / smoothed.sum(axis=0, keepdims=True))
        docs = np.asarray(data["docs"], dtype=np.float64)
        return cls(classes, vocab, np.log(docs / docs.sum()), log_prob)

    def scores(self, feats: Sequence[str]) -> npt.NDArray[np.float64]:
        ids = [i for i in map(self._index.get, feats) if i is not None]
        total: npt.NDArray[np.float64] = self._log_prior.copy()
        if ids:
            total += self._log_prob[ids].sum(axis=0)
        return total

    def classify_features(self, feats: Sequence[str]) -> str | None:
        if not any(f in self._index for f in feats):
            return None
        return self.classes[int(np.argmax(self.scores(feats)))]

    def posterior(self, title: str, body: str) -> tuple[str | None, float]:
        """The most likely topic and its posterior probability (``(None, 0.0)``: no known word)."""
        feats = features(title, body)
        if not any(f in self._index for f in feats):
            return None, 0.0
        scores = self.scores(feats)
        probs = np.exp(scores - scores.max())
        best = int(np.argmax(scores))
        return self.classes[best], float(probs[best] / probs.sum())

    def classify(self, title: str, body: str) -> str | None:
        """The most likely topic, or None when no known word is in the text."""
        return self.classify_features(features(title, body))


@functools.cache
def load_model() -> TopicModel:
    path = resources.files("nashra.enrich").joinpath("data").joinpath("topics.json.gz")
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return TopicModel.from_dict(data)


def classify(title: str, body: str) -> str | None:
    return load_model().classify(title, body)
