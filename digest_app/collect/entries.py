"""Turning one feed entry into a :class:`ParsedArticle`, the same way for every feed format.

RSS, RDF and Atom (through feedparser, in :mod:`digest_app.collect.feeds`) and
JSON Feed (:mod:`digest_app.collect.jsonfeed`) each find an entry's parts; this
module applies the rules they share: HTML sanitized against a base URL, plain
text derived from it, titles and authors as one line of plain text, only
absolute http(s) URLs kept, implausible dates dropped, languages reduced to their
primary subtag, and a repeated guid keeping its first entry.

    >>> article = make_article(title="Xiaomi &amp; Leica", content_html="<p>New phone.</p>",
    ...                        url="/news/1", base_url="https://example.com/")
    >>> article.title, article.url, article.text
    ('Xiaomi & Leica', 'https://example.com/news/1', 'New phone.')
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urljoin

from digest_app.collect.sanitize import clean_text, html_to_text, sanitize_html, text_to_html
from digest_app.records import ParsedArticle
from digest_app.urls import is_web_url

UNTITLED = "(untitled)"
#: Dates before this are placeholders (0001-01-01, the Unix epoch), not publication dates.
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: How far ahead of the clock a date may be (time zones, slow clocks) before it is a typo.
FUTURE_TOLERANCE = timedelta(days=1)

_MARKUP = re.compile(r"<[A-Za-z/!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_SPACES = re.compile(r"\s+")
_ABSOLUTE_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
_URL_LAYOUT = re.compile(r"^\s+|\s+$|[\t\r\n]")
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_SPACE = re.compile(r"\s")
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]|$)")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TITLE_WORDS = 12
_TITLE_CHARS = 80


def plain_line(value: str | None) -> str:
    """*value* as one line of plain text: tags stripped, entities decoded, spaces collapsed."""
    if not value:
        return ""
    text = html_to_text(value) if _MARKUP.search(value) else clean_text(value)
    return _SPACES.sub(" ", text).strip()


def plain_text(value: str | None, *, is_html: bool) -> str:
    """*value* as plain text paragraphs, whether it is HTML or text."""
    if not value:
        return ""
    return html_to_text(value if is_html else text_to_html(value))


def primary_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag, lower case: "en-US" -> "en", "zh_CN" -> "zh".

    None for anything that is not a language ("x-default", "i-klingon", "*").
    """
    if not tag:
        return None
    match = _LANGUAGE.match(tag.strip())
    return match.group(1).lower() if match else None


def plausible_date(moment: datetime | None, now: datetime) -> datetime | None:
    """*moment* as aware UTC, or None when it is before 1990 or more than a day ahead of *now*.

    A naive *moment* is taken to be UTC.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    if moment < EARLIEST_DATE or moment > now + FUTURE_TOLERANCE:
        return None
    return moment


def web_url(value: str | None, base: str | None = None) -> str | None:
    """*value* made absolute against *base*, if it is then an http(s) URL; else None.

    ``javascript:``, ``data:``, ``file:`` and the like give None.
    """
    if not value:
        return None
    # Tabs and line breaks inside a URL are layout, as browsers agree (WHATWG URL).
    value = _URL_LAYOUT.sub("", clean_text(value))
    scheme = _ABSOLUTE_WEB_URL.match(value)
    if scheme:
        value = scheme.group().lower() + value[scheme.end():]
    elif base and is_web_url(base):
        try:
            value = urljoin(base, value)
        except ValueError:
            return None
    # Spaces after the host are percent-encoded, as browsers do (and the fetcher
    # refuses addresses holding any); a space in the host leaves no web URL.
    authority = _AUTHORITY.match(value)
    if authority:
        value = value[: authority.end()] + _SPACE.sub(lambda m: quote(m.group()), value[authority.end():])
    return value if is_web_url(value) else None


def first_image(content: str, base: str | None) -> str | None:
    """The first ``<img src>`` of an HTML fragment that resolves to an http(s) URL."""
    for match in _IMG_SRC.finditer(content):
        raw = next(group for group in match.groups() if group is not None)
        src = web_url(html.unescape(raw), base)
        if src:
            return src
    return None


def fallback_title(text: str) -> str:
    """A title made of the first words of *text*, or "(untitled)" when there is none."""
    words = text.split()
    if not words:
        return UNTITLED
    title = " ".join(words[:_TITLE_WORDS])
    if len(title) > _TITLE_CHARS:
        title = title[:_TITLE_CHARS].rsplit(" ", 1)[0] or title[:_TITLE_CHARS]
    return title + ("…" if title != " ".join(words) else "")


def make_article(
    *,
    title: str | None,
    content_html: str = "",
    base_url: str | None = None,
    url: str | None = None,
    guid: str | None = None,
    author: str | None = None,
    published: datetime | None = None,
    language: str | None = None,
    summary_text: str | None = None,
    image_url: str | None = None,
) -> ParsedArticle | None:
    """A :class:`ParsedArticle` from an entry's raw parts, or None when the entry has
    no title, text, link or guid (nothing to show or to know it by).

    *content_html* is unsanitized HTML; *base_url* resolves its relative links and
    *url*. *summary_text* (plain text) is kept as ``feed_summary`` only when it
    says something other than the content. *published* must already be plausible.
    """
    safe_html = sanitize_html(content_html, base_url=base_url) if content_html else ""
    text = html_to_text(safe_html)
    link = web_url(url, base_url)
    heading = plain_line(title)
    identifier = _identifier(guid)
    if not heading and not text and not link and not identifier:
        return None
    summary = (summary_text or "").strip()
    if summary and _SPACES.sub(" ", summary) == _SPACES.sub(" ", text).strip():
        summary = ""
    return ParsedArticle(
        title=heading or fallback_title(text),
        text=text,
        content_html=safe_html,
        url=link,
        guid=identifier,
        author=plain_line(author) or None,
        published=published,
        language=language,
        feed_summary=summary or None,
        image_url=web_url(image_url, base_url),
    )


def keep_first_per_guid(articles: Sequence[ParsedArticle]) -> tuple[list[ParsedArticle], int]:
    """*articles* without later repeats of a guid, and how many repeats were dropped.

    Feeds that repeat a guid usually list an older copy of the entry further down
    (a re-published post, a merged archive), so the first occurrence is kept.
    """
    seen: set[str] = set()
    kept: list[ParsedArticle] = []
    for article in articles:
        if article.guid is not None:
            if article.guid in seen:
                continue
            seen.add(article.guid)
        kept.append(article)
    return kept, len(articles) - len(kept)


def _identifier(value: str | None) -> str | None:
    if value is None:
        return None
    value = clean_text(str(value)).strip()
    return value or None
