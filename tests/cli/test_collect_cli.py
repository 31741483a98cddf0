"""The collecting commands as a user runs them: add-source, refresh, remove-source, opml.

Most run in this process through ``main(argv)`` (the same parser, handlers and exit
codes, without an interpreter start per command); one flow runs as a subprocess.
"""

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
def cli(tmp_path, capsys):
    """Run a command in this process: ``cli("refresh")`` -> (exit status, stdout, stderr)."""
    library = str(tmp_path / "library.db")

    def call(*args: str) -> tuple[int, str, str]:
        status = main(["--library", library, *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


@pytest.fixture
def feeds(shared: Path) -> Path:
    return shared / "corpora" / "real-feeds" / "netnewswire"


def test_add_refresh_and_remove_a_source(cli, loopback_server, feeds):
    good = loopback_server.serve_file("/good.rss", feeds / "manton.rss", etag='"g"')
    broken = loopback_server.serve("/broken.rss", b"down", status=503)

    status, out, err = cli("add-source", good, "--topic-filter", "off")
    assert status == 0, err
    assert "added feed source:" in out and "Manton Reece" in out and "10 new" in out
    library_sources = json.loads(cli("sources", "--json")[1])
    assert [(s["url"], s["topic_filter"], s["article_count"]) for s in library_sources] == [(good, False, 10)]

    status, out, err = cli("add-source", broken)
    assert status == 1 and "503" in err

    status, out, err = cli("refresh", "--no-full-text", "--no-images")
    assert status == 0, err
    assert out.splitlines()[0] == "source 1 of 1: Manton Reece: 0 new"
    assert "refreshed 1 sources" in out and "0 new" in out

    status, out, _ = cli("remove-source", str(library_sources[0]["id"]))
    assert status == 0 and "its 10 articles" in out
    assert json.loads(cli("list", "--json")[1]) == []


def test_refresh_reports_failures_and_exits_non_zero_only_when_all_fail(cli, tmp_path, loopback_server, feeds):
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
    status, out, err = cli("opml", "import", str(opml))
    assert status == 0, err
    assert out.startswith("added 2 sources (0 already there)")
    assert "file:///etc/passwd is not an http(s) address" in out

    status, out, err = cli("refresh", "--no-full-text", "--no-images")
    assert status == 0
    progress = sorted(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("source "))
    assert progress == ["Broken: 0 new", "Good: 10 new"]
    assert {line.split(":")[0] for line in out.splitlines() if line.startswith("source ")} == {
        "source 1 of 2", "source 2 of 2"}
    assert "10 new" in out and "1 failed" in out
    assert "digest-app: error: Broken:" in err and "404" in err
    sources = {s["title"]: s for s in json.loads(cli("sources", "--json")[1])}
    assert sources["Broken"]["error_count"] == 1 and "404" in sources["Broken"]["last_error"]

    assert cli("refresh", "--source", str(sources["Broken"]["id"]))[0] == 1
    status, _, err = cli("refresh", "--source", "999")
    assert status == 1 and "no source with ID 999" in err

    as_json = json.loads(cli("refresh", "--json", "--no-full-text", "--no-images")[1])
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


def test_non_web_source_addresses_are_refused(cli):
    for address in ("file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi"):
        status, _, err = cli("add-source", address)
        assert status == 1
        assert f"{address}: Digest only fetches http:// and https:// addresses" in err
    assert cli("sources")[1].strip() == "no sources"


def test_the_cli_starts_without_loading_the_network_stack():
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, digest_app.cli.main as m; m.build_parser();"
         " print(sorted(n for n in ('httpx', 'feedparser', 'trafilatura') if n in sys.modules))"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert probe.stdout.strip() == "[]", probe.stderr
