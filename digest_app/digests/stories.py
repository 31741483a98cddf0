"""From candidate articles to stories: one per event, summarized across its sources.

    >>> drafts = draft_stories(articles, texts, sentences=3, period=period, topics=topics)
    >>> drafts[0].title, [link.source for link in drafts[0].sources]

Articles that tell the same event (title, summary and keywords alike, dated
within :data:`STORY_WINDOW` of each other; :mod:`digest_app.nlp.cluster`) become
one story. Its title is the headline of its most central article (unless that
one has no real headline); its summary is extractive over the summaries of all
its articles, so what several sources agree on ranks first and nothing is said
twice; every article and every linked duplicate is listed as a source.

Importance (how stories are ranked, see :func:`importance`) grows with the
number of sources, the articles' topic relevance, how recent the story is, how
well it matches the digest's query, and a star from the user.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from digest_app.digests.model import SourceLink
from digest_app.digests.options import Period
from digest_app.nlp.cluster import cluster_terms
from digest_app.nlp.summarize import summarize
from digest_app.nlp.terms import terms
from digest_app.store.digests import ArticleLink, DigestArticle

#: Articles further apart than this are never one story.
STORY_WINDOW = timedelta(days=3)
#: The section of stories with no topic tag.
OTHER_NEWS = "Other news"
#: A headline longer than this reads like a lead sentence; a shorter one wins.
LONG_TITLE = 140
_SUMMARY_LENGTH = re.compile(r":s(\d+)$")

#: Weights of the importance score's parts.
WEIGHT_SOURCES = 1.0
WEIGHT_RELEVANCE = 0.6
WEIGHT_RECENCY = 0.4
WEIGHT_QUERY = 0.6
WEIGHT_STARRED = 0.3


@dataclass(frozen=True)
class Topic:
    """A section a story can go in: a topic tag, its colour, and weighted phrases
    that say how much a text is about it (from the tag rules)."""

    name: str
    color: str | None = None
    phrases: tuple[tuple[re.Pattern[str], float], ...] = ()

    def score(self, title: str, text: str) -> float:
        """How much *title* (counted three times) and *text* speak of this topic."""
        return sum(weight * (3 * len(p.findall(title)) + len(p.findall(text))) for p, weight in self.phrases)


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A tag-rule phrase as a pattern: Latin words whole (``chip*`` = chips ...),
    Chinese anywhere; None for phrases with placeholders (``Mi <n>``)."""
    if "<" in phrase or not phrase.strip():
        return None
    prefix = phrase.endswith("*")
    body = re.escape(phrase.rstrip("*").strip()).replace(r"\ ", r"\s+")
    if re.search(r"[\u3400-\u9fff]", phrase):
        return re.compile(body)
    tail = r"\w*" if prefix else r"(?!\w)"
    return re.compile(rf"(?<!\w){body}{tail}", re.IGNORECASE)


@dataclass(frozen=True)
class DraftStory:
    """A story before it is numbered and placed: its articles, most central first."""

    articles: tuple[DigestArticle, ...]
    title: str
    summary: tuple[str, ...]
    sources: tuple[SourceLink, ...]
    tags: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    importance: float
    language: str | None

    @property
    def article_ids(self) -> tuple[int, ...]:
        return tuple(a.article_id for a in self.articles)


def cluster_articles(articles: Sequence[DigestArticle]) -> list[tuple[DigestArticle, ...]]:
    """Group articles telling the same event; each group most central first."""
    term_lists = [
        terms(f"{a.title}\n{' '.join(a.summary)}\n{' '.join(a.keywords)}", a.language) for a in articles
    ]
    times = [a.sort_date.timestamp() for a in articles]
    groups = cluster_terms(term_lists, times, window=STORY_WINDOW.total_seconds())
    return [tuple(articles[i] for i in group) for group in groups]


def needs_text(group: Sequence[DigestArticle], sentences: int) -> list[int]:
    """Articles of *group* whose stored summary cannot serve a summary of *sentences*:
    none yet, or a shorter one made for a shorter length setting."""
    return [a.article_id for a in group if not _stored_summary_serves(a, sentences)]


def draft_story(
    group: Sequence[DigestArticle],
    *,
    sentences: int,
    texts: Mapping[int, str],
    period: Period,
    relevance_scale: float,
    query_scores: Mapping[int, float] | None = None,
) -> DraftStory:
    """One story from a group of articles (see the module notes).

    *texts* holds the text of every article :func:`needs_text` named;
    *relevance_scale* is the highest relevance among the candidates.
    """
    lead = _best_headline(group)
    summaries = [_article_summary(a, sentences, texts) for a in group]
    if len(group) == 1:
        summary = tuple(summaries[0][:sentences])
    else:
        # One paragraph per sentence: no sentence gets the lead bonus, centrality
        # across the sources decides.
        pool = "\n\n".join(sentence for summary_ in summaries for sentence in summary_)
        summary = tuple(summarize(pool, lead.title, sentences=sentences, language=lead.language))
    dates = [a.sort_date for a in group]
    tag_counts = Counter(tag for a in group for tag in a.tags)
    return DraftStory(
        articles=tuple(group),
        title=lead.title,
        summary=summary,
        sources=story_links(group, lead),
        tags=tuple(tag for tag, _ in sorted(tag_counts.items(), key=lambda item: (-item[1], item[0].casefold()))),
        first_seen=min(dates),
        last_seen=max(dates),
        importance=importance(group, period, relevance_scale, query_scores),
        language=lead.language,
    )


