"""HTML, Markdown and EPUB exports, and what a failed export leaves behind: nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from digest_app.digests.build import build_digest
from digest_app.digests.export import export_digest, format_for
from digest_app.files import write_atomically
from digest_app.errors import ExportError
from tests.digests.conftest import REPO_ROOT, sample_options, seed_options


@pytest.fixture
def digest(sample_lib):
    return build_digest(sample_lib, sample_options())


def test_html_is_one_file_that_fetches_nothing(digest, tmp_path):
    path = export_digest(digest, tmp_path / "week.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert not re.search(r"<(?:script|link|img|iframe|object|embed)\b|@import|url\(|\bsrc=", html, re.IGNORECASE)
    hrefs = re.findall(r'href="([^"]+)"', html)
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for href in hrefs:
        assert href.startswith("https://") or href[1:] in anchors, href
    assert {f"#{s.id}" for s in digest.stories} <= set(hrefs)
    assert "小米汽车二期工厂进入设备调试阶段" in html and "Top stories" in html


def test_markdown_has_contents_stories_sources_and_figures(seeds_lib, tmp_path):
    digest = build_digest(seeds_lib, seed_options())
    text = export_digest(digest, tmp_path / "week.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {digest.title}")
    for story in digest.stories:
        assert f'<a id="{story.id}"></a>' in text and f"(#{story.id})" in text
    assert "| Total revenue<br>" in text and "| RMB53.7 billion | +5.5% YoY |" in text


def test_epub_is_a_valid_epub3_package(digest, tmp_path):
    path = export_digest(digest, tmp_path / "week.epub")
    with zipfile.ZipFile(path) as book:
        first = book.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert book.read("mimetype") == b"application/epub+zip"
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        opf_path = rootfile.get("full-path")
        package = ElementTree.fromstring(book.read(opf_path))
        ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
        assert package.get("version") == "3.0"
        assert package.find("opf:metadata/dc:title", ns).text == digest.title
        assert package.find("opf:metadata/opf:meta[@property='dcterms:modified']", ns) is not None
        folder = opf_path.rsplit("/", 1)[0]
        manifest = {item.get("id"): item for item in package.findall("opf:manifest/opf:item", ns)}
        assert any("nav" in (item.get("properties") or "") for item in manifest.values())
        for item in manifest.values():
            data = book.read(f"{folder}/{item.get('href')}")
            if item.get("media-type") == "application/xhtml+xml":
                ElementTree.fromstring(data)  # well-formed XHTML
        spine = [ref.get("idref") for ref in package.findall("opf:spine/opf:itemref", ns)]
        assert len(spine) == len(digest.sections) + 1 and all(i in manifest for i in spine)
        nav = book.read(f"{folder}/nav.xhtml").decode()
        assert all(f"#{story.id}" in nav for story in digest.stories)
        chapters = "".join(book.read(f"{folder}/{manifest[i].get('href')}").decode() for i in spine)
        assert all(f'id="{story.id}"' in chapters for story in digest.stories)


def test_the_format_comes_from_the_name():
    assert [format_for(n) for n in ("a.PDF", "b.htm", "c.markdown", "d.epub")] == ["pdf", "html", "md", "epub"]
    with pytest.raises(ExportError, match="cannot tell the format"):
        format_for("digest.docx")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_missing_folder_or_a_folder_name_fails_and_writes_nothing(digest, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export_digest(digest, tmp_path / "nowhere" / "week.html")
    (tmp_path / "taken.pdf").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_digest(digest, tmp_path / "taken.pdf")
    assert leftovers(tmp_path) == ["library.db", "library.db-shm", "library.db-wal", "taken.pdf"]


def test_an_unwritable_folder_is_named_and_gets_no_file(digest, tmp_path):
    if os.geteuid() == 0:
        folder = Path("/sys")  # root writes anywhere a permission bit allows; sysfs takes no new files
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
    with pytest.raises(ExportError, match=rf"week.epub: cannot write in {folder} \(.+\)"):
        export_digest(digest, folder / "week.epub")
    assert not [p for p in folder.iterdir() if p.name.startswith((".week.epub", "week.epub"))]


def test_a_cancelled_pdf_leaves_no_file_and_keeps_the_old_one(digest, tmp_path):
    target = tmp_path / "out" / "week.pdf"
    target.parent.mkdir()
    target.write_bytes(b"the previous export")
    pages = []
    with pytest.raises(ExportError, match="cancelled"):
        export_digest(digest, target, progress=lambda done, total: pages.append(done), cancelled=lambda: len(pages) >= 2)
    assert target.read_bytes() == b"the previous export"
    assert leftovers(target.parent) == ["week.pdf"]


def test_a_write_that_fails_midway_removes_its_temporary_file(tmp_path):
    # A file-size limit stands in for a full disk: the write fails part of the way.
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))\n"
        "from digest_app.files import write_atomically\n"
        "from digest_app.errors import ExportError\n"
        "try:\n"
        f"    write_atomically({str(tmp_path / 'big.html')!r}, 'x' * 100_000)\n"
        "except ExportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert "big.html: cannot write (File too large); nothing was saved" in result.stdout, result.stderr
    assert leftovers(tmp_path) == []


def test_an_atomic_write_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "digest.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomically(target, "new text")
    assert target.read_text() == "new text" and (target.stat().st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == ["digest.md"]
