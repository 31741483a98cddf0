"""Main-text extraction for article pages, and spotting feed entries that are only teasers.

When a feed entry carries a teaser ("The phone launches today [...]"), the
collector fetches the article page and keeps what :func:`extract_article` finds::

    >>> if is_teaser(entry.text, entry.content_html):                   # doctest: +SKIP
    ...     page = extract_article(fetcher.fetch(entry.url, accept=HTML_ACCEPT).text(), entry.url)
    ...     text, html = page.text, sanitize_html(page.html, base_url=page.canonical_url)

Extraction is trafilatura in precision mode (news articles, no comments), which
never fetches anything itself: it only sees the HTML we hand it. trafilatura is
imported on first use so that CLI start-up stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape, unescape
from urllib.parse import urljoin

from digest_app.errors import ParseError
from digest_app.records import count_words
from digest_app.urls import is_web_url

# Below this many characters, precision mode has probably thrown the article away
# with the boilerplate (it happens on pages with unusual markup); the balanced
# mode is then asked too and the longer text kept.
_SHORT_EXTRACTION = 500
# Fewer words than this is a menu or a caption, not an article.
_MIN_ARTICLE_WORDS = 15

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*", re.I)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_META_LANG = re.compile(
    r"<meta[^>]+?(?:http-equiv\s*=\s*[\"']?content-language|property\s*=\s*[\"']?og:locale)[^>]*?"
    r"content\s*=\s*[\"']?\s*([A-Za-z]{2,3})\b",
    re.I,
)


@dataclass(frozen=True)
class ExtractedPage:
    """The article found in a page.

    ``text`` is plain text, paragraphs separated by a blank line, without the
    headline (that is ``title``). ``html`` is the same content as simple
    structural HTML (p, h2-h6, ul/li, blockquote, pre, table) that has NOT been
    sanitized yet. ``published`` is aware UTC (a page that gives a date without a
    time or zone is read as UTC). URLs are absolute.
    """

    title: str | None
    text: str
    html: str
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    image_url: str | None = None
    canonical_url: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)


def extract_article(html: str, url: str | None = None) -> ExtractedPage:
    """The main text and metadata of an article page; :class:`ParseError` if there is none.

    *url* is where the page came from; it resolves relative links and names the
    page in the error message.
    """
    import trafilatura
    from trafilatura.htmlprocessing import convert_to_html
    from trafilatura.metadata import set_date_params
    from trafilatura.xml import xmltotxt

    date_params = {**set_date_params(False), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
    options = dict(url=url, include_comments=False, include_tables=True, include_images=False,
                   include_links=False, with_metadata=True, date_extraction_params=date_params)
    document = trafilatura.bare_extraction(html, favor_precision=True, **options)
    if document is None or len(document.text or "") < _SHORT_EXTRACTION:
        balanced = trafilatura.bare_extraction(html, **options)
        if balanced is not None and len(balanced.text or "") > len((document and document.text) or ""):
            document = balanced
    if document is None or document.body is None:
        raise ParseError(f"{url or 'page'}: no article text found on the page")

    title = _clean(document.title)
    body = document.body
    _drop_leading_headline(body, title)
    text = _paragraphs(xmltotxt(body, False))
    if count_words(text) < _MIN_ARTICLE_WORDS:
        raise ParseError(f"{url or 'page'}: no article text found on the page")
    base = url or document.url
    return ExtractedPage(
        title=title,
        text=text,
        html=_structural_html(convert_to_html(body).find("body")),
        author=_clean(document.author),
        published=_parse_date(document.date),
        language=_page_language(html),
        image_url=_absolute(base, document.image),
        canonical_url=_absolute(base, _canonical_link(html) or document.url)
        or (url if is_web_url(url) else None),
    )


def _drop_leading_headline(body, title: str | None) -> None:
    """Pages often repeat the headline as the first block; the title is kept apart."""
    first = next(iter(body), None)
    if first is not None and title and _clean(first.xpath("string()")) == title:
        body.remove(first)


def _paragraphs(text: str) -> str:
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _structural_html(body) -> str:
    """The children of trafilatura's converted ``<body>`` as an HTML fragment."""
    from lxml import etree

    loose = f"<p>{escape(body.text.strip())}</p>" if (body.text or "").strip() else ""
    return loose + "".join(
        etree.tostring(child, encoding="unicode", method="html", with_tail=True).strip() for child in body
    )


