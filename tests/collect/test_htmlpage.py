"""Local HTML pages become sanitized articles with their web address, title and date."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.sanitize import sanitize_html
from digest_app.errors import ParseError

PARAGRAPHS = [
    "The company opened its largest store in Europe on Saturday, with queues forming around the block "
    "well before the doors opened at ten in the morning.",
    "Inside, shoppers could try phones, scooters, televisions and air purifiers, and staff demonstrated "
    "how the devices talk to each other through a single app on the phone.",
    "Managers said the store would serve as a model for twenty more openings planned across the region "
    "over the next two years, most of them in city centres.",
    "Analysts said the move showed the brand wants to be seen as a premium name rather than a cheap "
    "alternative, and that physical stores help build that image with buyers.",
    "The opening weekend included workshops on photography with the newest phone, and a repair corner "
    "where owners of older models could have batteries and screens replaced.",
    "Local officials welcomed the investment, noting that the store created eighty jobs and that most "
    "of the staff were hired from the surrounding neighbourhood.",
    "A second store in Barcelona is due to open in the spring, followed by smaller shops in shopping "
    "centres in Valencia, Seville and Bilbao later in the year.",
]


def hostile_page(head_extra: str = "") -> str:
    body = "\n".join(f'<p onmouseover="steal()">{text}</p>' for text in PARAGRAPHS[:2])
    rest = "\n".join(f"<p>{text}</p>" for text in PARAGRAPHS[2:])
    return f"""<!doctype html>
<html lang="en"><head>
<title>Flagship store opens in Madrid | Example Daily</title>
<meta property="og:site_name" content="Example Daily">
<meta name="author" content="Mary Jones">
<meta property="article:published_time" content="2019-11-05T09:30:00+01:00">
{head_extra}
<style>body {{ background: url(javascript:alert(1)) }}</style>
<script>document.cookie = "stolen";</script>
</head>
<body onload="track()">
<nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<article>
<h1>Flagship store opens in Madrid</h1>
{body}
<p>Advertisement</p>
<iframe src="https://ads.example.net/frame"></iframe>
<p>See <a href="javascript:alert('x')">this</a> and the <a href="/stores/madrid">store page</a>.</p>
{rest}
<object data="movie.swf"></object>
<form action="/subscribe"><input name="email"></form>
<img src="https://cdn.example.com/photo.jpg" alt="The store front" onerror="steal()">
</article>
<footer>Copyright Example Daily</footer>
</body></html>"""


def test_scripts_styles_iframes_handlers_and_javascript_links_are_removed(tmp_path: Path):
    page = tmp_path / "store.html"
    page.write_text(hostile_page('<link rel="canonical" href="https://example.com/news/madrid-store">'))
    [article] = parse_html_document(page.read_text(), name=page.name, url=page.as_uri())
    html = article.content_html
    for banned in ("<script", "<style", "<iframe", "<object", "<form", "<input", "onmouseover", "onerror",
                   "onload", "javascript:", "stolen", "ads.example.net", "cdn.example.com"):
        assert banned not in html, banned
    assert sanitize_html(html) == html
    assert "See this and the store page." in article.text
    for text in PARAGRAPHS:
        assert text in article.text
    assert "Advertisement" not in article.text
    assert "Home" not in article.text and "Copyright" not in article.text


def test_metadata_comes_from_the_page_and_the_canonical_url_is_the_article_url(tmp_path: Path):
    page = tmp_path / "store.html"
    page.write_text(hostile_page('<link rel="canonical" href="https://example.com/news/madrid-store">'))
    [article] = parse_html_document(page.read_text(), name=page.name, url=page.as_uri())
    assert article.title == "Flagship store opens in Madrid"
    assert article.url == "https://example.com/news/madrid-store"
    assert article.published == datetime(2019, 11, 5, 8, 30, tzinfo=timezone.utc)
    assert article.author == "Mary Jones"
    assert article.language == "en"
    assert article.guid is None
    assert article.text.split("\n\n")[0] == PARAGRAPHS[0]


def test_og_url_names_the_page_when_there_is_no_canonical_link(tmp_path: Path):
    html = hostile_page('<meta property="og:url" content="https://example.com/news/og-store">')
    [article] = parse_html_document(html, name="store.html", url=(tmp_path / "store.html").as_uri())
    assert article.url == "https://example.com/news/og-store"


def test_a_page_without_a_web_address_keeps_its_file_url(tmp_path: Path):
    file_url = (tmp_path / "store.html").as_uri()
    html = hostile_page('<link rel="canonical" href="store.html"><meta property="og:url" content="file:///x">')
    [article] = parse_html_document(html, name="store.html", url=file_url)
    assert article.url == file_url


def test_a_small_saved_note_is_read_whole(tmp_path: Path):
    html = ("<html lang='de-DE'><head><title>Shopping list for the launch</title>"
            "<meta name='author' content='Max Muster'><meta name='date' content='2020-01-02'></head><body>"
            "<nav>Menu</nav><h1>Shopping list for the launch</h1>"
            "<ul><li>Two phones</li><li>One watch</li></ul><p>Advertisement</p><p>Bring the <b>receipts</b> and "
            '<a href="https://example.com/map" onclick="x()">the map</a>.</p>'
            "<div>Share this article</div><script>x()</script><footer>Saved page</footer></body></html>")
    [article] = parse_html_document(html, name="list.html", url=(tmp_path / "list.html").as_uri())
    assert article.title == "Shopping list for the launch"
    assert article.text == "- Two phones\n- One watch\n\nBring the receipts and the map."
    assert article.content_html == (
        "<ul><li>Two phones</li><li>One watch</li></ul><p>Bring the <b>receipts</b> and "
        '<a href="https://example.com/map" rel="noopener noreferrer nofollow">the map</a>.</p>')
    assert (article.author, article.published, article.language) == (
        "Max Muster", datetime(2020, 1, 2, tzinfo=timezone.utc), "de")


@pytest.mark.parametrize("html", ["", "   ", "<html><body><script>x()</script><nav>Menu</nav></body></html>"])
def test_pages_without_text_are_a_parse_error_naming_the_file(html):
    with pytest.raises(ParseError, match="empty.html"):
        parse_html_document(html, name="empty.html", url="file:///tmp/empty.html")


def f1(predicted: str, expected: str) -> float:
    got, want = Counter(re.findall(r"\w+", predicted.lower())), Counter(re.findall(r"\w+", expected.lower()))
    overlap = sum((got & want).values())
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("06e5123e4ef7", "New York State Attorney General investigating WeWork and former CEO"),
        ("076f4f33bf75", "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?"),
    ],
)
def test_a_real_saved_article_page_gives_title_text_and_address(shared: Path, tmp_path: Path, prefix, title):
    corpus = shared / "corpora" / "article-pages"
    source = next((corpus / "html").glob(f"{prefix}*.html.gz"))
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))[source.name.split(".")[0]]
    saved = tmp_path / "page.html"
    saved.write_bytes(gzip.decompress(source.read_bytes()))
    [article] = parse_html_document(saved.read_text(encoding="utf-8"), name=saved.name, url=saved.as_uri())
    assert article.title == title
    assert article.url == truth["url"]
    assert article.published is not None
    assert f1(article.text, truth["articleBody"]) > 0.9
    assert "<script" not in article.content_html
