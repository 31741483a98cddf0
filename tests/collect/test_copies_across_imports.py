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
