"""Train Nashra's entity tagger (a CRF) on WikiFANE Gold + NewsFANE Gold; print the figures.

Data, read in place from ../shared/data/ner/ (never copied into the project):
    fane/WikiFANE_2014_Gold_standard.zip: WikiFANE Gold (Arabic Wikipedia, 505k tokens) and
        NewsFANE Gold (newswire, 173k tokens), token<TAB>BIO-tag, 50 fine types. CC BY-SA 3.0:
        F. Alotaibi and M. Lee, "A Hybrid Approach to Features Representation for Fine-grained
        Arabic Named Entity Recognition", COLING 2014. The model trained here ships under the
        same licence, with that attribution (src/nashra/enrich/data/ner.LICENSE.md).
    anercorp/ANERCorp: the same newswire text as NewsFANE, annotated by Benajiba et al. (2007);
        research only, so it is used for evaluation only (bench/eval_enrich.py), never here.

The corpora are clitic-segmented (``و قال``, ``عاصمة ها``). Tokens are glued back into words as
an article writes them (``وقال``, ``عاصمتها``, ``ل الاتحاد`` → ``للاتحاد``), each word keeping the
label of its stem and the length of its proclitic, so the tagger is trained on what it reads at
run time; the segmented stems give the stem counts of the word segmenter.

Fine types → Nashra's: PER (the persons: Politician, Artist, Athlete, … Police, Other_PER;
not Group, «العرب»), ORG, PLACE (GPE: Nation, Population-Center…; LOC: Water-Body, Celestial…;
FAC: Building-Grounds, Path, Airport…), MISC (the rest: works, products, vehicles, weapons, Group).

Splits (fixed, no randomness: contiguous blocks of sentences in corpus order):
    NewsFANE: the final block from the first sentence end at 78% of the tokens → HELD BACK (never
        trained on; bench/eval_enrich.py finds the same text in ANERcorp by aligning the two token
        streams); the 10% before it → dev; the rest → train.
    WikiFANE: the final 10% → HELD BACK (another domain); the 10% before it → dev; the rest → train.
Dev is where choices are made (the regularisation below was set there); the shipped model is
trained on train + dev. CRF training (L-BFGS) is deterministic.

    .venv/bin/python scripts/train_ner.py             # train, report dev; train + dev, write
    .venv/bin/python scripts/train_ner.py --dev-only   # only the dev run (for tuning)
"""

from __future__ import annotations

import functools
import gzip
import json
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nashra.enrich._text import norm_word  # noqa: E402
from nashra.enrich.tagger import Segmenter, sentence_features  # noqa: E402

DATA = ROOT.parent / "shared/data/ner"
FANE = DATA / "fane/WikiFANE_2014_Gold_standard.zip"
OUT_DIR = ROOT / "src/nashra/enrich/data"
MODEL = OUT_DIR / "ner.crfsuite"
STEMS = OUT_DIR / "ner_stems.json.gz"
VECTORS = OUT_DIR / "ner_vectors.json.gz"

PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.minfreq": 2}
NEWS_COPIES = 1  # NewsFANE training sentences are appended this many times (domain weight)

PER = {
    "Politician", "Religious_PER", "Artist", "Other_PER", "Scientist", "Athlete",
    "Businessperson", "Engineer", "Lawyer", "Police",
}  # fmt: skip
ORG = {
    "Government", "Commercial", "Educational", "Media", "Religious_ORG", "Sports",
    "Non-Governmental", "Entertainment", "Medical-Science",
}  # fmt: skip
PLACE = {
    "Continent", "Nation", "State-or-Province", "County-or-District", "Population-Center",
    "GPE-Cluster", "Water-Body", "Celestial", "Land-Region-Natural", "Building-Grounds",
    "Subarea-Facility", "Path", "Airport", "Plant",
}  # fmt: skip
PROCLITIC_TOKENS = {"و", "ف", "ب", "ل"}
ENCLITIC_TOKENS = {"ه", "ها", "هم", "هما", "هن", "نا", "ي", "ني", "كم", "كما", "كن"}


def coarse(fine: str) -> str:
    if fine in PER:
        return "PER"
    if fine in ORG:
        return "ORG"
    if fine in PLACE:
        return "PLACE"
    return "MISC"


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # the word as an article writes it (clitics glued back)
    label: str  # B-PER … O (of the stem)
    pre: int  # letters of proclitic before the stem


Sentence = list[Word]


