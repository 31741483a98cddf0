"""The sample library: short Xiaomi stories we wrote ourselves, for trying Digest offline.

    >>> from digest_app.sample import load_sample_library
    >>> report = load_sample_library(lib)
    >>> report.added
    26

The stories live in ``data/sample/articles.json``: a few "outlets" (every one
labelled "Digest sample"), tag colours, and articles dated relative to the
moment they are loaded (``days_ago``), so the sample always looks recent. They
go through the same pipeline as an import (language, storage, summaries), then
get the sample's tags. Loading twice adds nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from digest_app.collect.pipeline import store_articles
from digest_app.collect.sanitize import text_to_html
from digest_app.errors import InputError
from digest_app.paths import data_file
from digest_app.records import ImportReport, ParsedArticle
from digest_app.store import Library
from digest_app.timestamps import utc_now

SAMPLE_FILE = data_file("sample", "articles.json")
#: Sample sources have addresses in this scheme: never fetched, never mistaken for a feed.
SAMPLE_URL_SCHEME = "digest-sample"


@dataclass(frozen=True)
class SampleArticle:
    outlet: str
    article: ParsedArticle
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Sample:
    """The sample as shipped: outlets (key -> (title, site URL)), tag colours, articles."""

    outlets: dict[str, tuple[str, str | None]]
    tag_colors: dict[str, str]
    articles: tuple[SampleArticle, ...]


def read_sample(now: datetime | None = None) -> Sample:
    """The sample, with dates counted back from *now* (default: the current time)."""
    now = now or utc_now()
    try:
        raw: dict[str, Any] = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{SAMPLE_FILE}: cannot read the sample library ({exc})") from exc
    outlets = {key: (o["title"], o.get("site")) for key, o in raw["outlets"].items()}
    articles = []
    for item in raw["articles"]:
        site = outlets[item["outlet"]][1]
        text = item["text"]
        articles.append(
            SampleArticle(
                outlet=item["outlet"],
                article=ParsedArticle(
                    title=item["title"],
                    text=text,
                    content_html=text_to_html(text),
                    url=f"{site}{item['slug']}" if site else None,
                    guid=f"{SAMPLE_URL_SCHEME}:{item['slug']}",
                    author=item.get("author"),
                    published=now - timedelta(days=float(item["days_ago"])),
                    language=item.get("language"),
                ),
                tags=tuple(item.get("tags", ())),
            )
        )
    return Sample(outlets, dict(raw.get("tags", {})), tuple(articles))


def load_sample_library(
    lib: Library,
    *,
    now: datetime | None = None,
    summarize: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Store the sample articles (with summaries and tags) in *lib*.

    Articles already loaded keep their read and starred flags; their dates
    move to the new *now*. *progress* gets ``(done, total)`` per outlet.
    """
    sample = read_sample(now)
    totals = {"added": 0, "updated": 0, "unchanged": 0}
    sources_added = 0
    notes: list[str] = []
    outlets = list(sample.outlets.items())
    for done, (key, (title, site)) in enumerate(outlets):
        if cancelled is not None and cancelled():
            notes.append(f"cancelled after {done} of {len(outlets)} sample sources")
            break
        source, created = lib.sources.add("file", f"{SAMPLE_URL_SCHEME}:{key}", title=title, site_url=site)
        sources_added += created
        items = [s for s in sample.articles if s.outlet == key]
        results = store_articles(lib, source.id, [s.article for s in items], summarize=summarize)
        with lib.write():
            for item, result in zip(items, results):
                totals[result.status] += 1
                if item.tags:
                    lib.tags.add([result.article_id], item.tags)
        if progress is not None:
            progress(done + 1, len(outlets))
    for tag in lib.tags.list():
        color = sample.tag_colors.get(tag.name)
        if color and not tag.color:
            lib.tags.set_color(tag.name, color)
    return ImportReport(sources_added=sources_added, notes=tuple(notes), **totals)
