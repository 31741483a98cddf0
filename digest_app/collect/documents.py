"""Plain-text and Markdown documents as articles.

A text file a user drops in is usually copied from a web page or a newsroom:
page chrome around the article, a headline somewhere near the top, perhaps a
dateline, sometimes several press releases pasted one after another. This module
turns it into clean :class:`~digest_app.records.ParsedArticle` records::

    >>> text = '''Skip to main content
    ...
    ... Xiaomi opens its first store in Madrid
    ...
    ... Madrid, Spain, 8 November 2017 – Xiaomi opened its first store in Spain today.
    ... Advertisement
    ... The store sells phones, scooters and smart home devices.'''
    >>> [article] = parse_text_document(text, name="store.txt")
    >>> article.title, article.published.date().isoformat()
    ('Xiaomi opens its first store in Madrid', '2017-11-08')
    >>> print(article.text)
    Madrid, Spain, 8 November 2017 – Xiaomi opened its first store in Spain today.
    <BLANKLINE>
    The store sells phones, scooters and smart home devices.

How a document is read:

- every non-blank line is a paragraph (hard-wrapped text is joined back first);
  consecutive bullet lines form a list, ``| a | b |`` rows a table, short lines
  without a final period followed by text are headings;
- page chrome is dropped (see :mod:`digest_app.collect.boilerplate`);
- a file holding several releases is split at their datelines ("City, Country,
  Month D, YYYY –"); the short lines just before a dateline are that release's
  headline and subheads; a letter ("Dear investors:") after a release starts an
  article of its own; each part gets ``url#part-N``;
- the title is the headline (the first line when it reads as one, else the last
  headline-like line before the text starts, unless that is a longer standfirst
  under it), or a shortened lead sentence;
- the date comes from a dateline, a date line near the top ("Published: ..."),
  a lead that opens with a date ("On February 7, 2025, ...") or a closing date
  line; a date mentioned further into the text is an event, not the publication
  date, and leaves ``published`` None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from html import escape

from digest_app.collect.boilerplate import (
    ChromeRules,
    Line,
    default_rules,
    drop_boilerplate_sections,
    drop_page_chrome,
    drop_repeated_across,
    looks_like_headline,
    looks_like_person,
    looks_like_prose,
)
from digest_app.collect.dates import leading_date, parse_date, parse_date_line, parse_dateline
from digest_app.collect.sanitize import clean_text, html_to_text, sanitize_html
from digest_app.errors import ParseError
from digest_app.records import ParsedArticle, count_words
from digest_app.urls import is_web_url

TITLE_LIMIT = 100

_BULLET_MARKS = "-*•·▪‣◦●■"
_BULLET = re.compile(rf"^[{_BULLET_MARKS}]\s+(?=\S)")
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
_SECTION_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?$")
_CAPTION_PREFIX = re.compile(r"^(?:figure|fig\.|table|chart|source|photo|image|note)\s*\d*\s*[:.]", re.I)
_SALUTATION = re.compile(r"^(?:Dear|To (?:all|our|my))\s+(?P<who>[^.!?]{2,80}?)\s*[:,]$")
_BYLINE = re.compile(
    r"^(?:by|written by|words by|author:)\s+(?P<name>(?-i:[A-Z\u4e00-\u9fff])[^,|·•–—()\d]{1,60}?)"
    r"(?:\s*(?:[,|·•–—(]|\d).*)?$",
    re.IGNORECASE,
)
_REFERENCE_MARKS = re.compile(r"\s*(?:\[\d{1,3}\])+")
_SENTENCE_END = re.compile(r"[.!?。！？][\"”’)]*(?=\s|$)|[。！？]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos inc co corp ltd plc vs etc jan feb mar apr jun jul aug sep "
    "sept oct nov dec approx dept est fig gov jr sr u.s u.k e.g i.e a.m p.m".split()
)
_SENTENCE_ENDS = ".!?:;\"”’)]"
_MAX_HEADER_LINES = 6
_TOP_ZONE = 8
_DEK_WORDS = 12


@dataclass
class _Part:
    """One article's share of a document, before it is rendered."""

    body: list[Line]
    header: list[Line] = field(default_factory=list)
    kind: str = "article"
    published: datetime | None = None


@dataclass(frozen=True)
class _Block:
    kind: str  # "p", "h2", "h3", "h4", "ul", "ol", "table"
    items: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    start: int = 1


