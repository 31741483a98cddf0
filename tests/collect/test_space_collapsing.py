"""Plain text derived from HTML and text files has each run of spaces made one space,
exactly as the one-pattern definition says, whatever spaces the input mixes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from digest_app.collect.sanitize import html_to_text, normalise_paragraphs

SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\ufeff]+")
ALPHABET = st.sampled_from(list("ab .\t\n-") + ["\u00a0", "\u2000", "\u200b", "\u200c", "\u3000", "\ufeff", "é", "’"])


def defined_paragraphs(text: str) -> str:
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=50))
def test_text_paragraphs_collapse_every_run_of_spaces(text):
    assert normalise_paragraphs(text) == defined_paragraphs(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=30), min_size=1, max_size=4))
def test_html_paragraphs_collapse_every_run_of_spaces(paragraphs):
    paragraphs = ["x" + p.replace("\n", " ") for p in paragraphs]  # (a paragraph "- a" would be a list item)
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    expected = [SPACES.sub(" ", p).strip() for p in paragraphs]
    assert html_to_text(html) == "\n\n".join(p for p in expected if p)


def test_mixed_spaces_in_a_paragraph():
    assert html_to_text("<p>Xiaomi\u00a0 14 \t Ultra\u3000costs  £999 — a lot</p>") == "Xiaomi 14 Ultra costs £999 — a lot"
    assert normalise_paragraphs("One  two\tthree \u00a0four\n\n\n\nfive") == "One two three four\n\nfive"
