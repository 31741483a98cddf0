"""Near-duplicate text: the same story copied by several sources, found by its words.

Two texts are near-duplicates when most word 3-shingles of the shorter one also occur in
the longer one (*containment*). That holds for a wire story re-published with another
intro line, ads or a trailing blurb, with a paragraph dropped or added, with different
punctuation, and for a teaser against its full text. Different stories about the same
event share far fewer shingles (measured: at most 0.22 on the eval sets, against at
least 0.95 for the copies) and are left apart; grouping them is story clustering.

    >>> a, b = fingerprint(full_text), fingerprint(teaser)
    >>> is_near_duplicate(a, b)
    True

Finding candidates in a library of 100k articles: each article keeps a few *anchors*
(:attr:`Fingerprint.anchors`: the smallest hashes among its shingles that are not stock
phrases, from the whole text and from its lead), stored as integer rows the store indexes. A new article looks up all its shingles
(:attr:`Fingerprint.probe_keys`) among the stored anchors: an article it contains, or
one that contains it, shares anchors with it (at least
:attr:`Fingerprint.min_shared_anchors`). The :data:`CANDIDATE_LIMIT` candidates sharing
most anchors are verified with :func:`is_near_duplicate` on their text.
:class:`NearDupIndex` does the same in memory (for one refresh or import batch, and for
tests and benchmarks). In SQL, with ``article_anchors(anchor, article_id)`` a WITHOUT
ROWID table keyed by (anchor, article_id)::

    SELECT article_id, COUNT(*) AS shared FROM article_anchors
    WHERE anchor IN (SELECT value FROM json_each(:probe_keys))
    GROUP BY article_id HAVING shared >= :min_shared
    ORDER BY shared DESC LIMIT :limit

Chinese and Japanese text is cut into overlapping character pairs, so it gets shingles
like any other language.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from digest_app.nlp.cjk import HAN, HIRAGANA, KATAKANA
from digest_app.nlp.wordlists import STOPWORD_LANGUAGES, cjk_stop_chars, generic_words, stopwords

#: Words per shingle.
SHINGLE_SIZE = 3
#: Share of the shorter text's shingles found in the longer one that makes a near-duplicate.
MIN_CONTAINMENT = 0.8
#: Below this many shingles (about ten words) a text is too short to judge by overlap;
#: it only matches a text with exactly the same shingles.
MIN_SHINGLES = 8
#: Anchors taken from the whole text, and from its first LEAD_SHINGLES shingles. Only
#: shingles with at most one common word ("of", "said", "million") qualify, so that stock
#: phrases ("one of the"), which thousands of articles share, are never anchors.
WHOLE_ANCHORS = 6
LEAD_ANCHORS = 3
LEAD_SHINGLES = 24
#: Candidates worth verifying for one lookup. A copy shares most of its anchors with the
#: original, so it ranks above texts that only share a stock phrase or a quoted passage.
CANDIDATE_LIMIT = 10
#: A text of fewer shingles than this (a teaser) may share a single anchor with its full
#: text; longer texts must share two, which leaves out most texts that merely have a
#: stock phrase in common (measured: 85% of the candidates, 0.4% of the copies).
SHORT_TEXT_SHINGLES = 150

_CJK = HAN + HIRAGANA + KATAKANA
#: Letters and digits of any script (Hangul, Arabic, Cyrillic ...); Han and kana apart.
_WORD = re.compile(r"[^\W_]+")
_WORD_OR_CJK_RUN = re.compile(f"[{_CJK}]+|(?:(?![{_CJK}])[^\\W_])+")
_CJK_RUN = re.compile(f"[{_CJK}]")
#: The bytes of ASCII letters and digits as they are (lower case), every other byte a space.
_ASCII_WORD_BYTES = bytes(b if chr(b).isascii() and chr(b).isalnum() else 0x20 for b in range(256))
_ASCII = frozenset(map(chr, range(128)))
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_FINAL = np.uint64(0x94D049BB133111EB)
_MAX_CACHED_TOKENS = 500_000


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What near-duplicate detection needs of a text.

    ``shingles`` are the distinct shingle hashes, sorted (signed 64-bit, as SQLite stores
    integers); ``anchors`` the few of them an article keeps in the index.
    """

    shingles: np.ndarray
    anchors: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.shingles)

    @property
    def probe_keys(self) -> list[int]:
        """The integers to look up among stored anchors: every shingle of the text."""
        return self.shingles.tolist()

    @cached_property
    def probe_json(self) -> str:
        """:attr:`probe_keys` as a JSON array, as the store looks them up (computed once:
        an import computes it in the worker process that read the article)."""
        return json.dumps(self.shingles.tolist())

    @property
    def min_shared_anchors(self) -> int:
        """How many anchors a candidate must share with this text to be worth verifying."""
        return 1 if self.size < SHORT_TEXT_SHINGLES else 2


