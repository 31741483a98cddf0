"""Every feed-like file of the shared corpora through sniffing and parsing, as an import would.

The corpora (``../shared/corpora``) hold feedparser's own test feeds, ill-formed
and encoding cases included, and feeds captured from real sites. Each file must
either be read or fail with our own error naming it; nothing else may escape,
and whatever is read must be clean enough to store and show.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest_app.collect.feeds import parse_feed
from digest_app.collect.formats import sniff_format
from digest_app.collect.opml import OpmlDocument, parse_opml
from digest_app.errors import ParseError, UnsupportedFormatError
from digest_app.records import ParsedFeed

FOLDERS = ("feedparser-tests", "real-feeds")
NOT_FEEDS = {"MANIFEST.md", "LICENSE", "LICENSE.feedparser"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_UNSAFE_MARKUP = re.compile(
    r"<(?:script|style|iframe|object|embed)\b|<[^>]*\son[a-z]+\s*=|<[^>]*=\s*[\"']?\s*(?:javascript|data|vbscript):",
    re.IGNORECASE,
)


@dataclass
class Outcome:
    path: Path
    kind: str | None
    feed: ParsedFeed | None = None
    outline: OpmlDocument | None = None
    error: Exception | None = None


@dataclass
class Sweep:
    outcomes: dict[Path, Outcome] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0

    def under(self, *parts: str) -> list[Outcome]:
        return [o for path, o in self.outcomes.items() if all(part in path.parts for part in parts)]


def _sweep_files(corpora: Path) -> list[Path]:
    return [
        path
        for folder in FOLDERS
        for path in sorted((corpora / folder).rglob("*"))
        if path.is_file() and path.name not in NOT_FEEDS and not path.name.endswith(".serde.json")
    ]


@pytest.fixture(scope="module")
def sweep(shared: Path) -> Sweep:
    result = Sweep()
    started = time.process_time()
    for path in _sweep_files(shared / "corpora"):
        data = path.read_bytes()
        outcome = Outcome(path, sniff_format(data, path.name))
        try:
            if outcome.kind in ("feed", "jsonfeed"):
                outcome.feed = parse_feed(data, name=str(path))
            elif outcome.kind == "opml":
                outcome.outline = parse_opml(data, name=str(path))
            elif outcome.kind is None:
                raise UnsupportedFormatError(f"{path}: unknown format")
        except (ParseError, UnsupportedFormatError) as error:
            outcome.error = error
        except Exception as error:  # noqa: BLE001 - the point of the sweep is to catch these
            result.crashes.append(f"{path}: {type(error).__name__}: {error}")
        result.outcomes[path] = outcome
    result.cpu_seconds = time.process_time() - started
    kinds = Counter(o.kind for o in result.outcomes.values())
    feeds = [o.feed for o in result.outcomes.values() if o.feed]
    print(
        f"\ncorpora sweep: {len(result.outcomes)} files in {result.cpu_seconds:.1f} s CPU; kinds {dict(kinds)}; "
        f"{len(feeds)} feeds read with {sum(len(f.entries) for f in feeds)} entries "
        f"({sum(1 for f in feeds if f.warning)} with a warning); "
        f"{sum(1 for o in result.outcomes.values() if o.error)} errors; {len(result.crashes)} crashes"
    )
    return result


def test_no_exception_escapes(sweep):
    assert len(sweep.outcomes) > 2000
    assert sweep.crashes == []


def test_every_error_names_its_file(sweep):
    errors = [o for o in sweep.outcomes.values() if o.error]
    assert errors
    for outcome in errors:
        message = str(outcome.error)
        assert message.startswith(f"{outcome.path}: ") and len(message) > len(str(outcome.path)) + 10


def test_the_sweep_is_fast(sweep):
    # About 10 s on one core of the reference machine; the bound only catches a blow-up.
    assert sweep.cpu_seconds < 90


def test_every_article_is_clean(sweep):
    now = datetime.now(timezone.utc)
    checked = 0
    for outcome in sweep.outcomes.values():
        for article in outcome.feed.entries if outcome.feed else ():
            where = f"{outcome.path}: {article.title!r}"
            assert article.title.strip(), where
            assert not _UNSAFE_MARKUP.search(article.content_html), where
            for value in (article.title, article.text, article.author or "", article.feed_summary or ""):
                assert not _CONTROL.search(value), where
            for address in (article.url, article.image_url):
                assert address is None or address.startswith(("http://", "https://")), where
            if article.published is not None:
                assert article.published.tzinfo is not None, where
                assert datetime(1990, 1, 1, tzinfo=timezone.utc) <= article.published <= now + timedelta(days=1)
            checked += 1
    assert checked > 3000


def test_pages_lists_and_notes_are_told_apart_from_feeds(sweep, shared):
    real = shared / "corpora/real-feeds"
    assert {o.kind for o in sweep.under("html-feed-discovery")} == {"html"}
    assert len(sweep.under("html-feed-discovery")) == 6
    for name in ("titleunknown.xml", "SFRubyorgHome.xml"):  # login pages saved as feeds
        assert sweep.outcomes[real / "feedjira-2009" / name].kind == "html"
    assert sweep.outcomes[real / "feedjira-2009/successful_feed_urls.txt"].kind == "text"
    google = sweep.outcomes[real / "feedjira-2009/google-reader-subscriptions.xml"]
    assert google.kind == "opml" and len(google.outline.feeds) == 287
    assert [len(o.outline.feeds) for o in sweep.under("netnewswire", "opml")] == [207, 207]


def test_json_feeds_all_read_except_the_truncated_one(sweep):
    json_outcomes = [o for o in sweep.outcomes.values() if o.path.suffix == ".json"]
    assert len(json_outcomes) == 13
    failed = [o.path.name for o in json_outcomes if o.error]
    assert failed == ["allthis-partial.json"]
    netnewswire = [o for o in json_outcomes if "netnewswire" in o.path.parts and not o.error]
    assert len(netnewswire) == 6 and all(len(o.feed.entries) > 0 for o in netnewswire)


def test_ill_formed_and_encoding_cases_give_entries_or_a_clear_error(sweep):
    cases = sweep.under("feedparser-tests", "illformed") + sweep.under("feedparser-tests", "encoding")
    assert len(cases) == 19 + 82
    for outcome in cases:
        if outcome.error is None:
            assert outcome.feed.entries or outcome.feed.format != "unknown", outcome.path
    assert sum(1 for o in cases if o.feed and o.feed.entries) >= 20
    # Undeclared legacy encodings: read (with chardet installed, in the right encoding).
    assert all(o.feed and (o.feed.entries or o.feed.title) for o in sweep.under("illformed", "chardet"))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("euc-kr.xml", ("title", "년")),
        ("euc-kr-item.xml", ("text", "년")),
        ("demoronize-1.xml", ("text", "don’t")),
        ("double-encoded-html.xml", ("text", "…")),
        ("http_text_xml_charset_overrides_encoding_2.xml", ("text", "This is a £“test.”")),
        ("utf-16le-bom.xml", ("format", "rss")),
        ("utf-32be.xml", ("format", "rss")),
    ],
)
def test_encodings_are_decoded(sweep, shared, name, expected):
    feed = sweep.outcomes[shared / "corpora/feedparser-tests/encoding" / name].feed
    attribute, value = expected
    if attribute == "text":
        assert feed.entries[0].text == value
    else:
        assert getattr(feed, attribute) == value


def _feed_rs_pairs(shared: Path) -> list[tuple[Path, Path]]:
    root = shared / "corpora/real-feeds/feed-rs"
    pairs = []
    for expected in sorted((root / "expected").rglob("*.serde.json")):
        folder = expected.parent.name
        stem = expected.name.removesuffix(".serde.json")
        pairs.append((root / folder / (stem + (".json" if folder == "jsonfeed" else ".xml")), expected))
    return pairs


def test_titles_and_entries_agree_with_feed_rs(sweep, shared):
    pairs = _feed_rs_pairs(shared)
    assert len(pairs) == 64
    for source, expected_file in pairs:
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        feed = sweep.outcomes[source].feed
        assert feed is not None, sweep.outcomes[source].error
        want_title = html.unescape(((expected.get("title") or {}).get("content") or "").strip())
        assert feed.title == want_title, source
        assert len(feed.entries) == len(expected["entries"]), source
        for article, entry in zip(feed.entries, expected["entries"]):
            title = ((entry.get("title") or {}).get("content") or "").strip()
            if title:
                assert article.title == html.unescape(title), source
