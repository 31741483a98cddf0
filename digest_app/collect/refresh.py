"""Refreshing sources: fetch every feed and page politely, read it, store what is new.

    >>> report = refresh_sources(lib, progress=lambda done, total, title, new: print(done, total, title, new))
    >>> report.added, report.filtered_out, report.duplicates, [s.error for s in report.failed]

For each source (feeds and single pages; local files are not refreshed):

1. **fetch** with a conditional GET (the stored ETag / Last-Modified): a 304 means
   nothing changed and nothing is read. A permanent redirect updates the stored
   address. A server that asks us to wait longer than the fetcher waits itself
   (``Retry-After``) is noted, and the source is skipped until then.
2. **read**: feed bytes go to our feed parser (feedparser never fetches); a page
   source is read as one article. A web page where a feed was expected is an
   error that names any feed the page advertises.
3. **complete** the entries that are new to the library: a teaser gets the text
   of its article page (:mod:`~digest_app.collect.fulltext`) and an article its
   lead image (:mod:`~digest_app.collect.images`). Entries already stored are not
   fetched again.
4. **store** the source's articles in one short transaction with its fetch state
   (:func:`~digest_app.collect.pipeline.store_batch`: topic filter, duplicates
   linked, rule tags), then summarize them outside it.

Steps 1-3 run in a bounded pool of worker threads (``policy.max_in_flight``
sources at once; the fetcher's per-host politeness applies across all of them)
and never touch the library; step 4 runs in the calling thread as each source
is ready, so a reader or another process is never kept waiting by the network.

One failing source never stops the others: its error is recorded on the source
(last status, error text, error count, for the GUI's badge) and in the report.
*cancelled* (a callable, e.g. ``event.is_set``) stops the run: sources not yet
stored are left as they were, to be fetched in full next time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from digest_app.collect import feeds
from digest_app.collect.fulltext import PAGE_MAX_BYTES, wants_full_text, with_page_text
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.http import (
    FEED_ACCEPT,
    HTML_ACCEPT,
    FetchCancelled,
    FetchedImage,
    Fetcher,
    FetchRequest,
    FetchResult,
    HTTPStatusError,
    RateLimited,
    Validators,
    discover_feeds,
)
from digest_app.collect.images import MAX_IMAGE_BYTES, with_cached_images
from digest_app.collect.pipeline import TopicRules, store_batch, topic_rules, with_relevance
from digest_app.errors import DigestError, FetchError, ParseError
from digest_app.records import ParsedArticle, Source
from digest_app.store import Library
from digest_app.store.images import image_id_for
from digest_app.summaries import summarize_stored
from digest_app.timestamps import utc_now

#: At most this many article pages are fetched for one source in one refresh (at
#: one request a second per host, that is half a minute); later teasers stay short.
MAX_PAGES_PER_SOURCE = 30
#: At most this many lead images are downloaded for one source in one refresh.
MAX_IMAGES_PER_SOURCE = 30
#: The kinds of source a refresh fetches.
REFRESHABLE = ("feed", "page")

RefreshStatus = Literal["ok", "not_modified", "failed", "skipped", "cancelled"]
ProgressCallback = Callable[[int, int, str, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class SourceRefresh:
    """How one source's refresh went.

    ``status`` is ``ok`` (read and stored), ``not_modified`` (the server said
    nothing changed: 304), ``failed`` (``error`` says why), ``skipped`` (the
    server asked us to wait until ``retry_after``) or ``cancelled``.
    ``filtered_out`` counts entries the topic filter dropped; ``duplicates`` new
    articles linked to a copy already in the library; ``full_texts`` teasers
    completed from their page; ``images`` lead images downloaded.
    """

    source_id: int
    title: str
    url: str
    status: RefreshStatus
    http_status: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered_out: int = 0
    duplicates: int = 0
    full_texts: int = 0
    images: int = 0
    error: str | None = None
    retry_after: datetime | None = None
    notes: tuple[str, ...] = ()
    bytes_transferred: int = 0
    elapsed: float = 0.0


@dataclass(frozen=True)
class RefreshReport:
    """Every source's outcome, in the order the sources were given, and the totals."""

    sources: tuple[SourceRefresh, ...] = ()
    cancelled: bool = False
    elapsed: float = 0.0

    def _total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.sources)

    @property
    def added(self) -> int:
        return self._total("added")

    @property
    def updated(self) -> int:
        return self._total("updated")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    @property
    def filtered_out(self) -> int:
        return self._total("filtered_out")

    @property
    def duplicates(self) -> int:
        return self._total("duplicates")

    @property
    def full_texts(self) -> int:
        return self._total("full_texts")

    @property
    def images(self) -> int:
        return self._total("images")

    @property
    def bytes_transferred(self) -> int:
        return self._total("bytes_transferred")

    @property
    def failed(self) -> tuple[SourceRefresh, ...]:
        return tuple(s for s in self.sources if s.status == "failed")

    @property
    def all_failed(self) -> bool:
        """True when sources were fetched and not one of them succeeded."""
        tried = [s for s in self.sources if s.status not in ("skipped", "cancelled")]
        return bool(tried) and all(s.status == "failed" for s in tried)


