"""The five seed documents import into sensible articles.

Date rule the expectations follow: a document's publication date is one it states
in a dateline, a date line near the top or at the end, or a lead that opens with a
date. A date mentioned further into the text (seed 003's photo caption "on Feb 19,
2018") is an event date, and a month without a day ("Feb 2018") is not a date, so
seeds 000, 003 and 004 have no publication date.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from digest_app.collect.documents import parse_text_document
from digest_app.collect.sanitize import sanitize_html


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, tzinfo=timezone.utc)


def load(shared: Path, stem: str):
    path = next((shared / "seeds").glob(f"{stem}_*.txt"))
    return parse_text_document(path.read_text(encoding="utf-8"), name=path.name, url=path.as_uri()), path


def paragraphs(article) -> list[str]:
    return article.text.split("\n\n")


def assert_clean(article, chrome: list[str]) -> None:
    for line in chrome:
        assert line not in article.text, line
        assert line not in article.content_html, line
    assert sanitize_html(article.content_html) == article.content_html
    assert article.guid is None


def test_000_analysis_page_loses_its_chrome_and_keeps_its_tables(shared):
    [article], path = load(shared, "000")
    assert article.title == ("In-depth Analysis of the Strategic Cooperation Between Xiaomi and AliExpress "
                             "in the 'Super Brand Globalization Program'")
    assert article.published is None  # only the cited sources carry dates
    assert article.url == path.as_uri()
    assert paragraphs(article)[0].startswith("According to the latest market information [1][2], Xiaomi")
    assert_clean(article, ["Unlock More Features", "Login to access", "About us:", "Ginlix AI", "Related Stocks",
                           "Insights are generated using AI models"])
    assert ("Product/Market | Performance Indicator | Result\n"
            "POCO F8 Series Phones | Black Friday Sales | $2 million, becoming the TOP1 new product on AliExpress [1]"
            ) in article.text
    assert "<td>Xiaomi TV</td><td>European Market Ranking</td>" in article.content_html
    assert "<th>Financial Indicator</th>" in article.content_html
    assert "- Core Categories: Focus on Xiaomi’s core product lines" in article.text
    assert "<li>Target Markets: Localized user operations in key overseas markets</li>" in article.content_html
    assert "that weremore than twicethose on Amazon [1][2]" in article.text


def test_001_market_value_article_is_titled_from_its_lead_and_dated_by_it(shared):
    [article], _ = load(shared, "001")
    assert article.title == "Xiaomi Group's share price soared strongly, reaching an intraday high of HK$43.05 per share"
    assert article.published == day(2025, 2, 7)
    assert paragraphs(article)[0].startswith("On February 7, 2025, Xiaomi Group's share price soared strongly")
    assert "<h2>1. The strong momentum of historical accumulation and soaring market capitalization</h2>" in (
        article.content_html)
    assert "<h3>2.1 Steady growth in the smartphone business</h3>" in article.content_html
    assert paragraphs(article)[-1].startswith("This historic breakthrough is not only a victory for Xiaomi")
    assert_clean(article, [])


def test_002_pasted_press_releases_split_into_one_article_each(shared):
    articles, path = load(shared, "002")
    assert [(a.title, a.published) for a in articles] == [
        ("Global technology leader Xiaomi today announced the release of Mi MIX Alpha concept smartphone",
         day(2019, 9, 24)),
        ("Xiaomi’s adjusted net profit increased 20.3% in the third quarter", day(2019, 11, 27)),
        ("Xiaomi unveils core technologies at MIDC 2019", day(2019, 11, 19)),
        ("Xiaomi Presents Leading-edge Products: Mi CC9 Pro, Mi Watch and Mi TV 5 Series", day(2019, 11, 5)),
        ("Letter to investors and friends", day(2020, 3, 31)),
    ]
    assert [a.url for a in articles] == [f"{path.as_uri()}#part-{n}" for n in range(1, 6)]
    for article in articles:
        assert_clean(article, ["About Xiaomi Corporation", "Xiaomi Corporation was founded in April 2010",
                               "coolest company", "Links to product images", "More product images available"])


def test_002_each_release_starts_with_its_own_content(shared):
    alpha, results, midc, products, letter = load(shared, "002")[0]
    assert paragraphs(alpha)[0].startswith("Beijing, CHINA, September 24 2019 –– Global technology leader Xiaomi")
    assert paragraphs(alpha)[-1].startswith("The mission of Mi MIX concept smartphone")
    assert paragraphs(results)[0] == (
        "- Total revenue hits record high since founding\n- Both total revenue and net profit beat consensus\n"
        "- AIoT continued to make significant progress\n- Overseas business developed rapidly")
    assert paragraphs(results)[1].startswith("Hong Kong, 27 November 2019 — Xiaomi Corporation")
    assert paragraphs(results)[-1].startswith("Meanwhile, Xiaomi maintained a strong leading edge in India")
    assert "小愛同學" in results.text
    assert "<h2>3Q2019 Financial Highlights</h2>" in results.content_html
    assert "<li>Earnings per share were RMB0.106.</li>" in results.content_html
    assert paragraphs(midc)[0].startswith("Beijing, China, November 19, 2019 – Xiaomi officially announced")
    assert paragraphs(midc)[-1].startswith("With sophisticated risk management model")
    assert paragraphs(products)[0].startswith("Beijing, China, November 5, 2019 – Global technology leader")
    assert paragraphs(products)[-1].startswith("Mi TV 5 Pro 55’’, 65’’ and 75’’ variants")
    assert paragraphs(letter)[:2] == [
        "Dear investors and friends:",
        "The world is still under the dark shadows of COVID-19 pandemic, and during this difficult time, "
        "nothing is more important than your well-being. As such, I sincerely wish good health for you and "
        "your loved ones.",
    ]
    assert letter.author == "Lei Jun"
    assert all(a.author is None for a in (alpha, results, midc, products))


def test_003_newspaper_article_loses_page_chrome_and_has_no_stated_date(shared):
    [article], _ = load(shared, "003")
    assert article.title == "China’s Xiaomi in talks with US, European carriers in global push"
    assert article.published is None
    assert paragraphs(article)[0] == ("Xiaomi, with plans for an initial public listing later this year, is eyeing "
                                      "more markets for expansion after winning the sales crown in India.")
    assert paragraphs(article)[1].startswith("Xiaomi, at times referred to as “China’s Apple”")
    assert paragraphs(article)[-1].startswith("“Our biggest challenge is to fit into different requirements")
    assert_clean(article, ["Advertisement", "Get more with myNEWS", "A personalised news feed", "Learn more",
                           "Photo: Weibo", "Xiaomi Barcelona store opening"])
    assert "Xiaomi" not in paragraphs(article)
    assert "Post" not in paragraphs(article)


def test_004_tech_article_loses_navigation_credits_and_related_stories(shared):
    [article], _ = load(shared, "004")
    assert article.title == "Xiaomi CEO vows more global expansion and renewed assault on China market"
    assert article.published is None
    assert article.author == "Andy Boxall"
    assert paragraphs(article)[0].startswith("The founder and CEO of Chinese technology company Xiaomi, Lei Jun")
    assert paragraphs(article)[-1].startswith("Xiaomi has not only been No. 1 before")
    assert len(paragraphs(article)) == 5
    assert_clean(article, ["Skip to main content", "Andy Boxall/Digital Trends", "Review in hand back",
                           "Senior Writer at Digital Trends", "Read more", "AT&T", "Nokia 3210", "Motorola"])


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_every_seed_gives_titled_articles_with_real_paragraphs(shared, stem):
    articles, _ = load(shared, stem)
    for article in articles:
        assert 10 <= len(article.title) <= 130
        assert article.word_count > 300
        assert "\n\n\n" not in article.text
        assert all(p.strip() == p and p for p in paragraphs(article))
