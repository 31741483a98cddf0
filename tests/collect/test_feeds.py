"""Reading RSS, RDF and Atom feeds into ParsedFeed / ParsedArticle, including hostile ones."""

from __future__ import annotations

import time
import tracemalloc
from datetime import datetime, timezone

import pytest

from digest_app.collect.feeds import parse_feed
from digest_app.errors import ParseError
from tests.support.loopback import LoopbackServer

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'


def rss(items: str, channel: str = "", *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{prolog}\n<rss version="2.0" {DC} {CONTENT} {MEDIA}><channel><title>Xiaomi News</title>'
        f"<link>https://news.example.com/</link>{channel}{items}</channel></rss>"
    ).encode("utf-8")


def item(**parts: str) -> str:
    return "<item>" + "".join(f"<{tag.replace('__', ':')}>{value}</{tag.replace('__', ':')}>"
                              for tag, value in parts.items()) + "</item>"


def parse(data: bytes, **options):
    options.setdefault("name", "feeds/news.xml")
    options.setdefault("now", NOW)
    return parse_feed(data, **options)


def only_entry(data: bytes, **options):
    feed = parse(data, **options)
    assert len(feed.entries) == 1, feed
    return feed.entries[0]


# --- the ordinary case


def test_rss_entry_becomes_a_complete_article():
    feed = parse(rss(
        item(
            title="Xiaomi 14 &amp; Leica",
            link="https://news.example.com/2024/xiaomi-14",
            guid='<![CDATA[tag:news.example.com,2024:1]]>',
            dc__creator="Li Wei",
            pubDate="Tue, 30 Apr 2024 09:30:00 +0800",
            description="<![CDATA[<p>The phone ships <b>today</b>.</p><p>It costs less.</p>]]>",
        ),
        channel="<language>en-US</language>",
    ))
    article = feed.entries[0]
    assert (feed.title, feed.format, feed.site_url, feed.language) == (
        "Xiaomi News", "rss20", "https://news.example.com/", "en")
    assert feed.warning is None
    assert article.title == "Xiaomi 14 & Leica"
    assert article.url == "https://news.example.com/2024/xiaomi-14"
    assert article.guid == "tag:news.example.com,2024:1"
    assert article.author == "Li Wei"
    assert article.published == datetime(2024, 4, 30, 1, 30, tzinfo=timezone.utc)
    assert article.language == "en"
    assert article.text == "The phone ships today.\n\nIt costs less."
    assert article.content_html == "<p>The phone ships <b>today</b>.</p><p>It costs less.</p>"
    assert article.feed_summary is None  # the description is the content


def test_feed_url_comes_from_the_caller_or_the_self_link():
    channel = '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://news.example.com/rss"/>'
    data = rss(item(title="a", link="https://news.example.com/a"), channel)
    assert parse(data).feed_url == "https://news.example.com/rss"
    assert parse(data, url="https://mirror.example.org/feed").feed_url == "https://mirror.example.org/feed"


def test_atom_entry_with_html_title_and_xml_base():
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.com/" xml:lang="zh-CN">
  <title type="html">&lt;b&gt;Mi&lt;/b&gt; Blog</title>
  <link href="/"/>
  <entry xml:base="posts/">
    <id>urn:uuid:1</id>
    <title type="html">Redmi &amp;amp; &lt;i&gt;POCO&lt;/i&gt;</title>
    <link href="redmi.html"/>
    <updated>2024-04-02T10:00:00Z</updated>
    <author><name>Wang Fang</name><email>w@example.com</email></author>
    <content type="html" xml:base="/media/">&lt;p&gt;See &lt;a href="specs.html"&gt;specs&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>"""
    feed = parse(data)
    article = feed.entries[0]
    assert (feed.title, feed.format, feed.language) == ("Mi Blog", "atom10", "zh")
    assert article.title == "Redmi & POCO"
    assert article.url == "https://blog.example.com/posts/redmi.html"
    assert article.author == "Wang Fang"
    assert article.language == "zh"
    assert article.published == datetime(2024, 4, 2, 10, 0, tzinfo=timezone.utc)
    assert 'href="https://blog.example.com/media/specs.html"' in article.content_html


def test_rdf_feed():
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://example.com/"><title>RDF news</title><link>https://example.com/</link></channel>
  <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link>
    <description>First item.</description></item>
</rdf:RDF>"""
    feed = parse(data)
    assert (feed.format, feed.title) == ("rss10", "RDF news")
    assert [(a.title, a.url, a.text) for a in feed.entries] == [("One", "https://example.com/1", "First item.")]


