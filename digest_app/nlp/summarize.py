"""Extractive summaries: the article's own sentences, the most central ones, in article order.

    >>> from digest_app.nlp.summarize import summarize
    >>> summarize(text, title="Xiaomi opens its first store in Spain")        # doctest: +SKIP
    ['Xiaomi opened its first store in Madrid on Tuesday.', ...]
    >>> summarize(text, words=60)                                             # doctest: +SKIP

How sentences are ranked (``METHOD`` names this recipe; change it whenever the
recipe changes, so stored summaries get recomputed):

1. Candidates are the article's prose sentences and list items of four or more
   words; headings, table rows, unfinished list items, page furniture
   ("Advertisement", "Photo: ..."), anything with a URL and exact repeats are
   left out.
2. Centrality: TextRank, i.e. PageRank over the graph of sentences weighted by
   BM25 similarity (symmetrised), stemmed words and CJK character bigrams as
   terms. The graph is built over windows of at most ``WINDOW`` sentences, so
   time and memory grow linearly with very long texts.
3. A lead prior for news: sentences early in their paragraph rank higher. How
   much depends on the evidence that the article is written lead-first: the
   squared TF-IDF cosine between its first sentence and the title (an
   inverted-pyramid lead restates the headline); with no title we assume a news
   lead and apply the prior in full.
4. Photo captions ("Pictured: ...", "(left)"), units without final
   punctuation, lead-ins ending in a colon, and questions are demoted.
5. Selection takes sentences best first, skipping any whose TF-IDF cosine with
   one already chosen exceeds ``REDUNDANCY``, so near-identical sentences are
   never both chosen; then restores article order.

Everything is deterministic: ties are broken by position.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from digest_app.nlp.language import detect_language
from digest_app.nlp.sentences import Sentence, SentenceSplitter, sentence_spans
from digest_app.nlp.terms import terms
from digest_app.nlp.wordlists import boilerplate_prefixes
from digest_app.records import count_words

#: Identifies the ranking recipe; stored summaries made by another METHOD are stale.
METHOD = "textrank-bm25-leadprior-v1"

#: Sentences with fewer words are not candidates (unless nothing else is left).
MIN_WORDS = 4
#: Most sentences in one similarity graph; longer texts are ranked window by window.
WINDOW = 400
#: BM25 parameters (the usual ones).
BM25_K1 = 1.2
BM25_B = 0.75
#: PageRank damping factor.
DAMPING = 0.85
#: Lead prior: weight exp(-k / LEAD_DECAY) for the k-th candidate of a paragraph,
#: never below LEAD_FLOOR when the prior applies in full.
LEAD_DECAY = 6.0
LEAD_FLOOR = 0.2
#: Score factor for photo captions.
CAPTION_FACTOR = 0.2
#: Score factor for a unit without final punctuation (a title or label that passed as prose).
UNTERMINATED_FACTOR = 0.3
#: Score factor for a question (news asks rhetorically; a summary states).
QUESTION_FACTOR = 0.5
#: Two sentences whose TF-IDF cosine exceeds this say the same thing.
REDUNDANCY = 0.3

_CAPTION_LABEL = re.compile(r"[A-Z][\w'’.-]*(?: [\w'’.-]+){0,3}: ")
_CAPTION_MARK = re.compile(
    r"\((?:left|right|centre|center|pictured|above|below|top|bottom|inset|file photo)\b[^)]*\)"
    r"|\bpictured\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"[:;]\W*$")
_QUESTION = re.compile(r"\?\W*$")
_URL = re.compile(r"https?://|www\.")
_SPEECH_VERBS = frozenset(
    "said says told added warned explained insisted wrote asked stated announced declared".split()
)


@dataclass(frozen=True)
class RankedSentence:
    """A candidate sentence and its final score (higher is more summary-worthy)."""

    sentence: Sentence
    score: float


def summarize(
    text: str,
    title: str | None = None,
    *,
    sentences: int | None = 3,
    words: int | None = None,
    language: str | None = None,
    splitter: SentenceSplitter | None = None,
) -> list[str]:
    """The summary of *text*: its most summary-worthy sentences, in article order.

    Length is *sentences* sentences, or, when *words* is given, as many
    sentences as fit in that many words (CJK characters count as words); a
    budget smaller than every sentence still yields the single best one.
    Each sentence is an exact substring of *text*. *language* (ISO 639-1)
    picks stopwords and stemmer; it is detected when not given.
    """
    spans = summary_spans(text, title, sentences=sentences, words=words, language=language, splitter=splitter)
    return [sentence.text for sentence in spans]


def summary_spans(
    text: str,
    title: str | None = None,
    *,
    sentences: int | None = 3,
    words: int | None = None,
    language: str | None = None,
    splitter: SentenceSplitter | None = None,
) -> list[Sentence]:
    """Like :func:`summarize`, with each sentence's offsets in *text* (to highlight it)."""
    if words is None and sentences is None:
        raise ValueError("give a summary length: sentences or words")
    if (words is not None and words < 0) or (words is None and sentences is not None and sentences < 0):
        raise ValueError("a summary length cannot be negative")
    if words == 0 or (words is None and sentences == 0):
        return []
    ranked, vectors = _ranking(text, title, language, splitter)
    if words is not None:
        chosen = _select_by_words(ranked, vectors, words)
    else:
        assert sentences is not None
        chosen = _select(ranked, vectors, sentences)
    return sorted((ranked[i].sentence for i in chosen), key=lambda sentence: sentence.start)


