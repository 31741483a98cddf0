"""The shared tail of import and refresh: prepare, filter, store, link copies, tag, summarize.

    parsed articles -> language and topic relevance filled in
                    -> irrelevant ones dropped, on sources with the topic filter on
                    -> stored, in one transaction: a new article is first checked
                       for copies of its story other sources brought, then stored
                       with its automatic (rule) tags (none for a copy that is not
                       kept: it is linked to the kept copy)
                    -> summaries and keywords for what is new or changed (outside the
                       transaction: the NLP takes a while, and others may want to write)

Both ``digest-app import`` and a feed refresh end here, so an article is
treated the same whichever way it arrived::

    >>> batch = store_batch(lib, source.id, feed.entries)
    >>> batch.added, batch.filtered_out, batch.duplicates
    (12, 3, 2)

Work that needs no library (language, topic score, near-duplicate fingerprint,
rule tags) can be done beforehand, elsewhere: an import prepares articles in
worker processes with :func:`prepare` and hands :class:`PreparedArticle` records
to :func:`store_batch`, which then only stores and links.

The topic profile and tag rules are the library's (the user's edited copies
beside the library file, else the shipped ones), read once and re-read when
the file changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from digest_app.collect import neardup
from digest_app.collect.tag_rules import TagRules, load_rules, rule_tags, rules_path_for
from digest_app.collect.topic import (
    PhraseMatcher,
    TopicProfile,
    load_profile,
    profile_path_for,
    score,
    score_counts,
)
from digest_app.nlp.language import detect_language
from digest_app.records import ParsedArticle, StoreResult
from digest_app.store import Library
from digest_app.store.articles import StoredForm, stored_form
from digest_app.store.duplicates import DuplicateReason, anchor_text
from digest_app.store.packing import unpack
from digest_app.summaries import summarize_stored
from digest_app.timestamps import utc_now


@dataclass(frozen=True)
class StoredBatch:
    """What storing a batch of articles did.

    ``results`` has one entry per article stored (in order; the ones the topic
    filter dropped are not there), ``kept`` the position of each in the articles
    given. ``duplicates`` counts new articles that repeat
    a story already in the library (now linked to the copy kept); ``tagged`` the
    automatic tags put on new articles. ``pending_summaries`` are the articles to
    summarize: the added and updated ones, and unchanged ones still without a
    summary (a run killed between storing and summarizing them).
    """

    results: tuple[StoreResult, ...] = ()
    kept: tuple[int, ...] = ()
    filtered_out: int = 0
    duplicates: int = 0
    tagged: int = 0
    pending_summaries: tuple[int, ...] = ()

    @property
    def added(self) -> int:
        return sum(r.status == "added" for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.status == "updated" for r in self.results)

    @property
    def unchanged(self) -> int:
        return sum(r.status == "unchanged" for r in self.results)


@dataclass(frozen=True)
class TopicRules:
    """The library's topic profile and tag rules."""

    profile: TopicProfile
    tag_rules: TagRules

    @cached_property
    def matcher(self) -> PhraseMatcher:
        """The profile's phrases (group 0) and every rule's, counted in one pass over a text."""
        return PhraseMatcher.joined(self.profile.matcher, self.tag_rules.matcher)

    def relevance(self, article: ParsedArticle) -> float:
        return score(article.title, article.text, self.profile).score

    def is_relevant(self, relevance: float) -> bool:
        return relevance >= self.profile.threshold


@dataclass(frozen=True)
class PreparedArticle:
    """An article with everything computed that needs no library: language and topic
    score filled in, its near-duplicate fingerprint, the rule tags it earns, and the
    columns storing it writes (packed text, hashes: its :class:`StoredForm`)."""

    article: ParsedArticle
    fingerprint: neardup.Fingerprint
    tags: tuple[str, ...]
    form: StoredForm


def topic_rules(lib: Library) -> TopicRules:
    """The topic profile and tag rules *lib* uses (raises InputError naming a broken file)."""
    return topic_rules_for(lib.path)


def topic_rules_for(library_path: str | os.PathLike[str]) -> TopicRules:
    """The topic profile and tag rules of the library at *library_path*, without opening it."""
    rules = TopicRules(
        profile=_cached(load_profile, profile_path_for(library_path)),
        tag_rules=_cached(load_rules, rules_path_for(library_path)),
    )
    # The same files give the same object, whose matcher stays warm. (It keeps the
    # profile and rules alive, so their ids are not reused while they are keys.)
    if len(_rules) > 8:  # a long-running app whose user keeps editing the files
        _rules.clear()
    return _rules.setdefault((id(rules.profile), id(rules.tag_rules)), rules)


