"""The PDF export, checked with pypdf: outline, contents links and page numbers, source links, text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from digest_app.digests import wording
from digest_app.digests.build import build_digest
from digest_app.digests.export import export_digest
from digest_app.digests.pdf import digest_pdf
from tests.digests.conftest import sample_options, seed_options


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_pdf(sample_file, tmp_path_factory):
    from digest_app.store import Library

    with Library.open(sample_file) as lib:
        digest = build_digest(lib, sample_options())
    path = export_digest(digest, tmp_path_factory.mktemp("pdf") / "digest.pdf")
    return digest, PdfReader(path)


def outline_tree(reader: PdfReader) -> list[tuple[str, list[str]]]:
    tree, entries = [], reader.outline
    for index, entry in enumerate(entries):
        if isinstance(entry, list):
            continue
        children = entries[index + 1] if index + 1 < len(entries) and isinstance(entries[index + 1], list) else []
        tree.append((entry.title, [child.title for child in children]))
    return tree


def test_the_outline_lists_sections_then_their_stories(sample_pdf):
    digest, reader = sample_pdf
    assert outline_tree(reader) == [(s.title, [story.title for story in s.stories]) for s in digest.sections]
    for entry in reader.outline:
        if not isinstance(entry, list):
            page = reader.get_destination_page_number(entry)
            assert flat(entry.title) in flat(reader.pages[page].extract_text())


def test_contents_links_reach_the_pages_the_contents_print(sample_pdf):
    digest, reader = sample_pdf
    destinations = reader.named_destinations
    contents = reader.pages[1]
    links = [a.get_object() for a in contents.get("/Annots", [])]
    # A title wrapped over two lines is one link per line.
    internal = list(dict.fromkeys(link["/Dest"] for link in links if "/Dest" in link))
    expected = [a for s in digest.sections for a in (s.id, *(story.id for story in s.stories))]
    assert internal[: len(expected)] == expected
    text = contents.extract_text()
    for section in digest.sections:
        for story in section.stories:
            page = reader.get_destination_page_number(destinations[story.id])
            assert flat(story.title) in flat(reader.pages[page].extract_text())
            # The contents row: the title, then the page number it links to.
            assert re.search(re.escape(flat(story.title)) + rf"{page + 1}(?!\d)", flat(text)), story.title


def test_source_links_are_web_links(sample_pdf):
    digest, reader = sample_pdf
    uris = {
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object() and a.get_object()["/A"].get("/S") == "/URI"
    }
    assert uris == {link.url for story in digest.stories for link in story.sources}


def test_text_extracts_with_chinese_and_numbers(sample_pdf):
    digest, reader = sample_pdf
    text = "".join(page.extract_text() for page in reader.pages)
    assert "小米汽车二期工厂进入设备调试阶段" in text
    assert "据小米方面介绍，小米汽车北京工厂二期已完成主体建设" in flat(text)
    assert not re.search("[\u2e80-\u2fdf]", text)  # no look-alike radicals in place of ideographs
    assert flat(digest.period.label) in flat(text)
    assert f"Page3of{len(reader.pages)}" in flat(reader.pages[2].extract_text())
    cover = flat(reader.pages[0].extract_text())
    assert flat(digest.title) in cover and flat(digest.period.label) in cover
    assert flat(wording.cover_facts(digest)) in cover  # "24 stories from 25 articles and 4 sources"


def baselines(page) -> list[tuple[float, str]]:
    """Lines of text on a page, top to bottom: (baseline height in points, text)."""
    lines: dict[float, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = round(cm[1] * tm[4] + cm[3] * tm[5] + cm[5], 1)
            lines[y] = lines.get(y, "") + text

    page.extract_text(visitor_text=visit)
    return sorted(lines.items(), reverse=True)


def test_stories_are_set_apart_by_white_space(sample_pdf):
    digest, reader = sample_pdf
    section = digest.sections[0]
    page = reader.get_destination_page_number(reader.named_destinations[section.id])
    lines = baselines(reader.pages[page])
    titles = [y for y, text in lines if any(flat(text) == flat(s.title) for s in section.stories[1:])]
    assert titles
    for title in titles:
        above = max(y for y, text in lines if y > title and text.startswith("Sources:"))
        # A story's "Sources" line, a gap, then the next story's heading: more than one line apart.
        assert above - title >= 24, (above, title)


# Layouts of the sample in which a page break fell just before a story's "Sources"
# line, which then opened the next page on its own.
@pytest.mark.parametrize(
    ("size", "stories", "sentences"), [("A4", 9, 3), ("A4", 18, 4), ("Letter", 5, 3), ("Letter", 12, 2)]
)
def test_no_page_opens_with_the_sources_line_of_a_story_from_the_page_before(sample_file, size, stories, sentences):
    from digest_app.store import Library

    with Library.open(sample_file) as lib:
        digest = build_digest(lib, sample_options(max_stories=stories, summary_sentences=sentences))
    reader = PdfReader(io.BytesIO(digest_pdf(digest, page_size=size)))
    first = reader.get_destination_page_number(reader.named_destinations[digest.sections[0].id])
    for number, page in enumerate(reader.pages[first:], first + 1):
        head, opening, *_ = baselines(page)
        assert not opening[1].startswith("Sources:"), f"page {number} opens with {opening[1]!r}"


def test_the_running_head_names_the_section_a_page_opens_with(sample_pdf):
    digest, reader = sample_pdf
    sections = {flat(s.title): s.title for s in digest.sections}
    stories = {flat(story.title): story.section for story in digest.stories}
    first = reader.get_destination_page_number(reader.named_destinations[digest.sections[0].id])
    current = None
    checked = 0
    for page in reader.pages[first:]:
        head, *body = baselines(page)
        for number, (_, text) in enumerate(body):
            current = sections.get(flat(text)) or stories.get(flat(text)) or current
            if number == 0:
                # The first line under the head: a section heading, a story's title,
                # or the rest of a story from the page before.
                assert flat(head[1]).endswith(flat(current)), (head[1], current)
                checked += 1
    assert checked == len(reader.pages) - first


def test_key_figures_table_is_in_the_pdf(seeds_lib):
    digest = build_digest(seeds_lib, seed_options())
    reader = PdfReader(io.BytesIO(digest_pdf(digest)))
    text = flat("".join(page.extract_text() for page in reader.pages[:6]))
    assert "KEYFIGURES" in text and "RMB53.7billion" in text and "+5.5%YoY" in text


def test_no_page_break_cuts_a_key_figure_and_its_header_comes_again(seeds_lib):
    digest = build_digest(seeds_lib, seed_options())
    reader = PdfReader(io.BytesIO(digest_pdf(digest)))
    pages = [flat(page.extract_text()) for page in reader.pages]
    holding = set()
    for figure in digest.figures:
        said = flat(f"“{wording.shorten(figure.sentence, 170)}”")
        [page] = [n for n, text in enumerate(pages) if said in text]
        # The row whole on one page: what it measures, the sentence, the value.
        assert flat(figure.subject) + said in pages[page] and flat(wording.figure_value(figure)) in pages[page]
        holding.add(page)
    assert len(holding) > 1  # the table runs over several pages ...
    assert all("FigureValueChangeStory" in pages[n] for n in holding)  # ... each with the column heads


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_page_sizes(seeds_lib, size, points):
    digest = build_digest(seeds_lib, seed_options(max_stories=3))
    reader = PdfReader(io.BytesIO(digest_pdf(digest, page_size=size)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
