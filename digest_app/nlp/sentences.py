"""Sentence splitting for English, Chinese, Japanese and mixed text, with no downloaded data.

    >>> split_sentences("Mr. Lei met Xiaomi Corp. staff on Jan. 5. Revenue rose 5.5% to RMB53.7 billion.")
    ['Mr. Lei met Xiaomi Corp. staff on Jan. 5.', 'Revenue rose 5.5% to RMB53.7 billion.']
    >>> split_sentences("小米发布了新手机。售价为3999元！")
    ['小米发布了新手机。', '售价为3999元！']

How a text is cut, outside in:

1. Blank lines end a paragraph; nothing crosses them.
2. Inside a paragraph, each line is its own unit (web pages put one paragraph
   or one bit of page chrome per line) unless the paragraph is hard-wrapped
   prose (lines of similar length) or a line is cut mid-sentence (the next
   starts in lower case). Bullet and numbered items, Markdown headings and
   table rows always start a new unit.
3. Prose is split by NLTK's Punkt algorithm with parameters we ship
   (``data/nlp/abbreviations-en.txt``, ``sentence-starters-en.txt``): no
   pretrained model and no download. :meth:`SentenceSplitter.trained` refines
   them on the user's own text; :meth:`SentenceSplitter.pretrained` uses NLTK's
   model when it happens to be installed.
4. Chinese and Japanese sentences end at 。！？ and their kin.

Every sentence is an exact substring of the input, stripped of surrounding
white space: ``text[s.start:s.end] == s.text``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from digest_app.nlp.cjk import CLOSERS, FULL_WIDTH_TERMINATORS, UNSPACED
from digest_app.nlp.wordlists import abbreviations, sentence_starters

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

SentenceKind = Literal["text", "heading", "item", "table"]

#: A line without final punctuation and with at most this many words is a heading.
HEADING_MAX_WORDS = 12
#: A Chinese or Japanese heading: at most this many characters.
HEADING_MAX_CJK_CHARS = 30


@dataclass(frozen=True)
class Sentence:
    """One unit of a text: a sentence, a heading, a list item or a table row.

    ``kind`` is ``"text"`` for prose, ``"heading"`` for a short line without
    final punctuation (titles, section heads, captions, page chrome),
    ``"item"`` for a sentence of a bulleted or numbered list item (the marker
    is not part of ``text``) and ``"table"`` for a table row. ``paragraph``
    counts the blank-line-separated blocks of the text from 0.
    """

    text: str
    start: int
    end: int
    kind: SentenceKind
    paragraph: int

    @property
    def terminated(self) -> bool:
        """Whether the unit ends like a sentence (. ! ? 。 and kin, maybe quoted)."""
        return _ENDS_SENTENCE.search(self.text, max(0, len(self.text) - 16)) is not None


_ENDS_SENTENCE = re.compile(rf"[.!?…:;{FULL_WIDTH_TERMINATORS}][{CLOSERS}“‘]*$")
# List markers: bullets, "1." "1)" "(a)" "a)" "(iv)", and "[1]" of reference lists.
_BULLET = re.compile(
    r"[ \t]*(?:[-*+•·●○◦▪▫■□‣⁃–—]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\)|\[\d{1,3}\])[ \t]+(?=\S)"
)
_MARKDOWN_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+(?=\S)")
_HAS_WORD = re.compile(r"[^\W_]")
_PUNKT_CANDIDATE = re.compile(r"[.!?]")
_REALIGNABLE = re.compile("[\"')\\]}\u2018\u2019\u201c\u201d\xab\xbb]")
_CJK_HINT = re.compile(f"[{UNSPACED}{FULL_WIDTH_TERMINATORS}]")
_CJK_END = re.compile(rf"(?:[{FULL_WIDTH_TERMINATORS}]+|(?<=[{UNSPACED}])[!?]+)[{CLOSERS}]*")
_CJK_CHAR = re.compile(f"[{UNSPACED}]")
_ENDS_QUESTION_OR_QUOTE = re.compile(rf"(?:[!?][{CLOSERS}]*|[.][\"'’”]+)$")
_STARTS_LOWER = re.compile(r"[\"'“‘(]*[a-z]")


@dataclass(frozen=True)
class _Line:
    start: int  # where the content starts (after any bullet or heading marker)
    end: int  # end of the content, trailing white space excluded
    kind: Literal["text", "item", "heading", "table"]


@dataclass(frozen=True)
class _Run:
    """Consecutive lines that form one stretch of prose (or one item, heading, row)."""

    start: int
    end: int
    kind: Literal["text", "item", "heading", "table"]
    paragraph: int
    lines: int


class SentenceSplitter:
    """Punkt with a set of parameters, plus Digest's paragraph, list and CJK rules.

    >>> splitter = SentenceSplitter()           # our shipped word lists
    >>> [s.kind for s in splitter.spans("Results\\n\\nSales rose. Profit fell.")]
    ['heading', 'text', 'text']

    Splitters are cheap to build; training one (:meth:`trained`) is not, so
    keep a trained splitter (or its :meth:`to_json`) around.
    """

    def __init__(self, params: PunktParameters | None = None) -> None:
        self._params = params if params is not None else shipped_parameters()
        self._punkt = punkt_tokenizer(self._params)

    @classmethod
    def trained(cls, texts: Iterable[str]) -> SentenceSplitter:
        """A splitter whose Punkt parameters are learnt from *texts*, on top of ours.

        Training finds the abbreviations, collocations and capitalisation habits
        of the user's own library (say, a site's ``Bhd.`` or ``Nos.``); our
        shipped abbreviations and sentence starters are always kept.
        """
        from nltk.tokenize.punkt import PunktTrainer

        trainer = PunktTrainer()
        for text in texts:
            trainer.train(text, finalize=False)
        trainer.finalize_training()
        params = trainer.get_params()
        params.abbrev_types |= abbreviations()
        params.sent_starters |= sentence_starters()
        return cls(params)

    @classmethod
    def pretrained(cls, model: str = "english") -> SentenceSplitter | None:
        """A splitter using NLTK's pretrained ``punkt_tab`` model, or None when it is not installed.

        Never downloads anything; Digest does not need it.
        """
        from nltk.data import find
        from nltk.tokenize.punkt import load_punkt_params

        try:
            params = load_punkt_params(find(f"tokenizers/punkt_tab/{model}/"))
        except (LookupError, OSError):
            return None
        return cls(params)

    def to_json(self) -> str:
        """The Punkt parameters as JSON, to store a trained splitter (see :meth:`from_json`)."""
        params = self._params
        return json.dumps(
            {
                "abbrev_types": sorted(params.abbrev_types),
                "sent_starters": sorted(params.sent_starters),
                "collocations": sorted(list(pair) for pair in params.collocations),
                "ortho_context": dict(sorted(params.ortho_context.items())),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, document: str) -> SentenceSplitter:
        """The splitter :meth:`to_json` described."""
        from nltk.tokenize.punkt import PunktParameters

        data = json.loads(document)
        params = PunktParameters()
        params.abbrev_types = set(data["abbrev_types"])
        params.sent_starters = set(data["sent_starters"])
        params.collocations = {tuple(pair) for pair in data["collocations"]}
        for word_type, flags in data["ortho_context"].items():
            params.ortho_context[word_type] = int(flags)
        return cls(params)

    def split(self, text: str) -> list[str]:
        """The sentences of *text* (see :func:`split_sentences`)."""
        return [sentence.text for sentence in self.spans(text)]

    def spans(self, text: str) -> list[Sentence]:
        """The units of *text* with their offsets, kinds and paragraph numbers."""
        units: list[Sentence] = []
        for run in _runs(text):
            if run.kind in ("table", "heading"):
                units.append(Sentence(text[run.start : run.end], run.start, run.end, run.kind, run.paragraph))
                continue
            pieces = self._prose_pieces(text, run.start, run.end)
            for start, end in pieces:
                piece = text[start:end]
                kind: SentenceKind = run.kind
                if kind == "text" and len(pieces) == 1 and run.lines == 1 and _is_heading(piece):
                    kind = "heading"
                units.append(Sentence(piece, start, end, kind, run.paragraph))
        return units

    def _prose_pieces(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        segment = text[start:end]
        if _PUNKT_CANDIDATE.search(segment):
            # Realignment only moves closing quotes and brackets; skip it when there are none.
            realign = _REALIGNABLE.search(segment) is not None
            spans = list(self._punkt.span_tokenize(segment, realign_boundaries=realign))
        else:
            spans = [(0, len(segment))]
        if _CJK_HINT.search(segment):
            spans = [cut for span in spans for cut in _cjk_cuts(segment, *span)]
        pieces: list[tuple[int, int]] = []
        for piece_start, piece_end in spans:
            piece = segment[piece_start:piece_end]
            stripped = piece.strip()
            if not stripped or not _HAS_WORD.search(stripped):
                continue
            piece_start += len(piece) - len(piece.lstrip())
            piece_end = piece_start + len(stripped)
            if pieces and _continues_quote(segment, pieces[-1], piece_start):
                pieces[-1] = (pieces[-1][0], piece_end)
            else:
                pieces.append((piece_start, piece_end))
        return [(start + s, start + e) for s, e in pieces]


def punkt_tokenizer(params: PunktParameters) -> PunktSentenceTokenizer:
    """NLTK's Punkt sentence tokenizer for *params*, with the fast paths below."""
    return _fast_punkt_class()(params, lang_vars=_stdlib_regex_language_vars())


