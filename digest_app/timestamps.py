"""Times in the library: aware UTC datetimes in Python, ISO 8601 text in SQLite.

The stored form ``2019-11-27T08:00:00Z`` sorts as text in time order, which is
what the date indexes rely on.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_SPAN = re.compile(r"(\d{1,4})\s*([dwmy])")
_DAYS_PER_UNIT = {"d": 1, "w": 7, "m": 30, "y": 365}


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_db(moment: datetime | None) -> str | None:
    """``datetime`` -> stored text; naive datetimes are taken to be UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db(text: str | None) -> datetime | None:
    """Stored text -> aware UTC ``datetime`` (None stays None)."""
    if not text:
        return None
    # fromisoformat is some 40x faster than strptime, which matters when a
    # listing page converts hundreds of dates.
    return datetime.fromisoformat(text)


def span_days(text: str) -> int | None:
    """Days in a span written as a count and a unit (d, w, m = 30 days, y = 365), as
    the query language's ``after:2w`` and the digest's ``--since 7d`` take it.

    >>> span_days("2w")
    14
    >>> span_days("soon") is None
    True
    """
    match = _SPAN.fullmatch(text.strip().lower())
    return int(match.group(1)) * _DAYS_PER_UNIT[match.group(2)] if match else None
