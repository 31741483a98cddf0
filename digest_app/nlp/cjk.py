"""Character classes for Chinese, Japanese and Korean text, as regex fragments.

Other modules build their patterns from these, so "what counts as CJK" is
decided in one place.

    >>> HAN_RUN.findall("小米MIX Alpha发布")
    ['小米', '发布']
"""

from __future__ import annotations

import re

#: Han ideographs (unified, extension A, compatibility; the supplementary planes too).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
HIRAGANA = "\u3040-\u309f"
#: Katakana, its phonetic extensions and the half-width forms.
KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
#: Everything that is written without spaces between words.
UNSPACED = HAN + HIRAGANA + KATAKANA

#: Chinese numerals: with a measure word after them they make a counted expression ("两款").
CJK_NUMERALS = "零〇一二三四五六七八九十百千万亿两几"

#: Characters that end a sentence in Chinese and Japanese (full stop, !, ? and kin).
FULL_WIDTH_TERMINATORS = "\u3002\uff01\uff1f\uff61\u203c\u2047\u2048\u2049"
#: Closing quotes and brackets that stay with the sentence they close.
CLOSERS = "\"'\u2019\u201d\u300d\u300f\uff09\u300b\u3009\u3011\u3015\uff3d\uff5d)\\]\u00bb"

HAN_RUN = re.compile(f"[{HAN}]+")
#: Runs scored as character bigrams: Han and katakana (hiragana is mostly grammar).
BIGRAM_RUN = re.compile(f"[{HAN}{KATAKANA}]+")
