"""Records that cross layers: what parsers produce and what the library returns.

They are frozen dataclasses so that a record handed from the collection layer to
the store, or from the store to the GUI, cannot be changed behind anyone's back.

    >>> from digest_app.records import ParsedArticle
    >>> ParsedArticle(title="Xiaomi opens a store", text="It opened today.").word_count
    3
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

SourceKind = Literal["feed", "page", "file"]
TagOrigin = Literal["user", "rule"]

_WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0400-\u04FF]+(?:['’.,-][0-9A-Za-z]+)*")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


#: For code points 0-127 (and 128 standing for any higher one): an ASCII letter or digit?
_ASCII_ALNUM = np.array([chr(c).isascii() and chr(c).isalnum() for c in range(129)])
#: The same for the characters that join two runs of them into one word ("it's", "3.5", "in-house").
_ASCII_JOINER = np.array([chr(c) in "'.,-" for c in range(129)])
_ALNUM_BYTES = _ASCII_ALNUM.astype(np.uint8).tobytes() + bytes(127)
_JOINER_BYTES = _ASCII_JOINER.astype(np.uint8).tobytes() + bytes(127)
#: Texts shorter than this are counted with the regexes (measured crossover: 200-400).
_ARRAY_MIN_CHARS = 300
#: Edges of the _CJK_CHAR ranges: a code point is in one when it has an odd number of edges at or below it.
_CJK_EDGES = np.array([0x3040, 0x3100, 0x3400, 0x4DC0, 0x4E00, 0xA000, 0xAC00, 0xD7B0, 0xF900, 0xFB00])


def count_words(text: str) -> int:
    """Words in *text*: Latin/Cyrillic words, plus one per CJK character.

    A CJK character counts as a word because that is how reading time and length
    budgets are usually reckoned for Chinese and Japanese.
    """
    # What _WORD and _CJK_CHAR find, counted with array operations (two regex passes
    # took 100-120 us for an article of 2,000 characters). A short text (a sentence, a
    # headline), where numpy's fixed cost is more than the regexes', and a text with
    # accented Latin or Cyrillic letters, where a word may end inside a run of letters,
    # are left to the regexes.
    if len(text) < _ARRAY_MIN_CHARS:
        return len(_WORD.findall(text)) + len(_CJK_CHAR.findall(text))
    if text.isascii():
        data = text.encode("ascii")
        in_word = np.frombuffer(data.translate(_ALNUM_BYTES), dtype=np.bool_)
        joiner = np.frombuffer(data.translate(_JOINER_BYTES), dtype=np.bool_)
        return _joined_runs(in_word, joiner)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cjk = 0
    if points.max() >= _CJK_EDGES[0]:
        cjk = int(np.count_nonzero(np.searchsorted(_CJK_EDGES, points, side="right") & 1))
    if np.any(((points >= 0xC0) & (points <= 0x24F)) | ((points >= 0x400) & (points <= 0x4FF))):
        return len(_WORD.findall(text)) + cjk
    ascii_points = np.minimum(points, 128)
    joiner = _ASCII_JOINER[ascii_points] | (points == 0x2019)
    return _joined_runs(_ASCII_ALNUM[ascii_points], joiner) + cjk


def _joined_runs(in_word: np.ndarray, joiner: np.ndarray) -> int:
    """Runs of word characters, counting runs joined by one joiner character as one
    (_WORD's matches when all its letters are ASCII)."""
    if not in_word.size:
        return 0
    runs = int(in_word[0]) + int(np.count_nonzero(in_word[1:] & ~in_word[:-1]))
    return runs - int(np.count_nonzero(in_word[:-2] & joiner[1:-1] & in_word[2:]))


@dataclass(frozen=True)
class ParsedArticle:
    """One article as a parser read it, before it is stored.

    ``text`` is plain text with paragraphs separated by a blank line.
    ``content_html`` is sanitized HTML (empty when the origin had none);
    ``published`` is timezone-aware UTC or None when the origin states no date.

    The collection layer fills in the last three: ``relevance`` (the topic score),
    ``full_text_url`` (the page the text was extracted from, when the feed gave only
    a teaser) and ``image_id`` (the lead image cached in the library).
    """

    title: str
    text: str
    content_html: str = ""
    url: str | None = None
    guid: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    feed_summary: str | None = None
    image_url: str | None = None
    relevance: float | None = None
    full_text_url: str | None = None
    image_id: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class ParsedFeed:
    """A feed document (RSS, RDF, Atom or JSON Feed) and its entries.

    ``warning`` carries a readable note when the feed was ill-formed but could
    still be read (feedparser's "bozo" case).
    """

    title: str
    format: str
    entries: tuple[ParsedArticle, ...]
    site_url: str | None = None
    feed_url: str | None = None
    language: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class OutlineFeed:
    """One feed listed in an OPML file."""

    url: str
    title: str = ""
    site_url: str | None = None
    category: str | None = None
    topic_filter: bool = False


@dataclass(frozen=True)
class Source:
    """Where articles come from: a feed, a web page, or local files.

    ``retry_after`` is set when the server asked us to wait (rate limiting): a
    refresh skips the source until then. Counts leave out linked duplicates.
    """

    id: int
    kind: SourceKind
    url: str
    title: str
    site_url: str | None = None
    topic_filter: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    error_count: int = 0
    article_count: int = 0
    unread_count: int = 0
    retry_after: datetime | None = None


@dataclass(frozen=True)
class ArticleHeader:
    """What a listing shows of an article: no body, so lists stay light.

    ``duplicates`` counts the copies of this story from other sources that are
    linked to it (and hidden from listings).
    """

    id: int
    title: str
    source_id: int | None
    source_title: str
    url: str | None
    published: datetime | None
    fetched: datetime
    is_read: bool
    is_starred: bool
    word_count: int
    language: str | None = None
    tags: tuple[str, ...] = ()
    duplicates: int = 0


@dataclass(frozen=True)
class AlsoIn:
    """Another copy of the same story: which source has it, and where it lives."""

    article_id: int
    source_id: int | None
    source_title: str
    url: str | None
    kept: bool = False


@dataclass(frozen=True)
class Article:
    """A stored article with everything the reader shows.

    ``duplicate_of`` is the ID of the copy kept when this article repeats a story
    already in the library; ``also_in`` lists the other copies of the story (the
    kept one first). ``relevance`` is the topic score (None for articles stored
    before scoring existed); ``full_text_url`` the page the text was extracted
    from when the feed gave only a teaser.
    """

    id: int
    title: str
    text: str
    content_html: str
    source_id: int | None
    source_title: str
    url: str | None
    canonical_url: str | None
    guid: str | None
    author: str | None
    published: datetime | None
    fetched: datetime
    language: str | None
    feed_summary: str | None
    word_count: int
    content_hash: str
    is_read: bool
    is_starred: bool
    summary: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    tags: tuple["ArticleTag", ...] = ()
    relevance: float | None = None
    full_text_url: str | None = None
    duplicate_of: int | None = None
    also_in: tuple[AlsoIn, ...] = ()
    #: Whether the summarizer has run on the article (an empty ``summary`` then means
    #: the text was too short to summarize).
    summarized: bool = False


@dataclass(frozen=True)
class ArticleTag:
    """A tag on one article and who put it there."""

    name: str
    origin: TagOrigin = "user"
    color: str | None = None


@dataclass(frozen=True)
class Tag:
    """A tag in the library with the number of articles carrying it."""

    id: int
    name: str
    color: str | None = None
    count: int = 0


@dataclass(frozen=True)
class SavedSearch:
    """A named query kept in the library (a smart folder)."""

    id: int
    name: str
    query: str
    count: int | None = None


@dataclass(frozen=True)
class StoreResult:
    """What storing one parsed article did."""

    article_id: int
    status: Literal["added", "updated", "unchanged"]


@dataclass(frozen=True)
class ImportProblem:
    """One input that could not be imported, and why, in words a user understands."""

    path: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """Totals of an import run, with every failure named."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    sources_added: int = 0
    failed: tuple[ImportProblem, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Articles stored without a summary because the import was cancelled before it made
    #: them; importing the same files again (or ``resummarize``) makes them.
    unsummarized: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class SearchHit:
    """One search result: the article's header, how well it matched, and where.

    ``score`` is higher for better matches (0 when the query had no words to
    rank by). ``snippet`` is plain text with the matched words in «guillemets»;
    ``snippet_html`` is the same excerpt HTML-escaped with ``<mark>`` around them.
    """

    header: ArticleHeader
    score: float
    snippet: str
    snippet_html: str
