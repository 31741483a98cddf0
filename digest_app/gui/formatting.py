"""How dates and counts read in the window, in the user's local time.

    >>> short_date(datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc), now=...)
    '09:30'            # today
    'Yesterday'        # yesterday
    'Mon'              # this week
    '4 Mar'            # this year
    '4 Mar 2024'       # before
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def local(moment: datetime) -> datetime:
    return moment.astimezone()


def local_midnight_utc(now: datetime | None = None) -> datetime:
    """The start of the user's today, as a UTC moment (for the "Today" listing)."""
    today = (now or datetime.now(timezone.utc)).astimezone()
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(timezone.utc)


def short_date(moment: datetime | None, now: datetime | None = None) -> str:
    """A date for the article list: the time today, else the day, else the date."""
    if moment is None:
        return ""
    now_local = (now or datetime.now(timezone.utc)).astimezone()
    when = local(moment)
    days = (now_local.date() - when.date()).days
    if days == 0:
        return when.strftime("%H:%M")
    if days == 1:
        return "Yesterday"
    if 1 < days < 7:
        return when.strftime("%A")
    if when.year == now_local.year:
        return f"{when.day} {when.strftime('%b')}"
    return f"{when.day} {when.strftime('%b %Y')}"


def long_date(moment: datetime | None) -> str:
    """A date for the reader: ``Tuesday 4 March 2025, 09:30``."""
    if moment is None:
        return ""
    when = local(moment)
    return f"{when.strftime('%A')} {when.day} {when.strftime('%B %Y, %H:%M')}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 article``, ``1,204 articles``."""
    word = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {word}"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``2 days ago``."""
    if moment is None:
        return "never"
    delta = (now or datetime.now(timezone.utc)) - moment
    if delta < timedelta(minutes=1):
        return "just now"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)} min ago"
    if delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)} h ago"
    return count(delta.days, "day") + " ago"