def read_fane(name: str) -> list[list[tuple[str, str]]]:
    """Sentences of (token, fine BIO tag); a blank line or a ``.`` token ends a sentence."""
    with zipfile.ZipFile(FANE) as z:
        member = next(n for n in z.namelist() if n.endswith(name))
        raw = z.read(member).decode("utf-8-sig")
    sentences: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for line in raw.splitlines():
        line = line.replace("\u200e", "").replace("\ufeff", "").rstrip("\r")
        tok, _, tag = line.partition("\t")
        tok, tag = tok.strip(), tag.strip()
        if not tok:
            if cur:
                sentences.append(cur)
                cur = []
            continue
        cur.append((tok, tag or "O"))
        if tok == ".":
            sentences.append(cur)
            cur = []
    if cur:
        sentences.append(cur)
    return sentences


def _label(tag: str) -> str:
    if tag == "O" or "-" not in tag:
        return "O"
    bio, fine = tag.split("-", 1)
    return f"{bio}-{coarse(fine)}" if bio in ("B", "I") else "O"


def desegment(tokens: Sequence[tuple[str, str]]) -> Sentence:
    """Glue proclitic and enclitic tokens back onto their words."""
    out: list[Word] = []
    pending = ""
    for k, (tok, tag) in enumerate(tokens):
        nxt = tokens[k + 1][0] if k + 1 < len(tokens) else ""
        if tok in PROCLITIC_TOKENS and nxt[:1].isalpha():
            pending += tok
            continue
        if tok == "ك" and nxt[:1].isalpha() and (not out or pending or nxt == "ما"):
            pending += tok
            continue
        if (
            (tok in ENCLITIC_TOKENS or tok == "ك")
            and out
            and not pending
            and out[-1].text[-1:].isalpha()
        ):
            prev = out[-1]
            out[-1] = Word(prev.text + tok, prev.label, prev.pre)
            continue
        word = tok
        if word.startswith("لال") and len(word) > 4 and not pending:
            word, pending = word[1:], "ل"  # NewsFANE writes لالاتحاد for للاتحاد
        if pending.endswith("ل") and word.startswith("ال") and len(word) > 3:
            word = word[1:]  # ل + الاتحاد → للاتحاد
        out.append(Word(pending + word, _label(tag), len(pending)))
        pending = ""
    if pending:
        out.append(Word(pending, "O", 0))
    return _repair(out)


def _repair(words: list[Word]) -> Sentence:
    """BIO after gluing: an I- that follows nothing of its type becomes B-."""
    out: list[Word] = []
    prev = "O"
    for w in words:
        lab = w.label
        if lab.startswith("I-") and prev[2:] != lab[2:]:
            lab = "B-" + lab[2:]
        out.append(Word(w.text, lab, w.pre))
        prev = lab
    return out


@dataclass(frozen=True, slots=True)
class Splits:
    news_train: list[Sentence]
    news_dev: list[Sentence]
    news_held: list[Sentence]
    wiki_train: list[Sentence]
    wiki_dev: list[Sentence]
    wiki_held: list[Sentence]
    stems: list[list[tuple[str, str]]]  # segmented train + dev sentences (stem counts)

    @property
    def train(self) -> list[Sentence]:
        return self.news_train + self.wiki_train

    @property
    def dev(self) -> list[Sentence]:
        return self.news_dev + self.wiki_dev


def _cut(sentences: Sequence[Sequence[object]], share: float) -> int:
    """Index of the first sentence after ``share`` of the tokens (a cut at a sentence end)."""
    total = sum(len(s) for s in sentences)
    seen = 0
    for i, s in enumerate(sentences):
        if seen >= share * total:
            return i
        seen += len(s)
    return len(sentences)


def splits() -> Splits:
    news = read_fane("NewsFANE_Gold_2014_170K.txt")
    wiki = read_fane("WikiFANE_Gold_2014_500K.txt")
    n_held, n_dev = _cut(news, 0.78), _cut(news, 0.68)
    w_held, w_dev = _cut(wiki, 0.90), _cut(wiki, 0.80)
    train_raw = news[:n_dev] + wiki[:w_dev]
    dev_raw = news[n_dev:n_held] + wiki[w_dev:w_held]
    return Splits(
        news_train=[desegment(s) for s in news[:n_dev]],
        news_dev=[desegment(s) for s in news[n_dev:n_held]],
        news_held=[desegment(s) for s in news[n_held:]],
        wiki_train=[desegment(s) for s in wiki[:w_dev]],
        wiki_dev=[desegment(s) for s in wiki[w_dev:w_held]],
        wiki_held=[desegment(s) for s in wiki[w_held:]],
        stems=train_raw + dev_raw,
    )


