"""Key phrases of an article, for tag suggestions and digests.

    >>> keywords(text, title="Xiaomi unveils Mi MIX Alpha")     # doctest: +SKIP
    ['Mi MIX Alpha', 'Xiaomi', 'Surround Display', 'smartphone', ...]

A candidate is a run of one to three content words (no stopword, no punctuation
between them) or, in Chinese and Japanese, a run of two to four Han/katakana
characters that recurs and is not always part of the same longer run (so "智能手机"
stands, "能手" does not); counted expressions ("第二代", "两款", "三年") are cut out of a run
first, so "第二代玄戒" gives "玄戒". Each occurrence counts more early in the article and
more still in the title; phrases of several words must occur twice (the title
counts) and get a bonus for length. A phrase mostly seen inside a longer chosen
phrase is dropped ("MIX Alpha" inside "Mi MIX Alpha"). Names (capitals in
mid-sentence) get a bonus and lone words that look like modifiers ("-ly", "-ing",
"-ous" ...) a penalty, as there is no part-of-speech tagger offline. Each phrase is
shown in the casing it most often has in mid-sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from digest_app.nlp.cjk import CJK_NUMERALS
from digest_app.nlp.language import detect_language
from digest_app.nlp.sentences import sentence_spans
from digest_app.nlp.terms import Token, tokens
from digest_app.nlp.wordlists import cjk_measure_chars, cjk_stop_chars, generic_words

#: Longest phrase, in words (Latin script) and characters (CJK).
MAX_WORDS = 3
MAX_CJK_CHARS = 4
#: An occurrence in sentence s weighs 1 + EARLY_WEIGHT / (1 + s).
EARLY_WEIGHT = 1.0
#: Weight of an occurrence in the title.
TITLE_WEIGHT = 3.0
#: Score bonus per word (or CJK character) beyond the first (second).
LENGTH_BONUS = 0.5
#: Score factor for a word written with a capital in mid-sentence (a name).
NAME_BONUS = 1.5
#: Score factor for a lower-case single word that looks like a verb, adverb or adjective.
MODIFIER_FACTOR = 0.5
_MODIFIER_ENDING = re.compile(r"(?:ly|ing|ed|ous|ive|ful|able|ible)$")
#: A sub-phrase is kept beside a longer chosen phrase only if it occurs this many times as often.
SUBPHRASE_RATIO = 2.0
# Between two words of one phrase only spaces, or a hyphen or slash, may stand.
_JOINERS = frozenset(" -/\u00a0")
_POSSESSIVE = re.compile(r"['’]s$")
# Keys of CJK phrases start with this, so they never equal a tuple of word terms.
_CJK_KEY = "\u3000"


@dataclass
class _Phrase:
    key: tuple[str, ...]
    size: int  # words, or CJK characters minus one
    first_seen: int
    weight: float = 0.0
    count: int = 0
    surfaces: dict[str, int] = field(default_factory=dict)
    initial_surfaces: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float:
        score = self.weight * (1.0 + LENGTH_BONUS * (self.size - 1))
        if self.key[0].startswith(_CJK_KEY):
            return score
        shown = self.display()
        if self.surfaces and shown != shown.lower():
            score *= NAME_BONUS
        elif self.size == 1 and _MODIFIER_ENDING.search(shown):
            score *= MODIFIER_FACTOR
        return score

    def display(self) -> str:
        """The commonest mid-sentence spelling (sentence-initial capitals mislead)."""
        surfaces = self.surfaces or self.initial_surfaces
        return max(surfaces.items(), key=lambda item: item[1])[0]


def keywords(
    text: str, title: str | None = None, limit: int = 8, *, language: str | None = None
) -> list[str]:
    """The top *limit* key phrases of *text*, best first, in readable casing."""
    if limit <= 0:
        return []
    language = language or detect_language(text) or "en"
    phrases: dict[tuple[str, ...], _Phrase] = {}
    units = [("title", title)] if title else []
    units += [("text", sentence.text) for sentence in sentence_spans(text) if sentence.kind != "table"]
    for index, (where, unit_text) in enumerate(units):
        weight = TITLE_WEIGHT if where == "title" else 1.0 + EARLY_WEIGHT / (1 + index)
        _collect(unit_text, list(tokens(unit_text, language)), weight, phrases)
    extension_counts = _extension_counts(phrases)
    ranked = sorted(
        (phrase for phrase in phrases.values() if _eligible(phrase, extension_counts)),
        key=lambda phrase: (-phrase.score, phrase.first_seen),
    )
    return [phrase.display() for phrase in _without_subphrases(ranked, limit)]


def _collect(
    unit_text: str, unit_tokens: list[Token], weight: float, phrases: dict[tuple[str, ...], _Phrase]
) -> None:
    """Count every candidate phrase of one sentence (or the title) into *phrases*."""

    def add(key: tuple[str, ...], size: int, surface: str, initial: bool) -> None:
        phrase = phrases.get(key)
        if phrase is None:
            phrase = phrases[key] = _Phrase(key, size, len(phrases))
        phrase.weight += weight
        phrase.count += 1
        surfaces = phrase.initial_surfaces if initial else phrase.surfaces
        surfaces[surface] = surfaces.get(surface, 0) + 1

    for run in _word_runs(unit_text, unit_tokens):
        for start in range(len(run)):
            for end in range(start + 1, min(start + MAX_WORDS, len(run)) + 1):
                words = run[start:end]
                key = tuple(word.terms[0] for word in words)
                surface = _POSSESSIVE.sub("", unit_text[words[0].start : words[-1].end])
                add(key, end - start, surface, words[0].start == unit_tokens[0].start)
    stop = cjk_stop_chars()
    for token in unit_tokens:
        if not token.cjk:
            continue
        after_digit = token.start > 0 and unit_text[token.start - 1].isdigit()
        for run in _uncounted(token.surface, after_digit):
            # One character longer than we show, to tell whether a chunk is maximal.
            for start in range(len(run)):
                for end in range(start + 2, min(start + MAX_CJK_CHARS + 1, len(run)) + 1):
                    chunk = run[start:end]
                    if chunk[0] in stop or chunk[-1] in stop:
                        continue
                    add((_CJK_KEY + chunk,), end - start - 1, chunk, False)


def _uncounted(run: str, after_digit: bool) -> list[str]:
    """The parts of a CJK *run* around its counted expressions: an ordinal or numeral
    and the measure word after it ("第二代", "两款", "三年"), or a measure word right
    after digits ("2026年"), which name how many, never what."""
    measures = cjk_measure_chars()
    if after_digit and run[:1] in measures:
        run = run[1:]
    return [part for part in _counted_expression().split(run) if part]


@lru_cache(maxsize=1)
def _counted_expression() -> re.Pattern[str]:
    measures = "".join(sorted(cjk_measure_chars()))
    return re.compile(f"第?[{CJK_NUMERALS}]+[{measures}]|第[{CJK_NUMERALS}]+")


def _word_runs(unit_text: str, unit_tokens: list[Token]) -> list[list[Token]]:
    """Maximal runs of content words with nothing but a space (or - /) between them."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    previous_end = None
    for token in unit_tokens:
        content = not token.cjk and bool(token.terms)
        joined = previous_end is not None and set(unit_text[previous_end : token.start]) <= _JOINERS
        if content and run and joined:
            run.append(token)
        else:
            if run:
                runs.append(run)
            run = [token] if content else []
        previous_end = token.end
    if run:
        runs.append(run)
    return runs


