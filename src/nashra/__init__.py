"""Nashra (نشرة): Arabic news in, channel posts out — once per story, with nothing lost."""

__version__ = "0.1.0"
