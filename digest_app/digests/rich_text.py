"""A digest in the HTML subset Qt's QTextDocument lays out: for the PDF and the reader view.

    >>> html = rich_text_html(digest, contents=True)               # the PDF's body
    >>> html = rich_text_html(digest, cover=True, colors=dark)      # the GUI reader

Qt's rich text has no CSS variables, flexbox or borders on blocks, so the
layout leans on tables (contents, figures, section headings with a coloured
bar) and on ``page-break-before``. No Qt is imported here: the markup is
plain text, laid out by whoever shows it.

Anchors: every section and story carries its ID as an anchor name
(``<a name="story-3">``), which becomes a named destination in the PDF; the
contents and the figures link to them. The contents' page numbers are cells
with the text :data:`PAGE_PLACEHOLDER`, filled in after layout (see
:mod:`digest_app.digests.pdf`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from html import escape
from string import Template
from xml.sax.saxutils import quoteattr

from digest_app.digests import wording
from digest_app.digests.model import Digest, KeyFigure, Section, Story
from digest_app.digests.render_html import change_class, template

#: Text of a contents page-number cell before pagination.
PAGE_PLACEHOLDER = "000"
PX_PER_PT = 96 / 72
_SPACING_PT = re.compile(r"(\b(?:margin|padding)(?:-(?:top|bottom|left|right))?\s*:\s*)(\d+(?:\.\d+)?)pt\b")


@dataclass(frozen=True)
class Colors:
    """The palette the rich text is drawn in."""

    ink: str = "#1d232a"
    muted: str = "#5f6b76"
    accent: str = "#e85d04"
    link: str = "#9a3f06"
    rule: str = "#d9d6cc"
    up: str = "#1b7f3b"
    down: str = "#b3261e"


PRINT = Colors()


def stylesheet(colors: Colors = PRINT, *, body_pt: float = 10.5) -> str:
    """The rich-text CSS in *colors*, body text at *body_pt* points."""
    css = Template(template("digest-rich.css")).substitute(
        body_pt=f"{body_pt:g}pt",
        small_pt=f"{body_pt - 1:g}pt",
        ink=colors.ink,
        muted=colors.muted,
        accent=colors.accent,
        link=colors.link,
        up=colors.up,
        down=colors.down,
    )
    return qt_lengths(css)


def qt_lengths(css: str) -> str:
    """*css* with margins and paddings in px, the only unit Qt's rich text reads for
    them (it drops ``14pt`` silently; a px is 1/96 inch on any paint device)."""
    return _SPACING_PT.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * PX_PER_PT:.3g}px", css)


def rich_text_html(
    digest: Digest,
    *,
    cover: bool = False,
    contents: bool = False,
    sections: bool = True,
    breaks: Collection[str] = frozenset(),
    colors: Colors = PRINT,
) -> str:
    """The digest body: optionally the cover facts and the contents table, then top
    stories, key figures and (unless *sections* is false) the sections, each on a
    new page when printed.

    *breaks* are keys of table rows (see :func:`row_keys`) that start a new page:
    their table ends before them and goes on, with its header, on the next page.
    """
    parts = []
    if cover:
        parts.append(_cover(digest))
    if contents:
        parts.append(_contents(digest, breaks))
    parts.append(_overview(digest, colors, page_break=contents, breaks=breaks))
    # Sections run on from one another; the first starts a page after the overview.
    page_break = contents or bool(digest.top_stories or digest.figures)
    for section in digest.sections if sections else ():
        parts.append(_section(section, colors, page_break=page_break))
        page_break = False
    if digest.notes:
        notes = "<br/>".join(escape(note) for note in digest.notes)
        parts.append(f'<p class="notes">Notes on this digest: {notes}</p>')
    return "<html><body>" + "\n".join(p for p in parts if p) + "</body></html>"


def _cover(digest: Digest) -> str:
    period = wording.subtitle(digest)
    return (
        '<p class="kicker">DIGEST</p>'
        f"<h1>{escape(digest.title)}</h1>"
        + (f'<p class="period">{escape(period)}</p>' if period else "")
        + f'<p class="facts">{escape(wording.cover_facts(digest))}</p>'
        f'<p class="made">{escape(wording.made_on(digest))}</p>'
    )


def row_keys(digest: Digest, *, contents: bool) -> list[str]:
    """Keys of the body's table rows in reading order, header rows left out: the
    contents' entries (the anchor each links to), then the key figures (``figure-1`` ...)."""
    keys = [a for s in digest.sections for a in (s.id, *(story.id for story in s.stories))] if contents else []
    return keys + [f"figure-{n}" for n in range(1, len(digest.figures) + 1)]


def _tables(
    rows: list[tuple[str, str]], *, attributes: str, head: str, breaks: Collection[str], style: str = ""
) -> str:
    """*rows* (key, markup) as one table, or one per page where a row's key is in
    *breaks*; every part opens with the *head* row, its only header row."""
    parts: list[list[str]] = [[]]
    for key, row in rows:
        if key in breaks and parts[-1]:
            parts.append([])
        parts[-1].append(row)
    tables = []
    for number, part in enumerate(parts):
        styles = "; ".join(s for s in (style, "page-break-before: always" if number else "") if s)
        tables.append(
            f'<table {attributes}{f" style={quoteattr(styles)}" if styles else ""}>'
            f"<thead>{head}</thead>{''.join(part)}</table>"
        )
    return "".join(tables)


