"""Chinese and Japanese terms for the search index: character bigrams and single characters.

FTS5's ``unicode61`` tokenizer keeps a run of Han characters as one token
(``小米发布新手机`` is a single "word"), so a search for 小米 would find nothing in
the ordinary columns. The index therefore carries shadow columns made of the
bigrams and single characters of every unspaced run, and queries are rewritten
to match them:

    >>> index_terms("小米SU7发布")
    '小米 小 米 su7 发布 发 布'
    >>> query_terms("小米汽车")
    '小米 米汽 汽车'

A one-character query matches the single characters, a two-character query one
bigram, a longer one the phrase of its overlapping bigrams. Each run emits its
bigrams next to each other and its single characters after them, so a bigram
phrase can only match inside one run, never across punctuation.

Latin letters and digits glued to Chinese (``小米SU7``) are also emitted, so that
``SU7`` finds that article although the ordinary columns hold ``小米su7``.

What these functions return is stored in the index. Changing it changes what
the index expects to delete for an article, so any change needs a migration
that rebuilds the index (``fts.rebuild``); that is also why the character
classes are defined here rather than borrowed from the NLP package.
"""

from __future__ import annotations

import re

#: Characters written without spaces between words: Han ideographs (with the
#: extension and compatibility blocks), hiragana and katakana.
UNSPACED = (
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ffff"
)
_UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")
_HAS_UNSPACED = re.compile(f"[{UNSPACED}]")
# Every UNSPACED character starts with one of these bytes in UTF-8. Deleting all
# other bytes is a C-speed test that most (non-Chinese) texts have none, six
# times faster than the regex on an English article.
_LEAD_BYTES = bytes(range(0xE3, 0xEA)) + b"\xef\xf0"
_OTHER_BYTES = bytes(b for b in range(256) if b not in _LEAD_BYTES)
# A word as unicode61 sees it: letters and digits (underscore is a separator there).
_WORD = re.compile(r"[^\W_]+")


def has_unspaced(text: str) -> bool:
    """Whether *text* contains a Chinese or Japanese character."""
    return _HAS_UNSPACED.search(text) is not None


def split_unspaced(text: str) -> list[tuple[str, bool]]:
    """*text* cut into ``(piece, is_unspaced_run)`` pieces, in order.

    >>> split_unspaced("小米SU7 发布")
    [('小米', True), ('SU7 ', False), ('发布', True)]
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for run in _UNSPACED_RUN.finditer(text):
        if run.start() > position:
            pieces.append((text[position : run.start()], False))
        pieces.append((run.group(), True))
        position = run.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def index_terms(text: str | None) -> str:
    """The shadow-column text for *text*: empty when it has no Chinese or Japanese.

    Registered on every connection as the SQL function ``search_cjk_terms``.
    """
    if not text or not text.encode("utf-8", "replace").translate(None, _OTHER_BYTES):
        return ""
    if _HAS_UNSPACED.search(text) is None:
        return ""
    terms: list[str] = []
    for word in _WORD.finditer(text):
        for piece, unspaced in split_unspaced(word.group()):
            if not unspaced:
                if len(piece) < len(word.group()):
                    terms.append(piece.lower())
                continue
            terms.extend(piece[i : i + 2] for i in range(len(piece) - 1))
            terms.extend(piece)
    return " ".join(terms)


def query_terms(run: str) -> str:
    """What to look for in the shadow columns for one unspaced run typed in a query.

    One character stays itself; two or more become their overlapping bigrams,
    to be matched as a phrase.
    """
    if len(run) == 1:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))