def parse_text_document(text: str, *, name: str, url: str | None = None) -> list[ParsedArticle]:
    """The articles in a plain-text document (one, or one per pasted release/letter).

    *name* names the document in errors and is the last-resort title; *url* is its
    ``file://`` URI (parts of a split file get ``#part-N``). ParseError if the
    document holds no text once page chrome is gone.
    """
    rules = default_rules()
    lines = _read_lines(text)
    if not lines:
        raise ParseError(f"{name}: the document is empty")
    lines = drop_page_chrome(lines, rules)
    if not lines:
        raise ParseError(f"{name}: the document holds only page chrome, no article text")
    parts = _split(lines, rules)
    if len(parts) > 1:
        bodies = drop_repeated_across([part.body for part in parts])
        for part, body in zip(parts, bodies):
            part.body = body
    articles = []
    for number, part in enumerate(parts, start=1):
        part_url = f"{url}#part-{number}" if url and len(parts) > 1 else url
        article = _build(part, rules, name=name, url=part_url)
        if article is not None:
            articles.append(article)
    if not articles:
        raise ParseError(f"{name}: the document holds no article text")
    return articles


def parse_markdown_document(text: str, *, name: str, url: str | None = None) -> list[ParsedArticle]:
    """The article in a Markdown document, rendered to sanitized HTML.

    The title is front matter ``title:``, else the first ``#`` heading (taken out
    of the body), else the lead sentence; the date is front matter ``date:``, else
    one the text states (as for plain text); front matter ``author:`` is the author.

        >>> [a] = parse_markdown_document("---\\ntitle: Notes\\ndate: 2019-11-05\\n---\\nHello *world*.",
        ...                               name="notes.md")
        >>> a.title, a.published.date().isoformat(), a.content_html
        ('Notes', '2019-11-05', '<p>Hello <em>world</em>.</p>')
    """
    meta, source = _front_matter(clean_text(text))
    source, heading = _take_title_heading(_drop_markdown_chrome(source, default_rules()))
    content_html = sanitize_html(_markdown().render(source), base_url=url if is_web_url(url) else None)
    body = html_to_text(content_html)
    if not body:
        raise ParseError(f"{name}: the document holds no text")
    paragraphs = body.split("\n\n")
    lines = [Line(p, 1, i) for i, p in enumerate(paragraphs)]
    title = meta.get("title") or heading or derive_title(paragraphs[0]) or _name_title(name)
    published = parse_date(meta["date"]) if meta.get("date") else None
    return [
        ParsedArticle(
            title=_tidy_title(title),
            text=body,
            content_html=content_html,
            url=url,
            author=meta.get("author") or meta.get("authors") or None,
            published=published or _stated_date(lines, []),
        )
    ]


def derive_title(paragraph: str, limit: int = TITLE_LIMIT) -> str:
    """A title made from a lead paragraph: its first sentence without dateline or
    opening date, cut at a clause or word boundary to about *limit* characters.

        >>> derive_title("Beijing, China, May 5, 2019 – Xiaomi opened a store. It was busy.")
        'Xiaomi opened a store'
    """
    dateline = parse_dateline(paragraph)
    text = dateline.lead if dateline else paragraph
    opening = leading_date(text)
    if opening:
        text = opening[1]
    sentence = _REFERENCE_MARKS.sub("", _first_sentence(text)).strip().rstrip(".。").strip()
    if len(sentence) > limit:
        cut = max(sentence.rfind(mark, 0, limit) for mark in (", ", "; ", " – ", " — ", ": "))
        if cut >= 40:
            sentence = sentence[:cut]
        else:
            space = sentence.rfind(" ", 0, limit)
            sentence = sentence[: space if space > 20 else limit].rstrip(",;:–— ") + "…"
    return sentence[:1].upper() + sentence[1:]


# -- reading lines ------------------------------------------------------------

def _read_lines(text: str) -> list[Line]:
    text = clean_text(text)
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", "").replace("\ufeff", "")
    lines: list[Line] = []
    gap = 0
    for raw in text.split("\n"):
        # isprintable() is false for tabs and every odd space, so most lines skip the split.
        tidy = raw.strip() if raw.isprintable() and "  " not in raw else " ".join(raw.split())
        if not tidy:
            gap += 1
            continue
        lines.append(Line(tidy, gap if lines else 0, len(lines)))
        gap = 0
    return _unwrap(lines)


