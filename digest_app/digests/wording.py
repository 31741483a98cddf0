"""The small phrases every export shares: counts, dates, story lines, figure changes.

    >>> cover_facts(digest)
    '24 stories from 25 articles and 4 sources'
    >>> story_line(story)
    'Sample · Auto Ledger, Sample · Market Desk · 20–21 November 2026'

Dates are in the reader's local time, like the period.
"""

from __future__ import annotations

from datetime import datetime

from digest_app.digests.model import Digest, KeyFigure, Story

#: Most outlet names a story line lists before "and N more".
NAMES_SHOWN = 3


def count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def cover_facts(digest: Digest) -> str:
    """``24 stories from 25 articles and 4 sources``."""
    return (
        f"{count(digest.story_count, 'story', 'stories')} from {count(digest.article_count, 'article')}"
        f" and {count(digest.source_count, 'source')}"
    )


def subtitle(digest: Digest) -> str:
    """The period, unless the title already says it."""
    label = digest.period.label
    return "" if label in digest.title else label


def made_on(digest: Digest) -> str:
    return f"Made {day(digest.created)}"


def day(moment: datetime, *, year: bool = True) -> str:
    when = moment.astimezone()
    return f"{when.day} {when.strftime('%B')}" + (f" {when.year}" if year else "")


def day_span(first: datetime, last: datetime) -> str:
    """``20 November 2026`` or ``20–21 November 2026`` or ``30 October – 2 November 2026``."""
    a, b = first.astimezone(), last.astimezone()
    if a.date() == b.date():
        return day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{day(b)}"
    return f"{day(a, year=a.year != b.year)} – {day(b)}"


def outlets(story: Story) -> str:
    """``Auto Ledger, Market Desk and 2 more``."""
    names = list(story.source_names)
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    return ", ".join(names[:NAMES_SHOWN]) + f" and {len(names) - NAMES_SHOWN} more"


def story_line(story: Story) -> str:
    """Who told the story and when: ``Auto Ledger, Market Desk · 20–21 November 2026``."""
    parts = [outlets(story)] if story.source_names else []
    parts.append(day_span(story.first_seen, story.last_seen))
    return " · ".join(parts)


def lead_sentence(story: Story, limit: int = 220) -> str:
    """The story's first summary sentence, cut at a word near *limit* characters."""
    return shorten(story.summary[0] if story.summary else "", limit)


def shorten(text: str, limit: int) -> str:
    """*text*, or its first *limit* characters cut at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;: ") + "…"


def figure_value(figure: KeyFigure) -> str:
    """The value column: the amount, or the change when the figure is only a change."""
    return figure.value or figure.change or ""


def figure_change(figure: KeyFigure) -> str:
    return figure.change if figure.value and figure.change else ""


def section_count(n: int) -> str:
    return count(n, "story", "stories")
