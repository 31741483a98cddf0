"""JSON Feed 1.0 / 1.1 and RSS-in-JSON, read by us since feedparser 6.0 cannot."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from digest_app.collect.feeds import parse_feed
from digest_app.collect.jsonfeed import parse_json_feed
from digest_app.errors import ParseError

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
V11 = "https://jsonfeed.org/version/1.1"
V10 = "https://jsonfeed.org/version/1"


def feed_bytes(items: list, **fields) -> bytes:
    document = {"version": V11, "title": "Mi Blog", "home_page_url": "https://blog.example.com/", **fields,
                "items": items}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def parse(data: bytes, **options):
    options.setdefault("name", "feeds/mi.json")
    options.setdefault("now", NOW)
    return parse_json_feed(data, **options)


def test_full_item():
    feed = parse(feed_bytes(
        [{
            "id": "https://blog.example.com/1",
            "url": "https://blog.example.com/posts/1",
            "external_url": "https://elsewhere.example.org/story",
            "title": "Xiaomi &amp; <b>Leica</b>",
            "content_html": '<p>Full <a href="/more">story</a>.</p><script>x()</script>',
            "content_text": "Full story.",
            "summary": "A teaser.",
            "image": "https://blog.example.com/i/1.jpg",
            "banner_image": "https://blog.example.com/i/banner.jpg",
            "date_published": "2024-04-30T09:30:00+08:00",
            "date_modified": "2024-04-30T12:00:00Z",
            "authors": [{"name": "Li Wei"}, {"name": "Wang Fang", "url": "https://example.com/wf"}],
            "language": "zh-CN",
            "tags": ["phones"],
        }],
        language="en-US",
        feed_url="https://blog.example.com/feed.json",
    ))
    article = feed.entries[0]
    assert (feed.title, feed.format, feed.site_url, feed.feed_url, feed.language, feed.warning) == (
        "Mi Blog", "json1.1", "https://blog.example.com/", "https://blog.example.com/feed.json", "en", None)
    assert article.title == "Xiaomi & Leica"
    assert article.url == "https://blog.example.com/posts/1"
    assert article.guid == "https://blog.example.com/1"
    assert article.author == "Li Wei, Wang Fang"
    assert article.published == datetime(2024, 4, 30, 1, 30, tzinfo=timezone.utc)
    assert article.language == "zh"
    assert article.text == "Full story."
    assert article.content_html == (
        '<p>Full <a href="https://blog.example.com/more" rel="noopener noreferrer nofollow">story</a>.</p>'
    )
    assert article.feed_summary == "A teaser."
    assert article.image_url == "https://blog.example.com/i/1.jpg"


def test_version_1_0_author_and_fallbacks():
    feed = parse(feed_bytes(
        [
            {"id": 42, "content_text": "Line one.\n\nLine <two> & three.", "date_modified": "2024-04-01T00:00:00Z"},
            {"id": "b", "external_url": "https://other.example.org/x", "summary": "Only a summary.",
             "author": {"name": "Item Author"}, "banner_image": "/b.png"},
        ],
        version=V10,
        author={"name": "Feed Author"},
    ))
    first, second = feed.entries
    assert feed.format == "json1"
    assert (first.guid, first.author, first.title) == ("42", "Feed Author", "Line one. Line <two> & three.")
    assert first.text == "Line one.\n\nLine <two> & three."
    assert "&lt;two&gt; &amp; three" in first.content_html
    assert first.published == datetime(2024, 4, 1, tzinfo=timezone.utc)
    assert (second.url, second.author, second.text, second.feed_summary) == (
        "https://other.example.org/x", "Item Author", "Only a summary.", None)
    assert second.image_url == "https://other.example.org/b.png"


def test_lenient_about_missing_or_odd_fields():
    feed = parse(feed_bytes([
        {"title": "no id", "url": "https://blog.example.com/no-id"},
        {"id": "js", "title": "bad url", "url": "javascript:alert(1)"},
        {"id": "f", "title": "file url", "url": "file:///etc/passwd", "image": "data:image/png;base64,AA"},
        "not an object",
        {"id": True, "title": ["not", "a", "string"], "content_html": 5},
        {},
    ]))
    titles = [(a.title, a.guid, a.url, a.image_url) for a in feed.entries]
    assert titles == [
        ("no id", None, "https://blog.example.com/no-id", None),
        ("bad url", "js", None, None),
        ("file url", "f", None, None),
    ]
    assert feed.warning == "3 items with no title, text, link or id skipped"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-04-30T09:30:00Z", datetime(2024, 4, 30, 9, 30, tzinfo=timezone.utc)),
        ("2024-04-30T09:30:00.123456-05:00", datetime(2024, 4, 30, 14, 30, 0, 123456, tzinfo=timezone.utc)),
        ("Tue, 30 Apr 2024 09:30:00 GMT", datetime(2024, 4, 30, 9, 30, tzinfo=timezone.utc)),
        ("2024-04-30", datetime(2024, 4, 30, tzinfo=timezone.utc)),
        ("2099-01-01T00:00:00Z", None),
        ("1970-01-01T00:00:00Z", None),
        ("last tuesday", None),
        (1714464000, None),
    ],
)
def test_dates(value, expected):
    feed = parse(feed_bytes([{"id": "1", "title": "t", "date_published": value}]))
    assert feed.entries[0].published == expected


def test_repeated_ids_keep_the_first_item():
    feed = parse(feed_bytes([{"id": "1", "title": "first"}, {"id": "1", "title": "again"}]))
    assert [a.title for a in feed.entries] == ["first"]
    assert "1 item repeating an earlier id skipped" in feed.warning


def test_control_characters_and_lone_surrogates_are_removed():
    data = b'{"version": "%s", "title": "x", "items": [{"id": "a\\ud800", "title": "Mi\\u0000 \\udfff14", ' \
           b'"content_text": "ok\\u0007"}]}' % V11.encode()
    article = parse(data).entries[0]
    assert (article.guid, article.title, article.text) == ("a", "Mi 14", "ok")


def test_invalid_utf8_is_replaced_and_noted():
    data = feed_bytes([{"id": "1", "title": "小米 OK"}]).replace("OK".encode(), b"\xff")
    feed = parse(data)
    assert feed.entries[0].title == "小米 \ufffd"
    assert feed.warning == "invalid UTF-8 bytes replaced"


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1",',
         r"^feeds/mi.json: not valid JSON \(line 1, column \d+: "),
        (b"[1, 2, 3]", r'^feeds/mi.json: not a JSON Feed \(no "items" list\)'),
        (b'{"name": "package", "items": "nope"}', r'^feeds/mi.json: not a JSON Feed'),
        (b"[" * 100_000 + b"]" * 100_000, r"^feeds/mi.json: not valid JSON"),
        (b'{"items": [], "n": 1' + b"1" * 5000 + b"}", r"^feeds/mi.json: not valid JSON"),
    ],
    ids=["truncated", "array", "items-not-a-list", "deep-nesting", "huge-number"],
)
def test_broken_json_raises_a_parse_error_naming_the_file(data, message):
    with pytest.raises(ParseError, match=message):
        parse(data)


def test_parse_feed_hands_json_to_the_json_feed_reader():
    data = b'\xef\xbb\xbf\n  ' + feed_bytes([{"id": "1", "content_text": "Hello."}])
    feed = parse_feed(data, name="x.json", now=NOW)
    assert (feed.format, [a.text for a in feed.entries]) == ("json1.1", ["Hello."])


def test_rss_in_json():
    data = json.dumps({"rss": {"version": "2.0", "channel": {
        "title": "Scripting", "link": "http://scripting.example.com/", "language": "en-us",
        "item": [
            {"title": "A post", "link": "http://scripting.example.com/a", "description": "<p>Hello <b>there</b></p>",
             "pubDate": "Mon, 26 Jun 2017 12:20:05 GMT", "guid": {"#value": "a-1", "isPermaLink": "false"},
             "enclosure": {"url": "http://scripting.example.com/a.jpg", "type": "image/jpeg"}},
            {"description": "No title here.", "guid": "b-2"},
        ],
    }}}).encode()
    feed = parse(data)
    first, second = feed.entries
    assert (feed.format, feed.title, feed.site_url, feed.language) == (
        "rss-json", "Scripting", "http://scripting.example.com/", "en")
    assert (first.title, first.url, first.guid, first.text, first.image_url) == (
        "A post", "http://scripting.example.com/a", "a-1", "Hello there", "http://scripting.example.com/a.jpg")
    assert first.published == datetime(2017, 6, 26, 12, 20, 5, tzinfo=timezone.utc)
    assert (second.title, second.guid) == ("No title here.", "b-2")


def test_netnewswire_authors_feed_reads_both_author_forms(shared):
    feed = parse_feed((shared / "corpora/real-feeds/netnewswire/authors.json").read_bytes(), name="authors.json")
    assert [a.author for a in feed.entries] == [
        "Root Author 1, Root Author 2", "Legacy Item Author", "Item Author 1, Item Author 2",
        "Item Author 1, Item Author 2",
    ]


def test_truncated_netnewswire_feed_is_a_clear_error(shared):
    path = shared / "corpora/real-feeds/netnewswire/allthis-partial.json"
    with pytest.raises(ParseError, match=rf"^{path}: not valid JSON \(line \d+, column \d+: "):
        parse_feed(path.read_bytes(), name=str(path))
