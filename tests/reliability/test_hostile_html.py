"""Hostile HTML keeps its text: deep nesting, stray document tags, runs of text over 10 MB.

libxml2 (lxml, also under trafilatura) stops reading HTML nested 256 levels deep
or holding a text run over 10 MB, and silently drops the rest of the document;
html5ever (nh3) takes quadratic time on deep block nesting. Whatever a feed or a
saved page nests, its words must reach the library, in bounded time.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from digest_app.collect.feeds import parse_feed
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.importer import import_paths
from digest_app.collect.sanitize import flatten_nesting, html_to_text, parse_fragment, sanitize_html
from tests.support.loopback import rss_feed

REPO = Path(__file__).resolve().parents[2]
INNER = "Xiaomi opened its largest store in Madrid on Friday."
TAIL = "Analysts expect the Madrid store to draw crowds until spring."

#: How deep each shape nests: (opening, closing) repeated; well past libxml2's 256.
SHAPES = {
    "div": ("<div>", "</div>"),
    "span": ("<span>", "</span>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "table": ("<table><tr><td>", "</td></tr></table>"),
    "lists": ("<ul><li>", "</li></ul>"),
    "unclosed-font": ("<font>", ""),
    # libxml2 never closes a <b> at a </b> that stands after an open <div>.
    "stray-end-tags": ("<b><div></b>", ""),
    # Not void to libxml2: each <wbr> opens an element that a long word never closes.
    "word-breaks": ("Xia<wbr>", ""),
    "self-closed-then-ended": ("<b><b></div><div/>", ""),
}


def deep(shape: str, depth: int = 3000, *, inner: str = INNER, tail: str = TAIL) -> str:
    opening, closing = SHAPES[shape]
    return f"{opening * depth}<p>{inner}</p>{closing * depth}<p>{tail}</p>"


def entry_text(content: str) -> str:
    feed = parse_feed(rss_feed("Deep", [{"title": "Deep story", "guid": "deep-1", "content": content}]),
                      name="deep.xml")
    return feed.entries[0].text


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deeply_nested_feed_content_keeps_every_word(shape):
    text = entry_text(deep(shape))
    assert INNER in text and text.endswith(TAIL)


@pytest.mark.parametrize("shape", ["div", "table", "stray-end-tags"])
def test_deeply_nested_saved_page_keeps_every_word(shape):
    page = f"<html><head><title>Deep page</title></head><body>{deep(shape)}</body></html>"
    [article] = parse_html_document(page, name="deep.html", url="file:///saved/deep.html")
    assert INNER in article.text and article.text.endswith(TAIL)


def test_a_hundred_thousand_levels_are_read_in_bounded_time():
    content = deep("div", depth=100_000)  # 1.1 MB; html5ever alone needs a minute for it
    started = time.process_time()
    text = entry_text(content)
    assert time.process_time() - started < 10
    assert INNER in text and text.endswith(TAIL)


def test_flattening_keeps_paragraph_breaks_and_shallow_markup():
    nested = "<div>" * 300 + "<p>One.</p><p>Two.</p>" + "</div>" * 300 + "<p>Three.</p>"
    assert html_to_text(sanitize_html(nested)) == "One.\n\nTwo.\n\nThree."
    shallow = "<div><p>Already <b>shallow</b>.</p></div>"
    assert flatten_nesting(shallow) == shallow


def test_deep_content_imported_from_files_is_stored_and_found(tmp_path, library):
    folder = tmp_path / "in"
    folder.mkdir()
    feed_tail, page_tail = "Redmi phones sold out by noon.", "The Beijing factory doubled its output."
    (folder / "deep.xml").write_bytes(
        rss_feed("Deep feed", [{"title": "Deep feed story", "guid": "d1", "content": deep("div", tail=feed_tail)}]))
    (folder / "deep.html").write_text(
        f"<html><head><title>Deep page story</title></head><body>{deep('table', tail=page_tail)}</body></html>",
        encoding="utf-8")

    report = import_paths(library, [folder])

    assert report.failed == () and report.added == 2
    assert library.search.count('"sold out by noon"') == 1
    assert library.search.count('"doubled its output"') == 1
    texts = {h.title: library.articles.get(h.id).text for h in library.articles.list()}
    assert INNER in texts["Deep feed story"] and texts["Deep feed story"].endswith(feed_tail)
    assert INNER in texts["Deep page story"] and texts["Deep page story"].endswith(page_tail)


# --- document tags inside a fragment -----------------------------------------------------------


@pytest.mark.parametrize(
    "content, text",
    [
        ("<html/> Xiaomi stores", "Xiaomi stores"),
        ("<html></html>Xiaomi stores", "Xiaomi stores"),
        ("Xiaomi<html/> stores", "Xiaomi stores"),
        ("<body/>Xiaomi stores", "Xiaomi stores"),
        ("<p>Xiaomi</p></body><p>stores</p>", "Xiaomi\n\nstores"),
        ("<p>Xiaomi</p></html><p>stores</p>", "Xiaomi\n\nstores"),
        ('<html><head><meta charset="utf-8"></head><BODY class="x"><p>Xiaomi stores</p></body></html>', "Xiaomi stores"),
    ],
)
def test_document_tags_in_a_fragment_lose_no_text(content, text):
    assert html_to_text(content) == text
    assert html_to_text(sanitize_html(content)) == text


def test_a_feed_entry_holding_html_tags_does_not_stop_the_import(tmp_path):
    feed = tmp_path / "odd.xml"
    feed.write_bytes(rss_feed("Odd feed", [
        {"title": "Self-closed html", "guid": "1", "description": "<html/> Xiaomi opened a store."},
        {"title": "Plain", "guid": "2", "description": "Xiaomi shipped a phone."},
    ]))
    result = subprocess.run([sys.executable, "-m", "digest_app", "--library", str(tmp_path / "lib.db"),
                             "import", str(feed)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("added 2,")


# --- a text run longer than libxml2 reads by default ---------------------------------------------


def test_a_text_run_over_ten_megabytes_is_read_whole():
    run = "Xiaomi " * 1_600_000  # 11.2 MB in one text node
    html = f"<p>{run}END</p><p>{TAIL}</p>"
    text = html_to_text(sanitize_html(html))
    assert text.endswith(f"END\n\n{TAIL}") and len(text) > 11_000_000


# --- the flattening model against the libxml2 installed ------------------------------------------

_NAMES = ("div", "p", "b", "span", "li", "ul", "td", "tr", "table", "dt", "dd", "option", "wbr", "embed",
          "source", "br", "img", "hr", "script", "style", "a", "font", "html", "body", "head", "title",
          "textarea", "noscript", "template", "form", "h1", "pre", "blockquote", "iframe", "svg", "select",
          "xmp", "plaintext", "caption", "col", "frame", "isindex", "center", "nobr")
_TAG = st.sampled_from(_NAMES)
_TOKEN = st.one_of(
    _TAG.map(lambda n: f"<{n}>"),
    _TAG.map(lambda n: f"</{n}>"),
    _TAG.map(lambda n: f"<{n}/>"),
    _TAG.map(lambda n: f"<{n} x=1 />"),
    _TAG.map(lambda n: f"<{n} x=/>"),
    _TAG.map(lambda n: f"<{n} / >"),
    _TAG.map(lambda n: f'<{n.upper()} a"b>'),
    _TAG.map(lambda n: f'<{n} title=">">'),
    st.sampled_from(["<!-- c -->", "<!-->", "<!x>", "<?x>", "</ x>", "< b", "&amp;", "</scripts>",
                     "</script x>", "--!>", "-->"]),
    st.just("TEXT"),
)


def _document(tokens: list[str], repeats: int) -> tuple[str, list[str]]:
    pieces, words = [], []
    for token in (tokens + ["TEXT"]) * repeats:
        if token == "TEXT":
            words.append(f"w{len(words)}x")
            pieces.append(f" {words[-1]} ")
        else:
            pieces.append(token)
    return "".join(pieces), words


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_TOKEN, min_size=1, max_size=12), st.integers(min_value=150, max_value=400))
def test_any_tag_soup_repeated_deep_is_read_whole(tokens, repeats):
    html, words = _document(tokens, repeats)
    # Flattened, it is read whole even within libxml2's default limits (the retry allows more).
    parser = lxml.html.HTMLParser()
    etree.fromstring(flatten_nesting(html), parser)
    assert [e.message for e in parser.error_log if e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT] == []
    if not any("script" in t or "style" in t for t in tokens):  # their text is never shown
        text = parse_fragment(html).text_content()
        assert [w for w in words if f" {w} " not in text] == []


def test_a_saved_xhtml_page_with_an_xml_declaration_is_read():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>Saved XHTML</title></head><body><p>{INNER}</p><p>{TAIL}</p></body></html>")
    [article] = parse_html_document(page, name="saved.xhtml", url="file:///saved/saved.xhtml")
    assert (article.title, article.text) == ("Saved XHTML", f"{INNER}\n\n{TAIL}")
