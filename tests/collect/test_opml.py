"""Reading subscription lists from OPML, and writing them back."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from digest_app.collect.opml import OpmlDocument, parse_opml, write_opml
from digest_app.errors import ParseError
from digest_app.records import OutlineFeed
from tests.support.loopback import LoopbackServer


def opml(body: str, *, head: str = "<title>Subs</title>", namespaces: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"{namespaces}>'
            f"<head>{head}</head><body>{body}</body></opml>").encode("utf-8")


def test_netnewswire_subscriptions(shared):
    document = parse_opml((shared / "corpora/real-feeds/netnewswire/opml/Subs.opml").read_bytes(), name="Subs.opml")
    assert document.title == "Subs"
    assert len(document.feeds) == 207 and document.skipped == ()
    assert document.feeds[0] == OutlineFeed(
        url="http://daringfireball.net/feeds/main", title="Daring Fireball", site_url="http://daringfireball.net/")
    assert {feed.category for feed in document.feeds} == {None, "Macintosh", "Writers", "Weblogs", "Programming"}
    assert any(feed.title == "chat & code" for feed in document.feeds)


def test_outlines_without_title_attributes_use_their_text(shared):
    with_titles = parse_opml((shared / "corpora/real-feeds/netnewswire/opml/Subs.opml").read_bytes())
    without = parse_opml(
        (shared / "corpora/real-feeds/netnewswire/opml/SubsNoTitleAttributes.opml").read_bytes())
    assert [(f.url, f.title) for f in without.feeds] == [(f.url, f.title) for f in with_titles.feeds]


def test_google_reader_export_saved_as_xml(shared):
    path = shared / "corpora/real-feeds/feedjira-2009/google-reader-subscriptions.xml"
    document = parse_opml(path.read_bytes(), name=str(path))
    assert document.title == "Paul Dix subscriptions in Google Reader"
    assert len(document.feeds) == 287  # 300 feed outlines, 13 of them repeats under a second label
    assert len({feed.url for feed in document.feeds}) == 287
    assert "http://gslounge.com/index.php?option=com_rss&feed=RSS2.0&no_html=1" in {f.url for f in document.feeds}


def test_nested_categories_take_the_innermost_name():
    document = parse_opml(opml("""
        <outline text="Top level" xmlUrl="https://a.example.com/feed"/>
        <outline text="Phones">
          <outline text="Xiaomi" xmlUrl="https://b.example.com/feed" htmlUrl="https://b.example.com/"/>
          <outline text="Brands">
            <outline title="Redmi" text="ignored" xmlUrl="https://c.example.com/rss"/>
          </outline>
          <outline text="Back in Phones" xmlUrl="https://d.example.com/atom"/>
        </outline>"""))
    assert [(f.title, f.category, f.site_url) for f in document.feeds] == [
        ("Top level", None, None),
        ("Xiaomi", "Phones", "https://b.example.com/"),
        ("Redmi", "Brands", None),
        ("Back in Phones", "Phones", None),
    ]


def test_non_web_feed_addresses_are_skipped_and_reported():
    document = parse_opml(opml("""
        <outline text="Good" xmlUrl="https://good.example.com/feed"/>
        <outline text="Old style" xmlUrl="feed://old.example.com/rss"/>
        <outline text="Old style https" xmlUrl="feed:https://old2.example.com/rss"/>
        <outline text="Intranet" xmlUrl="file:///srv/feed.xml"/>
        <outline text="Evil" xmlUrl="javascript:alert(1)"/>
        <outline text="Inline" xmlUrl="data:application/rss+xml,&lt;rss/&gt;"/>
        <outline text="Relative" xmlUrl="/feed.xml"/>
        <outline text="Just a link" type="link" url="https://example.com/"/>
        <outline text="Twice" xmlUrl="https://good.example.com/feed"/>"""))
    assert [f.url for f in document.feeds] == [
        "https://good.example.com/feed", "http://old.example.com/rss", "https://old2.example.com/rss"]
    assert document.skipped == (
        'skipped "Intranet": file:///srv/feed.xml is not an http(s) address',
        'skipped "Evil": javascript:alert(1) is not an http(s) address',
        'skipped "Inline": data:application/rss+xml,<rss/> is not an http(s) address',
        'skipped "Relative": /feed.xml is not an http(s) address',
    )


def test_topic_filter_attribute():
    document = parse_opml(opml(
        '<outline text="On" xmlUrl="https://a.example.com/f" digest:topicFilter="on"/>'
        '<outline text="True" xmlUrl="https://b.example.com/f" digest:topicFilter="TRUE"/>'
        '<outline text="Off" xmlUrl="https://c.example.com/f" digest:topicFilter="off"/>'
        '<outline text="Unset" xmlUrl="https://d.example.com/f"/>',
        namespaces=' xmlns:digest="urn:digest-app:opml:1"'))
    assert [f.topic_filter for f in document.feeds] == [True, True, False, False]


@pytest.mark.parametrize(
    "data, message",
    [
        (opml('<outline text="x" xmlUrl="https://a.example.com/f">'), r"not valid OPML \(XML error at line 2, column \d+: mismatched tag\)"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', r"not an OPML file \(its root element is <rss>\)"),
        (opml(""), r"no usable feed in the OPML file \(it lists no feeds\)"),
        (opml('<outline text="x" xmlUrl="file:///etc/hosts"/>'),
         r"no usable feed in the OPML file \(1 outline\(s\) skipped, none with an http\(s\) feed address\)"),
        (b"", "not valid OPML"),
    ],
    ids=["broken-xml", "not-opml", "empty", "nothing-usable", "empty-file"],
)
def test_unusable_opml_raises_a_parse_error_naming_the_file(data, message):
    with pytest.raises(ParseError, match=r"^subs.opml: " + message):
        parse_opml(data, name="subs.opml")


def test_entity_expansion_is_refused():
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE opml [\n<!ENTITY a "aaaaaaaaaa">\n'
            + "\n".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
            + '\n]>\n<opml version="2.0"><body><outline text="&i;" xmlUrl="https://a.example.com/f"/></body></opml>')
    with pytest.raises(ParseError, match=r"^subs.opml: refused: the OPML file declares XML entities"):
        parse_opml(bomb.encode(), name="subs.opml")


def test_external_entities_are_refused_and_never_read_or_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    with LoopbackServer() as server:
        server.serve("/x", b"REMOTE", content_type="text/plain")
        for target in (secret.as_uri(), server.url("/x")):
            data = (f'<?xml version="1.0"?>\n<!DOCTYPE opml [\n<!ENTITY xxe SYSTEM "{target}">\n]>\n'
                    '<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://a.example.com/f"/></body></opml>')
            with pytest.raises(ParseError, match="refused") as caught:
                parse_opml(data.encode(), name="subs.opml")
            assert "TOP-SECRET" not in str(caught.value)
        assert server.hits == []


def test_doctype_without_entities_is_tolerated():
    data = opml('<outline text="x" xmlUrl="https://a.example.com/f"/>').replace(
        b"<opml", b'<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">\n<opml', 1)
    assert [f.url for f in parse_opml(data).feeds] == ["https://a.example.com/f"]


def test_write_opml_round_trips():
    feeds = [
        OutlineFeed(url="https://a.example.com/feed?x=1&y=2", title='Tom & "Jerry" <news>'),
        OutlineFeed(url="https://b.example.com/rss", title="小米新闻", site_url="https://b.example.com/",
                    category="Phones & Tablets", topic_filter=True),
        OutlineFeed(url="https://c.example.com/atom", title="C\x00\x07 line\nbreak", category="Phones & Tablets"),
        OutlineFeed(url="https://d.example.com/feed", title="", category="Cars"),
    ]
    data = write_opml(feeds, title="Digest <export> & more")
    document = parse_opml(data)
    assert document == OpmlDocument(
        title="Digest <export> & more",
        feeds=(
            feeds[0],
            feeds[1],
            OutlineFeed(url="https://c.example.com/atom", title="C line break", category="Phones & Tablets"),
            OutlineFeed(url="https://d.example.com/feed", title="https://d.example.com/feed", category="Cars"),
        ),
    )


def test_written_opml_is_plain_opml_2_for_other_readers():
    data = write_opml([OutlineFeed(url="https://a.example.com/f", title="A", category="News", topic_filter=True)],
                      title="Mine")
    root = ElementTree.fromstring(data)
    assert (root.tag, root.get("version"), root.findtext("head/title")) == ("opml", "2.0", "Mine")
    category = root.find("body/outline")
    feed = category.find("outline")
    assert (category.get("text"), feed.get("type"), feed.get("xmlUrl"), feed.get("text")) == (
        "News", "rss", "https://a.example.com/f", "A")
    assert feed.get("{urn:digest-app:opml:1}topicFilter") == "on"