@lru_cache(maxsize=None)
def _stdlib_regex_language_vars():
    """NLTK's Punkt language variables with two of its patterns compiled by ``re``.

    NLTK runs every pattern through a ReDoS guard (the ``regex`` engine under a
    timeout), which costs more than the matching on short texts. The candidate
    finder and the quote realigner are fixed, linear patterns, so we compile
    the very same pattern strings with ``re``; decisions are unchanged. The
    instance holds only compiled patterns, so one is shared by all splitters.
    """
    from nltk.tokenize.punkt import PunktLanguageVars

    class StdlibRegexLanguageVars(PunktLanguageVars):
        __slots__ = ()
        re_boundary_realignment = re.compile(PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE)

        def period_context_re(self):
            try:
                return self._re_period_context
            except AttributeError:
                pattern = super().period_context_re().pattern
                self._re_period_context = re.compile(pattern, re.UNICODE | re.VERBOSE)
                return self._re_period_context

    return StdlibRegexLanguageVars()


@lru_cache(maxsize=None)
def _fast_punkt_class() -> type[PunktSentenceTokenizer]:
    """NLTK's Punkt tokenizer, with its commonest decision taken without re-tokenizing.

    Punkt asks ``text_contains_sentbreak`` about every ".", "?" and "!" followed
    by space or punctuation, and answers by tokenizing and annotating the
    context: most of the splitting time. For the two commonest contexts the
    answer is known from the parameters alone, and we give it directly:

    - "?" or "!": always a break candidate Punkt keeps (only period-final
      tokens are ever reclassified);
    - a plain word of two or more letters and a period: a break, when the
      word is no known abbreviation and there are no collocations to check.

    Everything else (abbreviations, initials, numbers, ellipses, quotes before
    the word) goes to NLTK's own code, so decisions are NLTK's exactly; a test
    checks that on real articles.
    """
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    class FastPunkt(PunktSentenceTokenizer):
        def text_contains_sentbreak(self, text: str) -> bool:
            if _QUESTION_CONTEXT.match(text):
                return True
            plain = _PLAIN_WORD_PERIOD_CONTEXT.match(text)
            if (
                plain
                and not self._params.collocations
                and plain.group(1).lower() not in self._params.abbrev_types
            ):
                return True
            return super().text_contains_sentbreak(text)

    return FastPunkt


