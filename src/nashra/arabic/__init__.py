"""The Arabic language layer: small pure functions every stage calls.

Matching form (``normalize``) is for matching, dedupe and search only; display text is cleaned
gently with ``clean_display`` and never folded.
"""

from nashra.arabic.normalize import clean_display, normalize, strip_clitics, tokenize

__all__ = ["clean_display", "normalize", "strip_clitics", "tokenize"]
