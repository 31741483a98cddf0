"""Reading a feed document (RSS 0.9x/1.0/2.0, RDF, Atom, CDF, JSON Feed) from bytes.

    >>> feed = parse_feed(Path("xiaomi.xml").read_bytes(), name="xiaomi.xml")
    >>> feed.title, feed.format, len(feed.entries), feed.warning
    ('Xiaomi News', 'rss20', 20, None)

RSS, RDF and Atom go through feedparser, always given bytes (wrapped in a
stream, so that no byte string is ever taken for a path or URL, and nothing is
fetched). JSON Feed goes to :mod:`digest_app.collect.jsonfeed`, because
feedparser 6.0 cannot read it.

feedparser runs with ``sanitize_html=False`` and ``resolve_relative_uris=False``:
every entry's HTML goes through :func:`~digest_app.collect.sanitize.sanitize_html`
anyway (a stricter allow-list), and that resolves relative links against the
entry's ``xml:base`` (which feedparser reports per content element), else the
entry link, else the site link. Letting feedparser do both as well would only
cost time: about 1.4 s more per 10,000 entries for each of the two.

Before feedparser sees the bytes they are prepared:
converted to UTF-8 (feedparser's own encoding detection), invalid UTF-8 bytes
in an otherwise UTF-8 feed replaced instead of re-reading the whole feed as
Windows-1252, characters XML forbids (NUL, other C0 controls) removed, and
entity declarations made harmless. feedparser's loose fallback parser expands
any entity whose value holds no ``&`` without a size limit (a 200 KB feed
declaring one 100 KB entity and using it 4,000 times made 400 MB of text and
took 14 s), and expat bounds expansion only at 100 times the input size. So
only small literal entities (at most 32 bytes, or one character reference) are
kept; every other declaration, external (``SYSTEM``/``PUBLIC``) and parameter
entities included, is removed and the warning says so.

A feed that is not well-formed XML still yields the entries feedparser could
recover, with :attr:`ParsedFeed.warning` saying what was wrong. A document that
is not a feed, or a broken one with no entry left, raises :class:`ParseError`
naming the input.
"""

from __future__ import annotations

import calendar
import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

from digest_app.collect import entries, formats, jsonfeed
from digest_app.collect.sanitize import text_to_html
from digest_app.errors import ParseError
from digest_app.records import ParsedArticle, ParsedFeed
from digest_app.urls import is_web_url

#: Feeds larger than this are refused (the largest real feeds are a few MB).
MAX_FEED_BYTES = 64 * 1024 * 1024
#: The longest entity value kept; anything longer could multiply the document's size.
MAX_ENTITY_BYTES = 32
#: A DOCTYPE this large is not a real feed's; it is refused rather than scanned.
MAX_DOCTYPE_BYTES = 1024 * 1024

_LEADING_SPACE_BEFORE_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?[ \t\r\n]+(?=<\?xml)")
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?<\?xml")
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_XML_FORBIDDEN_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHARACTER_REFERENCE = re.compile(rb"&#([0-9]{1,20}|[xX][0-9A-Fa-f]{1,20});")
_XML_DECLARATION_AFTER_START = re.compile(rb"<\?xml\s[^>]*\?>")
_NAME_START_TAG = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_NAME_START = re.compile(rb"[A-Za-z_:\x80-\xff]")
_DOCTYPE_SPECIAL = re.compile(rb"""["'\[\]><]""")
_DECLARATION_SPECIAL = re.compile(rb"""["'>]""")
_ENTITY_VALUE = rf"[^%&<\"']{{0,{MAX_ENTITY_BYTES}}}|&#[0-9]{{1,7}};|&#x[0-9A-Fa-f]{{1,6}};"
_SAFE_ENTITY = re.compile(
    rf"""<!ENTITY\s+[A-Za-z_:][\w.:\-]*\s+(?:"(?:{_ENTITY_VALUE})"|'(?:{_ENTITY_VALUE})')\s*>""".encode()
)
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.IGNORECASE)
_ENCODING_OVERRIDE = re.compile(r"declared as (\S+), but parsed as (\S+)")


