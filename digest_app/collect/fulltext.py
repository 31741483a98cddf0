"""Full text for offline reading: a feed entry that is only a teaser gets its article page.

    >>> if wants_full_text(entry):
    ...     result = fetcher.fetch(entry.url, accept=HTML_ACCEPT, max_bytes=PAGE_MAX_BYTES)
    ...     entry = with_page_text(entry, result)     # the page's text, the teaser kept aside

The page's main text is extracted (trafilatura, through
:func:`~digest_app.collect.htmlpage.parse_html_document`) and sanitized; the
teaser stays as the article's ``feed_summary`` and ``full_text_url`` records
the page it came from. A page is only used when it holds more than the teaser
and is about the same story (its title and opening share most of the entry's
title words): a consent wall, a login page or a news aggregator's redirect page
is not an article, and the teaser is kept instead.
"""

from __future__ import annotations

import dataclasses
import re

from digest_app.collect.extract import is_teaser
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.http import MiB, FetchResult
from digest_app.errors import ParseError
from digest_app.nlp.cjk import HAN, HIRAGANA, KATAKANA
from digest_app.records import ParsedArticle
from digest_app.urls import is_web_url

#: Article pages larger than this are not downloaded (real pages are a few hundred KB).
PAGE_MAX_BYTES = 5 * MiB
#: Share of the entry title's words the page must contain to be the same story.
MIN_TITLE_OVERLAP = 0.5
#: How much of the page's text is searched for the title's words.
_OPENING_CHARS = 3000

_CJK = HAN + HIRAGANA + KATAKANA
_TOKENS = re.compile(f"[{_CJK}]+|[^\\W_]+")
_CJK_RUN = re.compile(f"[{_CJK}]")


class NotTheArticle(ParseError):
    """The page fetched for a teaser is not the article (too short, or another page)."""


def wants_full_text(entry: ParsedArticle) -> bool:
    """True when *entry* is a teaser with an http(s) link to its page."""
    return is_web_url(entry.url) and is_teaser(entry.text, entry.content_html)


def with_page_text(entry: ParsedArticle, page: FetchResult) -> ParsedArticle:
    """*entry* with the article text of its fetched *page*; :class:`ParseError` if the page
    has no article text, or :class:`NotTheArticle` if it is not this entry's article.

    The entry keeps its title and identity: its guid (its address when it had
    none, so that the next refresh knows it), its dates and author unless the page
    adds missing ones. Its address becomes the page's canonical one.
    """
    if page.kind != "html":
        raise NotTheArticle(f"{page.url}: not a web page ({page.content_type or 'no content type'})")
    [article] = parse_html_document(page.text(), name=page.url, url=page.url)
    if article.word_count <= entry.word_count:
        raise NotTheArticle(f"{page.url}: the page holds no more text than the feed")
    if not same_story(entry.title, article.title + "\n" + article.text[:_OPENING_CHARS]):
        raise NotTheArticle(f"{page.url}: the page is not the article (its title and opening differ)")
    return dataclasses.replace(
        entry,
        text=article.text,
        content_html=article.content_html,
        feed_summary=entry.text or entry.feed_summary,
        url=article.url if is_web_url(article.url) else page.url,
        guid=entry.guid or entry.url,
        author=entry.author or article.author,
        published=entry.published or article.published,
        language=entry.language or article.language,
        image_url=entry.image_url or article.image_url,
        full_text_url=page.url,
        relevance=None,
    )


def same_story(title: str, page_text: str) -> bool:
    """True when most words of *title* occur in *page_text* (Chinese and Japanese by
    character pairs). A title too short to judge passes."""
    wanted = _terms(title)
    if len(wanted) < 3:
        return True
    found = _terms(page_text)
    return len(wanted & found) >= MIN_TITLE_OVERLAP * len(wanted)


def _terms(text: str) -> set[str]:
    terms: set[str] = set()
    for token in _TOKENS.findall(text.casefold()):
        if _CJK_RUN.match(token):
            terms.update(token[i : i + 2] for i in range(max(1, len(token) - 1)))
        elif len(token) > 2 or token.isdigit():
            terms.add(token)
    return terms
