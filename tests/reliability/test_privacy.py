"""Reading, building a digest and exporting it never touch the network.

Articles whose HTML points at images, stylesheets, fonts, frames, media and
prefetch hints on a loopback server (which counts every request it gets) are
imported through the real command line, and one more is stored exactly as a
hostile page wrote it, as if sanitizing had missed everything. Then they are
read (the GUI's reader, the command line's ``show``), a digest is built and
shown, and exported to PDF, HTML, Markdown and EPUB. The server must see no
request at all, and no export may refer to it for anything but a link.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest_app.digests.build import build_digest
from digest_app.digests.options import DigestOptions
from digest_app.gui.digest_view import DigestReader
from digest_app.gui.reader import ArticleReader
from digest_app.gui.theme import current_theme
from digest_app.records import ParsedArticle
from digest_app.store import Library
from tests.reliability.synthetic import article_paragraphs
from tests.support.loopback import rss_feed

REPO = Path(__file__).resolve().parents[2]


def tracking_html(base: str, n: int) -> str:
    """Every way an HTML page can make a reader fetch something from *base*."""
    return f"""
    <link rel="stylesheet" href="{base}/css/{n}.css"><link rel="prefetch" href="{base}/prefetch/{n}">
    <link rel="preload" as="font" href="{base}/font/{n}.woff2"><link rel="icon" href="{base}/icon/{n}.ico">
    <meta http-equiv="refresh" content="0; url={base}/refresh/{n}"><base href="{base}/base/{n}/">
    <style>@import url("{base}/import/{n}.css");
      @font-face {{ font-family: Spy; src: url("{base}/fontface/{n}.woff2") format("woff2"); }}
      p {{ font-family: Spy; background: url({base}/bg-css/{n}.png); }}</style>
    <p style="background-image: url('{base}/inline/{n}.png')">Tracking pixel here:
      <img src="{base}/pixel/{n}.gif" width="1" height="1" alt="">
      <img srcset="{base}/srcset/{n}.jpg 2x" src="{base}/img/{n}.jpg" alt="photo"></p>
    <picture><source srcset="{base}/source/{n}.webp"><img src="{base}/picture/{n}.jpg"></picture>
    <table background="{base}/table-bg/{n}.png"><tr><td background="{base}/td-bg/{n}.png">cell</td></tr></table>
    <video poster="{base}/poster/{n}.jpg" src="{base}/video/{n}.mp4"><track src="{base}/track/{n}.vtt"></video>
    <audio src="{base}/audio/{n}.mp3"></audio><iframe src="{base}/frame/{n}.html"></iframe>
    <object data="{base}/object/{n}.swf"></object><embed src="{base}/embed/{n}.swf">
    <svg><image href="{base}/svg/{n}.png"/></svg><input type="image" src="{base}/input/{n}.png">
    <script src="{base}/script/{n}.js"></script>
    """


@pytest.fixture
def hostile_library(tmp_path, loopback_server) -> tuple[Path, str]:
    """A library whose articles point at the loopback server in every way HTML can."""
    base = loopback_server.base_url
    today = datetime.now(timezone.utc).replace(microsecond=0)
    items = []
    for n in range(3):
        body = "".join(f"<p>{p}</p>" for p in article_paragraphs(random.Random(n), 3))
        items.append({
            "title": f'Xiaomi story {n} <img src="{base}/title/{n}.png">',
            "link": f"{base}/story/{n}", "guid": f"spy-{n}",
            "pubDate": (today - timedelta(hours=n + 1)).strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "content": tracking_html(base, n) + body + f'<p>Read <a href="{base}/link/{n}">more</a>.</p>',
            "image": f"{base}/lead/{n}.jpg",
        })
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "spy.xml").write_bytes(rss_feed("Spy feed", items, link=f"{base}/site"))
    path = tmp_path / "library.db"
    imported = run_cli(path, "import", str(folder))
    assert imported.returncode == 0, imported.stderr
    with Library.open(path) as lib:
        # As if sanitizing had missed everything: the page stored as written.
        source, _ = lib.sources.add("feed", f"{base}/raw.xml", title="Raw copies", site_url=f"{base}/site")
        text = "\n\n".join(article_paragraphs(random.Random(9), 3))
        lib.articles.store(source.id, ParsedArticle(
            title="Unsanitized Xiaomi copy", text=text, url=f"{base}/raw/story",
            content_html=tracking_html(base, 9) + "".join(f"<p>{p}</p>" for p in text.split("\n\n")),
            published=today - timedelta(hours=5), image_url=f"{base}/lead/raw.jpg",
        ))
        assert lib.articles.count() == 4
    assert loopback_server.hits == []
    return path, base


def run_cli(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digest_app", "--library", str(library), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_reading_an_article_requests_nothing(hostile_library, loopback_server, qtbot):
    path, base = hostile_library
    reader = ArticleReader()
    qtbot.addWidget(reader)
    reader.resize(900, 700)
    reader.show()
    with Library.open(path) as lib:
        for header in lib.articles.list():
            article = lib.articles.get(header.id)
            reader.show_article(article)
            reader.viewport().grab()  # laid out and painted, as the user sees it
            qtbot.wait(50)
            shown = run_cli(path, "show", str(header.id))
            assert shown.returncode == 0, shown.stderr
    qtbot.wait(300)
    assert loopback_server.hits == []
    # The raw copy really asked for its remote images (and was refused).
    assert any(url.startswith(base) for url in reader.blocked_resources)


def test_building_and_exporting_a_digest_requests_nothing(hostile_library, loopback_server, qtbot, tmp_path):
    path, base = hostile_library
    first, last = (date.today() - timedelta(days=2)).isoformat(), (date.today() + timedelta(days=1)).isoformat()
    files = {fmt: tmp_path / f"digest.{fmt}" for fmt in ("pdf", "html", "md", "epub")}
    built = run_cli(path, "digest", "--from", first, "--to", last,
                    *[arg for fmt, file in files.items() for arg in (f"--{fmt}", str(file))])
    assert built.returncode == 0, built.stderr
    assert all(file.stat().st_size > 0 for file in files.values())

    with Library.open(path) as lib:
        digest = build_digest(lib, DigestOptions(since=None, start=date.fromisoformat(first),
                                                 end=date.fromisoformat(last)))
    assert digest.article_count == 4 and digest.stories
    shown = DigestReader()
    qtbot.addWidget(shown)
    shown.resize(900, 700)
    shown.show_digest(digest, current_theme())
    shown.show()
    shown.viewport().grab()
    qtbot.wait(300)

    assert loopback_server.hits == []
    host = re.escape(base)
    fetching = re.compile(rf"(?:src|srcset|poster|data|background)\s*=\s*[\"']?{host}|url\(\s*[\"']?{host}"
                          rf"|@import[^;]*{host}|<link\b[^>]*{host}|!\[[^\]]*\]\({host}", re.IGNORECASE)
    assert not fetching.search(files["html"].read_text(encoding="utf-8"))
    assert not fetching.search(files["md"].read_text(encoding="utf-8"))
    with zipfile.ZipFile(files["epub"]) as book:
        for name in book.namelist():
            if name.endswith((".xhtml", ".html", ".css", ".opf", ".ncx")):
                assert not fetching.search(book.read(name).decode("utf-8")), name