# Contexts are "<previous word><.?!><following punctuation, or space and next word>".
_QUESTION_CONTEXT = re.compile(r"\S*[?!](?:\s+\S|[^\s.])")
_PLAIN_WORD_PERIOD_CONTEXT = re.compile(r"([^\W\d_]{2,})\.(?:\s+\S|[^\s.])")


def shipped_parameters() -> PunktParameters:
    """Punkt parameters made of Digest's own abbreviation and sentence-starter lists."""
    from nltk.tokenize.punkt import PunktParameters

    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    params.sent_starters = set(sentence_starters())
    return params


_default_splitter: SentenceSplitter | None = None


def default_splitter() -> SentenceSplitter:
    """The shared splitter built from the shipped parameters (created on first use)."""
    global _default_splitter
    if _default_splitter is None:
        _default_splitter = SentenceSplitter()
    return _default_splitter


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of *text*, in order, each an exact substring of it (stripped).

    Paragraph breaks and list items always end a sentence; headings are units of
    their own. *language* is accepted for symmetry with the rest of the NLP
    layer: the rules for English, Chinese and Japanese apply together, so mixed
    text needs no hint.
    """
    return default_splitter().split(text)


def sentence_spans(text: str, splitter: SentenceSplitter | None = None) -> list[Sentence]:
    """Like :func:`split_sentences`, with offsets, kinds and paragraph numbers."""
    return (splitter or default_splitter()).spans(text)


def _runs(text: str) -> list[_Run]:
    runs: list[_Run] = []
    paragraph = 0
    for block in _blocks(text):
        lines = [line for line in (_classify(text, start, end) for start, end in block) if line]
        if lines:
            runs.extend(_block_runs(text, lines, paragraph))
            paragraph += 1
    return runs


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """(start, end) of the lines of each blank-line-separated block."""
    blocks: list[list[tuple[int, int]]] = []
    block: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        if line.strip():
            block.append((offset, end))
        elif block:
            blocks.append(block)
            block = []
        offset = end + 1
    if block:
        blocks.append(block)
    return blocks


def _classify(text: str, start: int, end: int) -> _Line | None:
    """The line's content span and kind; None for a line with no word in it (rules, "* * *")."""
    line = text[start:end]
    stripped = line.strip()
    if not _HAS_WORD.search(stripped):
        return None
    content_start = start + len(line) - len(line.lstrip())
    content_end = start + len(line.rstrip())
    if stripped.startswith("|") or stripped.endswith("|"):
        return _Line(content_start, content_end, "table")
    marker = _MARKDOWN_HEADING.match(line)
    if marker:
        return _Line(start + marker.end(), content_end, "heading")
    marker = _BULLET.match(line)
    if marker:
        return _Line(start + marker.end(), content_end, "item")
    return _Line(content_start, content_end, "text")