def prepare(article: ParsedArticle, rules: TopicRules) -> PreparedArticle:
    """*article* ready for :func:`store_batch`, the work that needs no library done.

        >>> ready = [prepare(a, topic_rules_for(library_path)) for a in feed.entries]
        >>> store_batch(lib, source.id, ready)
    """
    article = _with_language(article)
    title_counts, body_counts = rules.matcher.counts(article.title), rules.matcher.counts(article.text)
    if article.relevance is None:
        relevance = score_counts(title_counts[0], body_counts[0], rules.profile).score
        article = dataclasses.replace(article, relevance=relevance)
    form = stored_form(article)
    scores = rules.tag_rules.scores_from_counts(title_counts[1:], body_counts[1:], article.text, words=form.word_count)
    fingerprint = neardup.fingerprint(anchor_text(article.title, article.text))
    fingerprint.probe_json  # noqa: B018 - computed here, in the worker process that reads the article
    return PreparedArticle(
        article=article,
        fingerprint=fingerprint,
        tags=tuple(rules.tag_rules.passing(scores)),
        form=form,
    )


def with_relevance(article: ParsedArticle, rules: TopicRules) -> ParsedArticle:
    """*article* with its topic score filled in (kept if already there)."""
    if article.relevance is not None:
        return article
    return dataclasses.replace(article, relevance=rules.relevance(article))


def store_articles(
    lib: Library,
    source_id: int,
    articles: Sequence[ParsedArticle | PreparedArticle],
    *,
    summarize: bool = True,
) -> list[StoreResult]:
    """Store *articles* for a source and summarize the added and changed ones
    (:func:`store_batch` with the source's own topic filter)."""
    return list(store_batch(lib, source_id, articles, summarize=summarize).results)


def store_batch(
    lib: Library,
    source_id: int,
    articles: Sequence[ParsedArticle | PreparedArticle],
    *,
    topic_filter: bool | None = None,
    summarize: bool = True,
) -> StoredBatch:
    """Store *articles* for a source; see the module docstring.

    *topic_filter* None follows the source's setting. With *summarize* false the
    caller summarizes ``batch.pending_summaries`` itself: do that when calling inside
    your own ``lib.write()`` transaction, so the NLP does not hold the lock.
    """
    rules = topic_rules(lib)
    if topic_filter is None:
        topic_filter = lib.sources.get(source_id).topic_filter
    items = [_Item.of(a, rules) for a in articles]
    positions = [
        n for n, i in enumerate(items) if not topic_filter or rules.is_relevant(i.article.relevance or 0.0)
    ]
    kept = [items[n] for n in positions]
    # Work for articles that are probably new is done before taking the write lock.
    for item in kept:
        if item.form is None:
            item.form = stored_form(item.article)
        if item.fingerprint is None and lib.articles.find_stored(source_id, item.article) is None:
            _fingerprint(item)
    fetched = utc_now()
    with lib.write():
        results: list[StoreResult] = []
        duplicates = tagged = 0
        anchors: list[tuple[int, tuple[int, ...]]] = []
        tags_used: dict[str, None] = {}
        for item in kept:
            new = _NewArticle(lib, source_id, item, rules.tag_rules)
            result = lib.articles.store(
                source_id, item.article, fetched=fetched, form=item.form, rule_tags=new.tags_if_original
            )
            results.append(result)
            if result.status == "unchanged":
                continue
            if new.copy_of is not None:
                lib.duplicates.link(result.article_id, *new.copy_of)
                duplicates += 1
            tagged += len(new.tags)
            tags_used.update(dict.fromkeys(new.tags))
            anchors.append((result.article_id, _fingerprint(item).anchors))
        # Indexed after the batch in one go: the anchors of this source's articles are
        # never looked up while storing it (copies are sought in other sources only).
        lib.duplicates.index_many(anchors)
        _color_rule_tags(lib, tags_used, rules.tag_rules)
    changed = [r.article_id for r in results if r.status != "unchanged"]
    waiting = lib.articles.unsummarized([r.article_id for r in results if r.status == "unchanged"])
    batch = StoredBatch(
        results=tuple(results),
        kept=tuple(positions),
        filtered_out=len(items) - len(kept),
        duplicates=duplicates,
        tagged=tagged,
        pending_summaries=tuple(changed + waiting),
    )
    if summarize:
        summarize_stored(lib, batch.pending_summaries)
    return batch


@dataclass
class _Item:
    """An article on its way into the library, with what was computed for it so far."""

    article: ParsedArticle
    fingerprint: neardup.Fingerprint | None = None
    tags: tuple[str, ...] | None = None
    form: StoredForm | None = None

    @classmethod
    def of(cls, article: ParsedArticle | PreparedArticle, rules: TopicRules) -> "_Item":
        if isinstance(article, PreparedArticle):
            item = cls(article.article, article.fingerprint, article.tags, article.form)
            _remember(item, article.fingerprint)
            return item
        return cls(with_relevance(_with_language(article), rules))