def _unwrap(lines: list[Line]) -> list[Line]:
    """Hard-wrapped text (lines cut at about the same width, mid-sentence) joined back
    into paragraphs."""
    lengths = sorted(len(line.text) for line in lines)
    if len(lengths) < 4 or lengths[int(len(lengths) * 0.95)] > 100:
        return lines
    full = 0.6 * lengths[-1]
    wrapped = sum(
        1 for previous, line in zip(lines, lines[1:])
        if line.gap == 0 and len(previous.text) >= full and previous.text[-1] not in _SENTENCE_ENDS
        and line.text[0].islower()
    )
    if wrapped < 0.25 * len(lines):
        return lines
    joined: list[Line] = []
    for i, line in enumerate(lines):
        before = lines[i - 1].text if i else ""
        if (joined and line.gap == 0 and len(before) >= full and not before.endswith(":")
                and not _starts_structure(line.text)):
            joined[-1] = joined[-1]._replace(text=joined[-1].text + " " + line.text)
        else:
            joined.append(line)
    return joined


def _starts_structure(text: str) -> bool:
    return bool(_BULLET.match(text) or _NUMBERED.match(text) or text.startswith("|"))


# -- splitting a file into articles ---------------------------------------------

def _split(lines: list[Line], rules: ChromeRules) -> list[_Part]:
    starts: list[tuple[int, str, datetime | None]] = []
    for i, line in enumerate(lines):
        if _may_hold_date(line.text):
            dateline = parse_dateline(line.text)
            if dateline is not None and dateline.lead:
                starts.append((i, "release", dateline.published))
    if starts:
        for i in range(starts[0][0] + 1, len(lines)):
            line = lines[i]
            if _SALUTATION.match(line.text) and (line.gap >= 2 or line.after_chrome):
                starts.append((i, "letter", None))
        starts.sort()
    if len(starts) < 2:
        return [_Part(body=lines)]
    parts: list[_Part] = []
    heads = []
    floor = 0
    for index, kind, published in starts:
        head = _header_start(lines, index, floor, rules) if kind == "release" else index
        heads.append(head)
        floor = index + 1
    preamble = lines[: heads[0]]
    if any(looks_like_prose(line.text) for line in preamble):
        parts.append(_Part(body=preamble))
    ends = heads[1:] + [len(lines)]
    for (index, kind, published), head, end in zip(starts, heads, ends):
        parts.append(_Part(body=lines[index:end], header=lines[head:index], kind=kind, published=published))
    return parts


def _header_start(lines: list[Line], index: int, floor: int, rules: ChromeRules) -> int:
    """Where the headline block of the release whose dateline is at *index* begins."""
    head = index
    while head > floor and index - head < _MAX_HEADER_LINES:
        candidate = lines[head - 1]
        text = candidate.text
        if (not (looks_like_headline(text) or _BULLET.match(text)) or rules.is_section_heading(text)
                or parse_date_line(text) or _SALUTATION.match(text)):
            break
        head -= 1
        if candidate.gap >= 2 or candidate.after_chrome:
            break
    return head


def _may_hold_date(text: str) -> bool:
    head = text[:140]
    return "19" in head or "20" in head or "年" in head


# -- building one article -----------------------------------------------------

def _build(part: _Part, rules: ChromeRules, *, name: str, url: str | None) -> ParsedArticle | None:
    body, bio_author = drop_boilerplate_sections(part.body, rules)
    author = bio_author
    if part.kind == "release":
        title = part.header[0].text if part.header else derive_title(body[0].text if body else "")
        subheads = [Line(line.text, 0, line.number) for line in part.header[1:]]
        body = _as_list(subheads) + body
        published = part.published
    elif part.kind == "letter" or (body and _SALUTATION.match(body[0].text)):
        title = _letter_title(body[0].text)
        author = _signature(body) or author
        published = _stated_date(body, [])
    else:
        title, top, body = _headline(body)
        if not body and part.body:
            # A document that is nothing but a headline: it is its own text.
            body = [line for line in part.body if line.text == title][:1]
        author = next((found for line in top if (found := _byline_author(line.text))), None) or author
        published = _stated_date(body, top)
    if not body:
        return None
    blocks = _blocks(body)
    text = "\n\n".join(_block_text(block) for block in blocks)
    content_html = "\n".join(_block_html(block) for block in blocks)
    return ParsedArticle(
        title=_tidy_title(title) or _name_title(name),
        text=text,
        content_html=content_html,
        url=url,
        author=author,
        published=published,
    )