@dataclass(frozen=True)
class Similarity:
    """How much two texts share: ``containment`` (of the shorter in the longer) and ``jaccard``."""

    containment: float
    jaccard: float
    near_duplicate: bool


def fingerprint(text: str, *, anchors: bool = True) -> Fingerprint:
    """Shingles and anchors of *text* (plain text; case, punctuation and spacing are ignored).

    With *anchors* false the anchors are left empty: enough to compare the text with
    :func:`similarity`, in two thirds of the time.
    """
    tokens, has_cjk = _tokens(text)
    ids = _VOCABULARY.ids_of(tokens)
    ordered = _shingle_hashes(_VOCABULARY.hashes[ids])
    if not anchors:
        return Fingerprint(shingles=_sorted_unique(ordered), anchors=())
    qualified = _anchor_qualified(ids, len(ordered), has_cjk)
    chosen = set(_smallest(ordered, qualified, WHOLE_ANCHORS))
    chosen |= set(_smallest(ordered[:LEAD_SHINGLES], qualified[:LEAD_SHINGLES], LEAD_ANCHORS))
    return Fingerprint(shingles=_sorted_unique(ordered), anchors=tuple(sorted(chosen)))


def similarity(a: str | Fingerprint, b: str | Fingerprint) -> Similarity:
    """How much of their wording two texts (or fingerprints) share."""
    a, b = _as_fingerprint(a), _as_fingerprint(b)
    if not a.size or not b.size:
        return Similarity(0.0, 0.0, False)
    shared = _shared(a, b)
    containment = shared / min(a.size, b.size)
    jaccard = shared / (a.size + b.size - shared)
    return Similarity(round(containment, 4), round(jaccard, 4), _is_near(shared, a.size, b.size))


def is_near_duplicate(a: str | Fingerprint, b: str | Fingerprint) -> bool:
    """True when one text is, give or take chrome and edits, a copy of the other (or of its start)."""
    a, b = _as_fingerprint(a), _as_fingerprint(b)
    return bool(a.size and b.size) and _is_near(_shared(a, b), a.size, b.size)


def _shared(a: Fingerprint, b: Fingerprint) -> int:
    return len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))


def _is_near(shared: int, size_a: int, size_b: int) -> bool:
    """Whether texts of *size_a* and *size_b* distinct shingles, *shared* of them in
    common, are near-duplicates (both not empty)."""
    smaller = min(size_a, size_b)
    if smaller < MIN_SHINGLES:
        return size_a == size_b == shared
    return shared / smaller >= MIN_CONTAINMENT


class NearDupIndex:
    """Anchors of many texts in memory, to find the ones a new text may duplicate.

        >>> index = NearDupIndex()
        >>> index.add(1, fingerprint(text_one))
        >>> index.candidates(fingerprint(copy_of_text_one))
        [1]

    Only anchors are kept (a few integers per text), so 100k texts take a few tens of
    megabytes; verify candidates with :func:`is_near_duplicate` on their text. The
    store does the same with an indexed table (see the module docstring).
    """

    def __init__(self) -> None:
        self._postings: dict[int, list[Hashable]] = {}
        self._anchors: dict[Hashable, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._anchors)

    def add(self, key: Hashable, fp: Fingerprint) -> None:
        """Index *fp* under *key* (replacing what *key* had)."""
        self.remove(key)
        self._anchors[key] = fp.anchors
        for anchor in fp.anchors:
            self._postings.setdefault(anchor, []).append(key)

    def remove(self, key: Hashable) -> None:
        for anchor in self._anchors.pop(key, ()):
            keys = self._postings[anchor]
            keys.remove(key)
            if not keys:
                del self._postings[anchor]

    def candidates(self, fp: Fingerprint, limit: int = CANDIDATE_LIMIT) -> list[Hashable]:
        """Keys of indexed texts sharing anchors with *fp*, most shared first."""
        shared: Counter[Hashable] = Counter()
        postings = self._postings
        for key in fp.probe_keys:
            found = postings.get(key)
            if found:
                shared.update(found)
        needed = fp.min_shared_anchors
        return [key for key, count in shared.most_common(limit) if count >= needed]


def _as_fingerprint(value: str | Fingerprint) -> Fingerprint:
    return value if isinstance(value, Fingerprint) else fingerprint(value)


