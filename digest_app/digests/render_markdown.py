"""A digest as Markdown (CommonMark, with a GitHub-style table for the key figures).

    >>> text = digest_markdown(digest)
    >>> write_atomically("xiaomi-week.md", text)

Each section and story is preceded by an ``<a id="...">`` anchor, so the
contents and the figures table link to them in any renderer that keeps inline
HTML (GitHub, pandoc, most editors).
"""

from __future__ import annotations

import re

from digest_app.digests import wording
from digest_app.digests.model import Digest, KeyFigure, Story

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def digest_markdown(digest: Digest) -> str:
    """The whole digest as one Markdown document."""
    lines = [f"# {_text(digest.title)}", ""]
    period = wording.subtitle(digest)
    if period:
        lines += [f"**{_text(period)}**", ""]
    lines += [f"{_text(wording.cover_facts(digest))}. {_text(wording.made_on(digest))}.", ""]
    lines += ["## Contents", ""]
    for section in digest.sections:
        lines.append(f"- [{_text(section.title)}](#{section.id})")
        lines += [f"  - [{_text(story.title)}](#{story.id})" for story in section.stories]
    lines.append("")
    if digest.top_stories:
        lines += ["## Top stories", ""]
        for number, story in enumerate(digest.top_stories, 1):
            lines.append(f"{number}. [{_text(story.title)}](#{story.id}): {_text(wording.lead_sentence(story))}")
        lines.append("")
    if digest.figures:
        lines += ["## Key figures", "", "| Figure | Value | Change | Story |", "|---|---:|---:|---|"]
        lines += [_figure_row(digest, figure) for figure in digest.figures]
        lines.append("")
    for section in digest.sections:
        lines += [f'<a id="{section.id}"></a>', "", f"## {_text(section.title)}", ""]
        for story in section.stories:
            lines += _story(story)
    if digest.notes:
        lines += ["---", ""] + [f"*Note: {_text(note)}*  " for note in digest.notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _story(story: Story) -> list[str]:
    lines = [f'<a id="{story.id}"></a>', "", f"### {_text(story.title)}", "", f"*{_text(wording.story_line(story))}*", ""]
    if story.summary:
        lines += [_text(" ".join(story.summary)), ""]
    for link in story.sources:
        title = _text(link.title)
        shown = f"[{title}](<{link.url}>)" if link.url and link.url.startswith(("http://", "https://")) else title
        lines.append(f"- {shown}" + (f" ({_text(link.source)})" if link.source else ""))
    return lines + [""]


def _figure_row(digest: Digest, figure: KeyFigure) -> str:
    story = digest.story(figure.story_id)
    cells = [
        f"{_text(figure.subject)}<br>*“{_text(figure.sentence)}”*",
        _text(wording.figure_value(figure)),
        _text(wording.figure_change(figure)),
        f"[{_text(story.title)}](#{story.id})",
    ]
    return "| " + " | ".join(cells) + " |"


def _text(text: str) -> str:
    """*text* with Markdown's special characters escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))
