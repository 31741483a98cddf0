"""Searching a library as a reader does: ranking, syntax, filters, Chinese, snippets, safety."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_app.errors import InputError, QueryError
from digest_app.records import ParsedArticle
from digest_app.store import Library
from digest_app.store.articles import ComputedSummary
from digest_app.store.search import RANK_WINDOW


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def lib(library: Library) -> Library:
    """A small library: two English sources, one Chinese source, tags and flags."""
    gadgets, _ = library.sources.add("feed", "https://gadgets.example/rss", title="Gadget Ledger")
    cars, _ = library.sources.add("feed", "https://cars.example/rss", title="Drive Electric")
    chinese, _ = library.sources.add("feed", "https://zh.example/rss", title="数码观察")

    def add(source, key, title, text, published, language="en"):
        result = library.articles.store(
            source.id,
            ParsedArticle(title=title, text=text, guid=key, published=published, language=language),
        )
        return result.article_id

    ids = {
        "title_hit": add(gadgets, "a", "Battery breakthrough for phones",
                         "Engineers described a new cell chemistry.", day(2025, 1, 10)),
        "body_hit": add(gadgets, "b", "Quarterly results",
                        "Revenue rose. The battery unit grew; battery sales and battery margins too.",
                        day(2025, 2, 1)),
        "phrase": add(cars, "c", "SU7 Ultra on track",
                      "The battery life of the car impressed testers. Xiaomi confirmed the numbers.",
                      day(2025, 3, 5)),
        "scattered": add(cars, "d", "Range report",
                         "Life on the road: a long battery test in the cold, and xiaomi owners.",
                         day(2024, 6, 1)),
        "tablet": add(gadgets, "e", "Pad review", "The tablet screen is bright. Rumor says more soon.",
                      day(2025, 4, 2)),
        "laptop": add(gadgets, "f", "Laptop return", "A thin laptop with a big keyboard.", day(2023, 9, 9)),
        "zh_title": add(chinese, "g", "小米发布新手机", "发布会在北京举行。新品续航更长。", day(2025, 5, 1), "zh"),
        "zh_body": add(chinese, "h", "新品评测", "雷军介绍了小米汽车的进展。小米SU7的交付正在加速。",
                       day(2025, 5, 2), "zh"),
        "zh_scattered": add(chinese, "i", "市场观察", "小型汽车市场竞争激烈，大米价格稳定。",
                            day(2025, 5, 3), "zh-CN"),
    }
    library.tags.add([ids["phrase"], ids["scattered"]], ["EV"])
    library.tags.add([ids["tablet"]], ["AIoT and smart home"])
    library.articles.set_read([ids["title_hit"], ids["laptop"]])
    library.articles.set_starred([ids["tablet"]])
    library.ids = ids  # type: ignore[attr-defined]
    return library


def found(lib: Library, query: str, **options) -> list[str]:
    """Names (keys of ``lib.ids``) of the articles a query returns, in order."""
    names = {v: k for k, v in lib.ids.items()}
    return [names[h.header.id] for h in lib.search.run(query, **options).hits]


def test_title_hits_rank_above_body_hits(lib):
    # The body article says "battery" three times; the title mention still wins.
    assert found(lib, "battery")[0] == "title_hit"
    assert set(found(lib, "battery")) == {"title_hit", "body_hit", "phrase", "scattered"}


def test_summary_hits_rank_between_title_and_body_hits(library):
    source, _ = library.sources.add("feed", "https://ranks.example/rss", title="Ranks")
    filler = "Shipments were steady. Analysts watched margins. " * 3

    def add(key, title, text):
        return library.articles.store(source.id, ParsedArticle(title=title, text=text, guid=key)).article_id

    in_title = add("t", "Wearables lead the quarter", filler + "Wearables sold well.")
    in_summary = add("s", "Quarterly update", "Wearables sold well. " + filler)
    in_body = add("b", "Quarterly notes", filler + "Wearables sold well.")
    library.articles.set_summaries([ComputedSummary(in_summary, ("Wearables sold well.",), (), "m"),
                                    ComputedSummary(in_body, ("Shipments were steady.",), (), "m")])
    order = [h.header.id for h in library.search.run("wearables").hits]
    assert order == [in_title, in_summary, in_body]


def test_words_must_all_match(lib):
    assert set(found(lib, "battery xiaomi")) == {"phrase", "scattered"}


def test_words_match_their_variants(lib):
    assert "title_hit" in found(lib, "phone")


def test_case_and_accents_do_not_matter(library):
    source, _ = library.sources.add("feed", "https://cafe.example/rss", title="Café Society")
    library.articles.store(source.id, ParsedArticle(title="Opening", text="The CAFÉ delivered."))
    assert len(library.search.run("cafe deliver").hits) == 1
    assert len(library.search.run("source:café").hits) == 1


def test_exact_phrase(lib):
    assert found(lib, '"battery life"') == ["phrase"]


def test_or(lib):
    assert set(found(lib, "tablet OR laptop")) == {"tablet", "laptop"}
    assert set(found(lib, "pad tablet OR laptop")) == {"tablet"}


def test_exclusion(lib):
    assert set(found(lib, "battery -xiaomi")) == {"title_hit", "body_hit"}
    assert set(found(lib, 'battery -"battery life"')) == {"title_hit", "body_hit", "scattered"}


def test_only_exclusions_lists_everything_else_newest_first(lib):
    assert found(lib, "-battery -小米") == ["zh_scattered", "tablet", "laptop"]
    assert all(h.score == 0 for h in lib.search.run("-battery -小米").hits)


def test_prefix(lib):
    assert set(found(lib, "batt*")) == {"title_hit", "body_hit", "phrase", "scattered"}
    assert set(found(lib, "lapt*")) == {"laptop"}


def test_tag_filter(lib):
    assert set(found(lib, "tag:ev")) == {"phrase", "scattered"}
    assert set(found(lib, 'tag:"AIoT and smart home"')) == {"tablet"}
    assert set(found(lib, "battery -tag:EV")) == {"title_hit", "body_hit"}


def test_unknown_tag_gives_a_note_and_nothing(lib):
    results = lib.search.run("tag:Nope")
    assert results.hits == () and results.total == 0
    assert "there is no tag named 'Nope'" in results.notes


def test_source_filter_by_name_part_or_id(lib):
    assert set(found(lib, "source:drive")) == {"phrase", "scattered"}
    cars = next(s for s in lib.sources.list() if s.title == "Drive Electric")
    assert set(found(lib, f"source:{cars.id} life")) == {"phrase", "scattered"}
    assert set(found(lib, "source:数码")) == {"zh_title", "zh_body", "zh_scattered"}


def test_words_also_match_tags_and_source_names(lib):
    assert set(found(lib, "ledger")) == {"title_hit", "body_hit", "tablet", "laptop"}
    assert set(found(lib, "smart home")) == {"tablet"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("is:unread battery", {"body_hit", "phrase", "scattered"}),
        ("is:read", {"title_hit", "laptop"}),
        ("is:starred", {"tablet"}),
        ("is:unstarred tablet OR laptop", {"laptop"}),
        ("after:2025-03 battery", {"phrase"}),
        ("before:2025 battery", {"scattered"}),
        ("after:2025-01 before:2025-02-15 battery", {"title_hit", "body_hit"}),
        ("lang:zh", {"zh_title", "zh_body", "zh_scattered"}),
        ("lang:en laptop", {"laptop"}),
        ("tag:EV OR is:starred", {"phrase", "scattered", "tablet"}),
        ("laptop OR tag:EV", {"laptop", "phrase", "scattered"}),
    ],
)
def test_filters(lib, query, expected):
    assert set(found(lib, query)) == expected


def test_filter_only_queries_list_newest_first_without_scores(lib):
    results = lib.search.run("lang:zh")
    assert found(lib, "lang:zh") == ["zh_scattered", "zh_body", "zh_title"]
    assert all(h.score == 0 for h in results.hits)


def test_chinese_two_characters_rank_title_first(lib):
    assert found(lib, "小米") == ["zh_title", "zh_body"]
    assert found(lib, "雷军") == ["zh_body"]


def test_chinese_one_character(lib):
    assert set(found(lib, "米")) == {"zh_title", "zh_body", "zh_scattered"}


def test_chinese_longer_terms_must_be_contiguous(lib):
    # zh_scattered has 小型, 汽车 and 大米 but never 小米汽车.
    assert found(lib, "小米汽车") == ["zh_body"]
    assert found(lib, '"小米汽车"') == ["zh_body"]


def test_mixed_chinese_and_latin(lib):
    assert found(lib, "小米 SU7") == ["zh_body"]
    assert found(lib, "小米SU7") == ["zh_body"]
    # SU7 glued to Chinese is still a word of its own.
    assert set(found(lib, "su7")) == {"phrase", "zh_body"}


def test_snippets_mark_the_matches_in_plain_text_and_html(lib):
    (hit,) = lib.search.run('"battery life"').hits
    assert "«battery life»" in hit.snippet
    assert "<mark>battery life</mark>" in hit.snippet_html


def test_snippets_mark_word_variants_and_prefixes(lib):
    for query in ("batteries", "batt*"):
        (hit,) = [h for h in lib.search.run(query).hits if h.header.id == lib.ids["body_hit"]]
        assert hit.snippet.count("«battery»") == 3, query


def test_chinese_snippets_mark_the_characters(lib):
    hit = lib.search.run("小米").hits[1]
    assert "«小米»" in hit.snippet
    assert hit.snippet_html.count("<mark>小米</mark>") == 2


def test_snippet_html_escapes_article_text(library):
    source, _ = library.sources.add("feed", "https://x.example/rss", title="X")
    library.articles.store(
        source.id, ParsedArticle(title="Markup", text="Use <script>alert(1)</script> & xiaomi")
    )
    (hit,) = library.search.run("xiaomi").hits
    assert "&lt;script&gt;" in hit.snippet_html and "<script>" not in hit.snippet_html
    assert "&amp; <mark>xiaomi</mark>" in hit.snippet_html
    assert "<script>alert(1)</script> & «xiaomi»" in hit.snippet


def test_sort_newest_and_paging(lib):
    newest = found(lib, "battery", sort="newest")
    assert newest == ["phrase", "body_hit", "title_hit", "scattered"]
    assert found(lib, "battery", sort="newest", limit=2, offset=2) == newest[2:]
    paged = lib.search.run("battery", limit=1, offset=1)
    assert paged.total == 4 and len(paged.hits) == 1
    assert all(h.score > 0 for h in lib.search.run("battery", sort="newest").hits)


def test_count_agrees_with_results(lib):
    for query in ["battery", "小米", "tag:EV", "-battery", "is:unread battery OR tablet"]:
        assert lib.search.count(query) == lib.search.run(query, limit=100).total == len(
            lib.search.run(query, limit=100).hits
        )


def test_description_and_notes(lib):
    results = lib.search.run('battery OR tablet -rumor tag:EV "unclosed')
    assert results.description == 'battery or tablet, tagged EV, "unclosed", without rumor'
    assert any("closing quote" in n for n in results.notes)


def test_nothing_to_search_for_is_a_friendly_error(lib):
    with pytest.raises(QueryError, match="nothing to search for"):
        lib.search.run("  OR  ")


def test_unknown_sort_is_refused(lib):
    with pytest.raises(InputError, match="sort"):
        lib.search.run("battery", sort="oldest")  # type: ignore[arg-type]


HOSTILE = [
    '"', '""', '"unbalanced', "battery\"", "NEAR(battery xiaomi)", "battery AND", "AND OR NOT",
    "*", "**battery", "battery**", "-", "--", "- -battery", "^battery", "battery:", ":", "title:battery",
    "{body}: battery", "body : battery", "(battery", "battery)", "((()))", "'; DROP TABLE articles; --",
    "\x00", "\ud800", "小", "🔋", "battery\x02x\x03", "tag:\"", "source:%", "source:_", "after:", "lang:'",
    "rank MATCH 'bm25(1)'", "a" * 5000, " OR ".join(["x"] * 500), "-" * 300, "é", "ＳＵ７",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_fail_with_sql_errors(lib, query):
    try:
        results = lib.search.run(query)
    except QueryError as error:
        assert "nothing to search for" in str(error)
        return
    assert results.total >= len(results.hits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"-*:() OR'), max_size=40))
def test_any_text_searches_or_explains(lib, query):
    try:
        lib.search.run(query, limit=5)
        lib.search.count(query)
    except QueryError:
        pass


def test_saved_searches_have_live_counts(lib):
    lib.search.save("EV unread", "tag:EV is:unread")
    lib.search.save("Chinese", "lang:zh")
    assert [(s.name, s.count) for s in lib.search.saved()] == [("Chinese", 3), ("EV unread", 2)]
    lib.articles.set_read([lib.ids["phrase"]])
    lib.tags.add([lib.ids["laptop"]], ["ev"])
    assert {s.name: s.count for s in lib.search.saved()}["EV unread"] == 1


def test_saving_a_search_with_nothing_to_search_for_is_refused(lib):
    with pytest.raises(QueryError):
        lib.search.save("Empty", "OR")
    assert lib.saved_searches.list() == []


@pytest.fixture
def wide(library: Library) -> Library:
    """240 articles whose dates do not follow their IDs; 'alpha' in two of three,
    one carries the tag Rare and eighty the tag Many."""
    source, _ = library.sources.add("feed", "https://wide.example/rss", title="Wide")
    items = [
        ParsedArticle(
            title=f"Item {n}",
            text=("alpha " if n % 3 else "beta ") + f"text {n}",
            guid=str(n),
            published=datetime(2024, 1, 1, tzinfo=timezone.utc).replace(day=1 + (n * 7) % 28, month=1 + n % 12),
        )
        for n in range(240)
    ]
    ids = [r.article_id for r in library.articles.store_many(source.id, items)]
    library.tags.add(ids[5:6], ["Rare"])
    library.tags.add(ids[::3], ["Many"])
    return library


def newest_ids(lib: Library, where: str, params: tuple = ()) -> list[int]:
    return [
        r[0]
        for r in lib.query(
            f"SELECT id FROM articles WHERE {where} ORDER BY sort_date DESC, id DESC", params
        )
    ]


def test_newest_first_pages_agree_whichever_way_they_are_found(wide):
    # The first one-article pages of a broad query walk the date index and ask the
    # index about each article; later pages and whole listings sort the matches.
    expected = newest_ids(wide, "article_text(text) LIKE 'alpha%'")
    whole = [h.header.id for h in wide.search.run("alpha", sort="newest", limit=500).hits]
    paged = [
        h.header.id
        for offset in range(len(expected))
        for h in wide.search.run("alpha", sort="newest", limit=1, offset=offset, count=False).hits
    ]
    assert whole == paged == expected
    prefixed = [
        h.header.id
        for offset in range(4)
        for h in wide.search.run("alph*", sort="newest", limit=1, offset=offset).hits
    ]
    assert prefixed == expected[:4]


def test_filter_listings_agree_whichever_way_they_are_found(wide):
    rare = newest_ids(wide, "id IN (SELECT article_id FROM article_tags at JOIN tags t"
                            " ON t.id = at.tag_id WHERE t.name = 'Rare')")
    many = newest_ids(wide, "id IN (SELECT article_id FROM article_tags at JOIN tags t"
                            " ON t.id = at.tag_id WHERE t.name = 'Many')")
    assert [h.header.id for h in wide.search.run("tag:Rare").hits] == rare
    assert [h.header.id for h in wide.search.run("tag:Many", limit=500).hits] == many
    assert [h.header.id for h in wide.search.run("tag:Many", limit=10, count=False).hits] == many[:10]


def test_without_count_the_total_is_left_out(wide):
    results = wide.search.run("alpha", count=False)
    assert results.total is None and len(results.hits) == 50


def test_very_broad_searches_rank_the_most_recently_added_matches(library):
    source, _ = library.sources.add("feed", "https://many.example/rss", title="Many")
    old = library.articles.store(source.id, ParsedArticle(title="Common ground", text="common", guid="old"))
    library.articles.store_many(
        source.id,
        [ParsedArticle(title=f"Story {n}", text=f"common word {n}", guid=str(n)) for n in range(RANK_WINDOW)],
    )
    results = library.search.run("common")
    assert results.total == RANK_WINDOW + 1
    assert old.article_id not in [h.header.id for h in results.hits]
    assert any(f"ranked the {RANK_WINDOW:,} most recently added" in n for n in results.notes)
    assert [h.header.title for h in library.search.run("common ground").hits] == ["Common ground"]


@pytest.mark.parametrize("dates, where", [
    ("after:2024-11-20", "sort_date >= '2024-11-20'"),
    ("before:2024-02", "sort_date < '2024-02'"),
    ("after:2024-12 before:2024-12-15", "sort_date >= '2024-12' AND sort_date < '2024-12-15'"),
    ("after:2031", "0"),
])
def test_date_filters_are_exact_when_ids_do_not_follow_dates(wide, dates, where):
    expected = newest_ids(wide, f"article_text(text) LIKE 'alpha%' AND {where}")
    results = wide.search.run(f"alpha {dates}", sort="newest", limit=500)
    assert [h.header.id for h in results.hits] == expected
    assert results.total == wide.search.count(f"{dates} alpha") == len(expected)
    assert {h.header.id for h in wide.search.run(f"alpha {dates}", limit=500).hits} == set(expected)
