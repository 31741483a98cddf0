"""Finding and reading the dates that documents state in their text.

Pasted articles and press releases state when they were written in a few
recognisable places: a dateline at the start of a paragraph ("Beijing, China,
November 19, 2019 – ..."), a line holding nothing but a date ("March 31, 2020",
"Published: 5 Nov 2019"), or a lead that opens with one ("On February 7, 2025,
..."). This module recognises full dates (day, month and year) in English and
Chinese notation; a month and year alone ("Feb 2018") is not a publication date.

    >>> find_date("The store opened on Feb 19, 2018 in Manila.")
    datetime.datetime(2018, 2, 19, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_dateline("Hong Kong, 27 November 2019 — Xiaomi today announced ...").place
    'Hong Kong'
    >>> parse_date_line("Published: 2019年11月27日")
    datetime.datetime(2019, 11, 27, 0, 0, tzinfo=datetime.timezone.utc)

Every datetime returned is timezone-aware UTC; a date without a time of day is
taken as midnight UTC of that day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUM_MONTH = r"(?:1[0-2]|0?[1-9])"
_NUM_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ZONE = r"(?:(?:UTC|GMT)?\s*[+-](?:[01]?\d|2[0-3])(?::?[0-5]\d)?|Z\b|UTC\b|GMT\b|[ECMP][SD]T\b|HKT\b|JST\b|CES?T\b|BST\b)"
_TIME = (
    r"(?:[T ,]\s*(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?(?:\.\d+)?"
    rf"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>{_ZONE})?)?"
)
# Zone abbreviations common in English-language datelines; others are read as UTC.
_ZONE_HOURS = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
               "PDT": -7, "HKT": 8, "JST": 9, "CET": 1, "CEST": 2, "BST": 1}

# One alternation so a text is scanned once; each branch names its own groups.
_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:,\s*|\s+)(?P<y1>{_YEAR})\b"
    rf"|\b(?P<d2>{_DAY})(?:\s+of)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR})\b"
    rf"|\b(?P<y3>{_YEAR})-(?P<m3>{_NUM_MONTH})-(?P<d3>{_NUM_DAY})(?!\d){_TIME}"
    rf"|\b(?P<y4>{_YEAR})[/.](?P<m4>{_NUM_MONTH})[/.](?P<d4>{_NUM_DAY})(?!\d)"
    rf"|(?P<y5>{_YEAR})\s*年\s*(?P<m5>{_NUM_MONTH})\s*月\s*(?P<d5>{_NUM_DAY})\s*[日号]",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
_DATE_LINE_PREFIX = re.compile(
    rf"^(?:(?:published|posted|updated|last updated|first published|released|issued|date|dated)"
    rf"(?:\s+(?:on|at))?\s*:?\s*)?(?:{_WEEKDAY},?\s+)?(?:on\s+)?",
    re.IGNORECASE,
)
_DATE_LINE_SUFFIX = re.compile(
    r"^[\s,.;|·•-]*(?:(?:at\s+)?(?:[01]?\d|2[0-3])[:.][0-5]\d(?::[0-5]\d)?(?:\s*[ap]\.?m\.?)?"
    rf"(?:\s*\(?{_ZONE}\)?)?)?\s*[.)]?\s*$",
    re.IGNORECASE,
)
_LEADING_DATE = re.compile(
    rf"^\s*(?:on|dated)?\s*(?:{_WEEKDAY},?\s+)?(?:the\s+)?$", re.IGNORECASE
)
_PLACE_WORD = re.compile(r"^[A-Z\u4e00-\u9fff(][\w.'’&()-]*$")
# Lower-case words that occur inside place names ("Isle of Man", "Rio de Janeiro").
_PLACE_PARTICLES = frozenset({"of", "de", "del", "da", "do", "la", "le", "am", "upon", "sur", "en"})
_DATELINE_SEPARATOR = re.compile(
    r"\s*(?:/\s*[A-Za-z][\w .&-]{0,30}/\s*(?:[-–—‒―]+|:)?"
    r"|\(\s*[A-Za-z][\w .&-]{0,30}\)\s*(?:[-–—‒―]+|:)"
    r"|[-–—‒―]+|:)\s*"
)
_DATELINE_REACH = 100


@dataclass(frozen=True)
class DateMatch:
    """A full date found in a text, with where it stands."""

    moment: datetime
    start: int
    end: int


@dataclass(frozen=True)
class Dateline:
    """The opening of a news paragraph: place, date, and the text that follows."""

    place: str
    published: datetime
    lead: str


def iter_dates(text: str) -> Iterator[DateMatch]:
    """Every full, valid date in *text*, in order (impossible dates like Feb 30 are skipped)."""
    for match in _DATE.finditer(text):
        moment = _moment(match)
        if moment is not None:
            yield DateMatch(moment, match.start(), match.end())


def find_date(text: str) -> datetime | None:
    """The first full date stated in *text*, or None.

        >>> find_date("Results for 2019年11月27日")
        datetime.datetime(2019, 11, 27, 0, 0, tzinfo=datetime.timezone.utc)
        >>> find_date("Opened in Feb 2018") is None
        True
    """
    return next((found.moment for found in iter_dates(text)), None)


def parse_date(value: str) -> datetime | None:
    """A value that is meant to be a date (front matter, meta tag, a date line), or None.

    Accepts everything :func:`parse_date_line` does plus ISO 8601 with time and offset.

        >>> parse_date("2020-03-31T09:30:00+08:00")
        datetime.datetime(2020, 3, 31, 1, 30, tzinfo=datetime.timezone.utc)
    """
    value = value.strip().strip("\"'")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date_line(value)
    return _as_utc(moment)


def parse_date_line(line: str) -> datetime | None:
    """The date of a line that holds nothing else: "March 31, 2020", "Updated: Tue, 5 Nov
    2019 18:00", "2019-11-27". None for a line that also says something else.

        >>> parse_date_line("Lei Jun, March 31, 2020") is None
        True
    """
    line = line.strip()
    if not line or len(line) > 80:
        return None
    prefix = _DATE_LINE_PREFIX.match(line)
    start = prefix.end() if prefix else 0
    match = _DATE.match(line, start)
    if match is None:
        return None
    moment = _moment(match)
    if moment is None:
        return None
    rest = line[match.end():]
    if rest and not _DATE_LINE_SUFFIX.match(rest):
        return None
    if rest and match.group("hh") is None:
        moment = _with_time(moment, rest)
    return moment


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens *paragraph*, or None.

    A dateline is an optional place ("Beijing, China", "Hong Kong", "北京"), a full
    date, and a separator (a dash of any kind, ``/PRNewswire/``, ``(Reuters) -``).

        >>> line = parse_dateline("Beijing, CHINA, September 24 2019 –– Xiaomi today ...")
        >>> line.place, line.published.date().isoformat(), line.lead
        ('Beijing, CHINA', '2019-09-24', 'Xiaomi today ...')
    """
    if not _may_open_with_dateline(paragraph):
        return None
    head = paragraph[: _DATELINE_REACH + 40]
    match = _DATE.search(head)
    if match is None or match.start() > _DATELINE_REACH:
        return None
    place = head[: match.start()].strip().rstrip(",，").strip()
    if place and not _is_place(place):
        return None
    separator = _DATELINE_SEPARATOR.match(paragraph, match.end())
    if separator is None:
        return None
    moment = _moment(match)
    if moment is None:
        return None
    return Dateline(place=place, published=moment, lead=paragraph[separator.end():].strip())


