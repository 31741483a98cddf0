"""Topic relevance: does an article talk about the topic the user follows (Xiaomi)?

A :class:`TopicProfile` is a list of weighted phrases, a list of look-alike phrases
that must not count, and a threshold. It ships as ``data/topic/xiaomi.json``; the
user's edited copy lives beside the library (``<library dir>/topic.json``) and
wins when present.

    >>> profile = load_profile()
    >>> score("Mi Band 8 review", "Two weeks on one charge.", profile).relevant
    True
    >>> score("Snow closes schools in Lansing, MI", "Roads up to 300 mi away ...", profile).relevant
    False

Phrase syntax (shared with :mod:`digest_app.collect.tag_rules`):

- Plain text is matched literally, ignoring case unless the phrase says
  ``"exact_case": true`` ("MI" the state and "Mi" the product line differ only in case).
- Latin words match whole words only: "Mi" does not match "Mia", "MiG" or "Michigan".
  A trailing ``*`` lets the last word go on ("smartphone*" also finds "smartphones").
- A space matches any run of white space; next to Chinese characters it may also be absent.
- Chinese, Japanese and Korean text is matched as a substring (小米 inside 小米集团).
- ``<n>`` is a model number (11, 9T, 14T); ``<code>`` is a letter and a number (F6, K70);
  ``<model>`` is any entry of the profile's ``models`` list ("Mi <model>" is Mi 11, Mi Band ...).

Where phrases overlap, the one that starts first counts; at the same start an
excluded phrase (weight 0 or below) wins, then the longer match. So 小米粥 (millet
porridge), an exclusion, hides its 小米.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np

from digest_app.errors import InputError
from digest_app.files import write_atomically
from digest_app.nlp.cjk import HANGUL, HIRAGANA, KATAKANA, HAN
from digest_app.paths import data_file

PROFILE_FORMAT = 1
SHIPPED_PROFILE = data_file("topic", "xiaomi.json")
USER_PROFILE_NAME = "topic.json"

#: Letters and digits that make up a Latin-script word (a word boundary is where they stop).
_WORD_CHARS = "A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_NON_ASCII_WORD_CHAR = re.compile("[\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_UNSPACED = HAN + HIRAGANA + KATAKANA + HANGUL
_PLACEHOLDERS = {
    "<n>": r"[0-9]{1,4}[A-Za-z]{0,2}",
    "<code>": r"[A-Z][0-9]{1,4}[A-Za-z]{0,2}",
}
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
_MAX_CACHED_PREFIXES = 50_000
_PIECE = re.compile(r"<n>|<code>|<model>|\*$|\s+|.", re.DOTALL)
#: A phrase as a matcher holds it: (group, index in group, rank at the same start, regex).
_Entry = tuple[int, int, int, re.Pattern[str]]
#: Each ASCII letter and digit as its lower-case byte, every other byte as 0.
_ASCII_WORD_BYTES = bytes(ord(chr(b).lower()) if chr(b).isascii() and chr(b).isalnum() else 0 for b in range(256))
#: The same for code points up to 128 (any above stands for 128).
_ASCII_WORD_CODES = np.frombuffer(_ASCII_WORD_BYTES[:129], dtype=np.uint8)
#: Below this many characters a text is cut into words by the regex (numpy's cost per
#: call is more than the regex's for a title).
_ARRAY_WORDS_MIN_CHARS = 200

PHRASE_HELP = (
    "Phrases: plain text, matched ignoring case unless exact_case is true. Latin words match "
    "whole words only; a trailing * lets the last word go on (smartphone* = smartphones). "
    "A space matches any white space (and may be absent next to Chinese characters). Chinese "
    "text matches anywhere. <n> = a model number (11, 9T); <code> = a letter and a number "
    "(F6, K70); <model> = any entry of the models list. Where phrases overlap, the one that "
    "starts first counts; at the same start a phrase of weight 0 or below wins, then the "
    "longer match, so 小米粥 (millet porridge) hides its 小米."
)
PROFILE_HELP = (
    "Topic profile used to decide whether an article is about the topic. Each phrase found "
    "adds its weight: once for the title (times title_weight) and once for the body, where "
    "each repeat adds repeat_weight times the weight, up to max_repeats repeats. An article is "
    "relevant when the total reaches threshold. exclude lists look-alikes (weight 0 or "
    "below): each hides any term it overlaps, and a negative weight counts against the "
    "article (farming words against 小米 the grain). " + PHRASE_HELP
)


@dataclass(frozen=True)
class Term:
    """A weighted phrase. ``note`` says why it is there, for whoever edits the list."""

    pattern: str
    weight: float = 0.0
    exact_case: bool = False
    note: str = ""


@dataclass(frozen=True)
class Relevance:
    """How strongly an article is about the topic, and the phrases that said so."""

    score: float
    relevant: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicProfile:
    """What the topic filter looks for. Build one with :func:`load_profile`."""

    name: str
    terms: tuple[Term, ...]
    threshold: float
    exclude: tuple[Term, ...] = ()
    models: tuple[str, ...] = ()
    title_weight: float = 1.5
    repeat_weight: float = 0.5
    max_repeats: int = 3
    description: str = ""

    @cached_property
    def matcher(self) -> "PhraseMatcher":
        """All phrases compiled once (on first use), exclusions first."""
        return PhraseMatcher([[*self.exclude, *self.terms]], self.models)


def score(title: str, text: str, profile: TopicProfile) -> Relevance:
    """How relevant an article is to *profile*, from its title and plain text."""
    (title_counts,) = profile.matcher.counts(title)
    (body_counts,) = profile.matcher.counts(text)
    return score_counts(title_counts, body_counts, profile)


def score_counts(title_counts: Mapping[int, int], body_counts: Mapping[int, int], profile: TopicProfile) -> Relevance:
    """:func:`score` from the counts of the profile's phrases in the title and the text
    (its matcher's group, maybe counted by a matcher joined with others)."""
    weights = [t.weight for t in profile.exclude] + [t.weight for t in profile.terms]
    contributions = weighted_sum(
        title_counts, body_counts, weights,
        title_weight=profile.title_weight,
        repeat_weight=profile.repeat_weight,
        max_repeats=profile.max_repeats,
    )
    total = sum(contributions.values())
    first_term = len(profile.exclude)
    matched = tuple(
        profile.terms[i - first_term].pattern
        for i, value in sorted(contributions.items(), key=lambda kv: -kv[1])
        if i >= first_term and value > 0
    )
    return Relevance(score=round(total, 3), relevant=total >= profile.threshold, matched=matched)


def weighted_sum(
    title_counts: Mapping[int, int],
    body_counts: Mapping[int, int],
    weights: Sequence[float],
    *,
    title_weight: float,
    repeat_weight: float,
    max_repeats: int,
    body_scale: float = 1.0,
) -> dict[int, float]:
    """Each phrase's contribution (by index), title and body counted as :data:`PROFILE_HELP`
    says; the body's share is multiplied by *body_scale*."""
    contributions: dict[int, float] = {}
    for index in title_counts.keys() | body_counts.keys():
        body = body_counts.get(index, 0)
        factor = title_weight if index in title_counts else 0.0
        if body:
            factor += body_scale * (1 + repeat_weight * min(body - 1, max_repeats))
        contributions[index] = weights[index] * factor
    return contributions


class PhraseMatcher:
    """Counts phrases of several independent lists ("groups") in one pass over a text.

        >>> m = PhraseMatcher([[Term("Mi <model>", exact_case=True), Term("xiaomi")]], ["Band", "<n>"])
        >>> m.counts("Xiaomi said the Mi Band and the Mi 11 sold well; mi/h is a unit.")
        [{1: 1, 0: 2}]

    Within a group, counted matches do not overlap: the one that starts first counts;
    at the same start a phrase of weight 0 or below (an exclusion) wins, then the
    longest match, then list order. Groups do not affect each other (the tag rules
    are one group each).

    Rather than one big alternation (which sre tries branch by branch at almost every
    letter), the text is cut into words once and each word's first letters pick the
    few phrases that could start there, so the cost hardly grows with the phrase count.
    """

    def __init__(self, groups: Sequence[Sequence[Term]], models: Iterable[str] = ()) -> None:
        model_regex = "|".join(_phrase_regex(m, "") for m in models) or r"(?!)"
        by_key: dict[str, list[_Entry]] = {}
        by_unspaced_char: dict[str, list[_Entry]] = {}
        word_ends_after_key: set[re.Pattern[str]] = set()
        for group_number, group in enumerate(groups):
            for index, phrase in enumerate(group):
                regex = _phrase_regex(phrase.pattern, model_regex)
                entry = (group_number, index, 0 if phrase.weight <= 0 else 1,
                         re.compile(regex if phrase.exact_case else f"(?i:{regex})"))
                key = _start_key(phrase.pattern)
                if _is_unspaced(key):
                    by_unspaced_char.setdefault(key, []).append(entry)
                else:
                    by_key.setdefault(key, []).append(entry)
                    if _word_ends_after_key(phrase.pattern, key):
                        word_ends_after_key.add(entry[3])
        self._index([tuple(group) for group in groups], by_key, by_unspaced_char, word_ends_after_key)

    @classmethod
    def joined(cls, *matchers: "PhraseMatcher") -> "PhraseMatcher":
        """One matcher for the groups of all *matchers*, in order, that reads a text once
        (their compiled phrases are shared)::

            >>> PhraseMatcher.joined(a, b).counts(text) == a.counts(text) + b.counts(text)
            True
        """
        groups: list[tuple[Term, ...]] = []
        by_key: dict[str, list[_Entry]] = {}
        by_unspaced_char: dict[str, list[_Entry]] = {}
        word_ends_after_key: set[re.Pattern[str]] = set()
        for matcher in matchers:
            offset = len(groups)
            for joined, own in ((by_key, matcher._by_key), (by_unspaced_char, matcher._by_unspaced_char)):
                for key, entries in own.items():
                    joined.setdefault(key, []).extend((g + offset, i, r, regex) for g, i, r, regex in entries)
            groups += matcher._groups
            word_ends_after_key |= matcher._word_ends_after_key
        joined_matcher = cls.__new__(cls)
        joined_matcher._index(groups, by_key, by_unspaced_char, word_ends_after_key)
        return joined_matcher

    def _index(
        self,
        groups: list[tuple[Term, ...]],
        by_key: dict[str, list[_Entry]],
        by_unspaced_char: dict[str, list[_Entry]],
        word_ends_after_key: set[re.Pattern[str]],
    ) -> None:
        self._groups = groups
        #: Phrases by the key of the word they start with; each entry is
        #: (group, index in group, rank at the same start, regex).
        self._by_key = by_key
        self._by_unspaced_char = by_unspaced_char
        #: The regexes of phrases whose key (shorter than three letters) is a whole word:
        #: "Mi Band" can start at "Mi", never at "Mild".
        self._word_ends_after_key = word_ends_after_key
        chars = "".join(re.escape(c) for c in self._by_unspaced_char)
        self._unspaced_starts = re.compile(f"[{chars}]") if chars else None
        self._lengths = sorted({len(key) for key in self._by_key if not key.startswith("<")})
        # The first three letters of each word that begins with a letter some phrase
        # begins with. The letter class comes first and the word-start check after it,
        # so sre skips other positions in C.
        firsts = {key[0] for key in self._by_key if not key.startswith("<")}
        if "<n>" in self._by_key:
            firsts |= set("0123456789")
        if "<code>" in self._by_key:
            firsts |= set("abcdefghijklmnopqrstuvwxyz")
        firsts |= {c.upper() for c in firsts}
        letters = "".join(re.escape(c) for c in sorted(firsts))
        self._word_starts = (
            re.compile(f"[{letters}](?<![{_WORD_CHARS}].)[{_WORD_CHARS}]{{0,2}}") if letters else None
        )
        #: Candidate phrases by a word's first three letters, lower-cased (filled as met).
        self._candidates: dict[str, tuple[_Entry, ...]] = {}
        #: The same by those letters' bytes packed in an integer, for ASCII texts.
        self._candidates_by_code: dict[int, tuple[_Entry, ...]] = {}

    def counts(self, text: str) -> list[dict[int, int]]:
        """For each group, how often each of its phrases occurs in *text* (by index)."""
        found: list[tuple[int, int, int, int, int]] = []  # (start, group, rank, -end, index)
        ascii_words = len(text) >= _ARRAY_WORDS_MIN_CHARS and (
            text.isascii() or _NON_ASCII_WORD_CHAR.search(text) is None
        )
        starts, found_in = self._ascii_word_candidates(text) if ascii_words else self._word_candidates(text)
        # Most words start no phrase: they are skipped with compress(), in C, and only
        # the few that may start one reach the loop.
        for number in compress(range(len(starts)), found_in):
            start = starts[number]
            for group, index, rank, regex in found_in[number]:
                match = regex.match(text, start)
                if match is not None:
                    found.append((start, group, rank, -match.end(), index))
        if self._unspaced_starts is not None and not text.isascii():
            for char in self._unspaced_starts.finditer(text):
                start = char.start()
                for group, index, rank, regex in self._by_unspaced_char[char.group()]:
                    match = regex.match(text, start)
                    if match is not None:
                        found.append((start, group, rank, -match.end(), index))
        counts: list[dict[int, int]] = [{} for _ in self._groups]
        busy_until = [0] * len(self._groups)
        # Sorted, the winner at each start comes first: exclusion, then longest, then list order.
        for start, group, _rank, negative_end, index in sorted(found):
            if start < busy_until[group]:
                continue
            busy_until[group] = -negative_end
            counts[group][index] = counts[group].get(index, 0) + 1
        return counts

    def _word_candidates(self, text: str) -> tuple[list[int], list[tuple[_Entry, ...]]]:
        """Where each word of *text* that begins with a letter some phrase begins with
        starts, and the phrases that could start there."""
        words = list(self._word_starts.finditer(text)) if self._word_starts is not None else []
        # Looked up with map(), in C: most words are.
        prefixes = list(map(str.lower, map(re.Match.group, words)))
        cache = self._candidates
        unseen = set(prefixes).difference(cache)
        if unseen:
            if len(cache) + len(unseen) > _MAX_CACHED_PREFIXES:  # a long-running app meets many words
                cache.clear()
                unseen = set(prefixes)
            for prefix in unseen:
                cache[prefix] = self._candidates_for(prefix)
        return list(map(re.Match.start, words)), list(map(cache.__getitem__, prefixes))

    def _ascii_word_candidates(self, text: str) -> tuple[list[int], list[tuple[_Entry, ...]]]:
        """:meth:`_word_candidates` for a text whose words are all ASCII (any other
        character in it is no letter of :data:`_WORD_CHARS`), found with array
        operations: five times faster than the regex on an article. Every word is
        given, and those no phrase could start at have no candidates."""
        if text.isascii():
            lower = np.frombuffer(text.encode("ascii").translate(_ASCII_WORD_BYTES) + b"\0\0", dtype=np.uint8)
        else:
            points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            lower = np.concatenate((_ASCII_WORD_CODES[np.minimum(points, 128)], np.zeros(2, dtype=np.uint8)))
        in_word = lower != 0
        starts = np.flatnonzero(in_word[:-2] & ~np.concatenate(([False], in_word[:-3])))
        second = lower[starts + 1].astype(np.int64)
        third = lower[starts + 2] * (second != 0)
        codes = ((lower[starts].astype(np.int64) << 16) | (second << 8) | third).tolist()
        cache = self._candidates_by_code
        found_in = list(map(cache.get, codes))
        if None in found_in:  # words met for the first time
            if len(cache) > _MAX_CACHED_PREFIXES:  # a long-running app meets many words
                cache.clear()
            for position, code in enumerate(codes):
                if found_in[position] is None:
                    if code not in cache:
                        prefix = bytes((code >> 16, (code >> 8) & 0xFF, code & 0xFF)).rstrip(b"\0").decode("ascii")
                        cache[code] = self._candidates_for(prefix)
                    found_in[position] = cache[code]
        return starts.tolist(), found_in

    def _candidates_for(self, prefix: str) -> tuple[_Entry, ...]:
        """The phrases that could start at a word beginning with *prefix* (lower case)."""
        candidates = []
        for length in self._lengths:
            if length < len(prefix) and prefix[: length + 1].isascii():
                # The word goes on after this key (an ASCII letter or digit follows it: no
                # other letter of _WORD_CHARS lower-cases to ASCII, while "İ" becomes "i̇"):
                # phrases that need it to end there cannot start.
                ends = self._word_ends_after_key
                candidates += (e for e in self._by_key.get(prefix[:length], ()) if e[3] not in ends)
            elif length <= len(prefix):
                candidates += self._by_key.get(prefix[:length], ())
        if prefix[0].isdigit():
            candidates += self._by_key.get("<n>", ())
        elif len(prefix) > 1 and prefix[1].isdigit():
            candidates += self._by_key.get("<code>", ())
        return tuple(candidates)


def _start_key(pattern: str) -> str:
    """What a word must begin with for *pattern* to start there: up to three lower-case
    letters, ``<n>`` (a number) or ``<code>`` (a letter and a number); or the first
    character of a Chinese, Japanese or Korean phrase."""
    pieces = _PIECE.findall(pattern.strip())
    if not pieces:
        raise InputError("a phrase cannot be empty")
    if pieces[0] in _PLACEHOLDERS:
        return pieces[0]
    if _is_unspaced(pieces[0]):
        return pieces[0]
    letters = ""
    for piece in pieces[:3]:
        if len(piece) != 1 or not re.fullmatch(f"[{_WORD_CHARS}]", piece):
            break
        letters += piece
    if not letters:
        raise InputError(
            f"a phrase must start with a letter, a digit, a Chinese character, <n> or <code>: {pattern!r}"
        )
    return letters.lower()


def _phrase_regex(pattern: str, model_regex: str) -> str:
    """The regex for one phrase of the syntax in :data:`PHRASE_HELP`."""
    pieces = _PIECE.findall(pattern.strip())
    if not pieces:
        raise InputError("a phrase cannot be empty")
    parts: list[str] = []
    for position, piece in enumerate(pieces):
        if piece in _PLACEHOLDERS:
            parts.append(_PLACEHOLDERS[piece])
        elif piece == "<model>":
            parts.append(f"(?:{model_regex})")
        elif piece == "*":
            parts.append(f"[{_WORD_CHARS}]*")
        elif piece.isspace():
            before, after = pieces[position - 1][-1], pieces[position + 1][0]
            joined = _is_unspaced(before) or _is_unspaced(after)
            parts.append(r"\s*" if joined else r"\s+")
        else:
            parts.append(re.escape(piece))
    regex = "".join(parts)
    if _is_word_edge(pieces[0]):
        regex = f"(?<![{_WORD_CHARS}]){regex}"
    if _is_word_edge(pieces[-1]):
        regex = f"{regex}(?![{_WORD_CHARS}])"
    return regex


def _word_ends_after_key(pattern: str, key: str) -> bool:
    """Whether *pattern*, whose start key is *key*, matches only where the word it starts
    with ends after the key: the key is one or two ASCII letters or digits and the phrase
    goes on with white space or ASCII punctuation, or ends there ("Mi Band", "in-house",
    "AI"). (Such characters have no case, so no letter matches them ignoring case.)"""
    if not key.isascii() or len(key) >= 3 or key.startswith("<"):
        return False
    pieces = _PIECE.findall(pattern.strip())
    if len(pieces) == len(key):
        return True  # the phrase is the word: its regex ends with a word edge
    following = pieces[len(key)]
    if following.isspace():
        return True
    return len(following) == 1 and following.isascii() and not following.isalnum() and following != "*"


def _is_unspaced(char: str) -> bool:
    return len(char) == 1 and bool(_UNSPACED_CHAR.match(char))


def _is_word_edge(piece: str) -> bool:
    return piece in ("<n>", "<code>", "<model>") or bool(re.fullmatch(f"[{_WORD_CHARS}]", piece))


# --- files -------------------------------------------------------------------------


def user_file(library_path: str | os.PathLike[str], name: str) -> Path:
    """Where the user's copy of a shipped data file lives: beside the library."""
    return Path(library_path).expanduser().parent / name


def profile_path_for(library_path: str | os.PathLike[str]) -> Path:
    """The profile a library uses: the user's ``topic.json`` beside it, else the shipped one."""
    own = user_file(library_path, USER_PROFILE_NAME)
    return own if own.is_file() else SHIPPED_PROFILE


def load_profile(path: str | os.PathLike[str] | None = None) -> TopicProfile:
    """Read a topic profile (default: the shipped Xiaomi profile).

    Raises :class:`InputError` naming the file when it cannot be read or is malformed.
    """
    path = Path(path) if path is not None else SHIPPED_PROFILE
    raw = read_json_object(path)
    try:
        check_format(raw, PROFILE_FORMAT)
        profile = TopicProfile(
            name=str(raw.get("name", "")),
            description=str(raw.get("description", "")),
            threshold=float(raw["threshold"]),
            title_weight=float(raw.get("title_weight", 1.5)),
            repeat_weight=float(raw.get("repeat_weight", 0.5)),
            max_repeats=int(raw.get("max_repeats", 3)),
            models=tuple(str(m) for m in raw.get("models", ())),
            terms=terms_from_json(raw["terms"]),
            exclude=terms_from_json(raw.get("exclude", ())),
        )
        for term in profile.exclude:
            if term.weight > 0:
                raise ValueError(f"excluded phrase {term.pattern!r} has a positive weight")
        profile.matcher  # noqa: B018 - compile now, so a bad phrase is reported on load
    except (KeyError, TypeError, ValueError, re.error, InputError) as exc:
        raise InputError(f"{path}: not a valid topic profile ({_reason(exc)})") from exc
    return profile


def save_profile(profile: TopicProfile, path: str | os.PathLike[str]) -> None:
    """Write *profile* as JSON, replacing *path* in one step (never half-written)."""
    document = {
        "format": PROFILE_FORMAT,
        "help": PROFILE_HELP,
        "name": profile.name,
        "description": profile.description,
        "threshold": profile.threshold,
        "title_weight": profile.title_weight,
        "repeat_weight": profile.repeat_weight,
        "max_repeats": profile.max_repeats,
        "models": list(profile.models),
        "terms": terms_to_json(profile.terms),
        "exclude": terms_to_json(profile.exclude),
    }
    write_json_atomically(Path(path), document)


def terms_from_json(items: Iterable[Mapping[str, Any]]) -> tuple[Term, ...]:
    """Terms from their JSON form: ``{"pattern", "weight", "exact_case", "note"}``."""
    terms = []
    for item in items:
        weight = float(item.get("weight", 0.0))
        if not math.isfinite(weight):
            raise ValueError(f"weight of {item.get('pattern')!r} is not a number")
        terms.append(
            Term(
                pattern=str(item["pattern"]),
                weight=weight,
                exact_case=bool(item.get("exact_case", False)),
                note=str(item.get("note", "")),
            )
        )
    return tuple(terms)


def terms_to_json(terms: Iterable[Term]) -> list[dict[str, Any]]:
    """The JSON form of terms, leaving out fields at their defaults."""
    out = []
    for term in terms:
        item: dict[str, Any] = {"pattern": term.pattern}
        if term.weight:
            item["weight"] = term.weight
        if term.exact_case:
            item["exact_case"] = True
        if term.note:
            item["note"] = term.note
        out.append(item)
    return out


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from *path*, or :class:`InputError` naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a JSON object at the top")
    return raw


def check_format(raw: Mapping[str, Any], expected: int) -> None:
    """Refuse files written in a newer format than this version understands."""
    version = raw.get("format", expected)
    if not isinstance(version, int) or version > expected:
        raise ValueError(f"format {version!r} is newer than this version of Digest reads ({expected})")


def write_json_atomically(path: Path, document: Mapping[str, Any]) -> None:
    """Write JSON to *path* in one step (see :func:`digest_app.files.write_atomically`),
    making its folder first: the user's copy of a shipped file may be the first one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    write_atomically(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n", error=InputError)


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}"
    return str(exc)
