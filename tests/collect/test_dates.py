"""Dates stated in documents: datelines, date lines, opening dates, free text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digest_app.collect.dates import find_date, iter_dates, leading_date, parse_date, parse_date_line, parse_dateline


def day(year: int, month: int, dom: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, dom, hour, minute, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("paragraph", "place", "published", "lead"),
    [
        ("Beijing, CHINA, September 24 2019 –– Xiaomi today announced a phone.",
         "Beijing, CHINA", day(2019, 9, 24), "Xiaomi today announced a phone."),
        ("Hong Kong, 27 November 2019 — The company reported results.",
         "Hong Kong", day(2019, 11, 27), "The company reported results."),
        ("Beijing, China, November 19, 2019 – An earthquake warning arrives.",
         "Beijing, China", day(2019, 11, 19), "An earthquake warning arrives."),
        ("BEIJING, Nov. 19, 2019 /PRNewswire/ -- The firm said.", "BEIJING", day(2019, 11, 19), "The firm said."),
        ("SAN FRANCISCO, Calif., Jan. 5, 2020 (BUSINESS WIRE) -- A launch.",
         "SAN FRANCISCO, Calif.", day(2020, 1, 5), "A launch."),
        ("Rio de Janeiro, 3rd of March 2021 - Stores opened.", "Rio de Janeiro", day(2021, 3, 3), "Stores opened."),
        ("北京，2019年11月27日——小米集团公布业绩。", "北京", day(2019, 11, 27), "小米集团公布业绩。"),
        ("November 5, 2019 - No place given.", "", day(2019, 11, 5), "No place given."),
        ("Shenzhen, 2019-11-05: Numbers first.", "Shenzhen", day(2019, 11, 5), "Numbers first."),
    ],
)
def test_datelines_in_many_formats_give_place_date_and_lead(paragraph, place, published, lead):
    dateline = parse_dateline(paragraph)
    assert dateline is not None
    assert (dateline.place, dateline.published, dateline.lead) == (place, published, lead)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Xiaomi said that on November 5, 2019 – a Tuesday – it would ship.",
        "As of September 30, 2019, the number of connected devices grew.",
        "In 2019, Xiaomi exceeded RMB200 billion in revenue.",
        "Beijing, China, November 2019 – a month and a year are not a date.",
        "Beijing, China, February 30, 2019 – no such day.",
        "Published: March 5, 2020",
        "",
    ],
)
def test_text_that_is_not_a_dateline(paragraph):
    assert parse_dateline(paragraph) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The results of 2019年11月27日 were strong.", day(2019, 11, 27)),
        ("It opened on Feb 19, 2018 in Manila.", day(2018, 2, 19)),
        ("Updated 2026-01-05 with new figures", day(2026, 1, 5)),
        ("Filed 2019/11/27.", day(2019, 11, 27)),
        ("See the 5th November 2019 report.", day(2019, 11, 5)),
        ("Opened in Feb 2018, closed in 2019.", None),
        ("February 30, 2019 is impossible, March 1, 2019 is fine.", day(2019, 3, 1)),
        ("Version 10.2.2019 is a version number, not a date.", None),
    ],
)
def test_find_date_finds_the_first_full_date(text, expected):
    assert find_date(text) == expected


def test_iter_dates_reports_where_each_date_stands():
    text = "From 1 May 2019 to June 3, 2019."
    found = list(iter_dates(text))
    assert [match.moment for match in found] == [day(2019, 5, 1), day(2019, 6, 3)]
    assert text[found[1].start:found[1].end] == "June 3, 2019"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("March 31, 2020", day(2020, 3, 31)),
        ("Published: 2019年11月27日", day(2019, 11, 27)),
        ("Updated: Tue, 5 Nov 2019 18:00", day(2019, 11, 5, 18)),
        ("Posted on 2019/11/27", day(2019, 11, 27)),
        ("Nov 5, 2019 at 10:00 a.m. EST", day(2019, 11, 5, 15)),
        ("November 5, 2019 10:30 PM (HKT)", day(2019, 11, 5, 14, 30)),
        ("Published 5 Nov 2019, 6:30 pm GMT+8", day(2019, 11, 5, 10, 30)),
        ("Lei Jun, March 31, 2020", None),
        ("March 31, 2020 was a Tuesday", None),
        ("Lei Jun", None),
    ],
)
def test_a_date_line_holds_a_date_and_nothing_else(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-31T09:30:00+08:00", day(2020, 3, 31, 1, 30)),
        ("2020-03-31T09:30:00Z", day(2020, 3, 31, 9, 30)),
        ("2020-03-31", day(2020, 3, 31)),
        ("'March 31, 2020'", day(2020, 3, 31)),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_date_reads_metadata_values_as_utc(value, expected):
    assert parse_date(value) == expected


def test_an_opening_date_is_read_and_the_sentence_goes_on():
    assert leading_date("On February 7, 2025, Xiaomi's shares soared.") == (day(2025, 2, 7), "Xiaomi's shares soared.")
    assert leading_date("On Friday, 7 February 2025: shares soared.") == (day(2025, 2, 7), "shares soared.")
    assert leading_date("Xiaomi said on February 7, 2025, that shares soared.") is None
