"""OPML subscription lists: reading the feeds they list, and writing one.

    >>> document = parse_opml(Path("subscriptions.opml").read_bytes(), name="subscriptions.opml")
    >>> [(feed.title, feed.url, feed.category) for feed in document.feeds][:1]
    [('Xiaomi Global', 'https://example.com/xiaomi/feed', 'Phones')]
    >>> document.skipped
    ('skipped "Intranet": file:///srv/feed.xml is not an http(s) address',)

Every ``<outline>`` with an ``xmlUrl`` is a feed; an outline without one that
holds other outlines is a category, and each feed takes the text of the
category it sits in (the innermost one when categories nest). Only http(s)
feed addresses are accepted (``feed://`` is read as ``http://``); outlines with
any other address are skipped and listed in :attr:`OpmlDocument.skipped` so the
caller can report them. :func:`parse_opml` raises :class:`ParseError` when the
file is not OPML or lists no usable feed.

Digest's topic filter flag travels in a namespaced attribute of the feed's
outline, which other readers ignore::

    <opml version="2.0" xmlns:digest="urn:digest-app:opml:1">
      ... <outline type="rss" text="..." xmlUrl="..." digest:topicFilter="on"/>

The XML is parsed with defusedxml: a DOCTYPE is tolerated, but entity
declarations (entity expansion, external entities) make the file refused.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import defusedxml
import defusedxml.ElementTree

from digest_app.collect.entries import web_url
from digest_app.collect.sanitize import clean_text
from digest_app.errors import ParseError
from digest_app.records import OutlineFeed

DIGEST_NAMESPACE = "urn:digest-app:opml:1"
TOPIC_FILTER_ATTRIBUTE = f"{{{DIGEST_NAMESPACE}}}topicFilter"
_TRUE_WORDS = frozenset({"on", "true", "yes", "1"})


@dataclass(frozen=True)
class OpmlDocument:
    """The feeds an OPML file lists, and a readable line for each outline skipped."""

    title: str
    feeds: tuple[OutlineFeed, ...]
    skipped: tuple[str, ...] = ()


def parse_opml(data: bytes, name: str | None = None) -> OpmlDocument:
    """Read an OPML file; *name* labels errors. Feeds listed twice are kept once."""
    label = name or "OPML file"
    try:
        root = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as error:
        raise ParseError(
            f"{label}: refused: the OPML file declares XML entities ({type(error).__name__})"
        ) from error
    except ElementTree.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        raise ParseError(f"{label}: not valid OPML (XML error at line {line}, column {column}: {message})") from error
    if _local(root.tag) != "opml":
        raise ParseError(f"{label}: not an OPML file (its root element is <{_local(root.tag)}>)")
    head_title = root.find("head/title")
    title = _one_line(head_title.text if head_title is not None else "")
    body = root.find("body")
    feeds: list[OutlineFeed] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for outline, category in _outlines(body if body is not None else root, None):
        attributes = {_local(key).lower(): value for key, value in outline.attrib.items()}
        address = attributes.get("xmlurl", "").strip()
        if not address:
            continue
        text = _one_line(attributes.get("title") or attributes.get("text") or "")
        url = web_url(_http_for_feed_scheme(address))
        if url is None:
            skipped.append(f'skipped "{text or address}": {address} is not an http(s) address')
            continue
        if url in seen:
            continue
        seen.add(url)
        feeds.append(
            OutlineFeed(
                url=url,
                title=text,
                site_url=web_url(attributes.get("htmlurl")),
                category=category,
                topic_filter=outline.get(TOPIC_FILTER_ATTRIBUTE, "").strip().lower() in _TRUE_WORDS,
            )
        )
    if not feeds:
        reason = f"{len(skipped)} outline(s) skipped, none with an http(s) feed address" if skipped else "it lists no feeds"
        raise ParseError(f"{label}: no usable feed in the OPML file ({reason})")
    return OpmlDocument(title=title, feeds=tuple(feeds), skipped=tuple(skipped))


def write_opml(feeds: Iterable[OutlineFeed], title: str) -> bytes:
    """An OPML 2.0 document listing *feeds*, grouped in category outlines.

    Feeds without a category come first; categories follow in the order they
    first appear. :func:`parse_opml` reads the result back to the same feeds.
    """
    uncategorised: list[OutlineFeed] = []
    categories: dict[str, list[OutlineFeed]] = {}
    for feed in feeds:
        if feed.category:
            categories.setdefault(feed.category, []).append(feed)
        else:
            uncategorised.append(feed)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<opml version="2.0" xmlns:digest="{DIGEST_NAMESPACE}">',
        "  <head>",
        f"    <title>{_escape_text(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    lines += [f"    {_feed_outline(feed)}" for feed in uncategorised]
    for category, members in categories.items():
        label = _attribute(category)
        lines.append(f"    <outline text={label} title={label}>")
        lines += [f"      {_feed_outline(feed)}" for feed in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _outlines(
    parent: ElementTree.Element, category: str | None
) -> Iterator[tuple[ElementTree.Element, str | None]]:
    """Every outline under *parent* with the category it sits in, depth first.

    An outline without ``xmlUrl`` names a category for the outlines inside it.
    """
    for outline in parent:
        if _local(outline.tag) != "outline":
            continue
        yield outline, category
        attributes = {_local(key).lower(): value for key, value in outline.attrib.items()}
        inner = category
        if not attributes.get("xmlurl", "").strip():
            inner = _one_line(attributes.get("text") or attributes.get("title") or "") or category
        yield from _outlines(outline, inner)


def _one_line(value: str | None) -> str:
    """OPML attributes are plain text: control characters out, white space collapsed."""
    return " ".join(clean_text(value or "").split())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _http_for_feed_scheme(address: str) -> str:
    """``feed://host/x`` and ``feed:https://host/x``, old subscription links, as http(s)."""
    lowered = address.lower()
    if lowered.startswith("feed:http://") or lowered.startswith("feed:https://"):
        return address[5:]
    if lowered.startswith("feed://"):
        return "http://" + address[7:]
    return address


def _feed_outline(feed: OutlineFeed) -> str:
    text = _attribute(feed.title or feed.url)
    parts = [f"<outline type=\"rss\" text={text} title={text} xmlUrl={_attribute(feed.url)}"]
    if feed.site_url:
        parts.append(f"htmlUrl={_attribute(feed.site_url)}")
    if feed.topic_filter:
        parts.append('digest:topicFilter="on"')
    return " ".join(parts) + "/>"


def _attribute(value: str) -> str:
    # XML 1.0 cannot carry control characters, so _one_line removes them first.
    return quoteattr(_one_line(value))


def _escape_text(value: str) -> str:
    return escape(_one_line(value))
