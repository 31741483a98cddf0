"""Search snippets: the words a query matched, marked in an article's text, and
the stretch of text that shows the most of them.

    >>> text = "The Prime Minister's battery died."
    >>> [spans] = Highlighter().spans(parse('batteries "prime minister"').terms, [text])
    >>> spans
    [(4, 18), (21, 28)]
    >>> snippet(text, spans)
    ("The «Prime Minister»'s «battery» died.", "The <mark>Prime Minister</mark>'s <mark>battery</mark> died.")

The index matches word variants (``batteries`` finds *battery*: both become the
term ``batteri``), prefixes and phrases. FTS5's ``highlight()`` marks exactly
those, but it reads every column of the article back through the index's view
and tokenizes the whole text again, some 50 µs an article. :class:`Highlighter`
finds the same words in a fraction of that: a regular expression picks the
words that could share a query word's index term (Porter's stemmer mostly
cuts endings off, see :func:`_word_start`), and the index's own tokenizer,
run on a scratch table in memory, says which of them really do. Chinese and
Japanese are marked as typed: the index matched their character bigrams, not
the words of the text.
"""

from __future__ import annotations

import html
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest_app.store.cjk_terms import UNSPACED, split_unspaced
from digest_app.store.fts import TOKENIZER
from digest_app.store.query import Term

# Highlight markers inside an excerpt until they become «» or <mark>: control
# characters, blanked out of the text first so that it cannot forge a mark.
OPEN, CLOSE = "\x02", "\x03"
#: Length of a snippet, in characters.
SNIPPET_CHARS = 160

# A character of a word as unicode61 reads it (letters and digits; underscore
# separates), leaving out Chinese and Japanese, which are marked as typed.
_WORD_CHAR = f"[^\\W_{UNSPACED}]"
_WORD = re.compile(f"{_WORD_CHAR}+")
_BETWEEN_WORDS = r"[\W_]+"
#: Index terms remembered for strings already looked up (a library's
#: vocabulary is some tens of thousands of words).
_MEMORY = 200_000


def _accent_folding() -> dict[str, str]:
    """Accented Latin letters and the ASCII letters unicode61 folds them into."""
    folding = {}
    for code in range(0xC0, 0x250):
        letter = chr(code).lower()
        base = unicodedata.normalize("NFD", letter)[0]
        if len(letter) == 1 and base.isascii() and base.isalpha():
            folding[letter] = base
    return folding


_FOLDING = _accent_folding()
_ACCENTED = re.compile("[" + "".join(_FOLDING) + "]")
_IS_WORD_CHAR = re.compile(_WORD_CHAR)


def _folded(text: str) -> str:
    """*text* in lower case without accents, character for character (so that
    positions in it are positions in *text*)."""
    low = text.lower()
    if len(low) != len(text):  # a letter such as İ lowers to two characters
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if low.isascii() or unicodedata.is_normalized("NFD", low):
        return low
    return _ACCENTED.sub(lambda m: _FOLDING[m.group()], low)


@dataclass(frozen=True)
class _Words:
    """Consecutive words to mark (one, or several for a phrase): the index term
    each must have, whether the last is a prefix, and a pattern for candidates."""

    terms: tuple[str, ...]
    prefix: bool
    pattern: re.Pattern[str]

    def matches(self, found: Sequence[tuple[str, ...]]) -> bool:
        if any(len(f) != 1 for f in found):
            return False
        *whole, last = self.terms
        if any(f[0] != t for f, t in zip(found, whole)):
            return False
        return found[-1][0].startswith(last) if self.prefix else found[-1][0] == last


def _candidates(terms: Sequence[str]) -> re.Pattern[str]:
    """Words in a row of folded text (see :func:`_folded`) that may have *terms*
    as index terms, or terms starting so: each starts as its term does. The
    pattern starts with letters, which ``re`` finds fastest; the caller checks
    that a match starts a word."""
    parts = [f"({re.escape(_word_start(term))}{_WORD_CHAR}*)" for term in terms]
    return re.compile(_BETWEEN_WORDS.join(parts))


