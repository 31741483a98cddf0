"""Summaries of stored articles: compute on import, recompute when the setting changes.

    >>> from digest_app.summaries import summarize_stored, resummarize
    >>> summarize_stored(lib, [12, 13])          # after storing new articles
    >>> resummarize(lib, SummaryLength(sentences=5))   # after changing the length

Each stored summary records the method and length it was made with
(``summary_method``, e.g. ``textrank-bm25-v1:s3``), so a change of either is
detected and only the stale summaries are recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest_app.errors import InputError
from digest_app.nlp import keywords as keyword_extraction
from digest_app.nlp import summarize as summarizer
from digest_app.store import Library
from digest_app.store.articles import ComputedSummary

SETTING_KEY = "summary.length"
BATCH = 200


@dataclass(frozen=True)
class SummaryLength:
    """How long summaries are: a number of sentences, or a word budget."""

    sentences: int | None = 3
    words: int | None = None

    def __post_init__(self) -> None:
        if self.words is not None and self.words < 1:
            raise InputError(f"a summary word budget must be at least 1 (got {self.words})")
        if self.words is None and (self.sentences is None or self.sentences < 1):
            raise InputError(f"a summary needs at least 1 sentence (got {self.sentences})")

    @property
    def tag(self) -> str:
        return f"w{self.words}" if self.words is not None else f"s{self.sentences}"

    @classmethod
    def from_tag(cls, tag: str) -> "SummaryLength":
        number = int(tag[1:])
        return cls(sentences=None, words=number) if tag.startswith("w") else cls(sentences=number)


def summary_length(lib: Library) -> SummaryLength:
    """The library's summary length setting (3 sentences unless changed)."""
    return SummaryLength.from_tag(lib.settings.get(SETTING_KEY, "s3"))


def set_summary_length(lib: Library, length: SummaryLength) -> None:
    lib.settings.set(SETTING_KEY, length.tag)


def method_id(length: SummaryLength) -> str:
    return f"{summarizer.METHOD}:{length.tag}"


def summarize_stored(
    lib: Library,
    article_ids: Sequence[int],
    *,
    length: SummaryLength | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Compute and store summaries and keywords for the given articles. Returns how many."""
    length = length or summary_length(lib)
    method = method_id(length)
    done = 0
    for start in range(0, len(article_ids), BATCH):
        if cancelled is not None and cancelled():
            break
        batch = lib.articles.texts(article_ids[start : start + BATCH])
        # Computed before the write starts, so the lock is held for the UPDATEs only.
        computed = [
            ComputedSummary(
                article_id=item.article_id,
                sentences=tuple(
                    summarizer.summarize(
                        item.text,
                        item.title,
                        sentences=length.sentences,
                        words=length.words,
                        language=item.language,
                    )
                ),
                keywords=tuple(
                    keyword_extraction.keywords(item.text, item.title, language=item.language)
                ),
                method=method,
            )
            for item in batch
        ]
        lib.articles.set_summaries(computed)
        done += len(batch)
        if progress is not None:
            progress(done, len(article_ids))
    return done


def resummarize(
    lib: Library,
    length: SummaryLength | None = None,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Recompute stale summaries (or all with *force*) after a length or method change.

    A given *length* becomes the library's setting.
    """
    if length is not None:
        set_summary_length(lib, length)
    length = summary_length(lib)
    ids = lib.articles.ids_needing_summary(None if force else method_id(length))
    return summarize_stored(lib, ids, length=length, progress=progress, cancelled=cancelled)
