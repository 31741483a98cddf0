"""Key figures: the numbers stated in the period, with what they measure and where they were said."""

from __future__ import annotations

from pathlib import Path

from digest_app.collect.documents import parse_text_document
from digest_app.digests.build import build_digest
from digest_app.digests.figures import figures_in_sentence, figures_in_text, unique
from tests.digests.conftest import seed_options


def seed_articles(shared: Path, stem: str):
    path = next((shared / "seeds").glob(f"{stem}_*.txt"))
    return parse_text_document(path.read_text(encoding="utf-8"), name=path.name, url=path.as_uri())


def found(figures) -> set[tuple[str, str, str | None]]:
    return {(f.subject, f.value, f.change) for f in figures}


def test_the_3q2019_results_give_revenue_profit_and_their_growth(shared):
    results = next(a for a in seed_articles(shared, "002") if "third quarter" in a.title)
    figures = unique(figures_in_text(results.text))
    table = found(figures)
    assert ("Total revenue", "RMB53.7 billion", "+5.5% YoY") in table
    assert ("Adjusted net profit", "RMB3.5 billion", "+20.3% YoY") in table
    assert ("Gross profit", "RMB8.2 billion", "+25.2% YoY") in table
    assert ("Gross profit margin", "15.3%", None) in table
    assert ("Revenue from smartphones segment", "RMB32.3 billion", "−7.8% YoY") in table
    assert ("Global shipments of Xiaomi’s smart TVs", "3.1 million units", "+59.8% YoY") in table
    # Said twice in the release (summary bullets, then the text): listed once.
    assert sum(1 for f in figures if f.value.endswith("RMB53.7 billion")) == 1
    revenue = next(f for f in figures if f.subject == "Total revenue")
    assert "RMB53.7 billion" in revenue.sentence and revenue.sentence in results.text


def test_prices_market_values_and_shares_name_what_they_measure(shared):
    products = next(a for a in seed_articles(shared, "002") if "Mi CC9 Pro" in a.title)
    table = found(figures_in_text(products.text))
    assert ("Mi CC9 Pro price", "RMB 2799", None) in table  # "... priced at RMB 2799 and RMB 3499 respectively"
    assert ("Mi CC9 Pro Premium Edition price", "RMB 3499", None) in table
    assert ("Mi Watch price", "RMB 1999", None) in table
    [market] = seed_articles(shared, "001")
    assert ("Total market value", "more than HK$1 trillion", None) in found(figures_in_text(market.text))
    assert ("Smart home market share", "25%", None) in found(figures_in_text(market.text))
    [india] = seed_articles(shared, "003")
    assert ("Market share", "27 per cent", None) in found(figures_in_text(india.text))


def test_numbers_that_measure_nothing_named_are_left_out():
    assert figures_in_sentence("The company was founded in 2010 and has 12 board members.") == []
    assert figures_in_sentence("EPS exceeded analysts’ expectations by 10%-26% for three quarters.") == []
    assert figures_in_sentence("We pledged that the net margin would not exceed 5%.") == []


def test_chinese_results_sentences_give_their_figures():
    [figure] = figures_in_sentence("小米集团第三季度总收入为人民币537亿元，同比增长5.5%。")
    assert (figure.subject, figure.value, figure.change) == ("第三季度总收入", "人民币537亿元", "+5.5% YoY")
    [figure] = figures_in_sentence("小米汽车交付量突破4万辆，同比下降3%。")
    assert (figure.value, figure.change) == ("4万辆", "−3% YoY")


def test_the_digest_table_links_each_figure_to_its_story(seeds_lib):
    digest = build_digest(seeds_lib, seed_options())
    rows = {(f.subject, f.value, f.change): f for f in digest.figures}
    revenue = rows[("Total revenue", "RMB53.7 billion", "+5.5% YoY")]
    assert digest.story(revenue.story_id).title == "Xiaomi’s adjusted net profit increased 20.3% in the third quarter"
    assert ("Adjusted net profit", "RMB3.5 billion", "+20.3% YoY") in rows
    assert all(digest.story(f.story_id) for f in digest.figures)
    assert len(digest.figures) <= 30
    assert len({(f.subject, f.value, f.change) for f in digest.figures}) == len(digest.figures)
