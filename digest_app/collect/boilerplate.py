"""Telling page chrome and boilerplate apart from the text of an article.

Text that users paste together comes with what surrounded it on the web page:
"Advertisement", "Skip to main content", log-in prompts, share buttons, photo
credits, related-story teasers, and in press releases the company profile that
closes every release. The phrase lists are shipped in ``data/import/`` so that
they can be read and extended without touching code; the rules that need context
(a credit line under a caption, a short line sandwiched between chrome lines, a
paragraph repeated word for word) live here.

    >>> rules = default_rules()
    >>> rules.is_chrome("Skip to main content"), rules.is_chrome("Xiaomi opened a store.")
    (True, False)
    >>> is_photo_credit("The store opened on Feb 19. Photo: Weibo")
    True

Work is done on :class:`Line` lists (one line of text and the blank lines before
it), the form :mod:`digest_app.collect.documents` reads documents in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from digest_app.errors import InputError
from digest_app.paths import data_file

CHROME_FILE = "chrome_lines.txt"
TAIL_FILE = "tail_markers.txt"
SECTIONS_FILE = "boilerplate_sections.txt"

_MAX_CHROME_CHARS = 400
_REPEATED_MIN_CHARS = 80
_LABEL_ZONE = 10
# Related-content areas and author boxes can outweigh the article they follow; they
# are cut once at least this share (1/N) of the text stands before them.
_TAIL_SHARE = 3
_TRIM_LEFT = " \t-–—*•·▪‣◦●■>›»|#"
_TRIM_RIGHT = " \t:.…»›|>→"
_TERMINAL = ".!?…\"”’)]。！？」』"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

_TRAILING_CREDIT = re.compile(
    r"(?:^|(?<=[.!?”\"’)])\s+|\s[|–—-]\s)\(?(?:photo|photograph|picture|pic|image|illustration"
    r"|graphic|video|footage|credit)s?(?:\s+credits?)?\s*(?::|\bby\b)\s*[^.!?:]{1,60}\)?\.?$",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-Z][\w.'’-]*"
_CREDIT_LINE = re.compile(rf"^{_NAME_WORD}(?: {_NAME_WORD}){{0,3}} ?/ ?[A-Z][\w&.'’-]*(?: [A-Z&][\w&.'’-]*){{0,3}}$")
_BIO = re.compile(
    r"^(?P<first>[A-Z][\w'’-]+)(?: [A-Z][\w'’.-]+){0,2} (?:is|was) (?:a|an|the|our) (?:[\w-]+ ){0,4}"
    r"(?i:writer|editor|reporter|journalist|correspondent|contributor|columnist|author|producer"
    r"|analyst|blogger)s?\b"
)
_PERSON = re.compile(r"^[A-Z][a-z'’-]+(?:[ -](?:[A-Z][a-z'’.-]+|van|von|de|da|del|der|bin|al)){1,3}$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


class Line(NamedTuple):
    """One non-blank line of a document (a named tuple: documents have many lines).

    ``gap`` counts the blank lines before it; ``after_chrome`` says that page chrome
    stood right before it and was removed (both hint at a boundary between texts).
    ``number`` is its index among the document's non-blank lines.
    """

    text: str
    gap: int = 0
    number: int = 0
    after_chrome: bool = False


@dataclass(frozen=True)
class ChromeRules:
    """The shipped pattern lists, compiled: page chrome, related-content markers,
    boilerplate section headings.

        >>> rules = ChromeRules.load(data_file("import"))
        >>> rules.is_section_heading("About Xiaomi Corporation")
        True
    """

    chrome: PatternList
    tail_markers: PatternList
    sections: PatternList

    @classmethod
    def load(cls, folder: Path) -> ChromeRules:
        """Rules read from the three pattern files in *folder*; InputError names a bad line."""
        # Chrome and tail lines are lower-cased before matching: a case-insensitive
        # pattern is several times slower, and every line of every document is tried.
        return cls(
            chrome=_load_patterns(folder / CHROME_FILE, flags=0),
            tail_markers=_load_patterns(folder / TAIL_FILE, flags=0),
            sections=_load_patterns(folder / SECTIONS_FILE, flags=re.IGNORECASE),
        )

    def is_chrome(self, text: str) -> bool:
        """True for a line that is page chrome by the shipped list, or a photo credit."""
        if len(text) > _MAX_CHROME_CHARS:
            return False
        key = _match_key(text).lower()
        if not key:
            # Rules like "***" or "###" (but not a table's "|---|---|") are decoration.
            return "|" not in text and not any(char.isalnum() for char in text)
        return self.chrome.fullmatch(key) or _ends_with_credit(text, key[-90:])

    def is_tail_marker(self, text: str) -> bool:
        """True for a line that opens a page's related-content area ("Related stories")."""
        return len(text) <= 80 and self.tail_markers.fullmatch(_match_key(text).lower())

    def is_section_heading(self, text: str) -> bool:
        """True for a heading that opens a boilerplate section ("About Xiaomi Corporation")."""
        if len(text) > 100 or text[-1:] in ".;," or _words(text) > 10:
            return False
        return self.sections.fullmatch(text.strip(_TRIM_LEFT))


