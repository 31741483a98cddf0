"""A built digest: frozen records that hold everything needed to read and export it.

    >>> digest = build_digest(lib, DigestOptions(since="7d"))      # digests.build
    >>> [s.title for s in digest.sections]
    ['Smartphones', 'EV', 'Other news']
    >>> digest.story("story-3").sources[0].url
    >>> Digest.from_json(digest.to_json()) == digest
    True

A digest never points back into the library for its words: titles, summaries,
source names and links, figures and sections are all here, so a saved digest
reads and re-exports the same after its articles are gone. Article IDs are
kept only to open an article from the digest while it still exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from digest_app.digests.options import DigestOptions, Period
from digest_app.errors import InputError
from digest_app.timestamps import from_db, to_db

#: Version of the JSON layout of :meth:`Digest.to_json`.
CONTENT_FORMAT = 1

FigureKind = Literal["money", "percent", "units", "price", "share", "rank"]


@dataclass(frozen=True)
class SourceLink:
    """One article of a story: the outlet, its headline and where it lives."""

    source: str
    title: str
    url: str | None = None
    published: datetime | None = None
    article_id: int | None = None


@dataclass(frozen=True)
class Story:
    """One event, told by one or more sources.

    ``id`` is the anchor every export links to (``story-7``); ``summary`` is
    extractive, drawn from all the sources without repeating itself;
    ``sources`` lists every article, the one the title came from first.
    """

    id: str
    title: str
    summary: tuple[str, ...]
    sources: tuple[SourceLink, ...]
    section: str
    first_seen: datetime
    last_seen: datetime
    importance: float
    tags: tuple[str, ...] = ()
    language: str | None = None

    @property
    def source_names(self) -> tuple[str, ...]:
        """Distinct outlet names, in order."""
        return tuple(dict.fromkeys(link.source for link in self.sources if link.source))


@dataclass(frozen=True)
class Section:
    """Stories on one topic (a topic tag, or "Other news"), most important first."""

    title: str
    stories: tuple[Story, ...]
    color: str | None = None

    @property
    def id(self) -> str:
        return "section-" + "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")


@dataclass(frozen=True)
class KeyFigure:
    """A number stated in the period: what it measures, its value and change,
    the sentence it came from and the story that said it."""

    subject: str
    value: str
    change: str | None
    kind: FigureKind
    sentence: str
    story_id: str
    source: str = ""


@dataclass(frozen=True)
class Digest:
    """A digest as built: cover facts, top stories, sections, key figures."""

    title: str
    period: Period
    created: datetime
    options: DigestOptions
    sections: tuple[Section, ...]
    top_story_ids: tuple[str, ...]
    figures: tuple[KeyFigure, ...]
    article_count: int
    source_count: int
    notes: tuple[str, ...] = ()
    id: int | None = field(default=None, compare=False)

    @cached_property
    def stories(self) -> tuple[Story, ...]:
        """Every story in reading order (section by section)."""
        return tuple(story for section in self.sections for story in section.stories)

    def story(self, story_id: str) -> Story:
        for story in self.stories:
            if story.id == story_id:
                return story
        raise KeyError(story_id)

    @property
    def top_stories(self) -> tuple[Story, ...]:
        return tuple(self.story(i) for i in self.top_story_ids)

    @property
    def story_count(self) -> int:
        return len(self.stories)

    def with_id(self, digest_id: int) -> "Digest":
        return replace(self, id=digest_id)

    # -- JSON --------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The content as plain JSON values (what the library stores)."""
        return {
            "format": CONTENT_FORMAT,
            "title": self.title,
            "period": {"start": to_db(self.period.start), "end": to_db(self.period.end)},
            "created": to_db(self.created),
            "article_count": self.article_count,
            "source_count": self.source_count,
            "notes": list(self.notes),
            "top_story_ids": list(self.top_story_ids),
            "sections": [
                {"title": s.title, "color": s.color, "stories": [_story_json(story) for story in s.stories]}
                for s in self.sections
            ],
            "figures": [
                {
                    "subject": f.subject,
                    "value": f.value,
                    "change": f.change,
                    "kind": f.kind,
                    "sentence": f.sentence,
                    "story_id": f.story_id,
                    "source": f.source,
                }
                for f in self.figures
            ],
        }

    @classmethod
    def from_json(
        cls, content: dict[str, Any], options: dict[str, Any] | DigestOptions, *, digest_id: int | None = None
    ) -> "Digest":
        """A digest from stored content and options (raises :class:`InputError` when unreadable)."""
        try:
            if content.get("format") != CONTENT_FORMAT:
                raise ValueError(f"unknown content format {content.get('format')!r}")
            return cls(
                title=content["title"],
                period=Period(from_db(content["period"]["start"]), from_db(content["period"]["end"])),
                created=from_db(content["created"]),
                options=options if isinstance(options, DigestOptions) else DigestOptions.from_json(options),
                sections=tuple(
                    Section(
                        title=s["title"],
                        color=s.get("color"),
                        stories=tuple(_story_from_json(story) for story in s["stories"]),
                    )
                    for s in content["sections"]
                ),
                top_story_ids=tuple(content["top_story_ids"]),
                figures=tuple(KeyFigure(**f) for f in content["figures"]),
                article_count=int(content["article_count"]),
                source_count=int(content["source_count"]),
                notes=tuple(content.get("notes", ())),
                id=digest_id,
            )
        except (KeyError, TypeError, ValueError) as exc:
            name = f"digest {digest_id}" if digest_id is not None else "digest"
            raise InputError(f"{name}: stored content cannot be read ({exc})") from exc


def _story_json(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "summary": list(story.summary),
        "sources": [
            {
                "source": link.source,
                "title": link.title,
                "url": link.url,
                "published": to_db(link.published),
                "article_id": link.article_id,
            }
            for link in story.sources
        ],
        "section": story.section,
        "first_seen": to_db(story.first_seen),
        "last_seen": to_db(story.last_seen),
        "importance": story.importance,
        "tags": list(story.tags),
        "language": story.language,
    }


def _story_from_json(value: dict[str, Any]) -> Story:
    return Story(
        id=value["id"],
        title=value["title"],
        summary=tuple(value["summary"]),
        sources=tuple(
            SourceLink(
                source=link["source"],
                title=link["title"],
                url=link.get("url"),
                published=from_db(link.get("published")),
                article_id=link.get("article_id"),
            )
            for link in value["sources"]
        ),
        section=value["section"],
        first_seen=from_db(value["first_seen"]),
        last_seen=from_db(value["last_seen"]),
        importance=float(value["importance"]),
        tags=tuple(value.get("tags", ())),
        language=value.get("language"),
    )
