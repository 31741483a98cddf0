"""Local HTML files (saved web pages) as articles.

The main text is found by :func:`digest_app.collect.extract.extract_article`
(trafilatura), sanitized, and stripped of any page chrome that slipped into it;
the plain text is derived from that sanitized HTML. A saved page keeps its web
address: when the page names an http(s) canonical URL (``<link rel=canonical>``
or ``og:url``), that is the article's URL, otherwise the file's own URL is::

    >>> page = '''<html><head><title>Store opens - Example News</title>
    ... <link rel="canonical" href="https://example.com/news/store">
    ... <meta property="og:site_name" content="Example News"></head>
    ... <body><article><h1>Store opens</h1>
    ... <p onclick="x()">Xiaomi opened its first store in Spain today.</p>
    ... <script>track()</script></article></body></html>'''
    >>> [article] = parse_html_document(page, name="store.html", url="file:///saved/store.html")
    >>> article.title, article.url
    ('Store opens', 'https://example.com/news/store')
    >>> article.content_html
    '<p>Xiaomi opened its first store in Spain today.</p>'

A page too small or too odd for extraction (a saved note, a fragment, fewer than
150 words) is read whole: its ``<body>`` without navigation, headers, footers and
scripts.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

from lxml import etree

from digest_app.collect.boilerplate import default_rules, looks_like_prose
from digest_app.collect.dates import parse_date
from digest_app.collect.documents import derive_title
from digest_app.collect.extract import ExtractedPage, extract_article
from digest_app.collect.sanitize import clean_text, html_to_text, parse_document, parse_fragment, sanitize_html
from digest_app.errors import ParseError
from digest_app.records import ParsedArticle, count_words
from digest_app.urls import is_web_url

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»:]|-{1,2})\s+")
_PAGE_FURNITURE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template")
# Below this many words of body text a page is a note or fragment, read whole.
_SMALL_PAGE_WORDS = 150
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "figure"}


def parse_html_document(html: str, *, name: str, url: str | None = None) -> list[ParsedArticle]:
    """The article in a local HTML page; ParseError (naming *name*) if it holds no text.

    *url* is the file's ``file://`` URI; it is the article's URL unless the page
    names an http(s) canonical address.
    """
    html = clean_text(html)
    if not html.strip():
        raise ParseError(f"{name}: the page is empty")
    meta = _meta_tags(html)
    try:
        # The markup comes back flattened if it nests too deep to read whole.
        root, html = parse_document(html)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(f"{name}: not readable as HTML ({error})") from error
    whole, words = _whole_body(root, name, meta)
    page = whole
    if words >= _SMALL_PAGE_WORDS:
        try:
            page = extract_article(html, url=url)
        except ParseError:
            pass
    canonical = next((u for u in (page.canonical_url, whole.canonical_url, meta.get("og:url")) if is_web_url(u)), None)
    content_html = _without_chrome(sanitize_html(page.html, base_url=canonical or _web(url)))
    text = html_to_text(content_html)
    if not text:
        raise ParseError(f"{name}: no article text found in the page")
    title = _without_site_name(page.title or "", meta.get("og:site_name"), canonical)
    return [
        ParsedArticle(
            title=title or derive_title(text.split("\n\n", 1)[0]) or name,
            text=text,
            content_html=content_html,
            url=canonical or url,
            author=page.author or meta.get("author"),
            published=page.published or _meta_date(meta),
            language=page.language or whole.language,
            image_url=page.image_url,
        )
    ]


def _whole_body(root: etree._Element, name: str, meta: dict[str, str]) -> tuple[ExtractedPage, int]:
    """The page's body without furniture (navigation, header, footer, scripts), and
    how many words it holds: what a small page or a page extraction gives up on is.
    *root* (the parsed page) is changed on the way."""
    canonical = next(iter(root.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")), None)
    language = (root.get("lang") or "").split("-")[0].lower() or None
    for element in root.iter(*_PAGE_FURNITURE):
        if element.getparent() is not None:
            element.drop_tree()
    body = root.find("body")
    if body is None:
        raise ParseError(f"{name}: the page has no body")
    title = " ".join((root.findtext(".//title") or "").split())
    heading = body.find(".//h1")
    if heading is not None:
        text = " ".join(heading.text_content().split())
        if not title or title.startswith(text):
            title = title or text
            heading.drop_tree()
    fragment = (body.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body
    )
    page = ExtractedPage(
        title=title or None, text="", html=fragment, author=meta.get("author"),
        published=_meta_date(meta), language=language, canonical_url=canonical,
    )
    return page, count_words(body.text_content())


def _without_chrome(content_html: str) -> str:
    """Sanitized HTML without the blocks that are page chrome ("Advertisement", "Read more")."""
    if not content_html:
        return ""
    rules = default_rules()
    root = parse_fragment(content_html)
    dropped = False
    for element in list(root.iter()):
        if element.tag not in _BLOCKS or element.getparent() is None:
            continue
        words = " ".join(element.text_content().split())
        if words and not looks_like_prose(words) and rules.is_chrome(words):
            element.drop_tree()
            dropped = True
    if not dropped:
        return content_html
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in root).strip()


def _meta_tags(html: str) -> dict[str, str]:
    """``<meta property|name=... content=...>`` of the page head, keys lower-cased."""
    found: dict[str, str] = {}
    for tag in _META.findall(html[:200000]):
        attributes = {key.lower(): unescape(value.strip("\"'")) for key, value in _ATTRIBUTE.findall(tag)}
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
        if key and attributes.get("content") and key not in found:
            found[key] = attributes["content"].strip()
    return found


def _meta_date(meta: dict[str, str]) -> datetime | None:
    for key in ("article:published_time", "datepublished", "date", "dc.date", "pubdate"):
        if meta.get(key):
            moment = parse_date(meta[key])
            if moment:
                return moment
    return None


def _web(url: str | None) -> str | None:
    return url if is_web_url(url) else None


def _without_site_name(title: str, site_name: str | None, url: str | None) -> str:
    """A page title without the " - Site Name" or "Site | " the site puts in every title."""
    title = " ".join(title.split())
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    host = _letters((url or "").split("//", 1)[-1].split("/", 1)[0])
    site = _letters(site_name or "")
    last, first = separators[-1], separators[0]
    for candidate, rest in ((title[last.end():], title[: last.start()]), (title[: first.start()], title[first.end():])):
        key = _letters(candidate)
        if key and (key == site or (len(key) >= 4 and key in host)) and len(rest.split()) >= 2:
            return rest.strip()
    return title


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
