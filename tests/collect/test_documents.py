"""Plain-text and Markdown documents become clean articles (rules on our own small texts)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from digest_app.collect.boilerplate import ChromeRules, default_rules
from digest_app.collect.documents import derive_title, parse_markdown_document, parse_text_document
from digest_app.collect.sanitize import sanitize_html
from digest_app.errors import InputError, ParseError
from digest_app.paths import data_file

BODY_ONE = "The company opened a flagship store in the city centre on Saturday, with queues around the block."
BODY_TWO = "Shoppers could try the new phones, scooters and air purifiers before buying them at the counter."


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, tzinfo=timezone.utc)


def parse_one(text: str, name: str = "note.txt"):
    [article] = parse_text_document(text, name=name, url=f"file:///docs/{name}")
    return article


def paragraphs(article) -> list[str]:
    return article.text.split("\n\n")


# -- page chrome ------------------------------------------------------------------

CHROME_LINES = [
    "Skip to main content",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Login to access premium analysis, reports and more advanced features",
    "Sign in to read the full story",
    "Subscribe now",
    "Unlock More Features",
    "Get more with myPAPER",
    "Read more",
    "Share this article",
    "Share on Facebook",
    "Related Stocks",
    "Related articles",
    "Most popular",
    "We use cookies to give you the best experience. By continuing you agree to our cookie policy.",
    "Accept all cookies",
    "Follow us on Twitter",
    "Sign up for our daily newsletter to get the top stories in your inbox",
    "5 min read",
    "12 comments",
    "Links to product images: Phone X",
    "More product images available from: Phone X, Watch Y",
    "About us: Example Corp is a research service that answers your questions. Ask anything below.",
    "This content was generated using AI models and does not constitute investment advice.",
    "© 2024 Example Media. All rights reserved.",
    "» Back to top",
]


@pytest.mark.parametrize("line", CHROME_LINES)
def test_listed_chrome_lines_are_recognised(line):
    assert default_rules().is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        BODY_ONE,
        "Share prices rose 5% after the announcement.",
        "Xiaomi will read more signals from its users in 2020.",
        "Related companies include suppliers of displays and batteries.",
        "The photo app gained a night mode that users asked for.",
        "Comments from analysts were mixed, with some calling the price too high.",
        "Home appliances now make up a fifth of revenue.",
    ],
)
def test_article_sentences_are_not_chrome(line):
    assert not default_rules().is_chrome(line)


def test_chrome_lines_are_left_out_of_the_body():
    text = "\n".join(["Skip to main content", "", "City store draws crowds on opening day", "Advertisement",
                      BODY_ONE, "Share this article", "Read more", BODY_TWO, "Accept all cookies"])
    article = parse_one(text)
    assert article.title == "City store draws crowds on opening day"
    assert paragraphs(article) == [BODY_ONE, BODY_TWO]


def test_photo_captions_with_credits_are_dropped_but_sentences_about_photos_stay():
    text = "\n".join([
        "Store opens downtown",
        BODY_ONE,
        "Customers queue outside the new store on Saturday. Photo: Weibo",
        "The window display at night",
        "Jane Smith/Example News",
        "The photo booth inside the store was the most popular corner of all, staff said on Sunday.",
        BODY_TWO,
    ])
    article = parse_one(text)
    assert paragraphs(article) == [
        BODY_ONE,
        "The photo booth inside the store was the most popular corner of all, staff said on Sunday.",
        BODY_TWO,
    ]


def test_a_widget_blurb_between_chrome_lines_and_repeated_labels_are_dropped():
    text = "\n".join([
        "Advertisement", "Gadgets", "Get more with myPAPER", "A feed of stories picked for you", "Learn more",
        "", "City store draws crowds on opening day", "", "Gadgets", "", BODY_ONE, "", BODY_TWO,
    ])
    article = parse_one(text)
    assert article.title == "City store draws crowds on opening day"
    assert paragraphs(article) == [BODY_ONE, BODY_TWO]


def test_a_site_blurb_printed_twice_is_dropped_everywhere():
    blurb = "Example Research is an assistant that answers financial questions with verified data sources."
    article = parse_one("\n".join(["Quarterly sales rise on new phones", blurb, BODY_ONE, BODY_TWO, blurb]))
    assert paragraphs(article) == [BODY_ONE, BODY_TWO]


def test_author_box_and_related_stories_after_the_article_are_cut_and_name_the_author():
    teaser = "Another phone maker is selling unlocked phones at a discount this week, and buyers rushed in."
    text = "\n".join([
        "City store draws crowds on opening day", BODY_ONE, BODY_TWO, BODY_ONE + " Again.",
        "Mary Jones", "Mary is a senior reporter at Example News, where she covers retail.",
        "Discount phones are back", teaser, "Read more", "Another teaser headline", teaser + " Twice.",
    ])
    article = parse_one(text)
    assert article.author == "Mary Jones"
    assert paragraphs(article) == [BODY_ONE, BODY_TWO, BODY_ONE + " Again."]


NEWS_PAGE = f"""Home
News
Tech