@lru_cache(maxsize=1)
def default_rules() -> ChromeRules:
    """The rules shipped in ``data/import/`` (read once per process)."""
    return ChromeRules.load(data_file("import"))


def is_photo_credit(text: str) -> bool:
    """A caption that ends with a credit ("... Photo: Weibo"), or a bare credit line."""
    return len(text) <= _MAX_CHROME_CHARS and _ends_with_credit(text, text[-90:].lower())


def _ends_with_credit(text: str, tail: str) -> bool:
    # A credit is short and ends the line, so only the lower-cased tail is looked at
    # before the pattern runs.
    if not ("photo" in tail or "pic" in tail or "image" in tail or "credit" in tail
            or "graph" in tail or "video" in tail or "footage" in tail or "illustration" in tail):
        return False
    return bool(_TRAILING_CREDIT.search(text, max(0, len(text) - 90)))


def is_credit_line(text: str) -> bool:
    """A "Firstname Lastname/Outlet" credit line, as printed under a photo."""
    return len(text) <= 80 and " " in text and bool(_CREDIT_LINE.match(text))


def author_of_bio(text: str) -> str | None:
    """The first name of an author box line ("Andy is a Senior Writer at ..."), else None."""
    match = _BIO.match(text) if len(text) < 400 and (" is " in text or " was " in text) else None
    return match["first"] if match else None


def looks_like_person(text: str) -> bool:
    """A line that is just a person's name ("Lei Jun", "雷军")."""
    return len(text) <= 40 and bool(_PERSON.match(text) or _CJK_NAME.match(text))


def looks_like_headline(text: str) -> bool:
    """A short line that reads as a headline or heading: no final period, 1-20 words
    (or at most 40 characters of Chinese or Japanese)."""
    if not 2 <= len(text) <= 160 or text[-1] in ".,;:“‘(|。，；：" or text[0] in "-*•·|[(":
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'" or _CJK.match(text)):
        return False
    return _words(text) <= 20 and (text.isascii() or len(_CJK.findall(text)) <= 40)


def looks_like_prose(text: str) -> bool:
    """A line that reads as running text rather than a label or heading (a CJK
    character counts as half a word)."""
    if len(text) > 150:
        return True
    words = _words(text)
    if not text.isascii():
        words += len(_CJK.findall(text)) // 2
    return words >= 15 or (words >= 6 and text[-1] in _TERMINAL)


def _words(text: str) -> int:
    # Lines are tidied to single spaces when read, so counting spaces counts words.
    return text.count(" ") + 1


def drop_page_chrome(lines: list[Line], rules: ChromeRules) -> list[Line]:
    """*lines* without page chrome: listed chrome phrases, photo captions with their
    credits, short lines wedged between chrome lines (widget blurbs), and paragraphs
    that occur twice or more word for word (site blurbs, disclaimers)."""
    # Related-content markers stay for drop_boilerplate_sections, which cuts there.
    chrome = [rules.is_chrome(line.text) and not rules.is_tail_marker(line.text) for line in lines]
    for i, line in enumerate(lines):
        if chrome[i]:
            continue
        if is_credit_line(line.text):
            chrome[i] = True
            caption = lines[i - 1] if i else None
            if caption is not None and line.gap == 0 and _caption_like(caption.text):
                chrome[i - 1] = True
    for i in range(1, len(lines) - 1):
        if (not chrome[i] and chrome[i - 1] and chrome[i + 1] and lines[i + 1].gap == 0
                and lines[i].gap == 0 and not looks_like_prose(lines[i].text)):
            chrome[i] = True
    repeated = _repeated_paragraphs(line.text for line in lines) | _repeated_labels(lines)
    if repeated:
        for i, line in enumerate(lines):
            if line.text in repeated:
                chrome[i] = True
    return _without(lines, chrome)


def drop_repeated_across(parts: list[list[Line]]) -> list[list[Line]]:
    """Each part without the paragraphs that appear in two or more parts (boilerplate
    every release of a file repeats)."""
    seen: Counter[str] = Counter()
    for part in parts:
        seen.update({line.text for line in part if len(line.text) >= _REPEATED_MIN_CHARS})
    shared = {key for key, count in seen.items() if count > 1}
    if not shared:
        return parts
    return [_without(part, [line.text in shared for line in part]) for part in parts]


def drop_boilerplate_sections(lines: list[Line], rules: ChromeRules) -> tuple[list[Line], str | None]:
    """*lines* cut before a trailing boilerplate section, related-content area or
    author box, and the author named by that box (None if there is none).

    A boilerplate section is only cut when what it removes is shorter than what
    stays, so a heading like "About Xiaomi" in the middle of an article cannot
    swallow it; a related-content marker or author box needs a third of the text
    before it.
    """
    total = sum(len(line.text) for line in lines)
    before = 0
    markers: list[int] = []
    for i, line in enumerate(lines):
        short = len(line.text) <= 100
        if short and rules.is_section_heading(line.text):
            if before > 0 and total - before < before:
                return _drop_at(lines[:i], markers), None
        elif short and rules.is_tail_marker(line.text):
            if before * _TAIL_SHARE >= total:
                return _drop_at(lines[:i], markers), None
            markers.append(i)
        elif i and (first := author_of_bio(line.text)):
            name = lines[i - 1].text
            kept = before - len(name)
            if looks_like_person(name) and name.split()[0] == first and kept * _TAIL_SHARE >= total:
                return _drop_at(lines[: i - 1], markers), name
        before += len(line.text)
    return _drop_at(lines, markers), None