def test_empty_but_valid_feed_has_no_entries_and_no_error():
    feed = parse(rss(""))
    assert (feed.title, feed.entries, feed.warning) == ("Xiaomi News", (), None)


# --- titles, teasers, links


def test_untitled_entries_take_their_first_words_or_a_placeholder():
    feed = parse(rss(
        item(description="Xiaomi reported record revenue in the first quarter, driven by its "
                         "electric car and a rebound in smartphone shipments across Europe.",
             guid="a")
        + item(guid="b")
    ))
    first, second = feed.entries
    assert first.title == "Xiaomi reported record revenue in the first quarter, driven by its electric…"
    assert second.title == "(untitled)"


def test_entry_with_nothing_in_it_is_skipped_and_counted():
    feed = parse(rss(item(title="kept", guid="1") + "<item><category>x</category></item>"))
    assert [a.title for a in feed.entries] == ["kept"]
    assert "1 entry with no title, text, link or guid skipped" in feed.warning


def test_teaser_is_kept_as_feed_summary_when_full_content_exists():
    article = only_entry(rss(item(
        title="t",
        description="A short teaser.",
        content__encoded="<![CDATA[<p>The whole story, in full.</p><p>Second paragraph.</p>]]>",
    )))
    assert article.feed_summary == "A short teaser."
    assert article.text == "The whole story, in full.\n\nSecond paragraph."


def test_relative_links_resolve_against_the_feed_url_or_site():
    data = rss(item(title="t", link="/2024/a.html",
                    description='<![CDATA[<p><a href="b.html">more</a></p>]]>'))
    assert only_entry(data).url == "https://news.example.com/2024/a.html"
    assert only_entry(data, url="https://feeds.example.org/x/rss").url == "https://feeds.example.org/2024/a.html"
    assert 'href="https://news.example.com/2024/b.html"' in only_entry(data).content_html


@pytest.mark.parametrize("link", [
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "mailto:a@example.com",
])
def test_non_web_links_are_dropped(link):
    article = only_entry(rss(item(title="t", guid="g", link=link)))
    assert article.url is None


def test_dangerous_html_is_sanitized():
    article = only_entry(rss(item(title="t", description="""<![CDATA[
        <p onclick="steal()">Hi<script>alert(1)</script></p>
        <a href="javascript:alert(1)">x</a><a href="data:text/html,evil">y</a>
        <iframe src="https://evil.example/"></iframe><style>p{}</style>]]>""")))
    html = article.content_html.lower()
    for bad in ("<script", "onclick", "javascript:", "data:", "<iframe", "<style"):
        assert bad not in html
    assert article.text.startswith("Hi")


def test_plain_text_content_is_escaped_not_interpreted():
    data = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>t</title>
      <content type="text">Use &lt;b&gt; for bold &amp; more.</content></entry></feed>"""
    article = only_entry(data)
    assert article.text == "Use <b> for bold & more."
    assert "&lt;b&gt;" in article.content_html


# --- dates


@pytest.mark.parametrize(
    "pub_date, expected",
    [
        ("Tue, 30 Apr 2024 23:30:00 -0500", datetime(2024, 5, 1, 4, 30, tzinfo=timezone.utc)),
        ("2024-04-30T10:00:00+08:00", datetime(2024, 4, 30, 2, 0, tzinfo=timezone.utc)),
        ("Thu, 02 May 2024 11:00:00 GMT", datetime(2024, 5, 2, 11, 0, tzinfo=timezone.utc)),  # < 1 day ahead
        ("Fri, 03 May 2024 13:00:00 GMT", None),  # more than a day in the future
        ("Wed, 01 Jan 2099 00:00:00 GMT", None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),
        ("Mon, 01 Jan 0001 00:00:00 GMT", None),
        ("yesterday-ish", None),
        ("", None),
    ],
)
def test_dates_are_utc_and_implausible_ones_are_absent(pub_date, expected):
    assert only_entry(rss(item(title="t", guid="g", pubDate=pub_date))).published == expected


def test_updated_date_stands_in_for_a_missing_published_date():
    data = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><id>1</id><title>t</title><updated>2024-03-01T00:00:00Z</updated></entry></feed>"""
    assert only_entry(data).published == datetime(2024, 3, 1, tzinfo=timezone.utc)


