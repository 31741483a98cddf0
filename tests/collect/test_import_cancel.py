"""Cancelling an import is heard between summaries as well as between files: what was
stored stays, and the summaries it did not make are named and made later."""

from __future__ import annotations

from pathlib import Path

from digest_app.collect.importer import import_paths
from digest_app.summaries import resummarize


def _notes(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        body = " ".join(f"Xiaomi note {n} sentence {k} is about phones, cars and tablets." for k in range(8))
        (folder / f"note-{n:02}.md").write_text(f"# Note {n} on Xiaomi\n\n{body}\n", encoding="utf-8")
    return folder


def test_cancel_during_summaries_keeps_what_was_stored_and_says_what_has_no_summary(library, tmp_path):
    folder = _notes(tmp_path / "notes", 20)
    seen: list[str] = []

    report = import_paths(library, [folder], progress=lambda p: seen.append(p.path), cancelled=lambda: len(seen) >= 3)

    # The 20 small notes go into the library in one transaction; Cancel stops the summaries.
    assert report.added == 20
    assert report.notes[0] == "cancelled while summarizing"
    assert report.unsummarized == 17
    assert report.notes[1] == (
        "17 stored articles have no summary yet (importing the same files again, or "
        "`digest-app resummarize`, makes them)"
    )
    articles = [library.articles.get(h.id) for h in library.articles.list(limit=None)]
    assert sum(1 for a in articles if a.summary) == 3

    again = import_paths(library, [folder])
    assert (again.added, again.unchanged, again.unsummarized) == (0, 20, 0)
    assert all(library.articles.get(a.id).summary for a in articles)


def test_resummarize_makes_the_summaries_a_cancelled_import_left_out(library, tmp_path):
    folder = _notes(tmp_path / "notes", 6)
    seen: list[str] = []
    report = import_paths(library, [folder], progress=lambda p: seen.append(p.path), cancelled=lambda: len(seen) >= 2)
    assert report.unsummarized == 4

    assert resummarize(library) == 4
    assert all(library.articles.get(h.id).summary for h in library.articles.list(limit=None))