def rank_sentences(
    text: str,
    title: str | None = None,
    *,
    language: str | None = None,
    splitter: SentenceSplitter | None = None,
) -> list[RankedSentence]:
    """Every candidate sentence of *text* with its score, best first (ties: earlier first)."""
    return _ranking(text, title, language, splitter)[0]


def _ranking(
    text: str, title: str | None, language: str | None, splitter: SentenceSplitter | None
) -> tuple[list[RankedSentence], _Vectors]:
    """The ranked candidates and, in the same order, their TF-IDF vectors."""
    candidates = _candidates(sentence_spans(text, splitter))
    if not candidates:
        return [], _Vectors(_TfIdf([]), [])
    language = language or detect_language(text) or "en"
    term_lists = [terms(sentence.text, language) for sentence in candidates]
    weights = _TfIdf(term_lists)
    title_terms = terms(title, language) if title else []
    scores = _windowed_centrality(term_lists) * _lead_prior(candidates, weights, title_terms)
    for index, sentence in enumerate(candidates):
        if _is_caption(sentence.text):
            scores[index] *= CAPTION_FACTOR
        ending = sentence.text[-8:]
        if not sentence.terminated or _LEAD_IN.search(ending):
            scores[index] *= UNTERMINATED_FACTOR
        elif _QUESTION.search(ending):
            scores[index] *= QUESTION_FACTOR
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    ranked = [RankedSentence(candidates[i], float(scores[i])) for i in order]
    return ranked, _Vectors(weights, order)


def _candidates(units: Sequence[Sentence]) -> list[Sentence]:
    """Prose worth summarizing; all units with words when there is none."""
    boilerplate = boilerplate_prefixes()
    seen: set[str] = set()
    candidates = []
    for unit in units:
        if unit.kind not in ("text", "item") or not _long_enough(unit.text):
            continue
        if unit.kind == "item" and not unit.terminated:
            continue
        if unit.text in seen or unit.text[:40].lower().startswith(boilerplate) or _URL.search(unit.text):
            continue
        seen.add(unit.text)
        candidates.append(unit)
    if candidates:
        return candidates
    seen.clear()
    for unit in units:
        if unit.kind != "table" and unit.text not in seen:
            seen.add(unit.text)
            candidates.append(unit)
    return candidates


def _long_enough(text: str) -> bool:
    # Splitting on spaces settles most sentences; CJK text needs its characters counted.
    return len(text.split(None, MIN_WORDS - 1)) >= MIN_WORDS or count_words(text) >= MIN_WORDS


def _windowed_centrality(term_lists: list[list[str]]) -> np.ndarray:
    """TextRank score of each sentence, scaled to a maximum of 1 within its window."""
    count = len(term_lists)
    windows = max(1, math.ceil(count / WINDOW))
    size = math.ceil(count / windows)
    scores = np.empty(count)
    for start in range(0, count, size):
        window = _textrank(term_lists[start : start + size])
        top = window.max()
        scores[start : start + size] = window / top if top > 0 else 1.0
    return scores


def _textrank(term_lists: list[list[str]]) -> np.ndarray:
    """PageRank over the sentences of one window, edges weighted by symmetrised BM25."""
    count = len(term_lists)
    vocabulary: dict[str, int] = {}
    ids = [vocabulary.setdefault(term, len(vocabulary)) for terms_ in term_lists for term in terms_]
    if count == 1 or not ids:
        return np.ones(count)
    lengths = np.fromiter(map(len, term_lists), dtype=np.intp, count=count)
    width = len(vocabulary)
    cells = np.repeat(np.arange(count), lengths) * width + np.asarray(ids)
    frequency = np.bincount(cells, minlength=count * width).reshape(count, width)
    # Only terms shared by two sentences link them; drop the others' columns.
    document_frequency = np.count_nonzero(frequency, axis=0)
    shared = document_frequency > 1
    if not shared.any():
        return np.ones(count)
    frequency = frequency[:, shared].astype(np.float64)
    df = document_frequency[shared]
    idf = np.log((count - df + 0.5) / (df + 0.5) + 1.0)
    saturation = BM25_K1 * (1.0 - BM25_B + BM25_B * lengths / lengths.mean())
    bm25 = frequency * (BM25_K1 + 1.0) / (frequency + saturation[:, None])
    similarity = ((frequency > 0) * idf) @ bm25.T
    similarity += similarity.T
    np.fill_diagonal(similarity, 0.0)
    return _pagerank(similarity)