def refresh_sources(
    lib: Library,
    source_ids: Iterable[int] | None = None,
    *,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    full_text: bool = True,
    images: bool = True,
) -> RefreshReport:
    """Refresh the library's feeds and pages (or only *source_ids*); see the module docstring.

    *progress* is called after each source as ``progress(done, total, source_title,
    new_so_far)``. Without a *fetcher*, one with the default policy is used and
    closed. *full_text* and *images* turn off fetching article pages for teasers
    and lead images. Raises :class:`~digest_app.errors.NotFoundError` for an
    unknown source ID, before anything is fetched.
    """
    if source_ids is None:
        sources = [s for s in lib.sources.list() if s.kind in REFRESHABLE]
    else:
        sources = [lib.sources.get(i) for i in dict.fromkeys(source_ids)]
    return refresh_with(lib, sources, fetcher=fetcher, progress=progress, cancelled=cancelled,
                        full_text=full_text, images=images)


def refresh_with(
    lib: Library,
    sources: Sequence[Source],
    *,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    full_text: bool = True,
    images: bool = True,
    fetched: Mapping[int, FetchResult] | None = None,
) -> RefreshReport:
    """:func:`refresh_sources` for given :class:`Source` records; *fetched* gives
    documents already downloaded, by source ID (subscribing has just fetched it)."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        run = _Run(lib, fetcher, topic_rules(lib), progress, cancelled or _never,
                   full_text=full_text, images=images)
        return run.refresh(sources, fetched or {})
    finally:
        if own:
            fetcher.close()


def _never() -> bool:
    return False


# --- what the workers hand back ------------------------------------------------------


@dataclass
class _Read:
    """A source's document, fetched and read (or the error that stopped it)."""

    source: Source
    started: float
    result: FetchResult | None = None
    error: Exception | None = None
    title: str | None = None
    site_url: str | None = None
    entries: list[ParsedArticle] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """The entries to store, and the work they need first."""

    read: _Read
    entries: list[ParsedArticle]
    already_complete: int
    pages: list[int]  # indices into entries
    images: list[int]
    cached_images: frozenset[str]
    #: Complete articles skipped above that still wait for their summary.
    unsummarized: list[int] = field(default_factory=list)


@dataclass
class _Completed:
    """A plan's entries with the pages and images fetched for them."""

    plan: _Plan
    entries: list[ParsedArticle]
    images: dict[str, FetchedImage] = field(default_factory=dict)
    full_texts: int = 0
    extra_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def _source_of(job: Source | _Plan) -> Source:
    return job if isinstance(job, Source) else job.read.source


