"""Which articles a channel takes: include / exclude by source, keyword, entity and topic.

No user-supplied regular expressions (ReDoS): keywords are phrases compared on the matching form
(``nashra.arabic.normalize``) at word boundaries, with proclitics (و، ف، ب، ك، ل، ال) tolerated,
so "الأردن" matches "وبالاردن". Entities and topics compare on the matching form too.

    include = { sources = ["…"], keywords = ["…"], entities = ["…"], topics = ["…"] }
    exclude = { keywords = ["…"] }

When any ``include`` list is set an article must match at least one include entry; an article
that matches any ``exclude`` entry is left out (exclude wins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nashra.arabic import normalize, strip_clitics, tokenize
from nashra.errors import ConfigError
from nashra.models import Article, Enrichment

FIELDS = ("sources", "keywords", "entities", "topics")


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[str] = frozenset()
    keywords: tuple[tuple[str, ...], ...] = ()  # each keyword as matching-form tokens
    entities: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.sources or self.keywords or self.entities or self.topics)


def _tokens(text: str) -> list[str]:
    return [strip_clitics(tok) for tok in tokenize(normalize(text))]


def _rule(table: Any, where: str) -> Rule:
    if table is None:
        return Rule()
    if not isinstance(table, Mapping) or set(table) - set(FIELDS):
        raise ConfigError(
            f"قواعد التوجيه تقبل {', '.join(FIELDS)} فقط — routing takes only these lists",
            where=where,
        )
    lists: dict[str, list[str]] = {}
    for key in FIELDS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{key} يجب أن تكون قائمة نصوص — must be a list of strings", where=where
            )
        lists[key] = value
    keywords = tuple(t for t in (tuple(_tokens(k)) for k in lists["keywords"]) if t)
    return Rule(
        sources=frozenset(lists["sources"]),
        keywords=keywords,
        entities=frozenset(normalize(e) for e in lists["entities"]),
        topics=frozenset(normalize(t) for t in lists["topics"]),
    )


@dataclass(frozen=True, slots=True)
class Routes:
    include: Rule = Rule()
    exclude: Rule = Rule()

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> Routes:
        return cls(_rule(options.get("include"), where), _rule(options.get("exclude"), where))

    @property
    def everything(self) -> bool:
        return self.include.empty and self.exclude.empty

    def verdict(self, article: Article, enrichment: Enrichment) -> str | None:
        """None when the channel takes the article, else the reason it does not (for the log)."""
        if self.everything:
            return None
        hit = _matches(self.exclude, article, enrichment)
        if hit:
            return f"استُبعد بقاعدة — excluded by {hit}"
        if not self.include.empty and not _matches(self.include, article, enrichment):
            return "لا يطابق قواعد القناة — matches no include rule"
        return None


def _has_phrase(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


def _matches(rule: Rule, article: Article, enrichment: Enrichment) -> str | None:
    if rule.empty:
        return None
    if article.source in rule.sources:
        return f"source {article.source}"
    if rule.keywords:
        tokens = _tokens(article.title + "\n" + article.text)
        for phrase in rule.keywords:
            if _has_phrase(tokens, phrase):
                return f"keyword {' '.join(phrase)}"
    if rule.entities:
        for ent in enrichment.entities:
            for form in (ent.canonical, ent.text):
                if form and normalize(form) in rule.entities:
                    return f"entity {form}"
    if rule.topics and enrichment.topic and normalize(enrichment.topic) in rule.topics:
        return f"topic {enrichment.topic}"
    return None