# --- language


@pytest.mark.parametrize(
    "channel_language, item_language, expected",
    [("en-US", None, "en"), ("zh_CN", None, "zh"), ("en-us", "zh-Hans-CN", "zh"), ("x-default", None, None),
     (None, None, None)],
)
def test_language_is_reduced_to_its_primary_subtag(channel_language, item_language, expected):
    channel = f"<language>{channel_language}</language>" if channel_language else ""
    parts = {"title": "t", "guid": "g"}
    if item_language:
        parts["dc__language"] = item_language
    assert only_entry(rss(item(**parts), channel)).language == expected


# --- images


@pytest.mark.parametrize(
    "extra, expected",
    [
        ('<media:content url="https://cdn.example.com/a.jpg" medium="image"/>', "https://cdn.example.com/a.jpg"),
        ('<media:content url="https://cdn.example.com/talk.mp3" type="audio/mpeg"/>'
         '<media:thumbnail url="https://cdn.example.com/thumb.png"/>', "https://cdn.example.com/thumb.png"),
        ('<enclosure url="https://cdn.example.com/e.webp" type="image/webp" length="1"/>',
         "https://cdn.example.com/e.webp"),
        ('<enclosure url="https://cdn.example.com/e.mp3" type="audio/mpeg" length="1"/>', None),
        ('<description><![CDATA[<p><img src="data:image/png;base64,AAAA"><img src="/i/1.jpg?w=1&amp;h=2"></p>]]>'
         "</description>", "https://news.example.com/i/1.jpg?w=1&h=2"),
        ('<description><![CDATA[<img src="javascript:alert(1)">]]></description>', None),
    ],
    ids=["media-content", "media-thumbnail", "enclosure", "audio-enclosure", "first-img", "script-img"],
)
def test_image_url(extra, expected):
    data = rss(f"<item><title>t</title><link>https://news.example.com/a</link>{extra}</item>")
    assert only_entry(data).image_url == expected


# --- identity


def test_repeated_guid_keeps_the_first_entry():
    feed = parse(rss(
        item(title="first", guid="same") + item(title="other", guid="other") + item(title="second", guid="same")
    ))
    assert [a.title for a in feed.entries] == ["first", "other"]
    assert "1 entry repeating an earlier guid skipped" in feed.warning


def test_missing_guid_is_none():
    assert only_entry(rss(item(title="t", link="https://news.example.com/a"))).guid is None


# --- broken and hostile input


def test_good_items_of_a_broken_feed_are_kept_with_a_warning():
    data = rss(item(title="one &nbsp; two", guid="1") + item(title="three", guid="2"))
    feed = parse(data)
    assert [a.title for a in feed.entries] == ["one two", "three"]
    assert feed.warning == "feed is not well-formed XML (line 2: undefined entity); 2 entries recovered"


def test_truncated_feed_keeps_the_entries_before_the_cut():
    data = rss(item(title="complete", guid="1") + item(title="also complete", guid="2"))
    feed = parse(data[: data.index(b"</channel>")])
    assert [a.title for a in feed.entries] == ["complete", "also complete"]
    assert "2 entries recovered" in feed.warning


