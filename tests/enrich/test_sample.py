"""The seed post (../shared/seed/sample_post.txt, read in place): the hashtags an editor keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashra.enrich import HASHTAG_PATTERN, enrich

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared/seed/sample_post.txt"


@pytest.fixture(scope="module")
def sample() -> tuple[str, str]:
    if not SAMPLE.is_file():
        pytest.fail(f"the seed post is missing: {SAMPLE}")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    # line 1: the crude hashtag line; line 2: title; line 3: byline; then the body, whose last
    # five lines are another aggregator's footer.
    return lines[1], "\n".join(lines[3:-5])


def test_sample_hashtags(sample: tuple[str, str]) -> None:
    title, body = sample
    tags = enrich(title, body).hashtags
    assert tags[:4] == ("#داعش", "#بغداد", "#دمشق", "#واشنطن")
    assert "#فؤاد_حسين" in tags
    assert len(tags) == 6
    for bad in ("#مع", "#من", "#داعش.", "#للتنسيق", "#وواشنطن", "#التنظيم", "#خطر"):
        assert bad not in tags
    assert all(HASHTAG_PATTERN.match(t) for t in tags)


def test_sample_entities(sample: tuple[str, str]) -> None:
    title, body = sample
    result = enrich(title, body)
    canon = {(e.canonical, e.type) for e in result.entities}
    for want in [
        ("داعش", "organisation"),
        ("بغداد", "place"),
        ("دمشق", "place"),
        ("واشنطن", "place"),
        ("فؤاد حسين", "person"),
        ("قوات سوريا الديمقراطية", "organisation"),
        ("مخيم الهول", "place"),
        ("الرقة", "place"),
        ("دير الزور", "place"),
        ("القيادة المركزية الأمريكية", "organisation"),
        ("وكالة الأنباء العراقية", "organisation"),
    ]:
        assert want in canon
    # ``وقال حسين`` is the minister again, and (قسد) is the SDF again.
    texts = {(e.text, e.canonical) for e in result.entities}
    assert ("حسين", "فؤاد حسين") in texts
    assert ("قسد", "قوات سوريا الديمقراطية") in texts
    assert result.dates == ()
