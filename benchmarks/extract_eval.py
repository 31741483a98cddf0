"""How well Digest finds an article's main text, against human-annotated article bodies.

    python benchmarks/extract_eval.py [--shared ../shared] [--worst 5]

Corpus: ``<shared>/corpora/article-pages/`` (121 real news pages, gzipped HTML, and
``ground-truth.json`` with the annotated ``articleBody``); ``<shared>`` is
``$DIGEST_SHARED`` or ``../shared`` next to the repository.

Score (the corpus README's): lower-cased ``\\w+`` tokens, multiset overlap,
precision / recall / F1 per page, then averaged over pages (macro); micro F1
pools the overlaps of all pages. Speed is pages per second of extraction alone
(HTML already decompressed and decoded), one thread.

Measured in the same run: our :func:`digest_app.collect.extract.extract_article`,
trafilatura with its default settings, trafilatura with ``include_comments=False``
(the corpus README's baseline), and a naive "all ``<p>`` text" baseline.
Prints a markdown table; exits non-zero only on a crash.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest_app.collect.extract import extract_article  # noqa: E402
from digest_app.errors import ParseError  # noqa: E402

TARGET_F1 = 0.95
_TOKEN = re.compile(r"\w+")

Extractor = Callable[[str, str], str]


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: str
    expected: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    overlap: int
    predicted: int
    expected: int


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def score(predicted: str, expected: str) -> Score:
    got, want = tokens(predicted), tokens(expected)
    overlap = sum((got & want).values())
    n_got, n_want = sum(got.values()), sum(want.values())
    if not n_got and not n_want:
        return Score(1.0, 1.0, 1.0, 0, 0, 0)
    precision = overlap / n_got if n_got else 0.0
    recall = overlap / n_want if n_want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return Score(precision, recall, f1, overlap, n_got, n_want)


def load_pages(corpus: Path) -> list[Page]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(id_, item["url"],
             gzip.decompress((corpus / "html" / f"{id_}.html.gz").read_bytes()).decode("utf-8"),
             item["articleBody"])
        for id_, item in sorted(truth.items())
    ]


def ours(html: str, url: str) -> str:
    try:
        return extract_article(html, url).text
    except ParseError:
        return ""


def trafilatura_default(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def trafilatura_no_comments(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def all_paragraphs(html: str, url: str) -> str:
    import lxml.html

    tree = lxml.html.document_fromstring(html)
    return "\n\n".join(p.text_content().strip() for p in tree.iter("p") if p.text_content().strip())


EXTRACTORS: dict[str, Extractor] = {
    "Digest extract_article (trafilatura precision + balanced fallback)": ours,
    "trafilatura 2.3.1 defaults": trafilatura_default,
    "trafilatura 2.3.1 include_comments=False": trafilatura_no_comments,
    "naive: all <p> text": all_paragraphs,
}


def evaluate(extract: Extractor, pages: list[Page]) -> tuple[list[Score], float]:
    started = time.perf_counter()
    outputs = [extract(page.html, page.url) for page in pages]
    elapsed = time.perf_counter() - started
    return [score(out, page.expected) for out, page in zip(outputs, pages)], elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--worst", type=int, default=5, help="list our N lowest-scoring pages")
    args = parser.parse_args(argv)
    corpus = args.shared.resolve() / "corpora" / "article-pages"
    pages = load_pages(corpus)
    for extract in EXTRACTORS.values():  # warm up imports and lazy tables outside the timing
        extract(pages[0].html, pages[0].url)

    print(f"Main-text extraction, {len(pages)} pages of {corpus}\n")
    print("| extractor | macro P | macro R | macro F1 | micro F1 | F1 < 0.5 | empty | pages/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    our_scores: list[Score] = []
    for name, extract in EXTRACTORS.items():
        scores, elapsed = evaluate(extract, pages)
        if extract is ours:
            our_scores = scores
        n = len(scores)
        overlap = sum(s.overlap for s in scores)
        micro_p = overlap / max(1, sum(s.predicted for s in scores))
        micro_r = overlap / max(1, sum(s.expected for s in scores))
        micro_f1 = 2 * micro_p * micro_r / (micro_p + micro_r) if overlap else 0.0
        print(f"| {name} | {sum(s.precision for s in scores) / n:.3f} "
              f"| {sum(s.recall for s in scores) / n:.3f} | {sum(s.f1 for s in scores) / n:.3f} "
              f"| {micro_f1:.3f} | {sum(s.f1 < 0.5 for s in scores)} "
              f"| {sum(s.predicted == 0 for s in scores)} | {n / elapsed:.1f} |")

    mean_f1 = sum(s.f1 for s in our_scores) / len(our_scores)
    verdict = "meets" if mean_f1 >= TARGET_F1 else "MISSES"
    print(f"\nDigest mean F1 {mean_f1:.3f} {verdict} the target of {TARGET_F1:.2f}.")
    if args.worst:
        print(f"\nLowest-scoring pages for Digest:\n\n| F1 | P | R | url |\n|---:|---:|---:|---|")
        ranked = sorted(zip(our_scores, pages), key=lambda pair: pair[0].f1)[: args.worst]
        for s, page in ranked:
            print(f"| {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {page.url} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