def _pagerank(weights: np.ndarray) -> np.ndarray:
    """Stationary PageRank vector, solved exactly: r = (1-d)/n (I - d P^T)^-1 1.

    A direct solve of a window-sized system is faster than power iteration for
    article-sized graphs and has no convergence threshold to tune.
    """
    count = weights.shape[0]
    out_weight = weights.sum(axis=1)
    dangling = out_weight == 0
    transition = weights / np.where(dangling, 1.0, out_weight)[:, None]
    transition[dangling] = 1.0 / count
    system = np.eye(count) - DAMPING * transition.T
    return np.linalg.solve(system, np.full(count, (1.0 - DAMPING) / count))


class _TfIdf:
    """Sparse, L2-normalised TF-IDF vectors of the candidates (IDF over the candidates)."""

    def __init__(self, term_lists: list[list[str]]) -> None:
        self._term_lists = term_lists
        count = len(term_lists)
        document_frequency = Counter(term for terms_ in term_lists for term in set(terms_))
        self._idf = {term: math.log((count + 1) / (df + 0.5)) for term, df in document_frequency.items()}
        self._default_idf = math.log((count + 1) / 0.5)

    def vector(self, index: int) -> dict[str, float]:
        return self.of(self._term_lists[index])

    def of(self, terms_: list[str]) -> dict[str, float]:
        weights: dict[str, float] = {}
        for term, frequency in Counter(terms_).items():
            weights[term] = frequency * self._idf.get(term, self._default_idf)
        norm = math.sqrt(sum(value * value for value in weights.values()))
        return {term: value / norm for term, value in weights.items()} if norm else {}


class _Vectors:
    """TF-IDF vectors by rank, computed when selection first looks at them."""

    def __init__(self, weights: _TfIdf, order: list[int]) -> None:
        self._weights = weights
        self._order = order
        self._cache: dict[int, dict[str, float]] = {}

    def __getitem__(self, rank: int) -> dict[str, float]:
        vector = self._cache.get(rank)
        if vector is None:
            vector = self._cache[rank] = self._weights.vector(self._order[rank])
        return vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


def _lead_prior(candidates: list[Sentence], weights: _TfIdf, title_terms: list[str]) -> np.ndarray:
    """Weight of each candidate for its place in its paragraph, scaled by lead-first evidence."""
    if title_terms:
        agreement = _cosine(weights.vector(0), weights.of(title_terms))
        strength = min(1.0, max(0.0, agreement)) ** 2
    else:
        strength = 1.0
    floor = 1.0 - strength * (1.0 - LEAD_FLOOR)
    places = np.empty(len(candidates))
    paragraph, place = None, 0
    for index, sentence in enumerate(candidates):
        place = place + 1 if sentence.paragraph == paragraph else 0
        paragraph = sentence.paragraph
        places[index] = place
    return floor + (1.0 - floor) * np.exp(-places / LEAD_DECAY)


def _is_caption(text: str) -> bool:
    if "(" in text or "ictured" in text.lower():
        if _CAPTION_MARK.search(text):
            return True
    if ":" not in text[:48]:
        return False
    label = _CAPTION_LABEL.match(text)
    return bool(label) and label.group().rstrip(": ").split()[-1].lower() not in _SPEECH_VERBS


def _select(ranked: list[RankedSentence], vectors: _Vectors, count: int) -> list[int]:
    """Indexes into *ranked* of the best *count* sentences that repeat none before them."""
    picked: list[int] = []
    for index in range(len(ranked)):
        if len(picked) >= count:
            break
        if not _repeats(vectors, index, picked):
            picked.append(index)
    return picked


def _select_by_words(ranked: list[RankedSentence], vectors: _Vectors, budget: int) -> list[int]:
    """Best sentences first, each taken if it fits the remaining word budget and repeats none.

    Only the better half of the ranking may fill the budget: a short caption
    that happens to fit is no summary.
    """
    picked: list[int] = []
    used = 0
    eligible = ranked[: max(3, (len(ranked) + 1) // 2)]
    for index, item in enumerate(eligible):
        length = count_words(item.sentence.text)
        if used + length <= budget and not _repeats(vectors, index, picked):
            picked.append(index)
            used += length
    if not picked and ranked:
        picked.append(0)
    return picked


def _repeats(vectors: _Vectors, index: int, picked: list[int]) -> bool:
    return any(_cosine(vectors[index], vectors[other]) > REDUNDANCY for other in picked)