@pytest.mark.parametrize(
    "data, message",
    [
        (b"<!DOCTYPE html><html><body><p>Sign in</p></body></html>", "feeds/news.xml: not a feed"),
        (b'<?xml version="1.0"?><catalog><book>x</book></catalog>', "feeds/news.xml: not a feed"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title><item><title>cut', "feeds/news.xml: "),
        (b"   \n", "feeds/news.xml: empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "feeds/news.xml: not a feed"),
    ],
    ids=["html", "other-xml", "cut-before-any-entry", "empty", "binary"],
)
def test_not_a_feed_raises_a_parse_error_naming_the_file(data, message):
    with pytest.raises(ParseError) as caught:
        parse(data)
    assert str(caught.value).startswith(message)


def test_xml_error_position_is_reported():
    with pytest.raises(ParseError, match=r"^feeds/news.xml: .*XML error at line 3: "):
        parse(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title>\n<item><title>a</tilte></item>')


def test_too_large_input_is_refused_before_parsing():
    with pytest.raises(ParseError, match=r"feeds/news.xml: feed too large \(2 MB; the limit is 1 MB\)"):
        parse(b" " * (2 * 1024 * 1024), max_bytes=1024 * 1024)


def test_nul_and_control_bytes_do_not_break_the_feed():
    feed = parse(rss(item(title="Xiao\x00mi\x0b 14", guid="1", description="Text\x01 here.\x1f")))
    article = feed.entries[0]
    assert feed.warning is None  # removed before parsing, so the XML is well-formed again
    assert (article.title, article.text) == ("Xiaomi 14", "Text here.")


def test_invalid_utf8_bytes_are_replaced_without_garbling_the_rest():
    data = rss(item(title="小米 14 发布", guid="1", description="价格 \xff\xfe 元"))
    data = data.replace("\xff\xfe".encode("utf-8"), b"\xff\xfe")
    feed = parse(data)
    article = feed.entries[0]
    assert article.title == "小米 14 发布"
    assert article.text == "价格 \ufffd\ufffd 元"
    assert feed.warning == "invalid UTF-8 bytes replaced"


def test_legacy_bytes_declared_as_utf8_are_read_as_windows_1252():
    data = rss(item(title="Caf\xe9 na\xefve", guid="1")).replace("Caf\xe9 na\xefve".encode("utf-8"),
                                                                 "Café naïve".encode("cp1252"))
    feed = parse(data)
    assert feed.entries[0].title == "Café naïve"
    assert "declared as utf-8 but read as" in feed.warning.lower()


@pytest.mark.parametrize(
    "title",
    ["&#xD800;lone", "&#55296;lone"],
    ids=["hex-char-ref", "decimal-char-ref"],
)
def test_lone_surrogates_never_reach_the_article(title):
    article = only_entry(rss(item(title=title, guid="g", description=f"x {title}")))
    for value in (article.title, article.text, article.content_html):
        value.encode("utf-8")  # raises on a lone surrogate
    assert article.title == "\ufffdlone"


def test_surrogate_bytes_in_utf8_are_replaced():
    data = rss(item(title="AB", guid="g")).replace(b"AB", b"A\xed\xa0\x80B")
    assert only_entry(data).title == "A\ufffd\ufffd\ufffdB"


def _billion_laughs(levels: int = 10) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)
    ]
    return "\n".join(entities)


@pytest.mark.parametrize("layout", ["lines", "one-line", "after-comment"])
def test_billion_laughs_is_not_expanded(layout):
    subset = _billion_laughs()
    if layout == "one-line":
        subset = subset.replace("\n", "")
    prolog = '<?xml version="1.0"?>'
    if layout == "after-comment":
        prolog += "\n<!-- <a> hides the DOCTYPE from feedparser's own check -->"
    prolog += f"\n<!DOCTYPE rss [\n{subset}\n]>"
    started = time.perf_counter()
    feed = parse(rss(item(title="x &lol9;", guid="g", description="&lol9; &lol9;"), prolog=prolog))
    assert time.perf_counter() - started < 2
    article = feed.entries[0]
    assert "lollol" not in article.title + article.text
    assert "XML entity declarations ignored" in feed.warning


def test_one_large_entity_used_many_times_is_not_expanded():
    # feedparser's fallback parser expands "safe" entities of any length: 100 KB x 4,000.
    prolog = f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "{"A" * 100_000}">\n]>'
    data = rss(item(title="t", guid="g", description="&big;" * 2000, content__encoded="&big;" * 2000),
               prolog=prolog)
    started = time.perf_counter()
    tracemalloc.start()
    try:
        feed = parse(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 50 * 2**20  # expanded, the text alone would be 400 MB
    assert "AAAA" not in feed.entries[0].text


def test_small_literal_entities_still_work():
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY id "tag:example.com,">\n<!ENTITY nbsp "&#160;">\n]>'
    feed = parse(rss(item(title="a&nbsp;b", guid="&id;2024:1"), prolog=prolog))
    assert (feed.entries[0].guid, feed.entries[0].title, feed.warning) == ("tag:example.com,2024:1", "a b", None)