class _Run:
    """One refresh: workers fetch and read, the calling thread plans, stores and reports."""

    def __init__(self, lib: Library, fetcher: Fetcher, rules: TopicRules,
                 progress: ProgressCallback | None, cancelled: CancelCheck, *,
                 full_text: bool, images: bool) -> None:
        self.lib = lib
        self.fetcher = fetcher
        self.rules = rules
        self.progress = progress
        self.cancelled = cancelled
        self.full_text = full_text
        self.images = images
        self.done = 0
        self.new_so_far = 0
        self.total = 0

    def refresh(self, sources: Sequence[Source], fetched: Mapping[int, FetchResult]) -> RefreshReport:
        started = time.monotonic()
        self.total = len(sources)
        outcomes: dict[int, SourceRefresh] = {}
        now = utc_now()
        pool = ThreadPoolExecutor(max_workers=max(1, min(self.fetcher.policy.max_in_flight, len(sources))),
                                  thread_name_prefix="digest-refresh")
        # Each future reads a source's document, or completes a plan's entries.
        pending: dict[Future, Source | _Plan] = {}
        try:
            for source in sources:
                if source.retry_after is not None and source.retry_after > now:
                    self._finish(outcomes, self._skipped(source))
                else:
                    pending[pool.submit(self._read, source, fetched.get(source.id))] = source
            while pending:
                done, _ = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    if self.cancelled():
                        self._finish(outcomes, _cancelled(_source_of(job)))
                    elif isinstance(job, Source):
                        step = self._after_read(future.result())
                        if isinstance(step, _Plan) and (step.pages or step.images):
                            pending[pool.submit(self._complete, step)] = step
                        elif isinstance(step, _Plan):
                            self._finish(outcomes, self._store(_Completed(step, step.entries)))
                        else:
                            self._finish(outcomes, step)
                    else:
                        try:
                            completed = future.result()
                        except Exception as error:  # noqa: BLE001 - a bug here must not lose the other sources
                            self._finish(outcomes, self._failed(job.read, error))
                        else:
                            self._finish(outcomes, self._store(completed))
                if self.cancelled():
                    for job in pending.values():
                        self._finish(outcomes, _cancelled(_source_of(job)))
                    pending.clear()
        finally:
            pool.shutdown(wait=not self.cancelled(), cancel_futures=True)
        return RefreshReport(
            sources=tuple(outcomes[s.id] for s in sources if s.id in outcomes),
            cancelled=self.cancelled(),
            elapsed=time.monotonic() - started,
        )

    def _finish(self, outcomes: dict[int, SourceRefresh], outcome: SourceRefresh) -> None:
        outcomes[outcome.source_id] = outcome
        self.done += 1
        self.new_so_far += outcome.added
        if self.progress is not None:
            self.progress(self.done, self.total, outcome.title, self.new_so_far)

    # -- worker side: network and parsing, never the library -------------------------

    def _read(self, source: Source, prefetched: FetchResult | None) -> _Read:
        read = _Read(source, time.monotonic())
        try:
            if prefetched is not None:
                read.result = prefetched
            else:
                accept = FEED_ACCEPT if source.kind == "feed" else HTML_ACCEPT
                read.result = self.fetcher.fetch(
                    source.url, Validators(source.etag, source.last_modified), accept, cancel=self.cancelled
                )
            if read.result.not_modified:
                return read
            if source.kind == "page":
                read.entries = _page_entries(source, read.result)
            else:
                feed = _read_feed(source, read.result)
                read.title, read.site_url, read.entries = feed.title, feed.site_url, list(feed.entries)
                if feed.warning:
                    read.notes.append(feed.warning)
        except Exception as error:  # noqa: BLE001 - one broken source must not stop the others
            read.error = error
        return read

    def _complete(self, plan: _Plan) -> _Completed:
        entries = list(plan.entries)
        notes: list[str] = []
        extra_bytes = 0
        full_texts = 0
        if plan.pages:
            requests = [FetchRequest(entries[i].url or "", accept=HTML_ACCEPT, max_bytes=PAGE_MAX_BYTES)
                        for i in plan.pages]
            outcomes = self.fetcher.fetch_many(requests, cancel=self.cancelled)
            for index, outcome in zip(plan.pages, outcomes):
                if outcome.result is None:
                    if not isinstance(outcome.error, FetchCancelled):
                        notes.append(f"full text not fetched: {outcome.error}")
                    continue
                extra_bytes += outcome.result.bytes_transferred
                try:
                    entries[index] = with_relevance(with_page_text(entries[index], outcome.result), self.rules)
                    full_texts += 1
                except Exception as error:  # noqa: BLE001 - a page the extractor chokes on keeps its teaser
                    notes.append(f"full text not used: {error}")
        wanted = list(plan.images)
        wanted += [i for i in plan.pages if i not in plan.images and self._wants_image(plan, entries[i])]
        downloaded: dict[str, FetchedImage] = {}
        for index in wanted[:MAX_IMAGES_PER_SOURCE]:
            url = entries[index].image_url
            if not url or url in downloaded or self.cancelled():
                continue
            try:
                downloaded[url] = self.fetcher.fetch_image(url, max_bytes=MAX_IMAGE_BYTES, cancel=self.cancelled)
                extra_bytes += len(downloaded[url].data)
            except FetchError as error:
                if not isinstance(error, FetchCancelled):
                    notes.append(f"lead image not kept: {error}")
        return _Completed(plan, entries, downloaded, full_texts, extra_bytes, notes)

    def _wants_image(self, plan: _Plan, entry: ParsedArticle) -> bool:
        return (
            self.images
            and bool(entry.image_url)
            and image_id_for(entry.image_url or "") not in plan.cached_images
            and self._wanted(plan.read.source, entry)
        )

    def _wanted(self, source: Source, entry: ParsedArticle) -> bool:
        return not source.topic_filter or self.rules.is_relevant(entry.relevance or 0.0)

    # -- calling thread: the library ---------------------------------------------------

    def _after_read(self, read: _Read) -> _Plan | SourceRefresh:
        source, result = read.source, read.result
        if read.error is not None:
            return self._failed(read, read.error)
        assert result is not None
        if result.not_modified:
            with self.lib.write():
                notes = self._update_source(source, read, result)
                self.lib.sources.record_fetch(source.id, status=result.status, etag=result.etag,
                                              last_modified=result.last_modified)
            return _outcome(read, "not_modified", notes=tuple(notes))
        return self._plan(read)

    def _plan(self, read: _Read) -> _Plan:
        """Which entries are new, and which of those need their page or lead image."""
        source = read.source
        entries: list[ParsedArticle] = []
        pages: list[int] = []
        images: list[int] = []
        already_complete = 0
        unsummarized: list[int] = []
        image_ids = {image_id_for(e.image_url) for e in read.entries if e.image_url}
        cached = frozenset(i for i in image_ids if self.lib.images.path_for(i) is not None)
        for entry in read.entries:
            stored = self.lib.articles.find_stored(source.id, entry)
            if stored is None and entry.guid is None and entry.url:
                # An entry completed from its page is stored under its feed address as guid.
                stored = self.lib.articles.find_stored(source.id, dataclasses.replace(entry, guid=entry.url))
            if stored is not None and stored.full_text_url:
                already_complete += 1  # its page was read before; the feed's teaser adds nothing
                if not stored.summarized:
                    unsummarized.append(stored.article_id)
                continue
            entry = with_relevance(entry, self.rules)
            index = len(entries)
            entries.append(entry)
            if stored is not None:
                continue
            relevant = self._wanted(source, entry)
            # On a filtered source a teaser that names the topic at all may still be
            # about it: its page decides. One that does not is not worth a request.
            if (self.full_text and source.kind == "feed" and len(pages) < MAX_PAGES_PER_SOURCE
                    and wants_full_text(entry) and (relevant or (entry.relevance or 0) > 0)):
                pages.append(index)
            elif self.images and relevant and entry.image_url and image_id_for(entry.image_url) not in cached:
                images.append(index)
        return _Plan(read, entries, already_complete, pages, images, cached, unsummarized)

    def _store(self, completed: _Completed) -> SourceRefresh:
        read = completed.plan.read
        source, result = read.source, read.result
        assert result is not None
        notes = [*read.notes, *completed.notes]
        entries = with_cached_images(self.lib, completed.entries, completed.images)
        with self.lib.write():
            batch = store_batch(self.lib, source.id, entries, topic_filter=source.topic_filter, summarize=False)
            notes += self._update_source(source, read, result)
            self.lib.sources.record_fetch(source.id, status=result.status, etag=result.etag,
                                          last_modified=result.last_modified)
        summarize_stored(self.lib, [*batch.pending_summaries, *completed.plan.unsummarized])
        return _outcome(
            read, "ok",
            added=batch.added, updated=batch.updated,
            unchanged=batch.unchanged + completed.plan.already_complete,
            filtered_out=batch.filtered_out, duplicates=batch.duplicates,
            full_texts=completed.full_texts, images=len(completed.images),
            notes=tuple(notes), extra_bytes=completed.extra_bytes,
        )

    def _update_source(self, source: Source, read: _Read, result: FetchResult) -> list[str]:
        """Follow a permanent move, and fill in a title or site the source lacks."""
        changes: dict[str, object] = {}
        notes = []
        if result.moved_permanently and result.url != source.url:
            if self.lib.sources.find(result.url) is None:
                changes["url"] = result.url
                notes.append(f"moved permanently to {result.url}; address updated")
            else:
                notes.append(f"moved permanently to {result.url}, which is already another source")
        if read.title and source.title == source.url:
            changes["title"] = read.title
        if read.site_url and not source.site_url:
            changes["site_url"] = read.site_url
        if changes:
            self.lib.sources.update(source.id, **changes)
        return notes

    def _failed(self, read: _Read, error: Exception) -> SourceRefresh:
        source = read.source
        if isinstance(error, FetchCancelled):
            return _cancelled(source)
        status = error.status if isinstance(error, HTTPStatusError) else None
        retry_after = None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            message = f"rate limited; retry after {error.retry_after:.0f} s"
            retry_after = utc_now() + timedelta(seconds=error.retry_after)
        elif isinstance(error, DigestError):
            message = str(error)
        else:
            message = f"{source.url}: unexpected error while reading ({type(error).__name__}: {error})"
        self.lib.sources.record_fetch(source.id, status=status, error=message, retry_after=retry_after)
        return _outcome(read, "failed", http_status=status, error=message, retry_after=retry_after)

    def _skipped(self, source: Source) -> SourceRefresh:
        when = source.retry_after
        shown = when.strftime("%H:%M UTC") if when else "later"
        return SourceRefresh(source.id, source.title, source.url, "skipped", retry_after=when,
                             notes=(f"the server asked us to wait; next try after {shown}",))