def _contents(digest: Digest, breaks: Collection[str]) -> str:
    # Three columns: an indent for stories, the title, the page number (Qt ignores
    # cell padding set in CSS, so the indent is a column of its own, sized by an
    # empty header row).
    rows = []
    for section in digest.sections:
        rows.append(
            (
                section.id,
                f'<tr><td class="toc-section" colspan="2"><a href="#{section.id}">{escape(section.title)}</a></td>'
                f'<td class="toc-page" align="right" valign="bottom">{PAGE_PLACEHOLDER}</td></tr>',
            )
        )
        for story in section.stories:
            rows.append(
                (
                    story.id,
                    f'<tr><td></td><td class="toc-story"><a href="#{story.id}">{escape(story.title)}</a></td>'
                    f'<td class="toc-page" align="right" valign="bottom">{PAGE_PLACEHOLDER}</td></tr>',
                )
            )
    return '<a name="contents"></a><p class="label">CONTENTS</p>' + _tables(
        rows,
        attributes='width="100%" cellspacing="0" cellpadding="2"',
        head='<tr><td width="3%"></td><td width="87%"></td><td width="10%"></td></tr>',
        breaks=breaks,
    )


def _overview(digest: Digest, colors: Colors, *, page_break: bool, breaks: Collection[str]) -> str:
    if not digest.top_stories and not digest.figures:
        return ""
    style = ' style="page-break-before: always"' if page_break else ""
    parts = []
    if digest.top_stories:
        items = "".join(
            f'<li class="top-title"><a href="#{story.id}">{escape(story.title)}</a><br/>'
            f'<span class="top-lead">{escape(wording.lead_sentence(story))}</span></li>'
            for story in digest.top_stories
        )
        parts.append(f'<p class="label"{style}><a name="top-stories"></a>TOP STORIES</p><ol>{items}</ol>')
        style = ' style="margin-top: 24px"'  # px: see qt_lengths
    if digest.figures:
        rows = [(f"figure-{n}", _figure_row(digest, figure)) for n, figure in enumerate(digest.figures, 1)]
        parts.append(
            f'<p class="label"{style}><a name="key-figures"></a>KEY FIGURES</p>'
            + _tables(
                rows,
                attributes='width="100%" cellspacing="0" cellpadding="4"',
                style="border-collapse: collapse",
                head='<tr><th width="40%">Figure</th><th width="22%">Value</th><th width="13%">Change</th>'
                '<th width="25%">Story</th></tr>',
                breaks=breaks,
            )
        )
    return "".join(parts)


def _figure_row(digest: Digest, figure: KeyFigure) -> str:
    story = digest.story(figure.story_id)
    value = wording.figure_value(figure)
    change = wording.figure_change(figure)
    return (
        f'<tr><td class="fig-subject">{escape(figure.subject)}<br/>'
        f'<span class="said">“{escape(wording.shorten(figure.sentence, 170))}”</span></td>'
        f'<td class="fig-value">{_signed(value)}</td>'
        f'<td class="fig-change">{_signed(change)}</td>'
        f'<td class="fig-story"><a href="#{story.id}">{escape(wording.shorten(story.title, 70))}</a></td></tr>'
    )


def _signed(text: str) -> str:
    kind = change_class(text).strip()
    return f'<span class="{kind}">{escape(text)}</span>' if kind else escape(text)


def _section(section: Section, colors: Colors, *, page_break: bool) -> str:
    style = "page-break-before: always; margin-top: 0" if page_break else "margin-top: 30px"
    bar = section.color or colors.accent
    # A thin band in the section's colour: a block with a background (Qt draws no
    # borders on blocks), then the heading, which carries the anchor.
    return (
        f'<p style="{style}; background-color: {escape(bar)}; font-size: 2pt; margin-bottom: 8px">&#160;</p>'
        f'<h2><a name="{section.id}"></a>{escape(section.title)}</h2>'
        f'<p class="section-count">{escape(wording.section_count(len(section.stories)))}</p>'
        + "".join(_story(story) for story in section.stories)
    )


def _story(story: Story) -> str:
    sources = " · ".join(
        (
            f'<a class="source" href="{escape(link.url, quote=True)}">{escape(link.title)}</a>'
            if link.url and link.url.startswith(("http://", "https://"))
            else escape(link.title)
        )
        + (f" ({escape(link.source)})" if link.source else "")
        for link in story.sources
    )
    summary = " ".join(escape(s) for s in story.summary)
    return (
        f'<h3><a name="{story.id}"></a>{escape(story.title)}</h3>'
        f'<p class="meta">{escape(wording.story_line(story))}</p>'
        + (f'<p class="summary">{summary}</p>' if summary else "")
        + f'<p class="sources">Sources: {sources}</p>'
    )

