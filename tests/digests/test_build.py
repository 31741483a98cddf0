"""Building digests: scope, sections, ranking, duplicates, saving and rebuilding."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digest_app.digests.build import build_digest, topics_for
from digest_app.digests.model import Digest
from digest_app.digests.options import DigestOptions
from digest_app.digests.saved import load_digest, rebuild_digest, save_digest
from digest_app.digests.stories import OTHER_NEWS
from digest_app.errors import DigestError, InputError, NotFoundError
from digest_app.store import ArticleFilter
from tests.digests.conftest import NOW, sample_options, today


def titles(digest: Digest) -> set[str]:
    return {s.title for s in digest.stories}


def test_cover_facts_count_the_period(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    assert digest.article_count == 26 and digest.source_count == 4
    assert digest.story_count == 25  # two outlets told the YU7 record as one story
    assert digest.period.label.endswith("November 2026")
    assert digest.title.startswith("Xiaomi digest, ")


def test_the_period_decides_what_is_in(sample_lib):
    week = build_digest(sample_lib, DigestOptions(since="7d"), now=NOW)
    assert week.options.start == today() - timedelta(days=6) and week.options.end == today()
    assert "SU7 Ultra sets a new lap time claim at the Nürburgring" not in titles(week)  # 25 days old
    assert "Xiaomi YU7 deliveries reach a new monthly high" in titles(week)
    day = build_digest(sample_lib, DigestOptions(since="today"), now=NOW)
    assert all(s.last_seen.astimezone().date() == today() for s in day.stories)


def test_sections_follow_the_topic_tags_and_stories_their_importance(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    names = [s.title for s in digest.sections]
    assert names[:3] == ["Smartphones", "EV", "AIoT and smart home"]  # the tag rules' order
    assert "Chips" in names and names.index("Chips") > names.index("EV")
    ev = next(s for s in digest.sections if s.title == "EV")
    assert ev.stories[0].title == "Xiaomi YU7 deliveries reach a new monthly high"  # two sources lead
    for section in digest.sections:
        assert [s.importance for s in section.stories] == sorted((s.importance for s in section.stories), reverse=True)
        assert all(s.section == section.title for s in section.stories)
    assert [s.id for s in digest.stories] == [f"story-{n}" for n in range(1, digest.story_count + 1)]
    assert digest.top_stories[0].title == "Xiaomi YU7 deliveries reach a new monthly high"
    assert len(digest.top_stories) == 5


def test_hand_tags_that_are_no_topic_never_head_a_section(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    assert {s.title for s in digest.sections} <= {t.name for t in topics_for(sample_lib)} | {OTHER_NEWS}
    # Tagged only "Follow up" by hand: no topic of its own.
    story = next(s for s in digest.stories if s.title.startswith("Xiaomi results: phone shipments"))
    assert story.section == OTHER_NEWS and digest.sections[-1].title == OTHER_NEWS


def test_tags_sources_query_and_read_state_narrow_the_digest(sample_lib):
    chips = build_digest(sample_lib, sample_options(tags=("Chips",)))
    assert titles(chips) == {
        "Xiaomi's XRING chip effort moves to a second generation",
        "小米自研芯片玄戒将迎来第二代产品",
        "Xiaomi raises its research budget, with chips and AI at the front",
    }
    assert chips.title.startswith("Xiaomi digest: Chips, ")
    auto = next(s for s in sample_lib.sources.list() if s.title.endswith("Auto Ledger"))
    cars = build_digest(sample_lib, sample_options(sources=(auto.id,)))
    assert cars.source_count == 1 and all(set(s.source_names) == {auto.title} for s in cars.stories)
    queried = build_digest(sample_lib, sample_options(query="lidar"))
    assert titles(queried) == {"Xiaomi's new robot vacuum maps rooms with a retractable lidar"}
    read = [h.id for h in sample_lib.articles.list(ArticleFilter(tag="Phones"), limit=None)]
    sample_lib.articles.set_read(read)
    unread = build_digest(sample_lib, sample_options(include_read=False))
    assert unread.article_count == 26 - len(read)
    assert not titles(unread) & {h.title for h in sample_lib.articles.headers(read)}


def test_max_stories_and_summary_length(sample_lib):
    digest = build_digest(sample_lib, sample_options(max_stories=5, summary_sentences=2))
    assert digest.story_count == 5
    assert all(1 <= len(s.summary) <= 2 for s in digest.stories)
    longer = build_digest(sample_lib, sample_options(summary_sentences=5))
    story = next(s for s in longer.stories if s.title.startswith("HyperOS 3 beta"))
    assert len(story.summary) > 3 and len(set(story.summary)) == len(story.summary)


def test_a_linked_duplicate_is_a_source_of_its_story_not_a_story(sample_lib):
    headers = {h.title: h for h in sample_lib.articles.list(limit=None)}
    kept = headers["Xiaomi's XRING chip effort moves to a second generation"]
    copy = headers["小米自研芯片玄戒将迎来第二代产品"]
    sample_lib.duplicates.link(copy.id, kept.id, "text")
    digest = build_digest(sample_lib, sample_options())
    assert "小米自研芯片玄戒将迎来第二代产品" not in titles(digest)
    story = next(s for s in digest.stories if s.title == kept.title)
    assert [link.article_id for link in story.sources] == [kept.id, copy.id]
    assert set(story.source_names) == {"Sample · Market Desk", "Sample · 科技快讯"}
    assert digest.article_count == 26


def test_an_empty_period_gives_an_empty_digest(sample_lib):
    digest = build_digest(sample_lib, DigestOptions(since=None, start=today() - timedelta(days=400), end=today() - timedelta(days=300)))
    assert digest.story_count == 0 and digest.sections == () and digest.figures == ()


def test_saved_digests_read_back_offline_and_rebuild_over_the_same_days(sample_lib):
    digest = save_digest(sample_lib, build_digest(sample_lib, DigestOptions(since="7d", title="Xiaomi this week"), now=NOW))
    assert sample_lib.digests.list()[0][:2] == (digest.id, "Xiaomi this week")
    sample_lib.articles.delete([h.id for h in sample_lib.articles.list(limit=None)])
    again = load_digest(sample_lib, digest.id)
    assert again == digest and again.stories[0].sources == digest.stories[0].sources
    rebuilt = rebuild_digest(sample_lib, digest.id)
    assert rebuilt.id == digest.id and rebuilt.story_count == 0  # the articles are gone now
    assert rebuilt.period == digest.period and rebuilt.title == "Xiaomi this week"
    assert load_digest(sample_lib, digest.id).story_count == 0
    sample_lib.digests.delete(digest.id)
    with pytest.raises(NotFoundError):
        load_digest(sample_lib, digest.id)


def test_content_json_holds_everything_to_reexport(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    assert Digest.from_json(digest.to_json(), digest.options.to_json()) == digest
    with pytest.raises(InputError, match="digest 7: stored content cannot be read"):
        Digest.from_json({"format": 1}, digest.options.to_json(), digest_id=7)


def test_bad_options_are_refused_with_a_reason():
    with pytest.raises(InputError, match="not a period"):
        DigestOptions(since="soon")
    with pytest.raises(InputError, match="ends .* before it starts"):
        DigestOptions(since=None, start=today(), end=today() - timedelta(days=1))
    with pytest.raises(InputError, match="between 1 and 500"):
        DigestOptions(max_stories=0)


def test_building_stops_when_cancelled(sample_lib):
    steps = []
    with pytest.raises(DigestError, match="cancelled"):
        build_digest(sample_lib, sample_options(), progress=lambda d, t: steps.append(d), cancelled=lambda: len(steps) >= 2)
    assert steps == [0, 1]