def _headline(lines: list[Line]) -> tuple[str, list[Line], list[Line]]:
    """(title, the top lines consumed around it, the body) of a single article.

    The top zone runs to the first line of prose (at most a few lines); lines in it
    before the headline (labels, captions, kickers) are dropped, date lines and
    bylines in it are taken as metadata.
    """
    limit = min(len(lines), _TOP_ZONE)
    first_prose = next((i for i in range(limit) if looks_like_prose(lines[i].text)), None)
    zone_end = first_prose if first_prose is not None else limit
    meta = {i for i in range(limit) if parse_date_line(lines[i].text) or _byline_author(lines[i].text)}
    candidates = [i for i in range(zone_end) if i not in meta and _headline_candidate(lines[i].text)]
    if lines[0].number == 0 and 0 not in meta and _headline_candidate(lines[0].text, min_words=2):
        title_at = 0
    elif candidates:
        title_at = candidates[-1] if first_prose is not None else candidates[0]
        if len(candidates) > 1 and _is_dek(lines[candidates[-2]].text, lines[title_at].text):
            title_at = candidates[-2]
    else:
        title_at = -1
    top = [line for i, line in enumerate(lines[:limit]) if i < min(title_at, zone_end) or i in meta]
    body = [line for i, line in enumerate(lines) if i > title_at and i not in meta]
    if title_at >= 0:
        return lines[title_at].text, top, body
    lead = lines[first_prose].text if first_prose is not None else body[0].text if body else ""
    return derive_title(lead), top, body


def _is_dek(headline: str, line: str) -> bool:
    """A standfirst without final period under a headline: a sentence's length, and
    clearly longer than the headline above it (a caption above a headline is shorter)."""
    words, above = line.count(" ") + 1, headline.count(" ") + 1
    return words >= _DEK_WORDS > above and words * 3 >= above * 4


def _headline_candidate(text: str, min_words: int = 3) -> bool:
    return (looks_like_headline(text) and count_words(text) >= min_words and not parse_date_line(text)
            and not _byline_author(text) and not _CAPTION_PREFIX.match(text))


def _stated_date(body: list[Line], top: list[Line]) -> datetime | None:
    """The publication date a single article states, by the rules in the module docstring."""
    for line in top:
        moment = parse_date_line(line.text) or _byline_date(line.text)
        if moment:
            return moment
    for line in body[:3]:
        dateline = parse_dateline(line.text) if _may_hold_date(line.text) else None
        if dateline:
            return dateline.published
    for line in body[:3]:
        moment = parse_date_line(line.text)
        if moment:
            return moment
        if looks_like_prose(line.text):
            opening = leading_date(line.text)
            if opening:
                return opening[0]
            break
    for line in reversed(body[-3:]):
        moment = parse_date_line(line.text)
        if moment:
            return moment
    return None


def _byline_date(text: str) -> datetime | None:
    if not _byline_author(text):
        return None
    for separator in ("|", "·", "•", "–", "—", ","):
        if separator in text:
            moment = parse_date_line(text.split(separator, 1)[1])
            if moment:
                return moment
    return None


def _byline_author(text: str) -> str | None:
    """The name in a byline ("By Mary Jones | 5 Nov 2019"); a lone word only when the
    line is that short ("By Reuters"), so "By March 2021, sales ..." is no byline."""
    match = _BYLINE.match(text) if len(text) <= 120 else None
    if match is None:
        return None
    name = match["name"].strip()
    return name if looks_like_person(name) or text.count(" ") <= 2 else None


def _letter_title(salutation: str) -> str:
    match = _SALUTATION.match(salutation)
    return f"Letter to {match['who']}" if match else derive_title(salutation)


def _signature(lines: list[Line]) -> str | None:
    """The signer of a letter: a name among its last lines, above any closing date."""
    for line in reversed(lines[-4:]):
        if parse_date_line(line.text):
            continue
        if looks_like_person(line.text):
            return line.text
        if looks_like_prose(line.text):
            return None
    return None


def _as_list(lines: list[Line]) -> list[Line]:
    return [Line(f"- {line.text}", line.gap, line.number) for line in lines]


# -- structure and rendering ----------------------------------------------------