Store opening draws crowds in Madrid

The company hopes the new shop will lift its share of the Spanish market this year

By John Smith
Published: 12 March 2021, 10:45 GMT

Share
Tweet

{BODY_ONE}

{BODY_TWO}

Related Topics
Retail
Spain

More on this story
Another store opens in Lisbon
"""


def test_a_copied_news_page_keeps_headline_dek_and_body_and_drops_its_furniture():
    article = parse_one(NEWS_PAGE)
    assert article.title == "Store opening draws crowds in Madrid"
    assert (article.author, article.published) == ("John Smith", datetime(2021, 3, 12, 10, 45, tzinfo=timezone.utc))
    assert paragraphs(article) == [
        "The company hopes the new shop will lift its share of the Spanish market this year", BODY_ONE, BODY_TWO,
    ]


def test_press_release_furniture_and_closing_sections_are_dropped():
    text = "\n\n".join([
        "FOR IMMEDIATE RELEASE", "Example Corp launches Phone Two",
        f"BEIJING, March 29, 2021 /PRNewswire/ -- {BODY_ONE}", BODY_TWO,
        "Forward-Looking Statements\nThis release contains statements about the future.",
        "Media Contact:\nJane Doe\npress@example.com", "SOURCE Example Corp", "###",
    ])
    article = parse_one(text)
    assert article.title == "Example Corp launches Phone Two"
    assert article.published == day(2021, 3, 29)
    assert paragraphs(article) == [f"BEIJING, March 29, 2021 /PRNewswire/ -- {BODY_ONE}", BODY_TWO]


def test_a_chinese_page_gets_its_headline_dateline_and_loses_its_chrome():
    lead = "北京，2019年11月5日——公司今天发布了新款手机，配备大容量电池。新机将于下周开售。"
    text = "\n\n".join(["广告", "公司发布新款手机", lead, "创始人表示，这款手机是公司影像技术的最新成果。",
                       "责任编辑：张三\n分享到微博", "相关阅读\n公司手机销量创新高"])
    article = parse_one(text)
    assert (article.title, article.published) == ("公司发布新款手机", day(2019, 11, 5))
    assert paragraphs(article) == [lead, "创始人表示，这款手机是公司影像技术的最新成果。"]
    assert derive_title(lead) == "公司今天发布了新款手机，配备大容量电池"


def test_a_document_that_is_only_a_headline_keeps_it_as_text():
    article = parse_one("Store opens in Madrid")
    assert (article.title, article.text) == ("Store opens in Madrid", "Store opens in Madrid")


def test_repeated_short_list_items_are_content_not_labels():
    text = "\n".join(["Phone comparison", "Dual SIM:", "- Yes", "- No", "- Yes", BODY_ONE, "- Yes", BODY_TWO])
    assert paragraphs(parse_one(text)) == ["Dual SIM:", "- Yes\n- No\n- Yes", BODY_ONE, "- Yes", BODY_TWO]


def test_a_related_heading_early_in_the_text_does_not_cut_the_article():
    text = "\n".join(["Store news", BODY_ONE, "Related", BODY_TWO, BODY_TWO + " More.", BODY_ONE + " More."])
    assert len(paragraphs(parse_one(text))) == 4


def test_a_shipped_pattern_list_with_a_broken_line_names_file_and_line(tmp_path: Path):
    for source in data_file("import").iterdir():
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "chrome_lines.txt").write_text("# comment\nread more\nbroken (pattern\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"chrome_lines\.txt, line 3"):
        ChromeRules.load(tmp_path)


def test_an_edited_pattern_list_changes_what_is_chrome(tmp_path: Path):
    for source in data_file("import").iterdir():
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "chrome_lines.txt").write_text("download our brochure\n", encoding="utf-8")
    rules = ChromeRules.load(tmp_path)
    assert rules.is_chrome("Download our brochure:")
    assert not rules.is_chrome("Advertisement")


# -- titles and dates -------------------------------------------------------------

def test_headline_is_the_first_line_when_it_reads_as_one():
    article = parse_one(f"Phone sales double in Europe\n{BODY_ONE}\n{BODY_TWO}")
    assert article.title == "Phone sales double in Europe"
    assert paragraphs(article)[0] == BODY_ONE


def test_headline_below_a_kicker_and_caption_is_the_last_short_line_before_the_text():
    text = "\n\n".join(["Retail", "Shoppers outside the store, May 2019", "Phone sales double in Europe",
                       BODY_ONE, BODY_TWO])
    article = parse_one(text)
    assert article.title == "Phone sales double in Europe"
    assert paragraphs(article) == [BODY_ONE, BODY_TWO]


def test_without_a_headline_the_title_is_the_shortened_lead_sentence():
    lead = ("On March 3, 2021, the group's revenue climbed sharply, reaching a record for the quarter, "
            "with overseas markets contributing more than half of the total for the first time. More follows.")
    article = parse_one(f"{lead}\n{BODY_ONE}")
    assert article.title == "The group's revenue climbed sharply, reaching a record for the quarter"
    assert article.published == day(2021, 3, 3)
    assert paragraphs(article)[0] == lead


def test_derived_titles_are_cut_at_a_word_boundary_when_there_is_no_clause_break():
    title = derive_title("Word " * 40)
    assert title.endswith("…") and len(title) <= 101 and "  " not in title
    assert derive_title("Beijing, China, May 5, 2019 – Xiaomi opened a store. It was busy.") == "Xiaomi opened a store"
    assert derive_title("Mr. Lei said the U.S. launch is close. Then he left.") == "Mr. Lei said the U.S. launch is close"


@pytest.mark.parametrize(
    ("text", "published"),
    [
        (f"Sales double\nPublished: 5 November 2019\n{BODY_ONE}", day(2019, 11, 5)),
        (f"Sales double\nBy Mary Jones | November 5, 2019\n{BODY_ONE}", day(2019, 11, 5)),
        (f"Sales double\nHong Kong, 27 November 2019 — {BODY_ONE}", day(2019, 11, 27)),
        (f"Sales double\nOn 1 July 2020, {BODY_ONE}", day(2020, 7, 1)),
        (f"Sales double\n{BODY_ONE}\n{BODY_TWO}\nMarch 31, 2020", day(2020, 3, 31)),
        (f"Sales double\n{BODY_ONE}\nThe store first opened on Feb 19, 2018, to long queues of buyers.", None),
        (f"Sales double\nStore opening, Feb 2018\n{BODY_ONE}", None),
    ],
)
def test_the_date_is_one_the_text_states_near_the_top_or_at_the_end(text, published):
    assert parse_one(text).published == published


def test_byline_and_date_line_become_metadata_not_body():
    article = parse_one(f"Sales double\nBy Mary Jones\nUpdated: 5 Nov 2019 18:00\n{BODY_ONE}")
    assert article.author == "Mary Jones"
    assert article.published == datetime(2019, 11, 5, 18, tzinfo=timezone.utc)
    assert paragraphs(article) == [BODY_ONE]


# -- several releases in one file ---------------------------------------------------

RELEASES = """Beijing, China, May 5, 2019 – Example Corp today announced the Phone One, its first folding phone.

