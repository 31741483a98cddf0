"""The CLI contract of the library commands, run as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, library: Path | None = None, env: dict | None = None, input: str | None = None):
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "digest_app"]
    if library is not None:
        command += ["--library", str(library)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, cwd=REPO, env=full_env, input=input, timeout=120
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, shared):
    """A library with the five seed files imported through the CLI."""
    lib = tmp_path_factory.mktemp("cli") / "library.db"
    result = run("import", str(shared / "seeds"), library=lib)
    assert result.returncode == 0, result.stderr
    return lib


def test_import_prints_a_report_and_reimport_adds_nothing(seeded, shared):
    again = run("import", str(shared / "seeds"), library=seeded)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("added 0, updated 0, unchanged ")
    unchanged = int(again.stdout.split("unchanged ")[1].split(",")[0])
    assert unchanged >= 9  # five seeds, one of them several press releases


def test_list_json_and_show_json(seeded):
    listing = run("list", "--json", "--limit", "100", library=seeded)
    assert listing.returncode == 0, listing.stderr
    items = json.loads(listing.stdout)
    assert {"id", "title", "source", "published"} <= set(items[0])
    titles = [i["title"] for i in items]
    assert "Xiaomi unveils core technologies at MIDC 2019" in titles

    midc = next(i for i in items if i["title"] == "Xiaomi unveils core technologies at MIDC 2019")
    shown = json.loads(run("show", str(midc["id"]), "--json", library=seeded).stdout)
    assert shown["published"].startswith("2019-11-19")
    assert "earthquake warning" in shown["text"]
    assert shown["summary"], "import computes a summary"
    assert all(s in shown["text"] for s in shown["summary"])


def test_show_prints_summary_above_full_text(seeded):
    first = json.loads(run("list", "--json", library=seeded).stdout)[0]["id"]
    shown = json.loads(run("show", str(first), "--json", library=seeded).stdout)
    out = run("show", str(first), library=seeded).stdout
    head, _, rest = out.partition("Summary:")
    assert shown["title"] in head
    assert shown["text"] in rest, "the full text follows the summary"
    assert shown["summary"][0].split()[0] in rest.split(shown["text"])[0]


def test_limit_is_honoured(seeded):
    assert len(json.loads(run("list", "--json", "--limit", "2", library=seeded).stdout)) == 2


def test_tag_untag_tags(seeded):
    first = json.loads(run("list", "--json", library=seeded).stdout)[0]["id"]
    assert run("tag", str(first), "Watchlist", "To check", library=seeded).returncode == 0
    tags = json.loads(run("tags", "--json", library=seeded).stdout)
    assert {(t["name"], t["count"]) for t in tags} >= {("Watchlist", 1), ("To check", 1)}
    assert run("untag", str(first), "watchlist", library=seeded).returncode == 0
    shown = json.loads(run("show", str(first), "--json", library=seeded).stdout)
    user_tags = [t["name"] for t in shown["tags"] if t["origin"] == "user"]
    assert user_tags == ["To check"]


def test_sources_lists_local_files(seeded):
    sources = json.loads(run("sources", "--json", library=seeded).stdout)
    local = next(s for s in sources if s["title"] == "Local files")
    assert local["article_count"] >= 9


def test_library_from_environment_variable(tmp_path, shared):
    lib = tmp_path / "env.db"
    result = run("import", str(shared / "seeds" / "003_f9790102d95c3a58.txt"),
                 env={"DIGEST_APP_LIBRARY": str(lib)})
    assert result.returncode == 0, result.stderr
    assert lib.exists()


def test_library_option_may_follow_the_command_and_wins_there(tmp_path, shared, monkeypatch, capsys):
    from digest_app.cli.main import main

    chosen, other = tmp_path / "chosen.db", tmp_path / "other.db"
    monkeypatch.setenv("DIGEST_APP_LIBRARY", str(other))
    seed = str(shared / "seeds" / "003_f9790102d95c3a58.txt")
    assert main(["--library", str(other), "import", seed, "--library", str(chosen)]) == 0
    assert chosen.exists() and not other.exists()
    capsys.readouterr()
    assert main(["list", "--json", "--library", str(chosen)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"]
    # A command of a group (opml export) takes it too.
    assert main(["opml", "export", str(tmp_path / "subs.opml"), "--library", str(chosen)]) == 0
    assert not other.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "99999"], "no article with ID 99999"),
        (["tag", "99999", "EV"], "no article with ID 99999"),
        (["import", "/no/such/place.xml"], "/no/such/place.xml: no such file or folder"),
    ],
)
def test_errors_are_one_line_with_status_1(seeded, args, message):
    result = run(*args, library=seeded)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["show", "abc"], ["list", "--limit", "0"], ["frobnicate"], ["tag", "1"]])
def test_usage_errors_exit_2(seeded, args):
    result = run(*args, library=seeded)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_bad_files_are_reported_and_good_ones_still_imported(tmp_path, shared):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(shared / "seeds" / "004_a0ffef0f7d351228.txt", folder / "good.txt")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "broken.json").write_text('{"version": "https://jsonfeed.org/version/1.1", "items": [', encoding="utf-8")
    (folder / "gone.txt").symlink_to(folder / "missing-target.txt")
    lib = tmp_path / "lib.db"

    result = run("import", str(folder), "--no-summarize", library=lib)

    assert result.returncode == 1
    assert result.stdout.startswith("added 1,")
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    assert any("picture.png" in e and "unknown format" in e for e in errors)
    assert any("broken.json" in e for e in errors)
    assert any("gone.txt" in e and "cannot read" in e for e in errors)


def test_failed_import_keeps_what_was_stored(tmp_path, shared):
    lib = tmp_path / "lib.db"
    assert run("import", str(shared / "seeds"), "--no-summarize", library=lib).returncode == 0
    before = sqlite3.connect(lib).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><item><title>unclosed", encoding="utf-8")
    run("import", str(bad), library=lib)
    after = sqlite3.connect(lib).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert after >= before


def test_library_too_new_is_refused_with_clear_message(tmp_path):
    lib = tmp_path / "future.db"
    conn = sqlite3.connect(lib)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    result = run("list", library=lib)
    assert result.returncode == 1
    assert "newer version of Digest" in result.stderr