def story_links(group: Sequence[DigestArticle], lead: DigestArticle | None = None) -> tuple[SourceLink, ...]:
    """Every article of the story and their linked copies; the headline's article first."""
    links = [_source_link(a.link) for a in group] + [_source_link(c) for a in group for c in a.copies]
    if lead is not None:
        links.sort(key=lambda link: link.article_id != lead.article_id)
    return tuple(links)


def importance(
    group: Sequence[DigestArticle],
    period: Period,
    relevance_scale: float,
    query_scores: Mapping[int, float] | None = None,
) -> float:
    """How prominently a story belongs in the digest (higher first).

    ``log2(1 + sources)`` plus, each scaled to 0..1: mean topic relevance (0.5
    when unknown), recency within the period, best query match, and a star.
    """
    sources = len({link.source or link.url for link in story_links(group)})
    known = [a.relevance for a in group if a.relevance is not None]
    relevance = (sum(known) / len(known) / relevance_scale) if known and relevance_scale > 0 else 0.5
    latest = max(a.sort_date for a in group)
    recency = (latest - period.start).total_seconds() / period.seconds if period.seconds else 1.0
    score = WEIGHT_SOURCES * math.log2(1 + sources)
    score += WEIGHT_RELEVANCE * min(1.0, relevance) + WEIGHT_RECENCY * min(1.0, max(0.0, recency))
    if query_scores:
        best = max(query_scores.values()) or 1.0
        score += WEIGHT_QUERY * max(query_scores.get(a.article_id, 0.0) for a in group) / best
    if any(a.is_starred for a in group):
        score += WEIGHT_STARRED
    return round(score, 4)


def choose_section(story: DraftStory, topics: Sequence[Topic], shared_tags: Mapping[str, int]) -> str:
    """The section a story goes in: its most frequent topic tag (ties: the topic
    its title and summary speak of most, then the topics' order); else Other
    news. In a library without topics, its most frequent tag that other stories
    share stands in for a topic (with topics, tags such as "Follow up" or
    "Rumor" never head a section)."""
    by_name = {topic.name.casefold(): (index, topic) for index, topic in enumerate(topics)}
    counts = Counter(tag for a in story.articles for tag in a.tags)
    topical = [(count, by_name[tag.casefold()]) for tag, count in counts.items() if tag.casefold() in by_name]
    if topical:
        best = max(count for count, _ in topical)
        tied = [entry for count, entry in topical if count == best]
        if len(tied) == 1:
            return tied[0][1].name
        text = " ".join(story.summary)
        return max(tied, key=lambda entry: (entry[1].score(story.title, text), -entry[0]))[1].name
    if topics:
        return OTHER_NEWS
    shared = [(count, shared_tags.get(tag, 0), tag) for tag, count in counts.items() if shared_tags.get(tag, 0) > 1]
    if shared:
        return max(shared, key=lambda item: (item[0], item[1], [-ord(c) for c in item[2]]))[2]
    return OTHER_NEWS


def _best_headline(group: Sequence[DigestArticle]) -> DigestArticle:
    for article in group:
        if article.title.strip() and article.title != "(untitled)" and len(article.title) <= LONG_TITLE:
            return article
    return group[0]


def _stored_summary_serves(article: DigestArticle, sentences: int) -> bool:
    if not article.summary:
        return False
    if len(article.summary) >= sentences:
        return True
    made_for = _SUMMARY_LENGTH.search(article.summary_method or "")
    # A summary made for this length (or longer) that came out short: the text is short.
    return made_for is not None and int(made_for.group(1)) >= sentences


def _article_summary(article: DigestArticle, sentences: int, texts: Mapping[int, str]) -> tuple[str, ...]:
    if _stored_summary_serves(article, sentences):
        return article.summary
    text = texts.get(article.article_id, "")
    found = summarize(text, article.title, sentences=sentences, language=article.language) if text.strip() else []
    return tuple(found) or article.summary


def _source_link(link: ArticleLink) -> SourceLink:
    return SourceLink(
        source=link.source_title,
        title=link.title,
        url=link.url,
        published=link.published,
        article_id=link.article_id,
    )

