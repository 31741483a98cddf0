"""The shared tail of import and refresh: prepare, store, then summarize.

    parsed articles -> language filled in -> stored (one transaction)
                    -> summaries and keywords for what is new or changed

Both ``digest-app import`` and a feed refresh end here, so an article is
treated the same whichever way it arrived.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from digest_app.nlp.language import detect_language
from digest_app.summaries import summarize_stored
from digest_app.records import ParsedArticle, StoreResult
from digest_app.store import Library


def store_articles(
    lib: Library,
    source_id: int,
    articles: Sequence[ParsedArticle],
    *,
    summarize: bool = True,
) -> list[StoreResult]:
    """Store *articles* for a source and summarize the added and changed ones."""
    prepared = [_with_language(article) for article in articles]
    results = lib.articles.store_many(source_id, prepared)
    if summarize:
        changed = [r.article_id for r in results if r.status != "unchanged"]
        summarize_stored(lib, changed)
    return results


def _with_language(article: ParsedArticle) -> ParsedArticle:
    if article.language:
        return article
    language = detect_language(article.title + "\n" + article.text)
    return dataclasses.replace(article, language=language) if language else article
