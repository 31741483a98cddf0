"""Which language a text is written in, from its script and its function words.

    >>> detect_language("Xiaomi said on Tuesday that the phone will go on sale in May.")
    'en'
    >>> detect_language("小米集团今天发布了新款手机。")
    'zh'
    >>> detect_language("Xiaomi") is None
    True

Chinese, Japanese and Korean are told apart by script (kana means Japanese,
hangul Korean, Han alone Chinese). Latin-script languages are told apart by
counting the function words of our own lists in ``data/nlp/stopwords/``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest_app.nlp.cjk import HAN, HANGUL, HIRAGANA, KATAKANA
from digest_app.nlp.wordlists import STOPWORD_LANGUAGES, stopwords

#: Enough text to decide; the rest of a long article adds time, not certainty.
SAMPLE_CHARS = 5_000
#: Less function-word evidence than this and we do not guess a Latin-script language.
MIN_FUNCTION_WORDS = 2
#: The winning language needs this many times the runner-up's evidence.
MIN_MARGIN = 1.25
#: Function words are counted in this many leading characters.
FUNCTION_WORD_SAMPLE_CHARS = 800
#: Roughly how many Han characters make one word, to weigh CJK against Latin text.
CHARS_PER_CJK_WORD = 1.7

_HAN = re.compile(f"[{HAN}]")
_KANA = re.compile(f"[{HIRAGANA}{KATAKANA}]")
_HANGUL = re.compile(f"[{HANGUL}]+")
_CJK_OR_HANGUL = re.compile(f"[{HAN}{HIRAGANA}{KATAKANA}{HANGUL}]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language *text* is mostly written in, or None when unsure.

    Knows ``zh``, ``ja``, ``ko`` and the Latin-script languages that have a
    stopword list (``en``, ``de``, ``fr``, ``es``, ``it``, ``pt``, ``nl``).
    Mixed English and Chinese text gets the language with more words.
    """
    sample = text[:SAMPLE_CHARS]
    if sample.isascii() or not _CJK_OR_HANGUL.search(sample):
        # Without CJK or Hangul there is nothing to weigh against the Latin words.
        return _latin_language(_LATIN_WORD.findall(sample, 0, FUNCTION_WORD_SAMPLE_CHARS))
    latin_words = _LATIN_WORD.findall(sample)
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul_words = len(_HANGUL.findall(sample))
    cjk_words = (han + kana) / CHARS_PER_CJK_WORD
    if cjk_words > len(latin_words) or hangul_words > len(latin_words):
        if hangul_words > cjk_words:
            return "ko"
        if kana >= 3 and kana >= 0.1 * (han + kana):
            return "ja"
        return "zh" if han >= 2 else None
    return _latin_language(_LATIN_WORD.findall(sample, 0, FUNCTION_WORD_SAMPLE_CHARS))


def _latin_language(words: list[str]) -> str | None:
    # A word several languages share is weak evidence: it counts 1/(how many).
    languages_of = _function_word_languages()
    hits = dict.fromkeys(STOPWORD_LANGUAGES, 0.0)
    # Lower-cased in one go and looked up with map(): only function words reach the loop.
    keys = "\n".join(words).lower().replace("’", "'").split("\n")
    for languages in filter(None, map(languages_of.get, keys)):
        for language in languages:
            hits[language] += 1.0 / len(languages)
    ranked = sorted(((count, language) for language, count in hits.items()), reverse=True)
    (best, language), (runner_up, _) = ranked[0], ranked[1]
    if best < MIN_FUNCTION_WORDS or best < MIN_MARGIN * runner_up:
        return None
    return language


@lru_cache(maxsize=None)
def _function_word_languages() -> dict[str, tuple[str, ...]]:
    """Each function word and the languages whose list has it."""
    languages_of: dict[str, list[str]] = {}
    for language in STOPWORD_LANGUAGES:
        for word in stopwords(language):
            languages_of.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in languages_of.items()}
