"""Automatic topic tags: editable rules that put tags like "EV" or "Chips" on articles.

Each :class:`TagRule` is a tag name, a colour, weighted phrases (the syntax of
:mod:`digest_app.collect.topic`, Chinese included) and a minimum score. The rules
ship as ``data/topic/tag_rules.json``; the user's edited copy lives beside the
library (``<library dir>/tag_rules.json``) and wins when present.

    >>> rules = load_rules()
    >>> rule_tags("SU7 deliveries rise", "The electric car maker said deliveries doubled.", rules)
    ['EV']

The store keeps these tags with origin "rule", so the user's own tags stay distinct:
``lib.tags.add(ids, rule_tags(title, text, rules), origin="rule")``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from digest_app.collect.topic import (
    PHRASE_HELP,
    PhraseMatcher,
    Term,
    check_format,
    read_json_object,
    terms_from_json,
    terms_to_json,
    user_file,
    weighted_sum,
    write_json_atomically,
)
from digest_app.errors import InputError
from digest_app.paths import data_file
from digest_app.records import count_words
from digest_app.store.tags import clean_tag_name

RULES_FORMAT = 1
SHIPPED_RULES = data_file("topic", "tag_rules.json")
USER_RULES_NAME = "tag_rules.json"
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
#: The bytes of ASCII letters and digits as they are, every other byte a space.
_LETTERS_AND_DIGITS = bytes(b if chr(b).isascii() and chr(b).isalnum() else 0x20 for b in range(256))

RULES_HELP = (
    "Rules for automatic topic tags. An article gets a rule's tag when the rule's score reaches "
    "min_score. Each phrase found adds its weight: once for the title (times title_weight) and "
    "once for the body, where each repeat adds repeat_weight times the weight, up to "
    "max_repeats repeats; in a body longer than length_reference words that share is scaled by the square root of length_reference / words. Negative weights count against the tag. Each rule is scored on its "
    "own. color is #rrggbb. " + PHRASE_HELP
)


@dataclass(frozen=True)
class TagRule:
    """One automatic tag and the phrases that earn it."""

    tag: str
    terms: tuple[Term, ...]
    min_score: float
    color: str | None = None
    note: str = ""


@dataclass(frozen=True)
class TagRules:
    """All automatic tag rules. Build them with :func:`load_rules`."""

    rules: tuple[TagRule, ...]
    title_weight: float = 2.0
    repeat_weight: float = 0.5
    max_repeats: int = 4
    length_reference: int = 500

    @cached_property
    def matcher(self) -> PhraseMatcher:
        """Every rule's phrases compiled once (on first use), one group per rule."""
        return PhraseMatcher([rule.terms for rule in self.rules])

    def scores(self, title: str, text: str) -> dict[str, float]:
        """Every rule's score for an article, by tag name (for tuning and explaining)."""
        return self.scores_from_counts(self.matcher.counts(title), self.matcher.counts(text), text)

    @cached_property
    def _weights(self) -> list[list[float]]:
        """Each rule's phrase weights, in order."""
        return [[t.weight for t in rule.terms] for rule in self.rules]

    def scores_from_counts(
        self,
        title_counts: Sequence[Mapping[int, int]],
        body_counts: Sequence[Mapping[int, int]],
        text: str,
        *,
        words: int | None = None,
    ) -> dict[str, float]:
        """:meth:`scores` from the counts of each rule's phrases (its matcher's groups) in
        the title and in *text*, maybe counted by a matcher joined with others. *words*
        is ``count_words(text)``, if the caller knows it already."""
        body_scale = self._body_scale(text, words) if any(body_counts) else 1.0
        scores = {}
        for number, (rule, weights) in enumerate(zip(self.rules, self._weights)):
            contributions = weighted_sum(
                title_counts[number], body_counts[number], weights,
                title_weight=self.title_weight,
                repeat_weight=self.repeat_weight,
                max_repeats=self.max_repeats,
                body_scale=body_scale,
            )
            scores[rule.tag] = round(sum(contributions.values()), 3)
        return scores

    def _body_scale(self, text: str, words: int | None = None) -> float:
        """A passing mention in a long article says less about its subject than in a
        short one: beyond ``length_reference`` words, the body's share shrinks."""
        if words is None:
            if text.isascii() and len(text.encode("ascii").translate(_LETTERS_AND_DIGITS).split()) <= self.length_reference:
                # count_words() finds at most one word per run of ASCII letters and digits
                # (a word may join runs: "don't", "3.5"), so this text is not long; and
                # counting its runs takes a fifth of the time.
                return 1.0
            words = count_words(text)
        return min(1.0, math.sqrt(self.length_reference / words)) if words else 1.0

    def passing(self, scores: Mapping[str, float]) -> list[str]:
        """The tags whose rules *scores* pass, in the order the rules are listed."""
        return [rule.tag for rule in self.rules if scores[rule.tag] >= rule.min_score]