The Phone One unfolds into a tablet and ships in June in three colours across Europe and Asia.

About Example Corp
Example Corp makes phones and smart home devices and is listed in Hong Kong since 2018.

Example Corp is present in over ninety markets and employs twenty thousand people worldwide.


Example Corp quarterly profit rises 20%

Revenue hits a record
Overseas sales grow fast

Hong Kong, 27 November 2019 — Example Corp today announced results for the third quarter of 2019.

Gross profit increased by a quarter to a new high, helped by sales of larger televisions.

About Example Corp

Example Corp makes phones and smart home devices and is listed in Hong Kong since 2018.

Example Corp is present in over ninety markets and employs twenty thousand people worldwide.

Example Corp opens developer conference

Shenzhen, 19 November 2019 – Example Corp opened its yearly developer conference with a keynote.

Developers were shown a new voice assistant, 小爱同学, that now answers in two languages.

More product images available from: Phone One, Watch Two



Dear shareholders and partners:

This year tested us, and the whole team answered with the best results in our history.

We will keep investing in research and in our people.

Jane Doe

March 31, 2020
"""


def test_pasted_releases_become_one_article_each_with_headline_date_and_part_url():
    articles = parse_text_document(RELEASES, name="releases.txt", url="file:///docs/releases.txt")
    assert [(a.title, a.published) for a in articles] == [
        ("Example Corp today announced the Phone One, its first folding phone", day(2019, 5, 5)),
        ("Example Corp quarterly profit rises 20%", day(2019, 11, 27)),
        ("Example Corp opens developer conference", day(2019, 11, 19)),
        ("Letter to shareholders and partners", day(2020, 3, 31)),
    ]
    assert [a.url for a in articles] == [f"file:///docs/releases.txt#part-{n}" for n in range(1, 5)]
    assert all(a.guid is None for a in articles)


def test_release_bodies_lose_the_company_profile_and_keep_their_own_subheads():
    articles = parse_text_document(RELEASES, name="releases.txt", url="file:///docs/releases.txt")
    for article in articles:
        assert "About Example Corp" not in article.text
        assert "twenty thousand people" not in article.text
        assert "product images" not in article.text
    first, results, conference, letter = articles
    assert paragraphs(first)[-1].startswith("The Phone One unfolds")
    assert paragraphs(results)[0] == "- Revenue hits a record\n- Overseas sales grow fast"
    assert "<ul><li>Revenue hits a record</li>" in results.content_html
    assert paragraphs(results)[1].startswith("Hong Kong, 27 November 2019 — Example Corp")
    assert "小爱同学" in conference.text
    assert letter.author == "Jane Doe"
    assert paragraphs(letter)[0] == "Dear shareholders and partners:"


def test_a_quoted_salutation_inside_a_single_article_does_not_split_it():
    text = f"Founder writes to fans\n{BODY_ONE}\nDear fans,\n{BODY_TWO}"
    [article] = parse_text_document(text, name="a.txt", url="file:///a.txt")
    assert article.url == "file:///a.txt"
    assert "Dear fans," in article.text


def test_a_single_letter_is_titled_after_its_addressee():
    article = parse_one(f"Dear Mi Fans,\n\n{BODY_ONE}\n\nLei Jun\n\nApril 6, 2020")
    assert (article.title, article.author, article.published) == ("Letter to Mi Fans", "Lei Jun", day(2020, 4, 6))


# -- structure and HTML -------------------------------------------------------------

def test_lists_numbered_sections_and_headings_become_html_structure():
    text = "\n".join([
        "Market report",
        "1. Phones",
        BODY_ONE,
        "1.1 Europe",
        BODY_TWO,
        "The plan has three steps:",
        "1. Build stores",
        "2. Hire staff",
        "  • Open online",
        "  • Ship fast",
    ])
    article = parse_one(text)
    assert article.content_html.split("\n") == [
        "<h2>1. Phones</h2>",
        f"<p>{BODY_ONE}</p>",
        "<h3>1.1 Europe</h3>",
        f"<p>{BODY_TWO}</p>",
        "<p>The plan has three steps:</p>",
        "<ol><li>Build stores</li><li>Hire staff</li></ol>",
        "<ul><li>Open online</li><li>Ship fast</li></ul>",
    ]
    assert paragraphs(article)[-2:] == ["1. Build stores\n2. Hire staff", "- Open online\n- Ship fast"]


def test_markdown_tables_even_with_rows_broken_over_lines_become_tables():
    text = "\n".join([
        "Results by product",
        "Sales by product:",
        "| Product | Measure | Result |",
        "|---|---|---|",
        "Phone One |",
        "Launch week | $2 million [1] |",
        "| Watch Two | Ranking | First in Europe |",
        BODY_ONE,
    ])
    article = parse_one(text)
    assert paragraphs(article)[1] == (
        "Product | Measure | Result\nPhone One | Launch week | $2 million [1]\nWatch Two | Ranking | First in Europe"
    )
    assert ("<table><thead><tr><th>Product</th><th>Measure</th><th>Result</th></tr></thead><tbody>"
            "<tr><td>Phone One</td><td>Launch week</td><td>$2 million [1]</td></tr>") in article.content_html
    assert paragraphs(article)[2] == BODY_ONE


def test_html_from_text_is_escaped_and_already_in_sanitized_form():
    article = parse_one(f"Tags <b>bold</b> & more\n{BODY_ONE} <script>alert('x')</script> \"quoted\"")
    assert "<script>" not in article.content_html
    assert "&lt;script&gt;" in article.content_html
    assert article.title == "Tags <b>bold</b> & more"
    assert sanitize_html(article.content_html) == article.content_html


def test_hard_wrapped_text_is_joined_back_into_paragraphs():
    wrapped = (
        "The company opened a flagship store in the city centre on Saturday,\n"
        "with queues around the block and staff handing out water to the\n"
        "people who had waited since dawn for the doors to open.\n"
        "\n"
        "Shoppers could try the new phones, scooters and air purifiers before\n"
        "buying them at the counter, and many stayed for the evening show in\n"
        "the square outside the store.\n"
    )
    article = parse_one("Store opens\n\n" + wrapped)
    assert paragraphs(article) == [
        "The company opened a flagship store in the city centre on Saturday, with queues around the block "
        "and staff handing out water to the people who had waited since dawn for the doors to open.",
        "Shoppers could try the new phones, scooters and air purifiers before buying them at the counter, "
        "and many stayed for the evening show in the square outside the store.",
    ]


def test_odd_whitespace_and_control_characters_are_tidied():
    article = parse_one(f"Sales\u00a0double \u0007\r\n\r\n{BODY_ONE.replace(' ', '  ', 3)}\u200b\r\n")
    assert article.title == "Sales double"
    assert article.text == BODY_ONE


@pytest.mark.parametrize("text", ["", "   \n\n\t", "Advertisement\nRead more\nSkip to main content"])
def test_documents_without_article_text_are_a_parse_error_naming_the_file(text):
    with pytest.raises(ParseError, match="empty-notes.txt"):
        parse_text_document(text, name="empty-notes.txt")


# -- Markdown ------------------------------------------------------------------------

MARKDOWN = """---
title: "Phone sales double"
date: 2019-11-05T10:00:00+08:00
author: Mary Jones
tags: [phones]
---
# A heading that is not the title