def _word_start(term: str) -> str:
    """How every word whose index term is *term* (or starts with it) begins.

    Porter's stemmer only cuts endings off, except that it may end a term in an
    ``i`` it wrote (happy -> happi), an ``e`` it added (hoping -> hope), or
    ``bl``/``ble`` in place of ``bility`` (usability -> usabl); and it never
    rewrites the first letter. (Checked on 100,000 English words.)
    """
    if term.endswith("ble"):
        kept = term[:-2]
    elif term.endswith(("i", "e", "bl")):
        kept = term[:-1]
    else:
        kept = term
    return kept or term[:1]


class Highlighter:
    """Finds the words of texts that the search index matched for a query.

    Holds a scratch FTS5 table in memory with the index's tokenizer, and the
    index terms of what it has looked up. One per library connection (it stays
    on that connection's thread).
    """

    def __init__(self) -> None:
        self._scratch = sqlite3.connect(":memory:")
        self._scratch.execute(
            f"CREATE VIRTUAL TABLE words USING fts5(word, content='', tokenize='{TOKENIZER}')"
        )
        self._scratch.execute("CREATE VIRTUAL TABLE words_terms USING fts5vocab(words, instance)")
        self._terms: dict[str, tuple[str, ...]] = {}

    def spans(self, terms: Iterable[Term], texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Where *terms* match in each of *texts*: ``(start, end)`` character
        offsets, in order, overlapping matches joined."""
        needles, groups = self._patterns(terms)
        candidates = []
        folded_texts = [_folded(text) for text in texts]
        for folded in folded_texts:
            candidates.append([
                (m.start(), m.end(), group, m.groups())
                for group in groups
                for m in group.pattern.finditer(folded)
                if not m.start() or not _IS_WORD_CHAR.match(folded, m.start() - 1)
            ])
        self._look_up(w for spans in candidates for *_, words in spans for w in words)
        found = []
        for folded, spans in zip(folded_texts, candidates):
            kept = [
                (start, end) for start, end, group, words in spans
                if group.matches([self._terms[w] for w in words])
            ]
            if needles is not None:
                kept += [(m.start(), m.end()) for m in needles.finditer(folded)]
            found.append(_joined(kept))
        return found

    def index_terms(self, text: str) -> tuple[str, ...]:
        """The terms the index makes of *text*, in order (``"Batteries died"`` -> ``('batteri', 'di')``)."""
        self._look_up([_folded(text)])
        return self._terms[_folded(text)]

    def _look_up(self, texts: Iterable[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self._terms]
        if not new:
            return
        if len(self._terms) + len(new) > _MEMORY:
            self._terms.clear()
        conn = self._scratch
        conn.executemany("INSERT INTO words (rowid, word) VALUES (?, ?)", enumerate(new))
        found: dict[int, list[str]] = {}
        for doc, term in conn.execute("SELECT doc, term FROM words_terms ORDER BY doc, offset"):
            found.setdefault(doc, []).append(term)
        conn.execute("INSERT INTO words (words) VALUES ('delete-all')")
        for number, text in enumerate(new):
            self._terms[text] = tuple(found.get(number, ()))

    def _patterns(self, terms: Iterable[Term]) -> tuple[re.Pattern[str] | None, list[_Words]]:
        """A pattern for the Chinese and Japanese to mark as typed, and the words to mark."""
        needles: list[str] = []
        pieces: list[tuple[str, bool]] = []
        for term in terms:
            split = split_unspaced(term.text)
            for position, (piece, unspaced) in enumerate(split):
                if unspaced:
                    needles.append(_folded(piece))
                elif _WORD.search(piece):
                    pieces.append((piece, term.prefix and position == len(split) - 1))
        self._look_up(_folded(p) for p, _ in pieces)
        groups = []
        for piece, prefix in dict.fromkeys(pieces):
            index_terms = self._terms[_folded(piece)]
            if index_terms:
                groups.append(_Words(index_terms, prefix, _candidates(index_terms)))
        pattern = None
        if needles:
            alternatives = sorted(set(needles), key=len, reverse=True)
            pattern = re.compile("|".join(map(re.escape, alternatives)))
        return pattern, groups


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """*spans* in order, overlapping ones joined into one."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def snippet(text: str, spans: Sequence[tuple[int, int]] = ()) -> tuple[str, str]:
    """The snippet of *text* whose matches are at *spans* (see :meth:`Highlighter.spans`):
    (plain text with «» around matches, escaped HTML with <mark> around them)."""
    if OPEN in text or CLOSE in text:
        text = text.replace(OPEN, " ").replace(CLOSE, " ")  # same length: spans stay right
    return _snippet_forms(_excerpt(text, spans))


def _excerpt(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """About :data:`SNIPPET_CHARS` characters of *text* (half as many Chinese or
    Japanese ones, which are twice as wide), the matches in it marked: the
    stretch with the most different matches (the earliest of equals), or the
    opening when none."""
    head = text[: SNIPPET_CHARS * 2]
    # Each character from U+0800 on (Chinese, Japanese) takes two more bytes in UTF-8.
    wide = len(head.encode("utf-8", "replace")) - len(head) > SNIPPET_CHARS
    width = SNIPPET_CHARS // 2 if wide else SNIPPET_CHARS
    start = 0
    if spans:
        lead = width // 3
        # Count only the matches sure to show: the cut may fall 25 characters
        # short (at a space), and marks take room.
        best = _richest([(s, text[s:e].casefold()) for s, e in spans[:30]], width - 40, lead)
        start = max(0, best - lead)
        if start:
            space = text.find(" ", start, best)
            start = space + 1 if space != -1 else start
    stop = start + width * 2
    # Marks in the region only; a match running over its edge stays unmarked
    # (the cut falls well before the end).
    pieces = []
    position = start
    for s, e in spans:
        if s >= start and e <= stop:
            pieces += [text[position:s], OPEN, text[s:e], CLOSE]
            position = e
    pieces.append(text[position:stop])
    region = "".join(pieces)
    cut = _cut(" ".join(region.split()), width, more=stop < len(text))
    return ("…" if start else "") + cut


def _richest(spans: list[tuple[int, str]], width: int, lead: int) -> int:
    """The position of the match that best opens a window of *width* characters
    (starting *lead* before it): the one whose window holds the most different
    matched words, the earliest of equals. *spans* are (position, word), in order."""
    inside: dict[str, int] = {}
    best, most = spans[0][0], 0
    first = last = 0
    for position, _ in spans:
        window_start = position - lead
        while last < len(spans) and spans[last][0] < window_start + width:
            inside[spans[last][1]] = inside.get(spans[last][1], 0) + 1
            last += 1
        while spans[first][0] < window_start:
            word = spans[first][1]
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
            first += 1
        if len(inside) > most:
            best, most = position, len(inside)
    return best


def _cut(flat: str, width: int, *, more: bool) -> str:
    """About *width* characters of *flat*, ended at a space when there is one
    near, never inside a match, with an ellipsis when cut or when the text goes
    on (*more*)."""
    end = len(flat)
    if width < end:
        end = width
        space = flat.rfind(" ", width // 2, end)
        if space != -1 and end - space < 25:
            end = space
        if flat.rfind(OPEN, 0, end) > flat.rfind(CLOSE, 0, end):  # inside a match: keep all of it
            end = flat.find(CLOSE, end) + 1
    return flat[:end].strip() + ("…" if end < len(flat) or more else "")


def _snippet_forms(marked: str) -> tuple[str, str]:
    """(plain text with «» around matches, escaped HTML with <mark> around them)."""
    marked = " ".join(marked.split())
    markup = html.escape(marked, quote=False)  # leaves the markers alone
    return (
        marked.replace(OPEN, "«").replace(CLOSE, "»"),
        markup.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"),
    )
