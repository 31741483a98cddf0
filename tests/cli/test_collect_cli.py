"""The collecting commands as a user runs them: add-source, refresh, remove-source, opml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_app.cli.main import main
from digest_app.collect.opml import parse_opml

REPO = Path(__file__).resolve().parents[2]


def run(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digest_app", "--library", str(library), *args],
        capture_output=True, text=True, cwd=REPO, env=dict(os.environ), timeout=120,
    )


@pytest.fixture
def feeds(shared: Path) -> Path:
    return shared / "corpora" / "real-feeds" / "netnewswire"


def test_add_refresh_and_remove_a_source(tmp_path, loopback_server, feeds):
    library = tmp_path / "library.db"
    good = loopback_server.serve_file("/good.rss", feeds / "manton.rss", etag='"g"')
    broken = loopback_server.serve("/broken.rss", b"down", status=503)

    added = run(library, "add-source", good, "--topic-filter", "off")
    assert added.returncode == 0, added.stderr
    assert "added feed source:" in added.stdout and "Manton Reece" in added.stdout
    assert "10 new" in added.stdout
    library_sources = json.loads(run(library, "sources", "--json").stdout)
    assert [(s["url"], s["topic_filter"], s["article_count"]) for s in library_sources] == [(good, False, 10)]

    failing = run(library, "add-source", broken)
    assert failing.returncode == 1 and "503" in failing.stderr

    refreshed = run(library, "refresh", "--no-full-text", "--no-images")
    assert refreshed.returncode == 0, refreshed.stderr
    assert refreshed.stdout.splitlines()[0] == "source 1 of 1: Manton Reece: 0 new"
    assert "refreshed 1 sources" in refreshed.stdout and "0 new" in refreshed.stdout

    source_id = str(library_sources[0]["id"])
    removed = run(library, "remove-source", source_id)
    assert removed.returncode == 0 and "its 10 articles" in removed.stdout
    assert json.loads(run(library, "list", "--json").stdout) == []


def test_refresh_reports_failures_and_exits_non_zero_only_when_all_fail(tmp_path, loopback_server, feeds):
    library = tmp_path / "library.db"
    good = loopback_server.serve_file("/good.rss", feeds / "manton.rss")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline text="Good" xmlUrl="{good}"/>'
        f'<outline text="Broken" xmlUrl="{loopback_server.url("/missing.rss")}"/>'
        '<outline text="Local" xmlUrl="file:///etc/passwd"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    imported = run(library, "opml", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("added 2 sources (0 already there)")
    assert "file:///etc/passwd is not an http(s) address" in imported.stdout

    mixed = run(library, "refresh", "--no-full-text", "--no-images")
    assert mixed.returncode == 0
    progress = [line for line in mixed.stdout.splitlines() if line.startswith("source ")]
    assert sorted(progress) == ["source 1 of 2: Broken: 0 new", "source 2 of 2: Good: 10 new"] or \
        sorted(progress) == ["source 1 of 2: Good: 10 new", "source 2 of 2: Broken: 0 new"]
    assert "10 new" in mixed.stdout and "1 failed" in mixed.stdout
    assert "digest-app: error: Broken:" in mixed.stderr and "404" in mixed.stderr
    sources = {s["title"]: s for s in json.loads(run(library, "sources", "--json").stdout)}
    assert sources["Broken"]["error_count"] == 1 and "404" in sources["Broken"]["last_error"]

    only_broken = run(library, "refresh", "--source", str(sources["Broken"]["id"]))
    assert only_broken.returncode == 1
    unknown = run(library, "refresh", "--source", "999")
    assert unknown.returncode == 1 and "no source with ID 999" in unknown.stderr

    as_json = json.loads(run(library, "refresh", "--json", "--no-full-text", "--no-images").stdout)
    assert as_json["failed"] == 1 and as_json["added"] == 0
    assert {s["status"] for s in as_json["sources"]} == {"ok", "failed"}


def test_opml_export_and_default_sources(tmp_path):
    library = tmp_path / "library.db"
    defaults = run(library, "add-source", "--defaults")
    assert defaults.returncode == 0, defaults.stderr
    count = int(defaults.stdout.split()[1])
    assert count >= 6 and "topic filter on" in defaults.stdout

    out = tmp_path / "export.opml"
    exported = run(library, "opml", "export", str(out))
    assert exported.returncode == 0 and exported.stdout.strip() == f"wrote {count} feeds to {out}"
    assert len(parse_opml(out.read_bytes()).feeds) == count


def test_non_web_source_addresses_are_refused(tmp_path, capsys):
    library = str(tmp_path / "library.db")
    for address in ("file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi"):
        assert main(["--library", library, "add-source", address]) == 1
        error = capsys.readouterr().err
        assert f"{address}: Digest only fetches http:// and https:// addresses" in error
    assert main(["--library", library, "sources"]) == 0
    assert capsys.readouterr().out.strip() == "no sources"


def test_the_cli_starts_without_loading_the_network_stack():
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, digest_app.cli.main as m; m.build_parser();"
         " print(sorted(n for n in ('httpx', 'feedparser', 'trafilatura') if n in sys.modules))"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert probe.stdout.strip() == "[]", probe.stderr
