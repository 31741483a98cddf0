"""A digest as one self-contained HTML file, and the HTML pieces the EPUB reuses.

    >>> html = document_html(digest)      # inline CSS; no script, font, image or stylesheet link
    >>> write_atomically("xiaomi-week.html", html)

The page is ``resources/templates/digest.html`` with ``digest.css`` inlined:
cover, contents, top stories, key figures, then the sections and their
stories, each story with an ``id`` the contents and figures link to. The only
links are to the sources (and to anchors in the page). The markup is also
well-formed XHTML, so the EPUB builds its chapters from the same functions;
*href* turns a story ID into the link that reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape
from string import Template

from digest_app.digests import wording
from digest_app.digests.model import Digest, KeyFigure, Section, Story
from digest_app.paths import resource_file

Href = Callable[[str], str]


def local_href(anchor: str) -> str:
    return f"#{anchor}"


@lru_cache(maxsize=8)
def template(name: str) -> str:
    """A file of ``resources/templates/`` (read once)."""
    return resource_file("templates", name).read_text(encoding="utf-8")


def document_html(digest: Digest) -> str:
    """The whole digest as one HTML5 page that needs nothing else to display."""
    body = "\n".join(
        [
            cover_html(digest),
            contents_html(digest),
            top_stories_html(digest),
            figures_html(digest),
            *(section_html(section) for section in digest.sections),
            notes_html(digest),
        ]
    )
    return Template(template("digest.html")).substitute(
        lang=document_language(digest),
        title=escape(digest.title),
        css=template("digest.css").strip(),
        body=body,
    )


def document_language(digest: Digest) -> str:
    """The language most stories are in (``en`` when unknown)."""
    languages = [s.language.split("-")[0] for s in digest.stories if s.language]
    return max(set(languages), key=languages.count) if languages else "en"


def cover_html(digest: Digest) -> str:
    period = wording.subtitle(digest)
    return (
        '<header class="cover">\n'
        '<p class="kicker">Digest</p>\n'
        f"<h1>{escape(digest.title)}</h1>\n"
        + (f'<p class="period">{escape(period)}</p>\n' if period else "")
        + f'<p class="facts">{escape(wording.cover_facts(digest))}</p>\n'
        f'<p class="made">{escape(wording.made_on(digest))}</p>\n'
        "</header>"
    )


def contents_html(digest: Digest, href: Href = local_href) -> str:
    items = []
    for section in digest.sections:
        stories = "".join(
            f'<li><a href="{escape(href(s.id))}">{escape(s.title)}</a></li>' for s in section.stories
        )
        items.append(
            f'<li><a href="{escape(href(section.id))}">{escape(section.title)}</a><ol>{stories}</ol></li>'
        )
    return f'<nav class="contents" id="contents">\n<h2>Contents</h2>\n<ol>\n{chr(10).join(items)}\n</ol>\n</nav>'


def top_stories_html(digest: Digest, href: Href = local_href) -> str:
    if not digest.top_stories:
        return ""
    items = "\n".join(
        f'<li><a href="{escape(href(s.id))}">{escape(s.title)}</a>'
        f"<p>{escape(wording.lead_sentence(s))}</p></li>"
        for s in digest.top_stories
    )
    return f'<section class="top" id="top-stories">\n<h2>Top stories</h2>\n<ol>\n{items}\n</ol>\n</section>'


def figures_html(digest: Digest, href: Href = local_href) -> str:
    if not digest.figures:
        return ""
    rows = "\n".join(_figure_row(digest, figure, href) for figure in digest.figures)
    return (
        '<section class="figures" id="key-figures">\n<h2>Key figures</h2>\n'
        '<table class="figures">\n<thead><tr><th>Figure</th><th>Value</th><th>Change</th><th>Story</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</section>"
    )


def _figure_row(digest: Digest, figure: KeyFigure, href: Href) -> str:
    story = digest.story(figure.story_id)
    change = wording.figure_change(figure)
    return (
        f'<tr><td>{escape(figure.subject)}<span class="said">“{escape(figure.sentence)}”</span></td>'
        f'<td class="value{change_class(wording.figure_value(figure))}">{escape(wording.figure_value(figure))}</td>'
        f'<td class="change{change_class(change)}">{escape(change)}</td>'
        f'<td><a href="{escape(href(story.id))}">{escape(story.title)}</a></td></tr>'
    )


def change_class(text: str) -> str:
    """`` up`` or `` down`` for a signed change, else nothing (a CSS class suffix)."""
    if text.startswith("+"):
        return " up"
    if text.startswith(("−", "-")):
        return " down"
    return ""


def section_html(section: Section) -> str:
    color = f' style="--section: {escape(section.color)}"' if section.color else ""
    stories = "\n".join(story_html(story) for story in section.stories)
    return (
        f'<section class="topic" id="{escape(section.id)}"{color}>\n'
        f'<h2>{escape(section.title)}<span class="count">{escape(wording.section_count(len(section.stories)))}</span></h2>\n'
        f"{stories}\n</section>"
    )


def story_html(story: Story) -> str:
    summary = " ".join(escape(sentence) for sentence in story.summary)
    sources = "".join(
        f'<li>{_link(link.url, link.title)} <span class="outlet">({escape(link.source)})</span></li>'
        if link.source
        else f"<li>{_link(link.url, link.title)}</li>"
        for link in story.sources
    )
    return (
        f'<article class="story" id="{escape(story.id)}">\n'
        f"<h3>{escape(story.title)}</h3>\n"
        f'<p class="meta">{escape(wording.story_line(story))}</p>\n'
        + (f'<p class="summary">{summary}</p>\n' if summary else "")
        + f'<ul class="sources">{sources}</ul>\n</article>'
    )


def notes_html(digest: Digest) -> str:
    if not digest.notes:
        return ""
    notes = "".join(f"<li>{escape(note)}</li>" for note in digest.notes)
    return f'<footer class="notes"><p>Notes on this digest:</p><ul>{notes}</ul></footer>'


def _link(url: str | None, text: str) -> str:
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'
    return escape(text)