Advertisement

The store opened with **queues** around the block. See [the report](https://example.com/r)
and [this](javascript:alert(1)).

<script>alert("x")</script>
<p onclick="evil()">raw html</p>

| Product | Units |
|---|---|
| Phone | 10 |

- first
- second
"""


def test_markdown_front_matter_gives_title_date_and_author():
    [article] = parse_markdown_document(MARKDOWN, name="sales.md", url="file:///docs/sales.md")
    assert article.title == "Phone sales double"
    assert article.published == datetime(2019, 11, 5, 2, tzinfo=timezone.utc)
    assert article.author == "Mary Jones"
    assert article.url == "file:///docs/sales.md"


def test_markdown_is_rendered_and_sanitized():
    [article] = parse_markdown_document(MARKDOWN, name="sales.md", url="file:///docs/sales.md")
    html = article.content_html
    assert "<strong>queues</strong>" in html
    assert '<a href="https://example.com/r" rel="noopener noreferrer nofollow">the report</a>' in html
    assert 'href="javascript:' not in html and "<script" not in html and "onclick" not in html
    assert "<p>raw html</p>" in html
    assert "<table>" in html and "<td>Phone</td>" in html
    assert "<ul>" in html
    assert "Advertisement" not in article.text
    assert "- first\n- second" in article.text
    assert sanitize_html(html) == html


def test_markdown_title_comes_from_the_first_heading_which_leaves_the_body():
    text = "Intro line that is not a heading\n\n# Phone sales double\n\nOn 5 November 2019, sales doubled.\n"
    [article] = parse_markdown_document(text, name="sales.md")
    assert article.title == "Phone sales double"
    assert "Phone sales double" not in article.text
    assert article.published == day(2019, 11, 5)


def test_markdown_setext_heading_and_derived_title():
    [setext] = parse_markdown_document("Phone *sales* double\n===\n\nText here.\n\nPart two\n---\n\nMore.", name="a.md")
    assert setext.title == "Phone sales double"
    assert setext.content_html == "<p>Text here.</p>\n<h2>Part two</h2>\n<p>More.</p>"
    [plain] = parse_markdown_document("Sales doubled in Europe. More later.", name="b.md")
    assert plain.title == "Sales doubled in Europe"


def test_markdown_without_text_is_a_parse_error():
    with pytest.raises(ParseError, match="blank.md"):
        parse_markdown_document("---\ntitle: x\n---\n\n", name="blank.md")
