"""The library file: upgrades that fail leave it untouched, `digest-app check` finds and
repairs what can drift, `digest-app backup` copies it consistently while others write,
and every file Digest writes is readable by its owner only."""

from __future__ import annotations

import dataclasses
import os
import random
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest_app.cli.main import main
from digest_app.collect.importer import import_paths
from digest_app.collect.pipeline import store_articles
from digest_app.errors import MigrationError
from digest_app.records import ParsedArticle
from digest_app.store import Library, fts, migrations
from tests.reliability.library_state import invariant_problems, snapshot
from tests.reliability.synthetic import article_paragraphs

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, capsys) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    fts.register_functions(conn)  # the search index's views call them
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def old_library(path: Path, version: int) -> None:
    """A library as an older Digest left it: WAL mode, schema *version*, one article."""
    conn = sqlite3.connect(path, isolation_level=None)
    fts.register_functions(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.upgrade(conn, path, target=version)
    conn.execute("INSERT INTO sources (kind, url, title, created)"
                 " VALUES ('feed', 'https://example.com/feed', 'Old feed', '2024-01-01T00:00:00Z')")
    conn.execute("INSERT INTO articles (source_id, title, text, fetched, content_hash)"
                 " VALUES (1, 'Kept for years', 'Xiaomi news from long ago.', '2024-01-01T00:00:00Z', 'h1')")
    conn.close()


@pytest.fixture
def permissive_umask():
    """The umask of a shared machine that makes new files world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- upgrades --------------------------------------------------------------------------------


def test_an_upgrade_that_fails_half_way_leaves_the_original_untouched(tmp_path):
    path = tmp_path / "library.db"
    old_library(path, 1)
    # Something else once added a column of this name: the third step cannot add it.
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE sources ADD COLUMN retry_after TEXT")
    conn.commit()
    conn.close()
    before = dump(path)

    with pytest.raises(MigrationError, match="unchanged at schema 1"):
        Library.open(path)

    assert dump(path) == before  # the second step, which worked, was undone with the third
    assert dump(tmp_path / "library.db.v1.bak") == before


def test_an_upgrade_through_the_command_line_keeps_a_private_backup(tmp_path, permissive_umask, capsys):
    path = tmp_path / "library.db"
    old_library(path, 2)
    before = dump(path)

    status, out, _ = cli("--library", str(path), "list", capsys=capsys)

    assert status == 0 and "Kept for years" in out
    backup = tmp_path / "library.db.v2.bak"
    assert dump(backup) == before and mode(backup) == 0o600
    with Library.open(path) as lib:
        assert lib.schema_version == migrations.latest_version()
        assert lib.search.count("years") == 1


# --- check and repair ------------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path, shared) -> Path:
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        assert import_paths(lib, [shared / "seeds"]).added == 10
        source, _ = lib.sources.add("feed", "https://example.com/copies.xml", title="Copies")
        store_articles(lib, source.id, [ParsedArticle(title=f"Copy {n}", text=f"Xiaomi copy {n} text.",
                                                      guid=f"https://example.com/{n}") for n in range(3)])
    return path


def test_check_on_a_sound_library_says_ok_for_each_check(seeded, capsys):
    status, out, _ = cli("--library", str(seeded), "check", capsys=capsys)
    assert status == 0
    assert out.splitlines() == [f"ok        {name}" for name in (
        "file", "foreign keys", "search index", "duplicates", "near-duplicate anchors", "summaries")]


def test_check_finds_what_drifted_and_repair_rebuilds_it(seeded, capsys):
    with Library.open(seeded) as lib:
        seed = lib.articles.list(limit=1, order="oldest")[0]
        copies = sorted(h.id for h in lib.articles.list(limit=None) if h.title.startswith("Copy"))
    expected = snapshot(seeded)
    # What an outside tool writing to the file could do.
    outside = sqlite3.connect(seeded, isolation_level=None)
    fts.register_functions(outside)
    outside.execute(
        "INSERT INTO search_index (search_index, rowid, body, title, tags, source, cjk_head, cjk_body)"
        " SELECT 'delete', article_id, body, title, tags, source, cjk_head, cjk_body FROM search_docs"
        " WHERE article_id = ?", (seed.id,))
    outside.execute("DELETE FROM article_anchors WHERE article_id = ?", (seed.id,))
    outside.execute("INSERT INTO duplicate_links VALUES (?, ?, 'text', 'x'), (?, ?, 'text', 'x')",
                    (copies[1], copies[0], copies[2], copies[1]))
    outside.execute("UPDATE articles SET summary = NULL, keywords = NULL WHERE id = ?", (seed.id,))
    outside.close()

    status, out, _ = cli("--library", str(seeded), "check", capsys=capsys)
    assert status == 1
    problems = {line.split()[1] for line in out.splitlines() if line.startswith("PROBLEM")}
    assert problems == {"search", "duplicates", "near-duplicate", "summaries"}, out

    status, out, _ = cli("--library", str(seeded), "check", "--repair", capsys=capsys)
    assert status == 0, out
    assert sum(line.startswith("repaired") for line in out.splitlines()) == 4
    assert out.splitlines()[-6:] == [f"ok        {name}" for name in (
        "file", "foreign keys", "search index", "duplicates", "near-duplicate anchors", "summaries")]
    with Library.open(seeded) as lib:
        assert seed.id in {hit.header.id for hit in lib.search.run(seed.title.split()[0]).hits}
    # Everything is as it was, except that the copies now link straight to the first one.
    first = ("https://example.com/copies.xml", "https://example.com/0")
    for n in (1, 2):
        key = ("https://example.com/copies.xml", f"https://example.com/{n}")
        expected[key] = dataclasses.replace(expected[key], duplicate_of=first)
    assert snapshot(seeded) == expected


def test_a_damaged_file_is_reported_and_left_alone(seeded, capsys):
    conn = sqlite3.connect(seeded)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_content_hash'").fetchone()[0]
    conn.close()
    with open(seeded, "r+b") as handle:  # a disk error in one index page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff\xff" * 8)
    before = seeded.read_bytes()

    status, out, _ = cli("--library", str(seeded), "check", capsys=capsys)
    assert status == 1 and out.startswith("PROBLEM   file")
    status, out, err = cli("--library", str(seeded), "check", "--repair", capsys=capsys)
    assert status == 1 and "Restore a backup" in err
    assert seeded.read_bytes() == before


def test_check_and_backup_never_create_a_library(tmp_path, capsys):
    missing = tmp_path / "nothing.db"
    for command in (["check"], ["backup", str(tmp_path / "copy.db")]):
        status, _, err = cli("--library", str(missing), *command, capsys=capsys)
        assert status == 1 and "no library here" in err
    assert list(tmp_path.iterdir()) == []


# --- backup ----------------------------------------------------------------------------------


def test_backup_while_another_process_writes_is_a_consistent_private_copy(seeded, tmp_path, permissive_umask, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    rng = random.Random(3)
    for n in range(12):
        (notes / f"note-{n:02d}.md").write_text(f"# Note {n}\n\n" + "\n\n".join(article_paragraphs(rng, 2)),
                                               encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, "-m", "digest_app", "--library", str(seeded), "import", str(notes)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    copies = []
    try:
        while writer.poll() is None and len(copies) < 8:
            target = tmp_path / f"copy-{len(copies)}.db"
            status, out, err = cli("--library", str(seeded), "backup", str(target), capsys=capsys)
            assert status == 0, err
            assert out.startswith("backed up ") and str(target) in out
            copies.append(target)
            time.sleep(0.1)
    finally:
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert len(copies) >= 2
    counts = []
    for copy in copies:
        assert mode(copy) == 0o600
        assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file
        assert invariant_problems(copy) == []
        with Library.open(copy) as lib:
            counts.append(lib.articles.count())
    assert counts == sorted(counts) and 13 <= counts[0] and counts[-1] <= 25
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_backup_refuses_the_library_itself_and_missing_folders(seeded, tmp_path, capsys):
    status, _, err = cli("--library", str(seeded), "backup", str(seeded), capsys=capsys)
    assert status == 1 and "is the library itself" in err
    status, _, err = cli("--library", str(seeded), "backup", str(tmp_path / "no/such/folder.db"), capsys=capsys)
    assert status == 1 and "does not exist" in err


# --- private files ---------------------------------------------------------------------------


def test_every_file_digest_writes_is_private_under_a_permissive_umask(tmp_path, permissive_umask, shared, capsys):
    from digest_app.collect.subscribe import export_opml_file

    path = tmp_path / "new folder" / "library.db"
    with Library.open(path) as lib:
        import_paths(lib, [shared / "seeds"])
        lib.sources.add("feed", "https://example.com/feed.xml", title="A feed")
        image_id = lib.images.add("https://example.com/lead.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        # While the library is open, its write-ahead log and index sit beside it.
        beside = {suffix: mode(path.with_name(path.name + suffix)) for suffix in ("-wal", "-shm")}
        assert beside == {"-wal": 0o600, "-shm": 0o600}
        written = [path, lib.images.path_for(image_id)]
        export_opml_file(lib, tmp_path / "subscriptions.opml")
    written.append(tmp_path / "subscriptions.opml")
    exports = {fmt: tmp_path / f"digest.{fmt}" for fmt in ("pdf", "html", "md", "epub")}
    status, _, err = cli("--library", str(path), "digest", "--from", "2018-01-01", "--to", "2030-01-01",
                         *[arg for fmt, file in exports.items() for arg in (f"--{fmt}", str(file))], capsys=capsys)
    assert status == 0, err
    status, _, err = cli("--library", str(path), "backup", str(tmp_path / "backup.db"), capsys=capsys)
    assert status == 0, err
    written += [*exports.values(), tmp_path / "backup.db"]

    assert {str(p): oct(mode(p)) for p in written if mode(p) & 0o077} == {}
    for folder in (path.parent, path.with_name(path.name + ".images")):
        assert mode(folder) == 0o700, folder
