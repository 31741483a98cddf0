"""Telling feeds, OPML, HTML, Markdown and text apart, and decoding text files."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from digest_app.collect.formats import decode_text, sniff_format

RSS = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>'


@pytest.mark.parametrize(
    "data, filename, expected",
    [
        (RSS, "news.xml", "feed"),
        (RSS, "news.txt", "feed"),  # content wins over a wrong extension
        (RSS, None, "feed"),
        (b"\n\n" + RSS, "news.rss", "feed"),
        (b"\xef\xbb\xbf" + RSS, "news.xml", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "a.atom", "feed"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', "x", "feed"),
        (b"<!-- generated -->\n<!DOCTYPE rss [<!ENTITY a 'b'>]>\n<rss/>", "x.xml", "feed"),
        (b"Warning: mysql_connect() failed in /var/www/feed.php\n<?xml version='1.0'?><rss/>", "feed.xml", "feed"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "books.xml", "feed"),  # parser explains
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "books.svgz-ish", None),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed.json", "jsonfeed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "feed.txt", "jsonfeed"),
        (b'{"rss": {"version": "2.0", "channel": {"item": []}}}', "news.json", "jsonfeed"),
        (b'{"name": "package.json", "dependencies": {}}', "package.json", None),
        (b'[{"id": 1}]', "export.json", None),
        (b'{"id": 1}', "data", None),
        (b"{draft} Xiaomi notes", "notes.txt", "text"),
        (b"[Update] Xiaomi notes", "notes", "text"),
        (b'<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>', "subs.xml", "opml"),
        (b"<!DOCTYPE html>\n<html><head><title>x</title></head></html>", "page.xml", "html"),
        (b"<html><body><p>Hello</p></body></html>", "page.txt", "html"),
        (b'<div class="post"><p>fragment</p></div>', "snippet.xml", "html"),
        (b"# Xiaomi 14\n\nLaunched <b>today</b>.", "notes.md", "markdown"),
        (b'<p align="center"><img src="logo.png"></p>\n\n# Project', "README.md", "markdown"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page.md", "html"),
        (b"Xiaomi opened a store in Paris.\n", "notes.txt", "text"),
        (b"Xiaomi opened a store in Paris.\n", "notes", "text"),
        ("小米今天发布了新手机。".encode("gb18030"), "news.txt", "text"),
        (b"", "empty.txt", "text"),
        (b"", "empty.md", "markdown"),
        (b"   \n", "empty.xml", "feed"),
        (b"", "empty.bin", None),
    ],
)
def test_sniff_format(data, filename, expected):
    assert sniff_format(data, filename) == expected


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("feed.xml", RSS)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, filename",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.pdf"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.txt"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.xml"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo"),
        (_zip_bytes(), "feeds.zip"),
        (gzip.compress(RSS), "feed.xml.gz"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "program"),
        (bytes(range(256)) * 4, "blob.dat"),
        (RSS, "feed.docx"),  # an extension that is never text
    ],
)
def test_binary_files_have_no_format(data, filename):
    assert sniff_format(data, filename) is None


def test_feed_with_a_stray_nul_is_still_a_feed():
    assert sniff_format(RSS.replace(b"<title>x", b"<title>x\x00"), "news.xml") == "feed"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_and_utf32_feeds_are_recognised(encoding, bom):
    data = RSS.decode().replace('encoding="utf-8"', f'encoding="{encoding[:6]}"').encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data
    assert sniff_format(data, "feed.xml") == "feed"


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Xiaomi — 小米 ✓".encode("utf-8"), "Xiaomi — 小米 ✓"),
        ("\ufeffXiaomi".encode("utf-8"), "Xiaomi"),
        ("Xiaomi 小米".encode("utf-16"), "Xiaomi 小米"),
        ("Xiaomi opened a store in Paris 小米".encode("utf-16-le"), "Xiaomi opened a store in Paris 小米"),
        ("小米集团今天在北京发布了新款手机。".encode("gb18030"), "小米集团今天在北京发布了新款手机。"),
        ("Café – “quoted” naïve".encode("cp1252"), "Café – “quoted” naïve"),
        ("Xiaomi — 小米 ✓ one bad byte: ".encode("utf-8") + b"\xff", "Xiaomi — 小米 ✓ one bad byte: \ufffd"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-no-bom", "gb18030", "cp1252", "mostly-utf-8"],
)
def test_decode_text(data, expected):
    assert decode_text(data, "notes.txt") == expected


def test_decode_text_follows_the_charset_html_declares():
    page = '<html><head><meta charset="gbk"><title>小米</title></head></html>'.encode("gbk")
    assert "小米" in decode_text(page, "page.html")


def test_decode_text_ignores_charset_lines_inside_markdown():
    note = '# How to write a page\n\n<meta charset="koi8-r"> goes in the head. Café.'.encode("utf-8")
    assert decode_text(note, "howto.md").endswith("Café.")


def test_decode_text_never_raises_on_garbage():
    text = decode_text(bytes(range(256)) * 10, "noise.txt")
    assert isinstance(text, str) and len(text) >= 2560 * 0.9