def _eligible(phrase: _Phrase, extension_counts: dict[str, int]) -> bool:
    if phrase.key[0].startswith(_CJK_KEY):
        chunk = phrase.key[0][1:]
        # A chunk always seen inside the same longer run is a fragment of it.
        maximal = extension_counts.get(chunk, 0) < phrase.count
        return phrase.count >= 2 and len(chunk) <= MAX_CJK_CHARS and maximal
    if phrase.size > 1 and phrase.count < 2:
        return False
    words = phrase.display().lower().split()
    generic = generic_words()
    return all(word not in generic and any(char.isalpha() for char in word) for word in (words[0], words[-1]))


def _extension_counts(phrases: dict[tuple[str, ...], _Phrase]) -> dict[str, int]:
    """For each CJK chunk, how often its commonest one-character-longer extension occurs."""
    counts: dict[str, int] = {}
    for phrase in phrases.values():
        key = phrase.key[0]
        if key.startswith(_CJK_KEY) and len(key) > 3:
            chunk = key[1:]
            for part in (chunk[1:], chunk[:-1]):
                counts[part] = max(counts.get(part, 0), phrase.count)
    return counts


def _without_subphrases(ranked: list[_Phrase], limit: int) -> list[_Phrase]:
    chosen: list[_Phrase] = []
    for phrase in ranked:
        if len(chosen) >= limit:
            break
        longer = next((other for other in chosen if _contains(other, phrase)), None)
        if longer is not None and phrase.count < SUBPHRASE_RATIO * longer.count:
            continue
        shorter = next((other for other in chosen if _contains(phrase, other)), None)
        if shorter is not None and shorter.count < SUBPHRASE_RATIO * phrase.count:
            chosen[chosen.index(shorter)] = phrase
            continue
        chosen.append(phrase)
    return chosen


def _contains(longer: _Phrase, shorter: _Phrase) -> bool:
    """Whether *shorter* is a contiguous part of *longer* (and not the same phrase)."""
    if longer is shorter or longer.size <= shorter.size:
        return False
    if longer.key[0].startswith(_CJK_KEY) != shorter.key[0].startswith(_CJK_KEY):
        return False
    if longer.key[0].startswith(_CJK_KEY):
        return shorter.key[0][1:] in longer.key[0][1:]
    width = len(shorter.key)
    return any(longer.key[i : i + width] == shorter.key for i in range(len(longer.key) - width + 1))