@dataclass(frozen=True)
class _PreparedXml:
    """Feed bytes made ready for feedparser, and what was changed on the way."""

    data: bytes
    notes: tuple[str, ...]
    #: Add to a line number in ``data`` to get the line in the original file.
    line_shift: int


def parse_feed(
    data: bytes,
    *,
    url: str | None = None,
    name: str | None = None,
    now: datetime | None = None,
    max_bytes: int = MAX_FEED_BYTES,
) -> ParsedFeed:
    """Read a feed document. *url* is where it came from (it resolves relative links
    and becomes ``feed_url``); *name* labels errors (a file path), defaulting to *url*.
    *now* is the clock for rejecting dates in the future.

    Entries repeating an earlier entry's guid are dropped (the first is kept), and
    so are entries with no title, text, link or guid; the warning counts both.
    """
    label = name or url or "feed"
    if len(data) > max_bytes:
        raise ParseError(
            f"{label}: feed too large ({len(data) / 2**20:.0f} MB; the limit is "
            f"{max_bytes / 2**20:.0f} MB)"
        )
    if not data.strip():
        raise ParseError(f"{label}: empty file, not a feed")
    now = now or datetime.now(timezone.utc)
    if jsonfeed.looks_like_json(data):
        return jsonfeed.parse_json_feed(data, url=url, name=name, now=now)
    prepared = _prepare_xml(data, label)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if is_web_url(url):
        headers["content-location"] = url
    try:
        result = feedparser.parse(
            io.BytesIO(prepared.data),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # noqa: BLE001 - a third-party parser on hostile input
        # feedparser reports ill-formed input through "bozo"; anything it raises
        # instead is one of its bugs, and must fail this feed, not the batch.
        raise ParseError(f"{label}: feed could not be read ({type(error).__name__}: {error})") from error
    return _parsed_feed(result, prepared, url=url if is_web_url(url) else None, label=label, now=now)


def _prepare_xml(data: bytes, label: str = "feed") -> _PreparedXml:
    """*data* as UTF-8 without forbidden characters or dangerous entity declarations.

    Raises :class:`ParseError` for a DOCTYPE too large to check.
    """
    notes: list[str] = []
    line_shift = 0
    leading = _LEADING_SPACE_BEFORE_DECLARATION.match(data)
    if leading:
        # A blank line before <?xml is a strict-XML error that costs the whole
        # feed its well-formed parse; dropping it loses nothing.
        line_shift += data.count(b"\n", 0, leading.end())
        data = (leading.group(1) or b"") + data[leading.end():]
    if _is_broken_utf8(data):
        data = data.decode("utf-8", errors="replace").encode("utf-8")
        notes.append("invalid UTF-8 bytes replaced")
    # NULs out so that UTF-16 and UTF-32 declarations show too.
    had_declaration = bool(_XML_DECLARATION.match(data[:64].replace(b"\x00", b"")))
    detected: dict[str, Any] = {}
    data = convert_to_utf8({}, data, detected)
    if not had_declaration:
        line_shift -= 1  # convert_to_utf8 put a declaration line in front
    encoding_problem = detected.get("bozo_exception")
    if encoding_problem is not None:
        notes.append(_describe_encoding_problem(encoding_problem))
    data = _XML_FORBIDDEN_BYTES.sub(b"", data)
    data = _CHARACTER_REFERENCE.sub(_valid_character_reference, data)
    data = _drop_misplaced_declaration(data)
    data, removed, lines_lost = _defuse_entities(data, label)
    line_shift += lines_lost + _check_feedparser_doctype(data, label)
    if removed:
        notes.append(
            f"{removed} XML entity declaration{'s' if removed != 1 else ''} ignored "
            "(external, parameter or oversized entities are never expanded)"
        )
    return _PreparedXml(data, tuple(notes), line_shift)


def _valid_character_reference(match: re.Match[bytes]) -> bytes:
    """``&#...;`` unchanged if XML allows the character; else nothing (control
    characters) or U+FFFD (surrogates, beyond Unicode), which feedparser's fallback
    parser would otherwise crash on."""
    digits = match.group(1)
    try:
        code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    except ValueError:
        return b"&#xFFFD;"
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return match.group(0)
    return b"" if code < 0x20 else b"&#xFFFD;"


def _drop_misplaced_declaration(data: bytes) -> bytes:
    """Remove an ``<?xml ...?>`` that follows a comment (the declaration convert_to_utf8
    put first now stands in for it); strict XML refuses one anywhere but at the start."""
    second = _XML_DECLARATION_AFTER_START.search(data, 1)
    if second is None or _NAME_START_TAG.search(data, 0, second.start()):
        return data
    return data[:second.start()] + data[second.end():]


def _is_broken_utf8(data: bytes) -> bool:
    """UTF-8 (declared or undeclared) with some bytes that are not UTF-8."""
    if b"\x00" in data[:4]:
        return False  # UTF-16 or UTF-32: feedparser's detection handles those
    declared = _DECLARED_ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return formats.mostly_utf8(data)
    return False


def _describe_encoding_problem(problem: Exception) -> str:
    match = _ENCODING_OVERRIDE.search(str(problem))
    if match:
        return f"declared as {match.group(1)} but read as {match.group(2)}"
    return "character encoding unknown; read as UTF-8 with replacements"


# --- entity declarations


def _defuse_entities(data: bytes, label: str) -> tuple[bytes, int, int]:
    """*data* with every entity declaration before the root element removed except
    small literal ones; also how many were removed, and how many lines the document
    lost on the way (to correct error line numbers).

    A DOCTYPE with an internal subset is rewritten as ``<!DOCTYPE name ... [`` with
    one kept declaration per line and ``]>`` (or with no subset when nothing is
    kept): the layout feedparser's own DOCTYPE handling understands (it misreads a
    one-line internal subset as ending at the first ``>``).
    """
    if b"<!ENTITY" not in data:
        return data, 0, 0
    edits: list[tuple[int, int, bytes]] = []
    removed = 0
    position, size = 0, len(data)
    while position < size:
        lt = data.find(b"<", position)
        if lt < 0:
            break
        if data.startswith(b"<!--", lt):
            position = _after(data, b"-->", lt + 4)
        elif data.startswith(b"<?", lt):
            position = _after(data, b"?>", lt + 2)
        elif data.startswith(b"<!ENTITY", lt):
            # Outside a DOCTYPE it declares nothing, but feedparser's fallback
            # parser would still pick it up.
            position = _declaration_end(data, lt)
            edits.append((lt, position, b""))
            removed += 1
        elif data.startswith(b"<!", lt):
            doctype = _scan_doctype(data, lt, label)
            position = doctype.end
            if doctype.subset_start is not None:
                rebuilt = data[lt:doctype.subset_start].rstrip()
                if doctype.kept:
                    rebuilt += b" [\n" + b"".join(kept + b"\n" for kept in doctype.kept) + b"]"
                edits.append((lt, doctype.end, rebuilt + b">"))
                removed += doctype.removed
        elif _NAME_START.match(data, lt + 1):
            break
        else:
            position = lt + 1
    pieces, last, lines_lost = [], 0, 0
    for start, end, replacement in edits:
        lines_lost += data.count(b"\n", start, end) - replacement.count(b"\n")
        pieces += [data[last:start], replacement]
        last = end
    pieces.append(data[last:])
    return b"".join(pieces), removed, lines_lost


@dataclass(frozen=True)
class _Doctype:
    end: int
    #: Where ``[`` opens the internal subset, if there is one.
    subset_start: int | None
    kept: tuple[bytes, ...]
    removed: int


def _scan_doctype(data: bytes, start: int, label: str) -> _Doctype:
    """Walk a ``<!DOCTYPE ...>`` (or any ``<!`` declaration) from *start*: where it
    ends, where its internal subset starts, the safe entity declarations to keep
    and how many others it holds."""
    depth = 0
    subset_start = None
    kept: list[bytes] = []
    removed = 0
    position, size = start + 2, len(data)
    while position < size:
        if position - start > MAX_DOCTYPE_BYTES:
            raise ParseError(f"{label}: refused: its DOCTYPE is larger than 1 MB (not a real feed)")
        special = _DOCTYPE_SPECIAL.search(data, position)
        if special is None:
            break
        position = special.start()
        char = data[position:position + 1]
        if char in (b'"', b"'"):
            position = _after(data, char, position + 1)
        elif char == b"[":
            if subset_start is None:
                subset_start = position
            depth += 1
            position += 1
        elif char == b"]":
            depth = max(0, depth - 1)
            position += 1
        elif char == b">" and depth == 0:
            return _Doctype(position + 1, subset_start, tuple(kept), removed)
        elif data.startswith(b"<!--", position):
            position = _after(data, b"-->", position + 4)
        elif data.startswith(b"<?", position):
            position = _after(data, b"?>", position + 2)
        elif data.startswith(b"<!ENTITY", position):
            end = _declaration_end(data, position)
            if _SAFE_ENTITY.fullmatch(data, position, end):
                kept.append(b" ".join(data[position:end].split()))
            else:
                removed += 1
            position = end
        elif data.startswith(b"<!", position):
            position = _declaration_end(data, position)
        else:
            position += 1
    return _Doctype(size, subset_start, tuple(kept), removed)


def _declaration_end(data: bytes, start: int) -> int:
    """The end of a markup declaration (``<!ENTITY``, ``<!ATTLIST`` ...), quotes respected."""
    position, size = start + 2, len(data)
    while position < size:
        special = _DECLARATION_SPECIAL.search(data, position)
        if special is None:
            return size
        char = data[special.start():special.start() + 1]
        if char == b">":
            return special.end()
        position = _after(data, char, special.end())
    return size


def _after(data: bytes, terminator: bytes, position: int) -> int:
    found = data.find(terminator, position)
    return len(data) if found < 0 else found + len(terminator)


def _check_feedparser_doctype(data: bytes, label: str) -> int:
    """Refuse the feed if feedparser's own DOCTYPE handling (which strips the DOCTYPE
    and hands its fallback parser the entities it finds with its own patterns)
    would expand an entity we did not judge safe. Returns the lines that handling
    removes, since feedparser's error line numbers count without them."""
    _, rewritten, fallback_entities = replace_doctype(data)
    for value in fallback_entities.values():
        if len(value.encode("utf-8")) > MAX_ENTITY_BYTES and not re.fullmatch(r"&#x?[0-9A-Fa-f]+;", value):
            raise ParseError(f"{label}: refused: it declares XML entities that could not be made safe")
    return data.count(b"\n") - rewritten.count(b"\n")


# --- from feedparser's result to records


def _parsed_feed(
    result: Any, prepared: _PreparedXml, *, url: str | None, label: str, now: datetime
) -> ParsedFeed:
    channel = result.get("feed", {})
    xml_error = _xml_error(result, prepared.line_shift)
    version = result.get("version") or ""
    site_url = entries.web_url(channel.get("link"), url)
    language = entries.primary_language(channel.get("language"))
    author = _author(channel)
    articles: list[ParsedArticle] = []
    empty = 0
    for entry in result.get("entries", []):
        article = _entry_article(entry, site_url=site_url, feed_url=url, language=language,
                                 author=author, now=now)
        if article is None:
            empty += 1
        else:
            articles.append(article)
    articles, repeated = entries.keep_first_per_guid(articles)
    if not articles and (xml_error or not (version or result.get("entries"))):
        if xml_error:
            what = "not a feed" if not version else "no entry could be read from this feed"
            raise ParseError(f"{label}: {what} (XML error at {xml_error})")
        raise ParseError(f"{label}: not a feed (no RSS, RDF or Atom elements found)")
    notes = list(prepared.notes)
    if xml_error:
        notes.append(
            f"feed is not well-formed XML ({xml_error}); "
            f"{len(articles)} entr{'y' if len(articles) == 1 else 'ies'} recovered"
        )
    if repeated:
        notes.append(f"{repeated} entr{'y' if repeated == 1 else 'ies'} repeating an earlier guid skipped")
    if empty:
        notes.append(f"{empty} entr{'y' if empty == 1 else 'ies'} with no title, text, link or guid skipped")
    return ParsedFeed(
        title=entries.plain_line(channel.get("title")),
        format=version or "unknown",
        entries=tuple(articles),
        site_url=site_url,
        feed_url=url or _self_link(channel, site_url),
        language=language,
        warning="; ".join(notes) or None,
    )


def _xml_error(result: Any, line_shift: int) -> str | None:
    """"line 12: undefined entity" for a feed feedparser had to read loosely, else None."""
    if not result.get("bozo"):
        return None
    problem = result.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        line = max(1, problem.getLineNumber() + line_shift)
        return f"line {line}: {problem.getMessage()}"
    return str(problem) or type(problem).__name__


def _self_link(channel: Any, site_url: str | None) -> str | None:
    for link in channel.get("links", []):
        if link.get("rel") == "self":
            href = entries.web_url(link.get("href"), site_url)
            if href:
                return href
    return None


def _author(node: Any) -> str | None:
    detail = node.get("author_detail") or {}
    return detail.get("name") or node.get("author") or None


def _entry_article(
    entry: Any,
    *,
    site_url: str | None,
    feed_url: str | None,
    language: str | None,
    author: str | None,
    now: datetime,
) -> ParsedArticle | None:
    link = entries.web_url(entry.get("link"), feed_url or site_url)
    contents = [c for c in entry.get("content", []) if c.get("value")]
    summary = entry.get("summary_detail") if entry.get("summary_detail", {}).get("value") else None
    candidates = contents + ([summary] if summary else [])
    chosen = max(candidates, key=lambda c: len(c["value"]), default=None)
    base = _content_base(chosen, feed_url) or link or site_url or feed_url
    content_html = ""
    if chosen is not None:
        content_html = chosen["value"] if _is_html(chosen) else text_to_html(chosen["value"])
    summary_text = None
    if summary is not None and chosen is not summary:
        summary_text = entries.plain_text(summary["value"], is_html=_is_html(summary))
    return entries.make_article(
        title=entry.get("title"),
        content_html=content_html,
        base_url=base,
        url=link,
        guid=entry.get("id"),
        author=_author(entry) or author,
        published=entries.plausible_date(_entry_date(entry), now),
        language=_entry_language(entry, candidates) or language,
        summary_text=summary_text,
        image_url=_entry_image(entry, candidates, base),
    )


def _is_html(detail: Any) -> bool:
    return "html" in (detail.get("type") or "text/html")


def _content_base(detail: Any, feed_url: str | None) -> str | None:
    """The ``xml:base`` in force for a content element, when the feed set one."""
    if detail is None:
        return None
    base = detail.get("base")
    return base if base and base != feed_url and is_web_url(base) else None


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: FeedParserDict maps a missing updated_parsed onto published_parsed with a warning.
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry_language(entry: Any, candidates: list[Any]) -> str | None:
    tags = [entry.get("language")] + [c.get("language") for c in candidates]
    tags.append((entry.get("title_detail") or {}).get("language"))
    return next((lang for lang in map(entries.primary_language, tags) if lang), None)


def _entry_image(entry: Any, candidates: list[Any], base: str | None) -> str | None:
    found = [
        media.get("url")
        for media in entry.get("media_content", [])
        if media.get("medium") == "image"
        or (media.get("type") or "").startswith("image/")
        or (not media.get("medium") and not media.get("type") and _IMAGE_PATH.search(media.get("url") or ""))
    ]
    found += [thumbnail.get("url") for thumbnail in entry.get("media_thumbnail", [])]
    found += [
        enclosure.get("href")
        for enclosure in entry.get("enclosures", [])
        if (enclosure.get("type") or "").startswith("image/")
    ]
    for candidate in found:
        image = entries.web_url(candidate, base)
        if image:
            return image
    for detail in candidates:
        if _is_html(detail):
            image = entries.first_image(detail["value"], base)
            if image:
                return image
    return None
