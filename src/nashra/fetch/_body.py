"""Reading a body within a cap on its *decoded* size.

Only ``gzip`` (and ``deflate``, which some servers send anyway) are accepted, one layer at most;
they are inflated here with ``max_length`` so that a small compressed body that expands to
gigabytes stops at the cap instead of filling memory (httpx's own decoders have no output bound).
"""

from __future__ import annotations

import zlib

from nashra.errors import BodyTooLarge, UnexpectedContent

_GZIP = ("gzip", "x-gzip")
_IDENTITY = ("", "identity")


def content_codings(header: str | None) -> list[str]:
    if not header:
        return []
    return [c.strip().lower() for c in header.split(",") if c.strip().lower() not in _IDENTITY]


class BoundedBody:
    """Collects raw chunks, decodes them and stops past ``limit`` decoded bytes.

    With ``truncate`` the body is cut at ``limit`` instead (robots.txt: read the first 500 KiB).
    """

    def __init__(self, coding: str | None, limit: int, *, truncate: bool = False) -> None:
        codings = content_codings(coding)
        if len(codings) > 1:
            raise UnexpectedContent(f"ترميز نقل مكدّس مرفوض (stacked content encodings: {coding})")
        self._coding = codings[0] if codings else ""
        if self._coding not in ("", *_GZIP, "deflate"):
            raise UnexpectedContent(f"ترميز نقل غير مدعوم (unsupported content encoding: {coding})")
        self._limit = limit
        self._truncate = truncate
        self._parts: list[bytes] = []
        self._size = 0
        self._inflater: zlib._Decompress | None = None
        self._raw_deflate = False
        self.full = False  # truncate mode: the cap was reached, stop reading
        if self._coding:
            self._inflater = self._new_inflater()

    def _new_inflater(self) -> zlib._Decompress:
        if self._coding in _GZIP:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        if not data:
            return
        room = self._limit - self._size
        if len(data) > room:
            if not self._truncate:
                raise BodyTooLarge(f"المحتوى أكبر من الحد (body over {self._limit} bytes)")
            data = data[:room]
            self.full = True
        self._parts.append(data)
        self._size += len(data)

    def feed(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._keep(chunk)
            return
        data = chunk
        while data and not self.full:
            try:
                out = self._inflater.decompress(data, self._limit - self._size + 1)
            except zlib.error as exc:
                if self._coding == "deflate" and not self._raw_deflate and self._size == 0:
                    # "deflate" sent as raw DEFLATE without the zlib wrapper: a common mistake.
                    self._raw_deflate = True
                    self._inflater = self._new_inflater()
                    continue
                raise UnexpectedContent(
                    f"محتوى مضغوط تالف (corrupt {self._coding} body: {exc})"
                ) from exc
            self._keep(out)
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof and self._inflater.unused_data:
                data = self._inflater.unused_data  # a further gzip member
                self._inflater = self._new_inflater()
            else:
                data = b""

    def finish(self) -> bytes:
        inflater = self._inflater
        unfinished = inflater is not None and not self.full and not inflater.eof
        if unfinished and (self._size or self._coding in _GZIP):
            raise UnexpectedContent(f"محتوى مضغوط مبتور (truncated {self._coding} body)")
        return b"".join(self._parts)