def _canonical_link(html: str) -> str | None:
    """``<link rel="canonical" href>``, which trafilatura drops when it is relative."""
    for tag in _LINK_TAG.findall(html[:200000]):
        attributes = {name.lower(): value.strip("\"'") for name, value in _ATTRIBUTE.findall(tag)}
        if "canonical" in attributes.get("rel", "").lower().split() and attributes.get("href"):
            return unescape(attributes["href"])
    return None


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            moment = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
    return moment.astimezone(timezone.utc)


def _page_language(html: str) -> str | None:
    """Primary language subtag (``en`` for ``en-US``) from ``<html lang>`` or a meta tag."""
    head = html[:20000]
    match = _HTML_LANG.search(head) or _META_LANG.search(head)
    return match.group(1).lower() if match else None


def _absolute(base: str | None, url: str | None) -> str | None:
    if not url:
        return None
    absolute = urljoin(base, url.strip()) if base else url.strip()
    return absolute if is_web_url(absolute) else None


# --- teasers ----------------------------------------------------------------------------

_TEASER_WORDS = 50
_TRUNCATION_END = re.compile(
    r"(…|\.\.\.|\[\s*(?:…|\.\.\.|&hellip;|more)\s*\]|\(\s*more\s*(?:…|\.\.\.)?\s*\))\s*$",
    re.I,
)
_READ_MORE = re.compile(
    r"(?:\b(?:read|see|view)\s+(?:the\s+)?(?:more|full|rest|entire|complete|whole)\b"
    r"|\bcontinue\s+reading\b|\bkeep\s+reading\b|\bfull\s+(?:story|article|post)\b"
    r"|\bread\s+on\b|\bmore\s*(?:»|›|→)"
    r"|\bleia\s+mais\b|\bleggi\s+(?:tutto|di\s+più)\b|\bweiterlesen\b|\blire\s+la\s+suite\b"
    r"|\bleer\s+más\b|阅读全文|閱讀全文|查看全文|続きを読む)",
    re.I,
)
# WordPress appends "The post X appeared first on Y." to full posts and excerpts alike.
_APPEARED_FIRST = re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.S)
_TAGS = re.compile(r"<[^>]+>")


def is_teaser(text: str | None, html: str | None = None, *, min_words: int = _TEASER_WORDS) -> bool:
    """True when a feed entry's content is only a teaser and the page is worth fetching.

    A teaser is empty, shorter than *min_words* words, ends in an ellipsis or
    ``[...]``, or ends with a "Read more" / "Continue reading" link (in several
    languages). *text* is the entry's plain text, *html* its content as HTML.

        >>> is_teaser("Xiaomi announced a phone today, with a bigger battery and [...]")
        True
        >>> is_teaser(" ".join(["word"] * 80) + ".")
        False
    """
    plain = " ".join((text or "").split())
    if not plain and html:
        plain = " ".join(_TAGS.sub(" ", html).split())
    plain = _APPEARED_FIRST.sub("", plain).strip()
    if not plain:
        return True
    if count_words(plain) < min_words:
        return True
    ending = plain[-120:]
    if _TRUNCATION_END.search(ending):
        return True
    if _READ_MORE.search(ending):
        return True
    if html:
        tail = _APPEARED_FIRST.sub("", " ".join(_TAGS.sub(" ", html[-600:]).split()))
        if _READ_MORE.search(tail[-120:]):
            return True
    return False
