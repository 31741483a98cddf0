"""Grouping texts that tell the same story: TF-IDF cosine, a time window, average linkage.

    >>> groups = cluster_texts(
    ...     ["Xiaomi YU7 deliveries hit a record", "Record month for the YU7", "Redmi Note 15 launches"],
    ...     times=[0.0, 3600.0, 7200.0],
    ... )                                                          # doctest: +SKIP
    >>> groups
    [(0, 1), (2,)]

How (``docs/benchmarks-digest.md`` has the tuning figures):

1. Each text becomes a vector of its terms (:func:`digest_app.nlp.terms.terms`:
   stems, CJK bigrams), weighted by sublinear term frequency times IDF over the
   texts being grouped. With few texts the IDF would be noise, so it is taken as
   if there were at least ``IDF_FLOOR_DOCS`` of them.
2. Two texts are similar by the cosine of their vectors; texts further apart in
   time than *window* seconds are not similar at all (a story that comes back
   next month is a new story).
3. Average-linkage agglomeration: groups merge, most similar pair first, while
   the mean similarity between all their members stays at least *threshold*.
   The mean (not the best pair) keeps a chain of loosely related articles from
   growing into one story.

Each group lists its texts most central first (highest summed similarity to
the rest of the group), then by position; groups come in order of their
first text. Deterministic: ties go to the earlier text.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

#: Mean cosine two groups need to be one story. Tuned on rewritten leads and
#: copies of eval articles against different stories of the same category.
THRESHOLD = 0.25
#: IDF is computed as if at least this many texts were grouped.
IDF_FLOOR_DOCS = 50


def tfidf_vectors(term_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Row-normalised TF-IDF matrix (texts x terms that occur in two texts or more).

    Terms found in one text only cannot make two texts similar; they still
    count towards each row's length, so a long text is not made to look like
    everything it shares a few words with.
    """
    count = len(term_lists)
    frequencies = [Counter(terms) for terms in term_lists]
    document_frequency: Counter[str] = Counter()
    for counts in frequencies:
        document_frequency.update(counts.keys())
    documents = max(count, IDF_FLOOR_DOCS)
    idf = {term: math.log((documents + 1) / (df + 0.5)) for term, df in document_frequency.items()}
    shared = {term: column for column, term in enumerate(t for t, df in document_frequency.items() if df > 1)}
    matrix = np.zeros((count, len(shared)), dtype=np.float64)
    for row, counts in enumerate(frequencies):
        norm = 0.0
        for term, frequency in counts.items():
            weight = (1.0 + math.log(frequency)) * idf[term]
            norm += weight * weight
            column = shared.get(term)
            if column is not None:
                matrix[row, column] = weight
        if norm:
            matrix[row] /= math.sqrt(norm)
    return matrix


def similarity_matrix(
    term_lists: Sequence[Sequence[str]],
    times: Sequence[float] | None = None,
    *,
    window: float | None = None,
) -> np.ndarray:
    """Cosine similarity of every pair of texts (0 on the diagonal and beyond the time window)."""
    vectors = tfidf_vectors(term_lists)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    if times is not None and window is not None:
        moments = np.asarray(times, dtype=np.float64)
        similarity[np.abs(moments[:, None] - moments[None, :]) > window] = 0.0
    return similarity


def cluster_texts(
    texts: Sequence[str],
    times: Sequence[float] | None = None,
    *,
    languages: Sequence[str | None] | None = None,
    threshold: float = THRESHOLD,
    window: float | None = None,
) -> list[tuple[int, ...]]:
    """Group *texts* that tell the same story; see the module notes.

    *times* are seconds (any epoch) and *window* the most seconds two texts of
    one story may lie apart (None: no limit). *languages* pick each text's
    stemmer (see :func:`~digest_app.nlp.terms.terms`).
    """
    from digest_app.nlp.terms import terms

    term_lists = [terms(text, languages[i] if languages else None) for i, text in enumerate(texts)]
    return cluster_terms(term_lists, times, threshold=threshold, window=window)


def cluster_terms(
    term_lists: Sequence[Sequence[str]],
    times: Sequence[float] | None = None,
    *,
    threshold: float = THRESHOLD,
    window: float | None = None,
) -> list[tuple[int, ...]]:
    """Like :func:`cluster_texts`, for texts already turned into terms."""
    count = len(term_lists)
    if count == 0:
        return []
    similarity = similarity_matrix(term_lists, times, window=window)
    groups = _average_linkage(similarity, threshold)
    return [_by_centrality(similarity, members) for members in groups]


def _average_linkage(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Merge groups while their mean pairwise similarity is at least *threshold*.

    Only pairs of texts at least *threshold* alike can start a merge (a group
    pair whose mean passes has such a pair), so the search walks those edges,
    best first, re-checking the mean of the two groups they now join. An edge
    refused earlier is tried again after any merge, until nothing changes.
    """
    count = similarity.shape[0]
    rows, columns = np.nonzero(np.triu(similarity >= threshold, k=1))
    edges = sorted(zip((-similarity[rows, columns]).tolist(), rows.tolist(), columns.tolist()))
    group_of = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    while edges:
        refused = []
        merged = False
        heapq.heapify(edges)
        while edges:
            edge = heapq.heappop(edges)
            _, a, b = edge
            first, second = group_of[a], group_of[b]
            if first == second:
                continue
            block = similarity[np.ix_(members[first], members[second])]
            if block.mean() >= threshold:
                keep, gone = min(first, second), max(first, second)
                for index in members[gone]:
                    group_of[index] = keep
                members[keep].extend(members.pop(gone))
                merged = True
            else:
                refused.append(edge)
        edges = refused if merged else []
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])


def _by_centrality(similarity: np.ndarray, members: list[int]) -> tuple[int, ...]:
    if len(members) == 1:
        return (members[0],)
    totals = similarity[np.ix_(members, members)].sum(axis=1)
    order = sorted(range(len(members)), key=lambda k: (-round(float(totals[k]), 9), members[k]))
    return tuple(members[k] for k in order)
