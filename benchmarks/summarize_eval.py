"""Summary quality and speed: Digest's summarizer against LEAD-3 and sumy, on two eval sets.

    NLTK_DATA=../shared/nltk_data python benchmarks/summarize_eval.py [--limit N]

Data (read ``../shared/eval/README.md``): ``summaries-dev.jsonl`` (BBC News, 299
articles, machine-selected extractive references) and ``cnndm-dev.jsonl``
(CNN/DailyMail, 200 articles, human-written highlights). On each set, in one
run and on the same articles:

- Digest at 3 sentences and at the reference length (k = reference lines);
- Digest with the title withheld (the lead prior then applies in full), and
  Digest with NLTK's pretrained punkt instead of our offline splitter;
- LEAD-3 (first three sentences by NLTK's pretrained punkt, as in the
  README's baselines);
- sumy's LexRank, TextRank, LSA and Luhn, at 3 sentences and at k, with sumy's
  English stemmer and stopwords (sumy needs the punkt data in ``NLTK_DATA``).

Scores are ``rouge-score`` F1 with stemming: ROUGE-1, ROUGE-2 and ``rougeL``
(on the whole summary, as in the README's baselines). Times are wall-clock
milliseconds per article (parse + summarize), median and 90th percentile, after
one untimed warm-up call per method; the methods take turns on each article so
that load on the machine falls on all of them alike. BLAS is pinned to one thread for every
method: the matrices are tiny, and idle BLAS threads spinning on a busy 2-core
machine would time the scheduler, not the algorithms.

Prints markdown tables and a target check per set. Exits non-zero only if it
crashes.
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared")).resolve()
os.environ.setdefault("NLTK_DATA", str(SHARED / "nltk_data"))
sys.path.insert(0, str(REPO))

from digest_app.nlp import summarize as digest  # noqa: E402
from digest_app.nlp.sentences import SentenceSplitter  # noqa: E402

SETS = {
    "BBC News (summaries-dev.jsonl, 299 articles)": SHARED / "eval" / "summaries-dev.jsonl",
    "CNN/DailyMail (cnndm-dev.jsonl, 200 articles)": SHARED / "eval" / "cnndm-dev.jsonl",
}
SUMY_METHODS = ("LexRank", "TextRank", "LSA", "Luhn")
TARGET_SPEEDUP = 5.0
TARGET_SPLITTER_GAP = 0.5

Summarizer = Callable[[dict, int], list[str]]


@dataclass
class Row:
    method: str
    length: str
    rouge1: float
    rouge2: float
    rougel: float
    mean_words: float
    median_ms: float
    p90_ms: float

    def markdown(self) -> str:
        return (
            f"| {self.method} | {self.length} | {self.rouge1:.2f} | {self.rouge2:.2f} | "
            f"{self.rougel:.2f} | {self.mean_words:.0f} | {self.median_ms:.2f} | {self.p90_ms:.2f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N articles of each set (smoke test)")
    args = parser.parse_args()

    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    methods = _methods()
    print(_environment())
    for label, path in SETS.items():
        articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        articles = articles[: args.limit] if args.limit else articles
        rows = _measure_all(methods, articles, scorer)
        print(f"\n### {label}\n")
        print("| Method | length | ROUGE-1 F1 | ROUGE-2 F1 | ROUGE-L F1 | mean words | median ms | p90 ms |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print(row.markdown())
        print()
        for line in _target_check(rows):
            print(line)
    return 0


def _methods() -> list[tuple[str, str, str, Summarizer]]:
    """(name, length label, length kind, summarizer) for every row of the table."""
    from nltk.tokenize import sent_tokenize

    pretrained = SentenceSplitter.pretrained()
    if pretrained is None:
        raise SystemExit(f"NLTK's punkt_tab data is not under NLTK_DATA={os.environ['NLTK_DATA']}")

    def ours(article: dict, k: int) -> list[str]:
        return digest.summarize(article["text"], article.get("title") or None, sentences=k)

    def ours_no_title(article: dict, k: int) -> list[str]:
        return digest.summarize(article["text"], None, sentences=k)

    def ours_pretrained(article: dict, k: int) -> list[str]:
        return digest.summarize(article["text"], article.get("title") or None, sentences=k, splitter=pretrained)

    def lead(article: dict, k: int) -> list[str]:
        return sent_tokenize(article["text"])[:k]

    methods: list[tuple[str, str, str, Summarizer]] = [
        ("**Digest**", "3", "3", ours),
        ("**Digest**", "k (=ref)", "k", ours),
        ("Digest, title withheld", "3", "3", ours_no_title),
        ("Digest, NLTK pretrained punkt", "3", "3", ours_pretrained),
        ("LEAD-3", "3", "3", lead),
    ]
    for name in SUMY_METHODS:
        summarizer = _sumy(name)
        methods.append((f"sumy {name}", "3", "3", summarizer))
        methods.append((f"sumy {name}", "k (=ref)", "k", summarizer))
    return methods


def _sumy(name: str) -> Summarizer:
    from sumy.nlp.stemmers import Stemmer
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes = {
        "LexRank": LexRankSummarizer,
        "TextRank": TextRankSummarizer,
        "LSA": LsaSummarizer,
        "Luhn": LuhnSummarizer,
    }
    summarizer = classes[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = Tokenizer("english")

    def summarize(article: dict, k: int) -> list[str]:
        document = PlaintextParser.from_string(article["text"], tokenizer).document
        return [str(sentence) for sentence in summarizer(document, k)]

    return summarize


def _measure_all(methods, articles, scorer) -> list[Row]:
    """Run every method on every article, interleaved, then score.

    Methods take turns on each article (ours first, so ours alone pays for
    stemming words it has not seen yet), so a busy moment on the machine
    slows every method alike instead of whichever row ran then.
    """
    for _name, _label, _length, summarizer in methods:
        summarizer(articles[0], 3)  # warm-up: imports, caches, first-call costs
    times: list[list[float]] = [[] for _ in methods]
    summaries: list[list[str]] = [[] for _ in methods]
    for article in articles:
        reference_length = len(article["summary"].splitlines())
        for index, (_name, _label, length, summarizer) in enumerate(methods):
            k = 3 if length == "3" else reference_length
            started = time.perf_counter()
            summary = summarizer(article, k)
            times[index].append(1000 * (time.perf_counter() - started))
            summaries[index].append("\n".join(summary))
    rows = []
    for index, (name, label, _length, _summarizer) in enumerate(methods):
        scores = [scorer.score(a["summary"], p) for a, p in zip(articles, summaries[index], strict=True)]
        ordered = sorted(times[index])

        def mean_f(metric: str) -> float:
            return 100 * statistics.fmean(score[metric].fmeasure for score in scores)

        rows.append(
            Row(
                name,
                label,
                mean_f("rouge1"),
                mean_f("rouge2"),
                mean_f("rougeL"),
                statistics.fmean(len(p.split()) for p in summaries[index]),
                statistics.median(ordered),
                ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
            )
        )
    return rows


def _target_check(rows: list[Row]) -> list[str]:
    at3 = {row.method: row for row in rows if row.length == "3"}
    ours = at3["**Digest**"]
    lead = at3["LEAD-3"]
    sumy = [row for name, row in at3.items() if name.startswith("sumy")]
    lines = ["Targets:"]
    for metric, label in (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2"), ("rougel", "ROUGE-L")):
        value = getattr(ours, metric)
        best_sumy = max(sumy, key=lambda row: getattr(row, metric))
        above_sumy = value > getattr(best_sumy, metric)
        at_lead = value >= getattr(lead, metric)
        lines.append(
            f"- {label} at 3: {value:.2f} vs best sumy ({best_sumy.method}) "
            f"{getattr(best_sumy, metric):.2f} {'met' if above_sumy else 'NOT met'}; "
            f"vs LEAD-3 {getattr(lead, metric):.2f} {'met' if at_lead else 'NOT met'}"
        )
    fastest = min(sumy, key=lambda row: row.median_ms)
    speedup = fastest.median_ms / ours.median_ms
    lines.append(
        f"- speed: median {ours.median_ms:.2f} ms vs fastest sumy ({fastest.method}) "
        f"{fastest.median_ms:.2f} ms = {speedup:.1f}x {'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}"
        f" (target {TARGET_SPEEDUP:.0f}x)"
    )
    pretrained = at3["Digest, NLTK pretrained punkt"]
    gap = pretrained.rouge1 - ours.rouge1
    lines.append(
        f"- offline splitter: ROUGE-1 {ours.rouge1:.2f} vs {pretrained.rouge1:.2f} with pretrained punkt "
        f"(gap {gap:+.2f}) {'met' if gap <= TARGET_SPLITTER_GAP else 'NOT met'}"
        f" (target within {TARGET_SPLITTER_GAP})"
    )
    return lines


def _environment() -> str:
    versions = ", ".join(
        f"{package} {metadata.version(package)}" for package in ("nltk", "sumy", "rouge-score", "numpy", "PyStemmer")
    )
    return (
        f"Digest summarizer {digest.METHOD}; Python {platform.python_version()}, {versions}; "
        f"cpus {os.cpu_count()}; BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