class _NewArticle:
    """What an article that turns out to be new is stored with, decided just before it is
    added (:meth:`ArticleStore.store` asks :meth:`tags_if_original`): whether it repeats a
    story another source brought (the same global guid or canonical URL, else
    near-duplicate text), and so which rule tags it gets. The copy kept of a story gets
    them; a copy linked to another gets none."""

    def __init__(self, lib: Library, source_id: int, item: _Item, rules: TagRules) -> None:
        self._lib, self._source_id, self._item, self._rules = lib, source_id, item, rules
        #: The kept copy this article repeats and why: ``(kept_id, reason)``.
        self.copy_of: tuple[int, DuplicateReason] | None = None
        self.tags: tuple[str, ...] = ()

    def tags_if_original(self) -> tuple[str, ...]:
        item = self._item
        self.copy_of = self._copy_of(_fingerprint(item))
        if self.copy_of is None or self._lib.duplicates.would_keep_new(item.form.word_count, self.copy_of[0]):
            tags = item.tags if item.tags is not None else rule_tags(item.article.title, item.article.text, self._rules)
            self.tags = tuple(dict.fromkeys(tags))
        return self.tags

    def _copy_of(self, fp: neardup.Fingerprint) -> tuple[int, DuplicateReason] | None:
        duplicates = self._lib.duplicates
        match = duplicates.same_story(
            self._source_id, guid=self._item.article.guid, canonical_url=self._item.form.canonical_url
        )
        if match is not None:
            return match
        candidates = duplicates.candidates(
            fp.probe_json, min_shared=fp.min_shared_anchors, limit=neardup.CANDIDATE_LIMIT,
            other_than_source=self._source_id,
        )
        texts = self._lib.articles.packed_texts(candidates)
        for candidate in candidates:
            stored = texts.get(candidate)
            if stored is not None and neardup.is_near_duplicate(fp, _fingerprint_to_compare(*stored)):
                return duplicates.kept_copy(candidate), "text"
        return None


def _color_rule_tags(lib: Library, names: Iterable[str], rules: TagRules) -> None:
    """Give the rule tags just put on articles their rule's colour, unless they have one."""
    colors = {rule.tag: rule.color for rule in rules.rules}
    wanted = [name for name in names if colors.get(name)]
    if not wanted:
        return
    current = {tag.name.casefold(): tag.color for tag in lib.tags.list()}
    for name in wanted:
        if current.get(name.casefold()) is None:
            lib.tags.set_color(name, colors[name])


def _fingerprint(item: _Item) -> neardup.Fingerprint:
    """*item*'s fingerprint, computed once."""
    if item.fingerprint is None:
        item.fingerprint = neardup.fingerprint(anchor_text(item.article.title, item.article.text))
        _remember(item, item.fingerprint)
    return item.fingerprint


#: Shingles of the texts stored or compared lately, by a digest of their stored (packed)
#: form: a new article's candidates are often articles stored earlier in the same
#: import, and are then recognised without unpacking and cutting their text again.
#: Only texts that are not blank are kept (a blank text's article is compared by its
#: title). Some 4 KB each: at most about 35 MB.
_recent: dict[bytes, neardup.Fingerprint] = {}
_MAX_RECENT = 8192


def _fingerprint_to_compare(title: str, stored_text: bytes | str) -> neardup.Fingerprint:
    """A candidate's fingerprint from its title and stored text, to verify it against a
    new article (anchors not needed)."""
    key = _text_key(stored_text)
    fp = _recent.get(key)
    if fp is None:
        text = unpack(stored_text)
        fp = neardup.fingerprint(anchor_text(title, text), anchors=False)
        if text.strip():
            _keep_recent(key, fp)
    return fp


def _remember(item: _Item, fp: neardup.Fingerprint) -> None:
    if item.form is not None and item.article.text.strip():
        _keep_recent(_text_key(item.form.text), neardup.Fingerprint(shingles=fp.shingles, anchors=()))


def _text_key(stored_text: bytes | str) -> bytes:
    """A 128-bit digest of a stored text: equal for equal texts, and (short of a
    collision in 2**64 texts) only for them."""
    # (A text stored as text, not packed, is told apart from packed bytes by its first byte.)
    data = b"t" + stored_text.encode("utf-8", "surrogatepass") if isinstance(stored_text, str) else b"p" + stored_text
    return hashlib.blake2b(data, digest_size=16).digest()


def _keep_recent(key: bytes, fp: neardup.Fingerprint) -> None:
    if key not in _recent:
        if len(_recent) >= _MAX_RECENT:
            del _recent[next(iter(_recent))]
        _recent[key] = fp


def _with_language(article: ParsedArticle) -> ParsedArticle:
    if article.language:
        return article
    language = detect_language(article.title + "\n" + article.text)
    return dataclasses.replace(article, language=language) if language else article


_rules: dict[tuple[int, int], TopicRules] = {}
_T = TypeVar("_T")
_loaded: dict[tuple[Callable, Path], tuple[int, object]] = {}


def _cached(load: Callable[[Path], _T], path: Path) -> _T:
    """``load(path)``, read again only when the file changes."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = -1  # let load() report the problem
    known = _loaded.get((load, path))
    if known is not None and known[0] == stamp:
        return known[1]  # type: ignore[return-value]
    value = load(path)
    _loaded[(load, path)] = (stamp, value)
    return value