def stem_counts(sentences: Iterable[Sequence[tuple[str, str]]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for s in sentences:
        counts.update(norm_word(tok) for tok, _ in s if tok[:1].isalnum())
    return {w: c for w, c in counts.items() if c >= 2 and w}


def gazetteer_labels(words: Sequence[str]) -> list[str]:
    """The shipped gazetteers' label per word: ``B-place`` / ``I-organisation`` / ""."""
    from nashra.enrich import default_enricher
    from nashra.enrich._text import word_spans

    text = " ".join(words)
    offsets: dict[int, int] = {}
    pos = 0
    for i, w in enumerate(words):
        offsets[pos] = i
        pos += len(w) + 1
    tokens = word_spans(text)
    out = [""] * len(words)
    for m in default_enricher().gazetteer.find(tokens):
        for k in range(m.first, m.last):
            i = offsets.get(tokens[k].start)
            if i is not None:
                out[i] = ("B-" if k == m.first else "I-") + m.entry.type
    return out


@functools.cache
def clusters() -> dict[str, list[int]]:
    """Word clusters written by scripts/build_word_clusters.py (run it first)."""
    with gzip.open(OUT_DIR / "ner_clusters.json.gz", "rt", encoding="utf-8") as fh:
        table: dict[str, list[int]] = json.load(fh)
    return table


@functools.cache
def vectors() -> dict[str, list[int]]:
    """Word2vec clusters written by scripts/build_word_vectors.py (``--vectors PATH`` to try
    another file; ``--vectors none`` to train without them)."""
    arg = sys.argv[sys.argv.index("--vectors") + 1] if "--vectors" in sys.argv else ""
    if arg == "none" or not (arg or VECTORS.is_file()):
        return {}
    with gzip.open(arg or VECTORS, "rt", encoding="utf-8") as fh:
        table: dict[str, list[int]] = json.load(fh)
    return table


def featurize(sent: Sentence, seg: Segmenter) -> list[list[str]]:
    from nashra.enrich.rules import GIVEN_NAMES

    words = [norm_word(w.text) or w.text for w in sent]
    gaz = gazetteer_labels([w.text for w in sent])
    return sentence_features(words, seg, gaz, GIVEN_NAMES, clusters(), vectors=vectors())


def spans(labels: Sequence[str]) -> set[tuple[int, int, str]]:
    out: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, lab in enumerate([*labels, "O"]):
        if start >= 0 and lab != "I-" + kind:
            out.add((start, i, kind))
            start, kind = -1, ""
        if lab.startswith("B-") or (lab.startswith("I-") and start < 0):
            start, kind = i, lab[2:]
    return out


def report(name: str, gold: list[list[str]], pred: list[list[str]]) -> None:
    tp: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = spans(g), spans(p)
        for s in gs:
            ng[s[2]] += 1
        for s in ps:
            npred[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1
    print(f"{name}: entity P/R/F1 (exact span and type, words as written)")
    for kind in ("PER", "ORG", "PLACE", None):
        t = sum(tp[k] for k in ("PER", "ORG", "PLACE")) if kind is None else tp[kind]
        g_ = sum(ng[k] for k in ("PER", "ORG", "PLACE")) if kind is None else ng[kind]
        p_ = sum(npred[k] for k in ("PER", "ORG", "PLACE")) if kind is None else npred[kind]
        prec, rec = (t / p_ if p_ else 0.0), (t / g_ if g_ else 0.0)
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"  {kind or 'PER+ORG+PLACE':<14} n={g_:>5}  P {prec:.3f}  R {rec:.3f}  F1 {f1:.3f}")


def train(sentences: Sequence[Sentence], seg: Segmenter, path: Path) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for s in sentences:
        trainer.append(featurize(s, seg), [w.label for w in s])
    trainer.set_params(PARAMS)
    t0 = time.perf_counter()
    trainer.train(str(path))
    print(f"trained on {len(sentences)} sentences in {time.perf_counter() - t0:.0f} s → {path}")


def evaluate(name: str, sentences: Sequence[Sentence], seg: Segmenter, path: Path) -> None:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    pred = [list(tagger.tag(featurize(s, seg))) for s in sentences]
    report(name, [[w.label for w in s] for s in sentences], pred)


def _option(name: str, default: float) -> float:
    if name in sys.argv:
        return float(sys.argv[sys.argv.index(name) + 1])
    return default


def main() -> None:
    global NEWS_COPIES
    PARAMS["c1"] = _option("--c1", PARAMS["c1"])
    PARAMS["c2"] = _option("--c2", PARAMS["c2"])
    NEWS_COPIES = int(_option("--news-copies", NEWS_COPIES))
    print(f"parameters: {PARAMS}, NewsFANE copies {NEWS_COPIES}")
    sp = splits()
    counts = stem_counts(sp.stems)
    seg = Segmenter(counts)
    print(
        f"sentences: train {len(sp.train)}, dev {len(sp.dev)}, held back: NewsFANE "
        f"{len(sp.news_held)} ({sum(map(len, sp.news_held))} words), WikiFANE {len(sp.wiki_held)}"
    )
    dev_model = Path("/tmp/nashra-ner-dev.crfsuite")
    train(sp.news_train * NEWS_COPIES + sp.wiki_train, seg, dev_model)
    evaluate("dev: NewsFANE dev block", sp.news_dev, seg, dev_model)
    evaluate("dev: WikiFANE dev block", sp.wiki_dev, seg, dev_model)
    if "--dev-only" in sys.argv:
        return
    news = (sp.news_train + sp.news_dev) * NEWS_COPIES
    train(news + sp.wiki_train + sp.wiki_dev, seg, MODEL)
    raw = json.dumps(counts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    STEMS.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"model {MODEL.stat().st_size / 1e6:.1f} MB, stems {STEMS.stat().st_size / 1e6:.1f} MB")
    evaluate("held back NewsFANE block (tagger alone)", sp.news_held, seg, MODEL)
    evaluate("held back WikiFANE block (tagger alone)", sp.wiki_held, seg, MODEL)


if __name__ == "__main__":
    main()


# -- ANERcorp: the same text as NewsFANE, found by aligning the two token streams ---------------


def read_anercorp() -> list[tuple[str, str]]:
    """ANERcorp's (token, tag) pairs in file order."""
    out: list[tuple[str, str]] = []
    for line in (DATA / "anercorp/ANERCorp").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            out.append((parts[0], parts[1]))
    return out


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # ANERcorp token range [start, end) of the held-back NewsFANE block
    end: int
    anchored: float  # share of the block's words whose 5-gram is found once in ANERcorp
    inside: float  # share of those anchors that fall inside [start, end)


def anercorp_block(held: Sequence[Sentence], aner: Sequence[tuple[str, str]], n: int = 5) -> Block:
    """Where NewsFANE's held-back block is in ANERcorp (NewsFANE's order is ANERcorp's, rotated).

    Both streams are folded word by word; every 5-gram that occurs once in ANERcorp anchors a
    NewsFANE word to an ANERcorp position. The block is the span between the first and the last
    anchor that sit on the block's main diagonal, widened to ANERcorp's sentence ends (``.``).
    """
    a = [norm_word(w.text) or w.text for s in held for w in s]
    b = [norm_word(w) or w for w, _ in aner]
    index: dict[tuple[str, ...], int] = {}
    dup: set[tuple[str, ...]] = set()
    for j in range(len(b) - n + 1):
        key = tuple(b[j : j + n])
        if key in index:
            dup.add(key)
        index[key] = j
    anchors = []
    for i in range(len(a) - n + 1):
        key = tuple(a[i : i + n])
        if key in index and key not in dup:
            anchors.append((i, index[key]))
    # On the diagonal: an anchor whose two neighbours keep (almost) the same offset j - i.
    on = [
        anchors[k]
        for k in range(1, len(anchors) - 1)
        if abs((anchors[k + 1][1] - anchors[k + 1][0]) - (anchors[k][1] - anchors[k][0])) <= 3
        and abs((anchors[k - 1][1] - anchors[k - 1][0]) - (anchors[k][1] - anchors[k][0])) <= 3
    ]
    start, end = on[0][1] - on[0][0], on[-1][1] + (len(a) - on[-1][0])
    start = max(0, min(start, len(b)))
    while start > 0 and aner[start - 1][0] != ".":
        start -= 1
    end = min(end, len(b))
    while end < len(b) and aner[end - 1][0] != ".":
        end += 1
    inside = sum(start <= j < end for _, j in anchors)
    return Block(start, end, len(anchors) / max(len(a), 1), inside / max(len(anchors), 1))