def _drop_at(lines: list[Line], indexes: list[int]) -> list[Line]:
    """*lines* without those at *indexes* (markers too early to cut at are still chrome)."""
    if not indexes:
        return lines
    dropped = [False] * len(lines)
    for i in indexes:
        dropped[i] = True
    return _without(lines, dropped)


def _caption_like(text: str) -> bool:
    return _words(text) <= 30


def _repeated_paragraphs(texts: Iterable[str]) -> set[str]:
    counts = Counter(t for t in texts if len(t) >= _REPEATED_MIN_CHARS)
    return {key for key, count in counts.items() if count > 1}


def _repeated_labels(lines: list[Line]) -> set[str]:
    """Texts of one- or two-word lines that stand near the top and occur again further
    down: section labels and kickers ("Xiaomi", "Tech") a page prints around its headline."""
    top = {line.text for line in lines[:_LABEL_ZONE] if _label_like(line.text)}
    if not top:
        return set()
    counts = Counter(line.text for line in lines if _label_like(line.text))
    return {key for key in top if counts[key] > 1}


def _label_like(text: str) -> bool:
    return len(text) <= 30 and text[0].isalpha() and _words(text) <= 2 and text[-1] not in _TERMINAL + ",:;"


def _without(lines: list[Line], dropped: list[bool]) -> list[Line]:
    kept: list[Line] = []
    gap, after = 0, False
    for line, drop in zip(lines, dropped):
        if drop:
            gap, after = max(gap, line.gap), True
            continue
        if after or gap > line.gap:
            line = line._replace(gap=max(gap, line.gap), after_chrome=line.after_chrome or after)
        kept.append(line)
        gap, after = 0, False
    return kept


def _match_key(text: str) -> str:
    return text.strip(_TRIM_LEFT).rstrip(_TRIM_RIGHT).strip()


def _load_patterns(path: Path, flags: int) -> PatternList:
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read the pattern list ({error.strerror})") from error
    patterns = []
    for number, raw in enumerate(source.splitlines(), start=1):
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        try:
            re.compile(pattern)
        except re.error as error:
            raise InputError(f"{path}, line {number}: not a valid pattern ({error})") from error
        patterns.append(pattern)
    return PatternList(patterns, flags)


class PatternList:
    """Whole-line patterns, tried together; a pattern that can only start with one
    letter is only tried on lines starting with it.

    Trying a hundred alternatives on every line of every document is the costly
    part of chrome detection, and most patterns begin with a literal word.

        >>> PatternList(["read more", "(?:\\d+ )?comments?"], 0).fullmatch("2 comments")
        True
    """

    def __init__(self, patterns: list[str], flags: int) -> None:
        anywhere: list[str] = []
        by_first: dict[str, list[str]] = {}
        for pattern in patterns:
            for alternative in _top_level_alternatives(pattern):
                first = _first_characters(alternative) if not flags & re.IGNORECASE else None
                if first is None:
                    anywhere.append(alternative)
                else:
                    for char in first:
                        by_first.setdefault(char, []).append(alternative)
        self._anywhere = _compile_all(anywhere, flags)
        self._by_first = {char: _compile_all(found + anywhere, flags) for char, found in by_first.items()}

    def fullmatch(self, text: str) -> bool:
        if not text:
            return False
        return bool(self._by_first.get(text[0], self._anywhere).fullmatch(text))


def _compile_all(patterns: list[str], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", flags)


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _first_characters(pattern: str) -> set[str] | None:
    """The characters a match of *pattern* must start with, or None if that is not
    plain from its text (an escape, a class, an optional first item ...)."""
    if not pattern:
        return None
    if pattern.startswith("(?:"):
        end = _group_end(pattern, 0)
        if end is None or pattern[end + 1: end + 2] in ("?", "*", "{"):
            return None
        firsts: set[str] = set()
        for alternative in _top_level_alternatives(pattern[3:end]):
            found = _first_characters(alternative)
            if found is None:
                return None
            firsts |= found
        return firsts
    if pattern.startswith(("\\d", "\\(")):
        firsts, rest = (set("0123456789") if pattern[1] == "d" else {"("}), pattern[2:3]
    elif pattern[0].isalnum() or pattern[0] in " '’©":
        firsts, rest = {pattern[0]}, pattern[1:2]
    else:
        return None
    return None if rest in ("?", "*", "{") else firsts


def _group_end(pattern: str, start: int) -> int | None:
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _class_end(pattern: str, start: int) -> int:
    i = start + 1
    if pattern[i: i + 1] == "^":
        i += 1
    if pattern[i: i + 1] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i