def _blocks(lines: list[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    i, n = 0, len(lines)
    while i < n:
        text = lines[i].text
        first = text[0]
        if "|" in text:
            if i + 1 < n and _TABLE_SEPARATOR.match(lines[i + 1].text):
                i = _read_table(lines, i, blocks)
                continue
            if _TABLE_SEPARATOR.match(text):
                i += 1
                continue
        if first in _BULLET_MARKS and _BULLET.match(text):
            items = []
            while i < n and _BULLET.match(lines[i].text) and (not items or lines[i].gap <= 1):
                items.append(_BULLET.sub("", lines[i].text, count=1))
                i += 1
            blocks.append(_Block("ul", tuple(items)))
            continue
        numbered = _numbered_run(lines, i) if first.isdigit() else []
        if len(numbered) > 1:
            start = int(_NUMBERED.match(text)[1])
            blocks.append(_Block("ol", tuple(_NUMBERED.sub("", t, count=1) for t in numbered), start=start))
            i += len(numbered)
            continue
        if _is_heading(lines, i):
            section = _SECTION_NUMBER.match(text)
            level = min(4, 2 + section[1].count(".")) if section else 2
            blocks.append(_Block(f"h{level}", (text,)))
        else:
            blocks.append(_Block("p", (text,)))
        i += 1
    return blocks


def _numbered_run(lines: list[Line], i: int) -> list[str]:
    run: list[str] = []
    expected = None
    while i < len(lines):
        match = _NUMBERED.match(lines[i].text)
        if not match or (expected is not None and (int(match[1]) != expected or lines[i].gap > 1)):
            break
        run.append(lines[i].text)
        expected = int(match[1]) + 1
        i += 1
    return run


def _is_heading(lines: list[Line], i: int) -> bool:
    text = lines[i].text
    if i + 1 >= len(lines) or not looks_like_headline(text) or _CAPTION_PREFIX.match(text):
        return False
    following = lines[i + 1].text
    if parse_date_line(following):
        return False
    return (looks_like_prose(following) or looks_like_headline(following)
            or bool(_BULLET.match(following) or _NUMBERED.match(following) or "|" in following))


def _read_table(lines: list[Line], i: int, blocks: list[_Block]) -> int:
    header = _cells(lines[i].text)
    width = len(header)
    rows: list[tuple[str, ...]] = []
    pending: list[str] = []
    i += 2
    while i < len(lines) and "|" in lines[i].text and lines[i].gap <= 1:
        pending.extend(_cells(lines[i].text))
        if len(pending) >= width or lines[i].text.startswith("|"):
            rows.append(tuple(pending))
            pending = []
        i += 1
    if pending:
        rows.append(tuple(pending))
    blocks.append(_Block("table", header, rows=tuple(rows)))
    return i


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [cell.strip() for cell in row.split("|")]


def _block_text(block: _Block) -> str:
    if block.kind == "ul":
        return "\n".join(f"- {item}" for item in block.items)
    if block.kind == "ol":
        return "\n".join(f"{n}. {item}" for n, item in enumerate(block.items, start=block.start))
    if block.kind == "table":
        return "\n".join(" | ".join(cells) for cells in (block.items, *block.rows))
    return block.items[0]


def _block_html(block: _Block) -> str:
    if block.kind in ("ul", "ol"):
        items = "".join(f"<li>{escape(item, quote=False)}</li>" for item in block.items)
        start = f' start="{block.start}"' if block.kind == "ol" and block.start != 1 else ""
        return f"<{block.kind}{start}>{items}</{block.kind}>"
    if block.kind == "table":
        head = "".join(f"<th>{escape(cell, quote=False)}</th>" for cell in block.items)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell, quote=False)}</td>" for cell in row) + "</tr>" for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<{block.kind}>{escape(block.items[0], quote=False)}</{block.kind}>"


# -- titles ---------------------------------------------------------------------

def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END.finditer(text, 0, 400):
        end = match.start()
        word = text[text.rfind(" ", 0, end) + 1: end].lower().strip("(\"“")
        if match.group()[0] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        return text[: match.end()].strip()
    return text


def _tidy_title(title: str) -> str:
    return _REFERENCE_MARKS.sub("", " ".join(title.split())).strip(" |-–—")


def _name_title(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or name


# -- Markdown -------------------------------------------------------------------

@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # Raw HTML in Markdown is kept and then sanitized like any other HTML.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_ATX_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter between ``---`` lines, and the rest of the text."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, text
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        match = _FRONT_MATTER_KEY.match(line)
        if match:
            value = match[2].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[match[1].lower()] = value
    return meta, "\n".join(lines[end + 1:])


def _take_title_heading(source: str) -> tuple[str, str | None]:
    """The source without its first level-1 heading, and that heading's text."""
    lines = source.split("\n")
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        match = _ATX_H1.match(line)
        if match:
            return "\n".join(lines[:i] + lines[i + 1:]), _plain_inline(match[1])
        if line.strip() and i + 1 < len(lines) and _SETEXT_H1.match(lines[i + 1]) and (i == 0 or not lines[i - 1].strip()):
            return "\n".join(lines[:i] + lines[i + 2:]), _plain_inline(line.strip())
    return source, None


def _drop_markdown_chrome(source: str, rules: ChromeRules) -> str:
    kept: list[str] = []
    fenced = False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        # Lines without words are Markdown syntax here (rules, setext underlines).
        plain = _MD_LINK.sub(r"\1", line).strip()
        if not fenced and any(char.isalnum() for char in plain) and rules.is_chrome(plain):
            continue
        kept.append(line)
    return "\n".join(kept)


def _plain_inline(text: str) -> str:
    return html_to_text(sanitize_html(_markdown().renderInline(text)))