def _block_runs(text: str, lines: list[_Line], paragraph: int) -> list[_Run]:
    lengths = [line.end - line.start for line in lines]
    wrapped = _looks_hard_wrapped(lengths)
    longest = max(lengths)
    runs: list[_Run] = []
    first = previous = lines[0]
    count = 1
    for line in lines[1:]:
        if _joins(text, first, previous, line, wrapped, longest):
            previous = line
            count += 1
            continue
        runs.append(_Run(first.start, previous.end, first.kind, paragraph, count))
        first = previous = line
        count = 1
    runs.append(_Run(first.start, previous.end, first.kind, paragraph, count))
    return runs


def _looks_hard_wrapped(lengths: list[int]) -> bool:
    """Prose wrapped at a fixed width: three or more lines, all but the last nearly full."""
    if len(lengths) < 3 or max(lengths) > 100:
        return False
    body = lengths[:-1]
    longest = max(lengths)
    return sum(length >= 0.6 * longest for length in body) >= 0.75 * len(body)


def _joins(text: str, first: _Line, previous: _Line, line: _Line, wrapped: bool, longest: int) -> bool:
    """Whether *line* continues the run that began with *first* and last took *previous*."""
    if line.kind != "text" or first.kind in ("table", "heading"):
        return False
    if _ENDS_SENTENCE.search(text, previous.start, previous.end):
        return wrapped
    if _STARTS_LOWER.match(text, line.start):
        return True
    return wrapped and previous.end - previous.start >= 0.6 * longest


def _is_heading(piece: str) -> bool:
    if _ENDS_SENTENCE.search(piece, max(0, len(piece) - 16)):
        return False
    cjk_chars = len(_CJK_CHAR.findall(piece))
    if cjk_chars:
        return cjk_chars <= HEADING_MAX_CJK_CHARS
    return len(piece.split()) <= HEADING_MAX_WORDS


def _cjk_cuts(segment: str, start: int, end: int):
    """Cut segment[start:end] after each Chinese/Japanese sentence end."""
    last = start
    for match in _CJK_END.finditer(segment, start, end):
        if segment[match.end() : end].strip():
            yield last, match.end()
            last = match.end()
    yield last, end


def _continues_quote(segment: str, previous: tuple[int, int], start: int) -> bool:
    """A "?" or "!" (or a quoted full stop) followed by lower case does not end the sentence:
    '"Why now?" he asked.'"""
    return bool(
        _ENDS_QUESTION_OR_QUOTE.search(segment, previous[0], previous[1])
        and _STARTS_LOWER.match(segment, start)
    )