def _tokens(text: str) -> tuple[list[str], bool]:
    """Lower-case words, and whether the text holds Chinese or Japanese; runs of their
    characters are overlapping pairs (Korean is written with spaces, so its words are words)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split(), False
    others = set(lowered).difference(_ASCII)
    has_cjk = _CJK_RUN.search("".join(others)) is not None
    if not has_cjk and not any(c.isalnum() for c in others):
        # Beyond ASCII only punctuation (curly quotes, dashes), which parts words as
        # spaces do: cut in bytes, four times as fast as the regex below.
        return lowered.encode("utf-8").translate(_ASCII_WORD_BYTES).decode("ascii").split(), False
    if not has_cjk:
        return _WORD.findall(lowered), False  # one character class: twice as fast as the one below
    tokens: list[str] = []
    for token in _WORD_OR_CJK_RUN.findall(lowered):
        if len(token) > 1 and _CJK_RUN.match(token):
            tokens.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            tokens.append(token)
    return tokens, True


class _Vocabulary:
    """Every token met so far, numbered, with what fingerprints need of it in arrays: its
    64-bit hash (the same in every process; the built-in hash is salted) and whether it
    is a common word or holds a Chinese function character. A text's tokens become
    numbers in one pass of dictionary lookups, and the rest is array indexing."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.hashes = np.zeros(4096, dtype=np.uint64)
        self.common = np.zeros(4096, dtype=np.int8)
        self.cjk_stop = np.zeros(4096, dtype=np.int8)

    def ids_of(self, tokens: list[str]) -> np.ndarray:
        numbers = list(map(self.numbers.get, tokens))
        if None in numbers:
            if len(self.numbers) > _MAX_CACHED_TOKENS:
                self.numbers.clear()
                numbers = [None] * len(tokens)
            for position, number in enumerate(numbers):
                if number is None:
                    numbers[position] = self._add(tokens[position])
        return np.array(numbers, dtype=np.intp)

    def _add(self, token: str) -> int:
        number = self.numbers.get(token)
        if number is not None:
            return number
        number = self.numbers[token] = len(self.numbers)
        if number == len(self.hashes):
            self.hashes, self.common, self.cjk_stop = (
                np.concatenate([array, np.zeros_like(array)]) for array in (self.hashes, self.common, self.cjk_stop)
            )
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        self.hashes[number] = int.from_bytes(digest, "little")
        self.common[number] = token in _common_words()
        stop_chars = cjk_stop_chars()
        self.cjk_stop[number] = token[0] in stop_chars or token[-1] in stop_chars
        return number


_VOCABULARY = _Vocabulary()


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    words = set(generic_words())
    for language in STOPWORD_LANGUAGES:
        words |= stopwords(language)
    return frozenset(words)


def _anchor_qualified(ids: np.ndarray, shingle_count: int, has_cjk: bool) -> np.ndarray:
    """For each shingle, whether it may be an anchor: at most one of its words is common
    (a Chinese character pair is common when it holds a function character such as 的)."""
    if len(ids) < SHINGLE_SIZE:
        return np.ones(shingle_count, dtype=bool)
    common = _VOCABULARY.common[ids]
    if has_cjk:
        common = common | _VOCABULARY.cjk_stop[ids]
    span = len(ids) - SHINGLE_SIZE + 1
    per_shingle = sum(common[offset : offset + span] for offset in range(SHINGLE_SIZE))
    return per_shingle <= 1


def _smallest(values: np.ndarray, qualified: np.ndarray, count: int) -> list[int]:
    """The *count* smallest distinct qualified values: a sample that two copies share.
    All values compete when too few qualify (a short or odd text)."""
    chosen = _sorted_unique(values[qualified])
    if len(chosen) < count:
        chosen = _sorted_unique(values)
    return chosen[:count].tolist()


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``: for a few hundred values, sorting beats its hash table tenfold."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _shingle_hashes(hashes: np.ndarray) -> np.ndarray:
    """One signed 64-bit hash per shingle, in text order, from the tokens' hashes."""
    if len(hashes) < SHINGLE_SIZE:
        hashes = np.array([np.bitwise_xor.reduce(hashes * _MIX[0])], dtype=np.uint64) if len(hashes) else hashes
    else:
        span = len(hashes) - SHINGLE_SIZE + 1
        mixed = np.zeros(span, dtype=np.uint64)
        for offset in range(SHINGLE_SIZE):
            mixed ^= hashes[offset : offset + span] * _MIX[offset]
        hashes = mixed
    # A final avalanche, so that "the smallest hashes" are a fair sample of the text.
    hashes = hashes ^ (hashes >> np.uint64(31))
    hashes = hashes * _FINAL
    hashes = hashes ^ (hashes >> np.uint64(29))
    return hashes.view(np.int64)

