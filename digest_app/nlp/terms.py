"""Scoring terms: lower-cased, stopword-free, Snowball-stemmed words and CJK character bigrams.

    >>> terms("Xiaomi's smartphone shipments rose in the third quarter")
    ['xiaomi', 'smartphon', 'shipment', 'rose', 'third', 'quarter']
    >>> terms("小米发布新手机")
    ['小米', '米发', '发布', '布新', '新手', '手机']

Stems come from the Snowball stemmers (PyStemmer, the Snowball project's own C
implementation): algorithms, no downloaded data. They are cached, since news
repeats its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from digest_app.nlp.cjk import BIGRAM_RUN, UNSPACED
from digest_app.nlp.wordlists import cjk_stop_chars, stopwords

#: Snowball algorithm for each language we stem.
SNOWBALL_LANGUAGES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
}
#: Stem caches are dropped when they grow past this many words.
STEM_CACHE_LIMIT = 200_000

# A token is a run of Han/katakana, a decimal number, or a word of letters and
# digits (apostrophes inside, as in "don't"); CJK is kept out of the last kind.
_TOKEN = re.compile(
    rf"(?P<cjk>{BIGRAM_RUN.pattern})"
    r"|(?P<number>\d+(?:[.,]\d+)+)"
    rf"|(?P<word>[^\W_{UNSPACED}]+(?:['’][^\W_{UNSPACED}]+)*)"
)


class Token(NamedTuple):
    """A word or CJK run as it appears in the text, with the terms it yields.

    ``terms`` is empty for a stopword; a CJK run yields its bigrams.
    """

    surface: str
    start: int
    end: int
    terms: tuple[str, ...]
    cjk: bool


def terms(text: str, language: str | None = None) -> list[str]:
    """The scoring terms of *text*, in order, repeats kept.

    *language* (ISO 639-1, or a tag such as ``"de-DE"``) picks the stopword
    list and stemmer, English when None or when we have no stemmer for it; CJK
    runs always become character bigrams.
    """
    vocabulary = _vocabulary(language)
    known = vocabulary.known  # hot loop: look the cache up inline
    found: list[str] = []
    for cjk, number, word in _TOKEN.findall(text):
        if cjk:
            found.extend(cjk_bigrams(cjk))
            continue
        word = word or number
        term = known.get(word)
        if term is None:
            term = vocabulary.term_of(word)
        if term:
            found.append(term)
    return found


def tokens(text: str, language: str | None = None) -> Iterator[Token]:
    """Every word and CJK run of *text* with its position and terms (for phrase finding)."""
    term_of = _vocabulary(language).term_of
    for match in _TOKEN.finditer(text):
        surface = match.group()
        if match.lastgroup == "cjk":
            yield Token(surface, match.start(), match.end(), tuple(cjk_bigrams(surface)), True)
        else:
            term = term_of(surface)
            yield Token(surface, match.start(), match.end(), (term,) if term else (), False)


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a Han/katakana run, minus those with a function character."""
    stop = cjk_stop_chars()
    if len(run) == 1:
        return [] if run in stop else [run]
    return [run[i : i + 2] for i in range(len(run) - 1) if run[i] not in stop and run[i + 1] not in stop]


class _Vocabulary:
    """Word -> term for one language ("" for a stopword), memoized in ``known``."""

    def __init__(self, language: str) -> None:
        import Stemmer

        self._stem = Stemmer.Stemmer(SNOWBALL_LANGUAGES[language], 0).stemWord
        self._stop = stopwords(language)
        self.known: dict[str, str] = {}

    def term_of(self, word: str) -> str:
        term = self.known.get(word)
        if term is not None:
            return term
        stop = self._stop
        lowered = word.lower().replace("’", "'")
        if lowered.endswith("'s") and lowered not in stop:
            lowered = lowered[:-2]
        if lowered in stop or (len(lowered) == 1 and not lowered.isdigit()):
            term = ""
        elif not lowered.replace("'", "").isalpha():
            term = lowered  # numbers and codes ("108mp", "5.5") are not stemmed
        else:
            term = self._stem(lowered)
            if term in stop:
                term = ""
        if len(self.known) >= STEM_CACHE_LIMIT:
            self.known.clear()
        self.known[word] = term
        return term


_vocabularies: dict[str, _Vocabulary] = {}


def _vocabulary(language: str | None) -> _Vocabulary:
    # Feeds and pages give tags like "en-US" or "de_DE": the primary subtag decides.
    primary = (language or "").replace("_", "-").split("-")[0].lower()
    key = primary if primary in SNOWBALL_LANGUAGES else "en"
    vocabulary = _vocabularies.get(key)
    if vocabulary is None:
        vocabulary = _vocabularies[key] = _Vocabulary(key)
    return vocabulary
