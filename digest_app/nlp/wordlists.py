"""The word lists Digest ships in ``data/nlp/``, read once and cached.

    >>> from digest_app.nlp.wordlists import stopwords, abbreviations
    >>> "the" in stopwords("en"), "u.s" in abbreviations()
    (True, True)

Each file holds one entry per line; ``#`` starts a comment line. The lists are
our own (see ``data/nlp/README.md``), so nothing here needs NLTK data.
"""

from __future__ import annotations

from functools import lru_cache

from digest_app.paths import data_file

#: Languages with a stopword list (and so with function-word evidence for detection).
STOPWORD_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl")


def read_list(name: str) -> tuple[str, ...]:
    """Entries of ``data/nlp/<name>`` in file order, without comments and blanks."""
    path = data_file("nlp", name)
    entries = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            entry = line.strip()
            if entry and not entry.startswith("#"):
                entries.append(entry)
    return tuple(entries)


@lru_cache(maxsize=None)
def abbreviations() -> frozenset[str]:
    """Punkt abbreviation types: lower case, no final period (``"inc"``, ``"u.s"``)."""
    return frozenset(entry.lower() for entry in read_list("abbreviations-en.txt"))


@lru_cache(maxsize=None)
def sentence_starters() -> frozenset[str]:
    """Lower-case words that, capitalised after an abbreviation, begin a sentence."""
    return frozenset(entry.lower() for entry in read_list("sentence-starters-en.txt"))


@lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    """Function words of *language* (``"en"`` ...); empty for a language we have no list for."""
    if language not in STOPWORD_LANGUAGES:
        return frozenset()
    return frozenset(entry.lower() for entry in read_list(f"stopwords/{language}.txt"))


@lru_cache(maxsize=None)
def cjk_stop_chars() -> frozenset[str]:
    """CJK function characters; a bigram containing one is not a scoring term."""
    return frozenset("".join(read_list("stopchars-zh.txt")))


@lru_cache(maxsize=None)
def cjk_measure_chars() -> frozenset[str]:
    """Chinese measure words: after a numeral they end a counted expression ("第二代")."""
    return frozenset("".join(read_list("measure-words-zh.txt")))


@lru_cache(maxsize=None)
def boilerplate_prefixes() -> tuple[str, ...]:
    """Lower-case starts of page-furniture lines ("advertisement", "photo:" ...)."""
    return tuple(entry.lower() for entry in read_list("boilerplate-en.txt"))


@lru_cache(maxsize=None)
def generic_words() -> frozenset[str]:
    """Lower-case words too general to be a keyword on their own ("year", "million")."""
    return frozenset(entry.lower() for entry in read_list("generic-en.txt"))
