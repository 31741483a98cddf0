"""What a digest covers and how it is made: period, narrowing, lengths.

    >>> options = DigestOptions(since="7d", tags=("EV",), max_stories=20)
    >>> period = options.period(now)          # the seven days ending on *now*'s day
    >>> period.label
    '26 October – 1 November 2026'
    >>> DigestOptions.from_json(options.to_json()) == options
    True

A period is whole local calendar days: relative (``since``: ``today``,
``yesterday``, ``7d`` = the seven days ending today, ``2w``, ``1m`` ...) or a
custom range (``start``/``end``, both included). A built digest keeps its
options with the days a relative period resolved to (:meth:`DigestOptions.fixed`),
so rebuilding it covers the same days.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from digest_app.errors import InputError
from digest_app.timestamps import span_days

#: Relative periods the GUI offers, with their labels.
PRESETS: tuple[tuple[str, str], ...] = (
    ("today", "Today"),
    ("yesterday", "Yesterday"),
    ("7d", "Last 7 days"),
    ("14d", "Last 14 days"),
    ("30d", "Last 30 days"),
)
MAX_STORIES_LIMIT = 500
MAX_SUMMARY_SENTENCES = 10


@dataclass(frozen=True)
class Period:
    """A half-open span of time ``[start, end)`` in UTC, and how to say it."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """The local calendar days covered: ``3 November 2026`` or ``1 – 7 November 2026``."""
        first = self.start.astimezone()
        last = (self.end - timedelta(seconds=1)).astimezone()
        if first.date() == last.date():
            return _day(first.date(), year=True)
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day} – {_day(last.date(), year=True)}"
        return f"{_day(first.date(), year=first.year != last.year)} – {_day(last.date(), year=True)}"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class DigestOptions:
    """Everything a digest is built from. All fields have sensible defaults.

    ``sources`` are source IDs; ``tags`` and ``sources`` each keep an article
    when it has any of the given ones. ``summary_sentences`` is the length of
    each story's summary. ``title`` None means a title made from the period.
    """

    since: str | None = "7d"
    start: date | None = None
    end: date | None = None
    query: str = ""
    tags: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()
    max_stories: int = 30
    summary_sentences: int = 3
    include_read: bool = True
    title: str | None = None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise InputError("a custom period needs both a first and a last day")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InputError(f"the period ends ({self.end}) before it starts ({self.start})")
        if self.start is None and not self.since:
            raise InputError("give a period: since (e.g. 7d) or a first and last day")
        if self.start is None:
            parse_since(self.since or "")
        if not 1 <= self.max_stories <= MAX_STORIES_LIMIT:
            raise InputError(f"the number of stories must be between 1 and {MAX_STORIES_LIMIT} (got {self.max_stories})")
        if not 1 <= self.summary_sentences <= MAX_SUMMARY_SENTENCES:
            raise InputError(
                f"a story summary must have 1 to {MAX_SUMMARY_SENTENCES} sentences (got {self.summary_sentences})"
            )

    def days(self, now: datetime | None = None) -> tuple[date, date]:
        """The first and last local calendar day covered (relative ones end on *now*'s day)."""
        if self.start is not None and self.end is not None:
            return self.start, self.end
        return relative_days(self.since or "", now)

    def period(self, now: datetime | None = None) -> Period:
        """The span this digest covers: local midnight of its first day to the
        midnight after its last."""
        first, last = self.days(now)
        return Period(_local_midnight(first), _local_midnight(last + timedelta(days=1)))

    def fixed(self, now: datetime | None = None) -> "DigestOptions":
        """These options with a relative period turned into the days it covers
        at *now* (what a saved digest keeps, so a rebuild covers the same days)."""
        if self.start is not None:
            return self
        first, last = self.days(now)
        return replace(self, start=first, end=last)

    def to_json(self) -> dict[str, Any]:
        value = asdict(self)
        value["start"] = self.start.isoformat() if self.start else None
        value["end"] = self.end.isoformat() if self.end else None
        value["tags"] = list(self.tags)
        value["sources"] = list(self.sources)
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "DigestOptions":
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        for key in ("start", "end"):
            if known.get(key):
                known[key] = date.fromisoformat(known[key])
        known["tags"] = tuple(known.get("tags", ()))
        known["sources"] = tuple(int(s) for s in known.get("sources", ()))
        return cls(**known)


def parse_since(text: str) -> tuple[str, int]:
    """``"today"``, ``"yesterday"`` or ``"7d"``/``"2w"``/``"1m"``/``"1y"`` as
    (unit, days); raises :class:`InputError` for anything else."""
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        return value, 1
    days = span_days(value)
    if not days:
        raise InputError(
            f"not a period: {text!r} (use today, yesterday, or a number of days, weeks, "
            "months or years such as 7d, 2w, 1m, 1y)"
        )
    return "days", days


def relative_days(since: str, now: datetime | None = None) -> tuple[date, date]:
    """First and last local day of *since* at *now*: ``7d`` is the seven days ending today."""
    today = (now or datetime.now(timezone.utc)).astimezone().date()
    kind, days = parse_since(since)
    if kind == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    return today - timedelta(days=days - 1), today


def parse_day(text: str) -> date:
    """A calendar day typed by the user: ``2026-11-01`` (raises :class:`InputError`)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-11-01)") from None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)


def _day(day: date, *, year: bool) -> str:
    return f"{day.day} {day.strftime('%B')}" + (f" {day.year}" if year else "")
