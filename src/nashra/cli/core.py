"""Core commands: init, run, once, post, sources, demo (filled in by the pipeline issue)."""

from __future__ import annotations
