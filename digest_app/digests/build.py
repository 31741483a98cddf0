"""Building a digest from the library: scope, stories, sections, key figures.

    >>> from digest_app.digests.build import build_digest
    >>> digest = build_digest(lib, DigestOptions(since="7d", max_stories=20))
    >>> digest.story_count, digest.article_count, [s.title for s in digest.sections]

The steps, and what each reads:

1. Scope: the articles in the period (date index), narrowed by tags, sources
   and read state, or by a search query (the full-text index), never linked
   duplicates. Only a few numbers per article are read here.
2. Candidates: at most ``max(MIN_CANDIDATES, CANDIDATES_PER_STORY x max_stories)``
   of them go on, the best by topic relevance, recency, star and copies (or by
   query match); the notes say when some were left out. Their titles,
   summaries, keywords, tags and linked copies are read.
3. Stories: candidates telling one event are grouped
   (:mod:`digest_app.digests.stories`); the most important ``max_stories``
   groups are kept and only they are summarized (a stored summary is reused
   when it is long enough; the text is read only when it is not).
4. Sections by topic tag, "Top stories", and key figures from the texts of the
   stories kept (:mod:`digest_app.digests.figures`).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from digest_app.digests.figures import Figure, figures_in_text
from digest_app.digests.model import Digest, KeyFigure, Section, Story
from digest_app.digests.options import DigestOptions, Period
from digest_app.digests.stories import (
    OTHER_NEWS,
    DraftStory,
    Topic,
    choose_section,
    cluster_articles,
    draft_story,
    importance,
    needs_text,
    phrase_pattern,
)
from digest_app.errors import DigestError
from digest_app.store import Library
from digest_app.store.digests import DigestArticle, ScopeRow
from digest_app.store.query import Filter, parse
from digest_app.timestamps import to_db, utc_now

#: Candidates considered, at least, and per story asked for.
MIN_CANDIDATES = 400
CANDIDATES_PER_STORY = 8
#: Stories in the "Top stories" overview (none when the digest has this few or fewer).
TOP_STORIES = 5
#: Rows of the key figures table, in all and from one story.
MAX_FIGURES = 30
FIGURES_PER_STORY = 6
DEFAULT_TITLE = "Xiaomi digest"
#: Steps reported to *progress*.
STEPS = 5

Progress = Callable[[int, int], None]


def build_digest(
    lib: Library,
    options: DigestOptions,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Digest:
    """Build a digest of *lib* as *options* say (see the module notes).

    A relative period is fixed at *now* (default: the current time), and the
    digest keeps the days it covered. Raises :class:`DigestError` when
    *cancelled* returns true between steps.
    """
    options = options.fixed(now)
    period = options.period()

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise DigestError("building the digest was cancelled")
        if progress is not None:
            progress(done, STEPS)

    step(0)
    rows, query_scores, notes = _scope(lib, options, period)
    step(1)
    cap = max(MIN_CANDIDATES, CANDIDATES_PER_STORY * options.max_stories)
    chosen = _best_candidates(rows, query_scores, period, cap)
    if len(chosen) < len(rows):
        notes.append(
            f"considered the {len(chosen):,} most relevant and recent of {len(rows):,} articles in the period"
        )
    articles = lib.digests.articles([row.article_id for row in chosen])
    step(2)
    groups = cluster_articles(articles)
    scale = max((a.relevance for a in articles if a.relevance is not None), default=0.0)
    ranked = sorted(groups, key=lambda g: -importance(g, period, scale, query_scores))[: options.max_stories]
    step(3)
    missing = [i for group in ranked for i in needs_text(group, options.summary_sentences)]
    texts = {t.article_id: t.text for t in lib.articles.texts(missing)}
    drafts = [
        draft_story(
            group,
            sentences=options.summary_sentences,
            texts=texts,
            period=period,
            relevance_scale=scale,
            query_scores=query_scores,
        )
        for group in ranked
    ]
    step(4)
    sections, placed = _sections(drafts, topics_for(lib))
    figures = _key_figures(lib, placed)
    stories = [story for section in sections for story in section.stories]
    by_importance = sorted(stories, key=lambda s: (-s.importance, s.id))
    top = tuple(s.id for s in by_importance[:TOP_STORIES]) if len(stories) > 3 else ()
    copies = [row.article_id for row in rows if row.copies]
    source_ids = {row.source_id for row in rows if row.source_id is not None} | lib.digests.copy_sources(copies)
    digest = Digest(
        title=options.title or default_title(options, period),
        period=period,
        created=utc_now(),
        options=options,
        sections=tuple(sections),
        top_story_ids=top,
        figures=tuple(figures),
        article_count=len(rows) + sum(row.copies for row in rows),
        source_count=len(source_ids),
        notes=tuple(notes),
    )
    step(5)
    return digest


def default_title(options: DigestOptions, period: Period) -> str:
    """``Xiaomi digest: EV, 26 October – 1 November 2026`` (narrowing, then period)."""
    narrowing = [*options.tags]
    if options.query.strip():
        narrowing.append(f"“{options.query.strip()}”")
    head = DEFAULT_TITLE + (": " + ", ".join(narrowing) if narrowing else "")
    return f"{head}, {period.label}"


def topics_for(lib: Library) -> list[Topic]:
    """The topic tags that become sections: the library's tag rules, in their order,
    coloured as in the library when it has a colour for them."""
    from digest_app.collect.tag_rules import rules_path_for
    from digest_app.collect.topic import read_json_object

    # Only names and colours are needed: reading the JSON spares compiling every rule.
    rules = read_json_object(rules_path_for(lib.path)).get("rules", [])
    colors = {t.name.casefold(): t.color for t in lib.tags.list()}
    topics = []
    for rule in rules:
        if not isinstance(rule, dict) or not rule.get("tag"):
            continue
        phrases = []
        for term in rule.get("terms", []):
            pattern = phrase_pattern(str(term.get("pattern", ""))) if isinstance(term, dict) else None
            if pattern is not None and float(term.get("weight", 0)) > 0:
                phrases.append((pattern, float(term["weight"])))
        name = str(rule["tag"])
        topics.append(Topic(name, colors.get(name.casefold()) or rule.get("color"), tuple(phrases)))
    return topics


# -- scope ------------------------------------------------------------------------------


def _scope(
    lib: Library, options: DigestOptions, period: Period
) -> tuple[list[ScopeRow], dict[int, float] | None, list[str]]:
    """Articles in scope (light rows), query scores by article when there is a
    query, and notes for the reader."""
    notes: list[str] = []
    ids: list[int] | None = None
    scores: dict[int, float] | None = None
    if options.query.strip():
        results = lib.search.run(
            _scoped_query(options, period),
            limit=max(MIN_CANDIDATES, CANDIDATES_PER_STORY * options.max_stories),
            sort="relevance",
            count=False,
        )
        notes.extend(results.notes)
        scores = {hit.header.id: hit.score for hit in results.hits}
        ids = list(scores)
    rows = lib.digests.scope(
        period.start,
        period.end,
        tags=options.tags,
        source_ids=options.sources,
        include_read=options.include_read,
        ids=ids,
    )
    return rows, scores, notes


def _scoped_query(options: DigestOptions, period: Period):
    """The digest's query with its period, tags and read state as filters, so
    the index ranks only articles in scope."""
    parsed = parse(options.query)
    extra: list[tuple[Filter, ...]] = [
        (Filter("after", to_db(period.start) or "", period.start.strftime("%Y-%m-%d")),),
        (Filter("before", to_db(period.end) or "", period.end.strftime("%Y-%m-%d")),),
    ]
    if options.tags:
        extra.append(tuple(Filter("tag", tag, tag) for tag in options.tags))
    if not options.include_read:
        extra.append((Filter("is", "unread", "unread"),))
    return dataclasses.replace(parsed, groups=parsed.groups + tuple(extra))


def _best_candidates(
    rows: list[ScopeRow], query_scores: dict[int, float] | None, period: Period, cap: int
) -> list[ScopeRow]:
    """At most *cap* rows: the best by query match, else by relevance, recency,
    copies and star. Rows keep their order (newest first)."""
    if len(rows) <= cap:
        return rows
    known = [r.relevance for r in rows if r.relevance is not None]
    scale = max(known, default=0.0) or 1.0

    def score(row: ScopeRow) -> float:
        if query_scores:
            return query_scores.get(row.article_id, 0.0)
        relevance = (row.relevance / scale) if row.relevance is not None else 0.5
        recency = (row.sort_date - period.start).total_seconds() / (period.seconds or 1.0)
        return relevance + 0.5 * recency + 0.5 * math.log2(1 + row.copies) + 0.3 * row.is_starred

    keep = {r.article_id for r in sorted(rows, key=lambda r: (-score(r), -r.article_id))[:cap]}
    return [r for r in rows if r.article_id in keep]


# -- structure ----------------------------------------------------------------------------


def _sections(
    drafts: Sequence[DraftStory], topics: Sequence[Topic]
) -> tuple[list[Section], list[tuple[Story, DraftStory]]]:
    """Stories placed in sections (topics in their order, then Other news; see
    :func:`~digest_app.digests.stories.choose_section`), numbered in reading order; and each
    story beside the draft it came from."""
    shared = Counter(tag for draft in drafts for tag in draft.tags)
    placed: dict[str, list[DraftStory]] = {}
    for draft in drafts:
        placed.setdefault(choose_section(draft, topics, shared), []).append(draft)
    topic_order = {t.name: i for i, t in enumerate(topics)}
    colors = {t.name: t.color for t in topics}
    names = sorted(
        placed,
        key=lambda name: (
            name == OTHER_NEWS,
            topic_order.get(name, len(topic_order)),
            -len(placed[name]),
            name.casefold(),
        ),
    )
    sections = []
    pairs = []
    for name in names:
        stories = []
        for draft in sorted(placed[name], key=lambda d: (-d.importance, d.first_seen)):
            story = _story(draft, f"story-{len(pairs) + 1}", name)
            stories.append(story)
            pairs.append((story, draft))
        sections.append(Section(title=name, stories=tuple(stories), color=colors.get(name)))
    return sections, pairs


def _story(draft: DraftStory, story_id: str, section: str) -> Story:
    return Story(
        id=story_id,
        title=draft.title,
        summary=draft.summary,
        sources=draft.sources,
        section=section,
        first_seen=draft.first_seen,
        last_seen=draft.last_seen,
        importance=draft.importance,
        tags=draft.tags,
        language=draft.language,
    )


def _key_figures(lib: Library, placed: Sequence[tuple[Story, DraftStory]]) -> list[KeyFigure]:
    """Figures stated in the stories' articles, most important story first, each
    fact once, at most :data:`FIGURES_PER_STORY` a story and :data:`MAX_FIGURES` in all."""
    ordered = sorted(placed, key=lambda pair: (-pair[0].importance, int(pair[0].id.split("-")[1])))
    ids = [a.article_id for _, draft in ordered for a in draft.articles]
    texts = {t.article_id: t.text for t in lib.articles.texts(ids)}
    seen: set[tuple[str, ...]] = set()
    table: list[KeyFigure] = []
    for story, draft in ordered:
        taken = 0
        for article in draft.articles:
            for figure in figures_in_text(texts.get(article.article_id, "")):
                if taken >= FIGURES_PER_STORY or len(table) >= MAX_FIGURES:
                    break
                if figure.key in seen:
                    continue
                seen.add(figure.key)
                table.append(_key_figure(figure, story, article))
                taken += 1
    return table


def _key_figure(figure: Figure, story: Story, article: DigestArticle) -> KeyFigure:
    return KeyFigure(
        subject=figure.subject,
        value=figure.value,
        change=figure.change,
        kind=figure.kind,
        sentence=figure.sentence,
        story_id=story.id,
        source=article.link.source_title,
    )