def _outcome(read: _Read, status: RefreshStatus, *, http_status: int | None = None, extra_bytes: int = 0,
             **counts) -> SourceRefresh:
    result = read.result
    if http_status is None and result is not None:
        http_status = result.status
    return SourceRefresh(
        source_id=read.source.id,
        title=read.title if read.source.title == read.source.url and read.title else read.source.title,
        url=read.source.url,
        status=status,
        http_status=http_status,
        bytes_transferred=(result.bytes_transferred if result is not None else 0) + extra_bytes,
        elapsed=time.monotonic() - read.started,
        **counts,
    )


def _cancelled(source: Source) -> SourceRefresh:
    return SourceRefresh(source.id, source.title, source.url, "cancelled")


def _read_feed(source: Source, result: FetchResult):
    """The feed in a fetched document; ParseError when it is a web page or not a feed."""
    if result.kind == "html":
        advertised = discover_feeds(result.text(), result.url)
        hint = f"; the page advertises a feed at {advertised[0]}" if advertised else ""
        raise ParseError(f"{source.url}: expected a feed, but the server sent a web page{hint}")
    return feeds.parse_feed(result.body or b"", url=result.url, name=source.url)


def _page_entries(source: Source, result: FetchResult) -> list[ParsedArticle]:
    """The one article of a page source (its address is its identity)."""
    if result.kind != "html":
        raise ParseError(f"{source.url}: expected a web page, but the server sent {result.content_type or 'something else'}")
    [article] = parse_html_document(result.text(), name=source.url, url=result.url)
    return [dataclasses.replace(article, guid=source.url)]
