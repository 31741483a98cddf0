"""A story copied into a text file is linked to the feed entry it copies, whether the
entry was stored moments before in the same run or by an earlier run of the app
(whose fingerprints this process never computed)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from digest_app.collect import pipeline
from digest_app.collect.importer import import_paths

STORY = [
    "Xiaomi opened its first flagship store in Madrid on Saturday, and queues formed hours before the doors opened.",
    "The company said the store would sell phones, scooters and home appliances, and repair devices bought elsewhere.",
    "Analysts said the opening was part of a wider push into western Europe after strong sales in Spain and Italy.",
    "The shop on Gran Via is the brand's largest in the region and will host workshops for photography fans.",
]
OTHER = [
    "A different report covered the weather in Lisbon, where rain closed two beaches for most of the weekend.",
    "Officials said the forecast for the coming week was dry, with temperatures rising towards the end of it.",
]


def write_feed(path: Path, entries: list[tuple[str, list[str]]]) -> None:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>https://wire.example.com/{n}</link>"
        f"<guid>https://wire.example.com/{n}</guid>"
        f"<description>{escape(''.join(f'<p>{escape(p)}</p>' for p in paragraphs))}</description></item>"
        for n, (title, paragraphs) in enumerate(entries)
    )
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>',
                    encoding="utf-8")


def write_copy(path: Path) -> None:
    path.write_text("Madrid store opens\n\nAs the wire reported:\n\n" + "\n\n".join(STORY) + "\n", encoding="utf-8")


@pytest.mark.parametrize("fresh_process", [False, True])
def test_a_copy_is_linked_to_the_entry_it_copies(library, tmp_path, fresh_process):
    feed_folder, copy_folder = tmp_path / "feeds", tmp_path / "copies"
    feed_folder.mkdir()
    copy_folder.mkdir()
    write_feed(feed_folder / "wire.xml", [("Xiaomi store opens in Madrid", STORY), ("Rain in Lisbon", OTHER)])
    write_copy(copy_folder / "copy.txt")
    assert import_paths(library, [feed_folder], summarize=False).added == 2
    if fresh_process:
        pipeline._recent.clear()  # as in a later run of the app: nothing remembered
    report = import_paths(library, [copy_folder], summarize=False)
    assert report.added == 1
    assert library.duplicates.count() == 1
    (header,) = [h for h in library.articles.list(limit=None) if h.title == "Xiaomi store opens in Madrid"]
    assert header.duplicates == 1


TEASER = [
    "Xiaomi said deliveries of its SU7 electric car passed forty thousand in October, a record for the carmaker.",
    "The company now expects to hand over more cars this year than it promised investors in the spring.",
]
REST_OF_STORY = [
    "Orders for the sedan have outrun the output of its Beijing plant since the spring launch, the company said.",
    "A second phase of the factory is due to open next year and should double the number of cars it can build.",
    "Buyers in some cities still wait up to six months for the car, according to figures shared with dealers.",
    "The results will be closely watched by investors who have pushed the shares to a record this quarter.",
    "Rivals have cut prices in recent months as competition among electric car makers in China has deepened.",
]


def test_rule_tags_stay_on_the_copy_kept(library, tmp_path):
    folders = [tmp_path / name for name in ("wire", "copy", "full")]
    for folder in folders:
        folder.mkdir()
    write_feed(folders[0] / "wire.xml", [("SU7 deliveries hit a record", TEASER)])
    (folders[1] / "copy.txt").write_text("SU7 record month\n\n" + "\n\n".join(TEASER) + "\n", encoding="utf-8")
    (folders[2] / "full.txt").write_text(
        "SU7 deliveries: the full story\n\n" + "\n\n".join(TEASER + REST_OF_STORY) + "\n", encoding="utf-8"
    )

    def ev_titles() -> list[str]:
        return sorted(h.header.title for h in library.search.run("tag:EV").hits)

    import_paths(library, [folders[0]], summarize=False)
    assert ev_titles() == ["SU7 deliveries hit a record"]
    import_paths(library, [folders[1]], summarize=False)  # a plain copy: linked, not tagged again
    assert ev_titles() == ["SU7 deliveries hit a record"]
    assert library.duplicates.count() == 1
    import_paths(library, [folders[2]], summarize=False)  # the full story is kept, and takes the tag over
    assert ev_titles() == ["SU7 deliveries: the full story"]
    assert [(t.name, t.count) for t in library.tags.list()] == [("EV", 1)]
    assert library.duplicates.count() == 2
    assert library.search.check() == []
    assert library.conn.execute("PRAGMA foreign_key_check").fetchall() == []
