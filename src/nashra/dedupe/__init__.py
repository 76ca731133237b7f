"""Deduplication: identity, canonical URLs, and (in later layers) near-duplicates and stories."""