def test_external_entities_never_read_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for subset in (
        f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">',
        f'<!ENTITY xxe SYSTEM "{secret}">',
        f'<!ENTITY % pe SYSTEM "{secret.as_uri()}">\n%pe;',
    ):
        for prolog in (f"<!DOCTYPE rss [\n{subset}\n]>", f"<!-- <b> -->\n<!DOCTYPE rss [{subset}]>"):
            feed = parse(rss(item(title="x &xxe;", guid="g", description="&xxe;"), prolog=prolog))
            article = feed.entries[0]
            assert "TOP-SECRET" not in article.title + article.text + article.content_html


def test_external_entities_and_dtds_are_never_fetched():
    with LoopbackServer() as server:
        server.serve("/x", b'<!ENTITY leak "FETCHED">', content_type="application/xml-dtd")
        address = server.url("/x")
        for prolog in (
            f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{address}">\n]>',
            f'<!-- <b> -->\n<!DOCTYPE rss [<!ENTITY % pe SYSTEM "{address}"> %pe;]>',
            f'<!DOCTYPE rss SYSTEM "{address}">',
            f'<!-- <b> -->\n<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{address}">',
        ):
            feed = parse(rss(item(title="x &xxe; &leak;", guid="g"), prolog=prolog))
            assert "FETCHED" not in feed.entries[0].title
        assert server.hits == []


def test_bytes_that_look_like_a_path_or_url_are_never_opened(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss(item(title="SECRET ENTRY", guid="g")))
    with LoopbackServer() as server:
        server.serve("/feed.xml", rss(item(title="REMOTE ENTRY", guid="g")))
        for data in (str(secret).encode(), secret.as_uri().encode(), server.url("/feed.xml").encode()):
            with pytest.raises(ParseError, match="not a feed"):
                parse(data)
        assert server.hits == []


def test_doctype_of_absurd_size_is_refused():
    prolog = "<!DOCTYPE rss [\n" + "<!ENTITY a 'b'>\n" * 100_000 + "]>"
    with pytest.raises(ParseError, match="DOCTYPE is larger than 1 MB"):
        parse(rss(item(title="t"), prolog=prolog))


@pytest.mark.slow
def test_ten_thousand_entries_parse_in_reasonable_time():
    items = "".join(
        item(
            title=f"Story {n}",
            link=f"https://news.example.com/{n}",
            guid=f"id-{n}",
            pubDate="Mon, 29 Apr 2024 08:00:00 GMT",
            description=f'<![CDATA[<p>Paragraph of story {n} with <a href="/x/{n}">a link</a>.</p>'
                        f'<p>More words about Xiaomi and its phones.</p><img src="/i/{n}.jpg">]]>',
        )
        for n in range(10_000)
    )
    started = time.process_time()
    feed = parse(rss(items))
    elapsed = time.process_time() - started
    print(f"10,000 entries: {elapsed:.1f} s CPU")
    assert len(feed.entries) == 10_000
    assert feed.entries[-1].url == "https://news.example.com/9999"
    assert feed.entries[-1].image_url == "https://news.example.com/i/9999.jpg"
    assert elapsed < 60
