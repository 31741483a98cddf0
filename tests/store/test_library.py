"""Opening, creating and upgrading library files."""

from __future__ import annotations

import random
import sqlite3
import stat
import threading
import time

import pytest

from digest_app.errors import LibraryError, LibraryTooNewError, MigrationError
from digest_app.records import ParsedArticle
from digest_app.store import Library, fts, migrations


def test_new_library_is_private_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "nested" / "library.db"
    with Library.open(path) as lib:
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert lib.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert lib.schema_version == migrations.latest_version()
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode & 0o077 == 0, f"library readable by others: {oct(mode)}"


def test_reopening_keeps_data(tmp_path):
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        source = lib.sources.local_files()
        lib.articles.store(source.id, ParsedArticle(title="Kept", text="Still here."))
    with Library.open(path) as lib:
        assert [h.title for h in lib.articles.list()] == ["Kept"]


def test_library_from_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mystery (x)")
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()

    with pytest.raises(LibraryTooNewError, match="newer version of Digest"):
        Library.open(path)

    assert path.read_bytes() == before
    assert not (tmp_path / "future.db-wal").exists()


def test_not_a_library_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite at all, just some text" * 100)
    with pytest.raises(LibraryError, match="notes.db"):
        Library.open(path)
    with pytest.raises(LibraryError, match="folder"):
        Library.open(tmp_path)


@pytest.mark.parametrize("old_version", range(1, migrations.latest_version()))
def test_upgrade_from_every_older_schema_keeps_data_and_backs_up(tmp_path, old_version):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    fts.register_functions(conn)  # as every Digest that had the search index did
    migrations.upgrade(conn, path, target=old_version)
    conn.execute("INSERT INTO sources (kind, url, title, created) VALUES ('file', 'local:files', 'Local files', '2020-01-01T00:00:00Z')")
    conn.execute(
        "INSERT INTO articles (source_id, title, text, fetched, content_hash) "
        "VALUES (1, 'Old article', 'Body text.', '2020-01-01T00:00:00Z', 'h')"
    )
    conn.close()

    with Library.open(path) as lib:
        assert lib.schema_version == migrations.latest_version()
        assert [h.title for h in lib.articles.list()] == ["Old article"]
    backup = tmp_path / f"old.db.v{old_version}.bak"
    assert backup.exists()
    with sqlite3.connect(backup) as b:
        assert b.execute("PRAGMA user_version").fetchone()[0] == old_version


def test_failed_migration_leaves_library_at_old_version(tmp_path, monkeypatch):
    path = tmp_path / "lib.db"
    with Library.open(path) as lib:
        lib.articles.store(lib.sources.local_files().id, ParsedArticle(title="Safe", text="x"))
    version = migrations.latest_version()

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(MigrationError, match=f"schema {version + 1} failed"):
        Library.open(path)
    monkeypatch.undo()

    with Library.open(path) as lib:
        assert lib.schema_version == version
        assert [h.title for h in lib.articles.list()] == ["Safe"]
        tables = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables


def test_second_writer_waits_instead_of_failing(tmp_path):
    path = tmp_path / "lib.db"
    with Library.open(path) as lib:
        source_id = lib.sources.local_files().id
    locked = threading.Event()

    def hold_lock():
        with Library.open(path) as first, first.write() as conn:
            conn.execute("UPDATE sources SET title = 'held' WHERE id = ?", (source_id,))
            locked.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    with Library.open(path) as second:
        started = time.monotonic()
        result = second.articles.store(source_id, ParsedArticle(title="Waited", text="ok"))
        waited = time.monotonic() - started
        holder.join()
        assert result.status == "added"
        assert waited > 0.2, "the write should have queued behind the other writer"
        assert second.sources.get(source_id).title == "held"


def test_deleted_articles_give_their_space_back(library):
    source, _ = library.sources.add("file", "/notes", title="Notes")
    rng = random.Random(5)
    words = [f"w{rng.randrange(10**9)}" for _ in range(5000)]  # text that hardly packs

    def note(n: int) -> ParsedArticle:
        return ParsedArticle(title=f"Long note {n}", text=" ".join(rng.sample(words, 2000)), guid=str(n))

    results = library.articles.store_many(source.id, [note(n) for n in range(100)])
    library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    full = library.path.stat().st_size
    library.articles.delete([r.article_id for r in results[:90]])
    library.search.optimize()  # the index notes deletions until its segments are merged
    library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert library.path.stat().st_size < full / 2
