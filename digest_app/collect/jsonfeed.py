"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), and RSS-in-JSON, read with :mod:`json`.

feedparser 6.0 does not read JSON Feed, so this module does, and produces the
same :class:`ParsedFeed` as :func:`digest_app.collect.feeds.parse_feed` (which
hands JSON documents over to it). RSS-in-JSON (an RSS 2.0 channel written as
JSON, as Scripting News publishes it: ``{"rss": {"channel": {"item": [...]}}}``)
is read too, by mapping it onto JSON Feed's names first.

    >>> feed = parse_json_feed(b'''{"version": "https://jsonfeed.org/version/1.1",
    ...   "title": "Xiaomi", "items": [{"id": "1", "content_text": "Hello."}]}''')
    >>> feed.format, feed.entries[0].title, feed.entries[0].text
    ('json1.1', 'Hello.', 'Hello.')

Like a good reader it is lenient: an item without ``id`` is kept with no guid
(the library then knows it by URL or content), ``id`` numbers are read as text,
``external_url`` stands in for a missing ``url``, the 1.0 ``author`` and the 1.1
``authors`` are both read, and an item author falls back to the feed's.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from digest_app.collect import entries
from digest_app.collect.sanitize import text_to_html
from digest_app.errors import ParseError
from digest_app.records import ParsedArticle, ParsedFeed
from digest_app.urls import is_web_url

_RSS_IN_JSON = "rss-in-json"
_FORMATS = {
    "https://jsonfeed.org/version/1": "json1",
    "https://jsonfeed.org/version/1.1": "json1.1",
    _RSS_IN_JSON: "rss-json",
}


def looks_like_json(data: bytes) -> bool:
    """True when *data* (after any BOM and white space) opens a JSON object."""
    return _decode(data[:1024])[0].lstrip()[:1] == "{"


def parse_json_feed(
    data: bytes,
    *,
    url: str | None = None,
    name: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Read a JSON Feed; *url*, *name* and *now* as for :func:`~digest_app.collect.feeds.parse_feed`.

    Raises :class:`ParseError` for invalid JSON (naming line and column) and for
    JSON that is not a feed (no ``items`` list).
    """
    label = name or url or "feed"
    now = now or datetime.now(timezone.utc)
    text, replaced = _decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"{label}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except (ValueError, RecursionError) as error:
        raise ParseError(f"{label}: not valid JSON ({error})") from error
    if isinstance(document, dict) and "items" not in document:
        document = _from_rss_in_json(document)
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ParseError(f'{label}: not a JSON Feed (no "items" list)')
    url = url if is_web_url(url) else None
    site_url = entries.web_url(_text(document.get("home_page_url")), url)
    language = entries.primary_language(_text(document.get("language")))
    author = _authors(document)
    articles: list[ParsedArticle] = []
    unusable = 0
    for item in document["items"]:
        article = _item_article(item, site_url=site_url, language=language, author=author, now=now)
        if article is None:
            unusable += 1
        else:
            articles.append(article)
    articles, repeated = entries.keep_first_per_guid(articles)
    notes = ["invalid UTF-8 bytes replaced"] if replaced else []
    if repeated:
        notes.append(f"{repeated} item{'s' if repeated != 1 else ''} repeating an earlier id skipped")
    if unusable:
        notes.append(f"{unusable} item{'s' if unusable != 1 else ''} with no title, text, link or id skipped")
    return ParsedFeed(
        title=entries.plain_line(_text(document.get("title"))),
        format=_FORMATS.get(str(document.get("version", "")).rstrip("/"), "json"),
        entries=tuple(articles),
        site_url=site_url,
        feed_url=url or entries.web_url(_text(document.get("feed_url")), site_url),
        language=language,
        warning="; ".join(notes) or None,
    )


def _decode(data: bytes) -> tuple[str, bool]:
    """Text of a JSON document (UTF-8, or UTF-16/32 with a BOM), and whether bad bytes were replaced."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            data = data[len(bom):]
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), True


def _from_rss_in_json(document: dict[str, Any]) -> dict[str, Any]:
    """An RSS-in-JSON document renamed into a JSON Feed; anything else unchanged."""
    rss = document.get("rss")
    channel = rss.get("channel") if isinstance(rss, dict) else None
    if not isinstance(channel, dict):
        return document
    items = channel.get("item", [])
    items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
    return {
        "version": _RSS_IN_JSON,
        "title": channel.get("title"),
        "home_page_url": channel.get("link"),
        "language": channel.get("language"),
        "items": [_rss_item_as_json_feed_item(item) for item in items],
    }


def _rss_item_as_json_feed_item(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    guid = item.get("guid")
    enclosure = item.get("enclosure")
    author = item.get("author") or item.get("dc:creator")
    return {
        "id": guid.get("#value") if isinstance(guid, dict) else guid,
        "url": item.get("link"),
        "title": item.get("title"),
        "content_html": item.get("description"),
        "date_published": item.get("pubDate"),
        "author": {"name": author} if isinstance(author, str) else None,
        "attachments": [
            {"url": enclosure.get("url"), "mime_type": enclosure.get("type", "")}
        ] if isinstance(enclosure, dict) else [],
    }


def _item_article(
    item: Any, *, site_url: str | None, language: str | None, author: str | None, now: datetime
) -> ParsedArticle | None:
    if not isinstance(item, dict):
        return None
    link = entries.web_url(_text(item.get("url")), site_url) or entries.web_url(
        _text(item.get("external_url")), site_url
    )
    content_html = _text(item.get("content_html"))
    content_text = _text(item.get("content_text"))
    summary = _text(item.get("summary"))
    summary_text = None
    if content_html:
        body = content_html
        summary_text = summary
    elif content_text:
        body = text_to_html(content_text)
        summary_text = summary
    else:
        body = text_to_html(summary) if summary else ""
    base = link or site_url
    image = _text(item.get("image")) or _text(item.get("banner_image")) or _image_attachment(item)
    return entries.make_article(
        title=_text(item.get("title")),
        content_html=body,
        base_url=base,
        url=link,
        guid=_identifier(item.get("id")),
        author=_authors(item) or author,
        published=entries.plausible_date(
            _date(item.get("date_published")) or _date(item.get("date_modified")), now
        ),
        language=entries.primary_language(_text(item.get("language"))) or language,
        summary_text=entries.plain_line(summary_text) if summary_text else None,
        image_url=image or (entries.first_image(content_html, base) if content_html else None),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _identifier(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return _text(value)


def _authors(node: Mapping[str, Any]) -> str | None:
    """Names from 1.1 ``authors`` (a list) or 1.0 ``author`` (one object), joined."""
    people = node.get("authors")
    if not isinstance(people, list):
        people = [node.get("author")]
    names = [person.get("name") for person in people if isinstance(person, dict)]
    joined = ", ".join(entries.plain_line(name) for name in names if _text(name))
    return joined or None


def _image_attachment(item: Mapping[str, Any]) -> str | None:
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith("image/"):
            return _text(attachment.get("url"))
    return None


def _date(value: Any) -> datetime | None:
    """RFC 3339 as the spec requires, or RFC 822 as some generators write anyway."""
    text = _text(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment
