"""Local channels: ``directory`` (one text file per post plus posts.jsonl) and ``stdout``."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from nashra.channels.base import ChannelOptions, check_keys, register
from nashra.errors import ConfigError
from nashra.models import Delivery, Post
from nashra.settings import ChannelConfig, Config


def _write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DirectoryChannel:
    """Writes ``<post id>.txt`` and appends one JSON line per post to ``posts.jsonl``.

    Idempotent by construction: a resend of the same post rewrites the same file, and the JSON
    line is only appended when the file did not exist yet.
    """

    kind: ClassVar[str] = "directory"
    can_edit: ClassVar[bool] = True

    def __init__(self, name: str, path: Path, options: ChannelOptions) -> None:
        self.name = name
        self.path = path
        self.options = options

    async def send(self, post: Post) -> Delivery:
        assert post.id is not None
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"{post.id:06d}.txt"
        fresh = not target.exists()
        _write_atomic(target, post.text)
        if fresh:
            line = {
                "id": post.id,
                "article_id": post.article_id,
                "channel": self.name,
                "title": post.title,
                "url": post.url,
                "hashtags": list(post.hashtags),
                "file": target.name,
                "text": post.text,
                "sent_at": datetime.now(UTC).isoformat(),
            }
            with open(self.path / "posts.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return Delivery(post_id=post.id, channel=self.name, ok=True, remote_id=target.name)

    async def edit(self, post: Post) -> Delivery:
        return await self.send(post)

    async def aclose(self) -> None:
        return None


class StdoutChannel:
    kind: ClassVar[str] = "stdout"
    can_edit: ClassVar[bool] = False

    def __init__(self, name: str, options: ChannelOptions) -> None:
        self.name = name
        self.options = options

    async def send(self, post: Post) -> Delivery:
        assert post.id is not None
        sys.stdout.write(post.text.rstrip("\n") + "\n\n")
        sys.stdout.flush()
        return Delivery(post_id=post.id, channel=self.name, ok=True)

    async def edit(self, post: Post) -> Delivery:
        return await self.send(post)

    async def aclose(self) -> None:
        return None


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
