"""The search query language: what a user types, parsed into a structured query.

    >>> q = parse('xiaomi "su7 ultra" phone OR tablet -rumor tag:EV after:2025-01')
    >>> q.describe()
    'xiaomi, "su7 ultra", phone or tablet, without rumor, tagged EV, on or after 2025-01-01'

The language (``docs/query-language.md`` is the user's version):

- ``word``: every word must appear (in the title, summary, text, tags or source name);
  words match their variants (phone, phones).
- ``"exact phrase"``: the words in this order (also “curly” and 「corner」 quotes).
- ``a OR b`` (or ``a | b``): either. OR binds the words next to it, so
  ``xiaomi phone OR tablet`` means xiaomi and (phone or tablet).
- ``-word``, ``-"phrase"``, ``-tag:EV``, ``NOT word``: must not match.
- ``pref*``: words starting with *pref* (two letters at least).
- Filters: ``tag:EV``, ``tag:"smart home"``, ``source:verge`` (name contains, or the
  source's ID), ``is:unread``/``read``/``starred``/``unstarred``, ``after:DATE``,
  ``before:DATE`` (DATE: ``2025``, ``2025-01``, ``2025-01-31``, ``today``,
  ``yesterday``, or ``7d``/``2w``/``3m``/``1y`` ago), ``lang:zh``.
- Chinese and Japanese need no spaces: ``小米``, ``雷军``, ``小米汽车`` match inside
  longer text.

Parsing never fails: whatever cannot be understood is dropped or read as plain
words, and :attr:`Query.notes` says so in words. Brackets are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from digest_app.timestamps import span_days, to_db, utc_now

FilterField = Literal["tag", "source", "is", "after", "before", "lang"]
FILTER_FIELDS: tuple[str, ...] = ("tag", "source", "is", "after", "before", "lang")
FLAGS: tuple[str, ...] = ("unread", "read", "starred", "unstarred")

#: Longer queries are cut here; nobody types more, and FTS5 work grows with it.
MAX_QUERY_CHARS = 1000
#: Words, phrases and filters beyond this many are dropped.
MAX_ATOMS = 40
#: A prefix needs this many letters; shorter ones would match most of the library.
MIN_PREFIX_CHARS = 2

_OPEN_QUOTES = '"“„「『'
_CLOSE_QUOTES = '"”“」』'
_KEY = re.compile(r"([A-Za-z]+):")
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_OR_WORDS = {"OR", "|", "||"}
_AND_WORDS = {"AND", "&", "&&", "+"}


@dataclass(frozen=True)
class Term:
    """A word, prefix or phrase to find in the text."""

    text: str
    phrase: bool = False
    prefix: bool = False

    def __str__(self) -> str:
        shown = f'"{self.text}"' if self.phrase else self.text
        return shown + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Filter:
    """A condition on an article's tags, source, flags, date or language.

    ``value`` is normalised (a flag name, a language code, a stored UTC
    timestamp for dates); ``label`` is how descriptions show it.
    """

    field: FilterField
    value: str
    label: str

    def __str__(self) -> str:
        if self.field == "tag":
            return f"tagged {_quoted_if_spaced(self.label)}"
        if self.field == "source":
            return f"from {_quoted_if_spaced(self.label)}"
        if self.field == "is":
            return "not starred" if self.value == "unstarred" else self.value
        if self.field == "after":
            return f"on or after {self.label}"
        if self.field == "before":
            return f"before {self.label}"
        return f"in language {self.label}"


Atom = Term | Filter


def _quoted_if_spaced(text: str) -> str:
    return f'"{text}"' if " " in text else text


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (one of its atoms is enough),
    and no excluded atom may match."""

    text: str
    groups: tuple[tuple[Atom, ...], ...] = ()
    excluded: tuple[Atom, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def terms(self) -> tuple[Term, ...]:
        """The words and phrases that count towards a match (for highlighting)."""
        return tuple(a for g in self.groups for a in g if isinstance(a, Term))

    def describe(self) -> str:
        """The query in words, as the app understood it."""
        parts = [" or ".join(str(a) for a in group) for group in self.groups]
        for atom in self.excluded:
            if isinstance(atom, Term):
                parts.append(f"without {atom}")
            elif atom.field == "is":
                parts.append(_NEGATED_FLAG[atom.value])
            else:
                parts.append(f"not {atom}")
        return ", ".join(parts)


_NEGATED_FLAG = {"unread": "read", "read": "unread", "starred": "not starred", "unstarred": "starred"}


@dataclass
class _Token:
    kind: Literal["word", "phrase", "filter", "or", "not"]
    text: str = ""
    negated: bool = False
    prefix: bool = False
    key: str = ""


def parse(text: str, *, now: datetime | None = None) -> Query:
    """Parse what the user typed. Never raises; see :attr:`Query.notes` for what was dropped.

    *now* anchors relative dates (``after:7d``); it defaults to the current time.
    """
    notes: list[str] = []
    clean = _printable(text).strip()
    if len(clean) > MAX_QUERY_CHARS:
        clean = clean[:MAX_QUERY_CHARS]
        notes.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
    tokens = _lex(clean, notes)
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    pending_or = False
    after_positive = False
    negate_next = False
    count = 0
    for token in tokens:
        if token.kind == "or":
            if after_positive and not pending_or:
                pending_or = True
            else:
                notes.append("ignored an OR that did not stand between two words")
            continue
        if token.kind == "not":
            negate_next = True
            continue
        negated = token.negated or negate_next
        negate_next = False
        atom = _atom(token, notes, now)
        if atom is None:
            continue
        count += 1
        if count > MAX_ATOMS:
            notes.append(f"only the first {MAX_ATOMS} words and filters were used")
            break
        if negated:
            if pending_or:
                notes.append(f"ignored the OR before -{atom}: an excluded word cannot be an alternative")
                pending_or = False
            excluded.append(atom)
            after_positive = False
        elif pending_or:
            groups[-1].append(atom)
            pending_or = False
        else:
            groups.append([atom])
            after_positive = True
    if pending_or:
        notes.append("ignored an OR that did not stand between two words")
    return Query(
        text=text,
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        notes=tuple(dict.fromkeys(notes)),
    )


def _printable(text: str) -> str:
    """*text* without control characters, lone surrogates and the like (tabs become spaces)."""
    return "".join(
        " " if c.isspace() else c
        for c in text
        if c.isspace() or unicodedata.category(c) not in ("Cc", "Cs", "Cn", "Co")
    )


def _lex(text: str, notes: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            notes.append("brackets are ignored: OR applies to the words on either side of it")
            i += 1
            continue
        negated = False
        if ch == "-":
            while i < n and text[i] == "-":
                i += 1
            if i == n or text[i].isspace():
                continue
            negated, ch = True, text[i]
        if ch in _OPEN_QUOTES:
            value, i = _read_quoted(text, i + 1, notes)
            prefix = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            tokens.append(_Token("phrase", value, negated, prefix))
            continue
        key = _KEY.match(text, i)
        if key and key.group(1).lower() in FILTER_FIELDS:
            i = key.end()
            if i < n and text[i] in _OPEN_QUOTES:
                value, i = _read_quoted(text, i + 1, notes)
            else:
                start = i
                while i < n and not text[i].isspace() and text[i] not in "()":
                    i += 1
                # "tag:EV, tag:Phones": the comma belongs to the sentence, not the tag.
                value = text[start:i].rstrip(",;")
            tokens.append(_Token("filter", value, negated, key=key.group(1).lower()))
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in "()":
            i += 1
        word = text[start:i]
        if not negated and word in _OR_WORDS:
            tokens.append(_Token("or"))
        elif not negated and word in _AND_WORDS:
            continue
        elif not negated and word == "NOT":
            tokens.append(_Token("not"))
        else:
            core = word.lstrip("+*")
            prefix = core.endswith("*")
            # Keep what was typed when nothing searchable is left, for the note.
            core = core.rstrip("*") if _has_token_chars(core) else word
            tokens.append(_Token("word", core, negated, prefix))
    return tokens


def _read_quoted(text: str, i: int, notes: list[str]) -> tuple[str, int]:
    """The text up to the closing quote, and the index after it."""
    end = i
    while end < len(text) and text[end] not in _CLOSE_QUOTES:
        end += 1
    if end == len(text):
        notes.append("a closing quote was missing; the phrase runs to the end of the query")
        return text[i:], end
    return text[i:end], end + 1


def _has_token_chars(text: str) -> bool:
    # What FTS5's unicode61 tokenizer keeps as words: letters and numbers.
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _atom(token: _Token, notes: list[str], now: datetime | None) -> Atom | None:
    if token.kind == "filter":
        return _filter(token.key, token.text.strip(), notes, now)
    text = " ".join(token.text.split())
    shown = f'"{text}"' if token.kind == "phrase" else text
    if not _has_token_chars(text):
        if text:
            notes.append(f"ignored {shown}: it has no letters or digits to search for")
        return None
    prefix = token.prefix
    if prefix:
        last_word = re.split(r"[^\w]+", text)[-1] if text else ""
        if sum(1 for c in last_word if unicodedata.category(c)[0] in "LN") < MIN_PREFIX_CHARS:
            notes.append(f"{text}* is too short for a prefix search; searched for {text} instead")
            prefix = False
    return Term(text=text, phrase=token.kind == "phrase", prefix=prefix)


def _filter(key: str, value: str, notes: list[str], now: datetime | None) -> Filter | None:
    if not value:
        notes.append(f"ignored {key}: with nothing after it")
        return None
    if key == "tag":
        return Filter("tag", " ".join(value.split()), " ".join(value.split()))
    if key == "source":
        return Filter("source", value, value)
    if key == "is":
        flag = value.lower()
        if flag not in FLAGS:
            notes.append(f"ignored is:{value}: use is:unread, is:read, is:starred or is:unstarred")
            return None
        return Filter("is", flag, flag)
    if key == "lang":
        code = value.lower()
        if not _LANGUAGE.fullmatch(code):
            notes.append(f"ignored lang:{value}: use a language code such as en or zh")
            return None
        return Filter("lang", code, code)
    moment = parse_date(value, now=now)
    if moment is None:
        notes.append(
            f"ignored {key}:{value}: use a date such as 2025-01-31, 2025-01, 2025, "
            "today, yesterday or 7d (days, w weeks, m months, y years ago)"
        )
        return None
    return Filter(key, to_db(moment), moment.strftime("%Y-%m-%d"))  # type: ignore[arg-type]


def parse_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """The UTC moment a date filter starts at, or None when *value* is not a date.

    >>> parse_date("2025-03").isoformat()
    '2025-03-01T00:00:00+00:00'
    """
    value = value.strip().lower()
    now = now or utc_now()
    today = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    days = span_days(value)
    if days is not None:
        return now - timedelta(days=days)
    absolute = _DATE.fullmatch(value)
    if absolute is None:
        return None
    year, month, day = (int(g) if g else 1 for g in absolute.groups())
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None