def leading_date(paragraph: str) -> tuple[datetime, str] | None:
    """The date a paragraph opens with ("On February 7, 2025, Xiaomi ..."), and the rest.

        >>> moment, rest = leading_date("On February 7, 2025, shares rose.")
        >>> moment.date().isoformat(), rest
        ('2025-02-07', 'shares rose.')
    """
    match = _DATE.search(paragraph[:60])
    if match is None or not _LEADING_DATE.match(paragraph[: match.start()]):
        return None
    moment = _moment(match)
    if moment is None:
        return None
    rest = paragraph[match.end():].lstrip(" ,:–—-")
    return moment, rest


def _may_open_with_dateline(paragraph: str) -> bool:
    """Cheap test run before the date pattern: a dateline's first words are capitalised
    place names, then a month name or a number, within the first eight words."""
    first = paragraph[:1]
    if not (first.isupper() or first.isdigit() or first == "(" or "\u4e00" <= first <= "\u9fff"):
        return False
    for word in paragraph[:_DATELINE_REACH].split(" ", 8)[:8]:
        if not word:
            continue
        first = word[0]
        if first.isdigit() or word[:3].lower() in _MONTHS or "年" in word:
            return True
        if not (first.isupper() or first == "(" or "\u4e00" <= first <= "\u9fff"
                or word in _PLACE_PARTICLES):
            return False
    return False


def _is_place(place: str) -> bool:
    if len(place) > 70 or any(ch.isdigit() for ch in place):
        return False
    for part in re.split(r"[,，]", place):
        words = part.split()
        if not words or len(words) > 5 or not _PLACE_WORD.match(words[0]):
            return False
        if not all(w in _PLACE_PARTICLES or _PLACE_WORD.match(w) for w in words[1:]):
            return False
    return True


def _moment(match: re.Match[str]) -> datetime | None:
    groups = match.groupdict()
    for n in "12345":
        year = groups.get(f"y{n}")
        if year:
            month_text, day_text = groups[f"m{n}"], groups[f"d{n}"]
            break
    else:
        return None
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
    day = int(day_text.rstrip("stndrdthSTNDRDTH"))
    try:
        moment = datetime(int(year), month, day, tzinfo=timezone.utc)
    except ValueError:
        return None
    if groups.get("y3") and groups.get("hh") is not None:
        moment = _clock(moment, groups["hh"], groups["mi"], groups["ss"], groups["ampm"], groups["tz"])
    return moment


_CLOCK = re.compile(
    r"(?P<hh>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?\s*(?P<ampm>[ap]\.?m\.?)?"
    rf"\s*\(?(?P<tz>{_ZONE})?",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d\d)?")


def _with_time(moment: datetime, rest: str) -> datetime:
    clock = _CLOCK.search(rest)
    if clock is None:
        return moment
    return _clock(moment, clock["hh"], clock["mi"], clock["ss"], clock["ampm"], clock["tz"])


def _clock(
    moment: datetime, hh: str, mi: str, ss: str | None, ampm: str | None, tz: str | None
) -> datetime:
    hour = int(hh)
    if ampm:
        pm = ampm[0].lower() == "p"
        hour = hour % 12 + (12 if pm else 0)
    offset = timedelta(hours=_ZONE_HOURS.get((tz or "").upper(), 0))
    numeric = _OFFSET.search(tz or "")
    if numeric:
        offset = timedelta(hours=int(numeric[2]), minutes=int(numeric[3] or 0))
        if numeric[1] == "-":
            offset = -offset
    local = moment.replace(hour=hour, minute=int(mi), second=int(ss or 0))
    return local - offset


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
