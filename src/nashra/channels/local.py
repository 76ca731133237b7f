"""Local channels: ``directory`` (one text file per post plus posts.jsonl) and ``stdout``."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from nashra.channels.base import BaseChannel, ChannelOptions, Traits, check_keys, post_of, register
from nashra.errors import ConfigError, ContentRejected
from nashra.models import Part
from nashra.settings import ChannelConfig, Config


def _write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DirectoryChannel(BaseChannel):
    """Writes ``<post id>.txt`` and appends one JSON line per post to ``posts.jsonl``.

    Idempotent by construction: a resend of the same post rewrites the same file, and the JSON
    line is only appended when the post's id is not in ``posts.jsonl`` yet (so a crash between
    the file and the line is repaired by the resend, never doubled).
    """

    kind: ClassVar[str] = "directory"
    traits = Traits(timeout=10.0, can_edit=True, can_delete=True, idempotent=True)

    def __init__(self, name: str, path: Path, options: ChannelOptions) -> None:
        super().__init__(name, options)
        self.path = path

    def _listed(self, post_id: int) -> bool:
        log = self.path / "posts.jsonl"
        if not log.exists():
            return False
        with open(log, encoding="utf-8") as fh:
            for line in fh:
                try:
                    if json.loads(line).get("id") == post_id:
                        return True
                except ValueError:  # a line cut by a crash: rewritten below
                    continue
        return False

    def _write(self, part: Part) -> str:
        post = post_of(part)
        assert post.id is not None
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            target = self.path / f"{post.id:06d}.txt"
            fresh = not target.exists()  # the line is written after the file, never before
            _write_atomic(target, part.body)
            if fresh or not self._listed(post.id):
                line = {
                    "id": post.id,
                    "article_id": post.article_id,
                    "channel": self.name,
                    "title": post.title,
                    "url": post.url,
                    "hashtags": list(post.hashtags),
                    "file": target.name,
                    "text": part.body,
                    "sent_at": datetime.now(UTC).isoformat(),
                }
                with open(self.path / "posts.jsonl", "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
        except OSError as exc:
            raise ContentRejected(
                f"تعذرت كتابة المنشور — cannot write the post: {exc}", channel=self.name
            ) from exc
        return target.name

    async def send(self, part: Part) -> str:
        return self._write(part)

    async def edit(self, part: Part, remote_id: str) -> None:
        self._write(part)

    async def delete(self, remote_id: str) -> None:
        target = self.path / Path(remote_id).name
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            raise ContentRejected(f"تعذر الحذف — cannot delete: {exc}", channel=self.name) from exc


class StdoutChannel(BaseChannel):
    """Prints each post. Not idempotent and cannot be asked: a crash mid-print is ``unknown``."""

    kind: ClassVar[str] = "stdout"
    traits = Traits(timeout=10.0)

    async def send(self, part: Part) -> str:
        sys.stdout.write(part.body.rstrip("\n") + "\n\n")
        sys.stdout.flush()
        return ""


@register("directory")
def _directory(cfg: ChannelConfig, config: Config) -> DirectoryChannel:
    check_keys(cfg, {"path"})
    path = cfg.options.get("path")
    if not isinstance(path, str) or not path:
        raise ConfigError("قناة directory تحتاج المفتاح path", where=cfg.name)
    options = ChannelOptions.from_mapping(cfg.options, cfg.name)
    return DirectoryChannel(cfg.name, config.resolve(path), options)


@register("stdout")
def _stdout(cfg: ChannelConfig, config: Config) -> StdoutChannel:
    check_keys(cfg, set())
    return StdoutChannel(cfg.name, ChannelOptions.from_mapping(cfg.options, cfg.name))