def rule_tags(title: str, text: str, rules: TagRules) -> list[str]:
    """The tags *rules* give an article, in the order the rules are listed."""
    return rules.passing(rules.scores(title, text))


def rules_path_for(library_path: str | os.PathLike[str]) -> Path:
    """The rules a library uses: the user's ``tag_rules.json`` beside it, else the shipped ones."""
    own = user_file(library_path, USER_RULES_NAME)
    return own if own.is_file() else SHIPPED_RULES


def load_rules(path: str | os.PathLike[str] | None = None) -> TagRules:
    """Read tag rules (default: the shipped ones).

    Raises :class:`InputError` naming the file when it cannot be read or is malformed.
    """
    path = Path(path) if path is not None else SHIPPED_RULES
    raw = read_json_object(path)
    try:
        check_format(raw, RULES_FORMAT)
        rules = TagRules(
            rules=tuple(_rule_from_json(item) for item in raw["rules"]),
            title_weight=float(raw.get("title_weight", 2.0)),
            repeat_weight=float(raw.get("repeat_weight", 0.5)),
            max_repeats=int(raw.get("max_repeats", 4)),
            length_reference=int(raw.get("length_reference", 500)),
        )
        if rules.length_reference <= 0:
            raise ValueError("length_reference must be a positive number of words")
        tags = [rule.tag.casefold() for rule in rules.rules]
        if len(set(tags)) != len(tags):
            raise ValueError("two rules give the same tag")
        rules.matcher  # noqa: B018 - compile now, so a bad phrase is reported on load
    except (KeyError, TypeError, ValueError, re.error, InputError) as exc:
        reason = f"missing {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(f"{path}: not valid tag rules ({reason})") from exc
    return rules


def save_rules(rules: TagRules, path: str | os.PathLike[str]) -> None:
    """Write *rules* as JSON, replacing *path* in one step (never half-written)."""
    document = {
        "format": RULES_FORMAT,
        "help": RULES_HELP,
        "title_weight": rules.title_weight,
        "repeat_weight": rules.repeat_weight,
        "max_repeats": rules.max_repeats,
        "length_reference": rules.length_reference,
        "rules": [
            {
                "tag": rule.tag,
                "color": rule.color,
                "min_score": rule.min_score,
                **({"note": rule.note} if rule.note else {}),
                "terms": terms_to_json(rule.terms),
            }
            for rule in rules.rules
        ],
    }
    write_json_atomically(Path(path), document)


def _rule_from_json(item: dict) -> TagRule:
    color = item.get("color")
    if color is not None and not _COLOR.fullmatch(str(color)):
        raise ValueError(f"colour {color!r} of rule {item.get('tag')!r} is not #rrggbb")
    return TagRule(
        tag=clean_tag_name(str(item["tag"])),
        terms=terms_from_json(item["terms"]),
        min_score=float(item["min_score"]),
        color=color,
        note=str(item.get("note", "")),
    )
