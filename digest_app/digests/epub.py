"""A digest as an EPUB 3 book for e-readers.

    >>> data = digest_epub(digest)           # bytes of a .epub (a zip)
    >>> write_atomically("xiaomi-week.epub", data)

Layout of the package (EPUB 3.3, with an EPUB 2 NCX for older readers):

    mimetype                     stored first, uncompressed, as the format requires
    META-INF/container.xml       points at the package document
    OEBPS/content.opf            metadata, manifest, spine
    OEBPS/nav.xhtml              the table of contents (sections and stories)
    OEBPS/toc.ncx
    OEBPS/style.css              resources/templates/digest-epub.css
    OEBPS/front.xhtml            cover facts, top stories, key figures
    OEBPS/section-N.xhtml        one chapter per section

The chapters are the HTML export's own pieces (:mod:`digest_app.digests.render_html`),
with links rewritten to reach stories in other chapters.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from html import escape

from digest_app.digests import render_html
from digest_app.digests.model import Digest
from digest_app.timestamps import to_db

MIMETYPE = "application/epub+zip"
_CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def digest_epub(digest: Digest) -> bytes:
    """The EPUB file's bytes."""
    chapters = _chapters(digest)
    language = render_html.document_language(digest)
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'digest:{digest.title}:{to_db(digest.created)}')}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        deflate = {"compress_type": zipfile.ZIP_DEFLATED}
        book.writestr("META-INF/container.xml", _CONTAINER, **deflate)
        book.writestr("OEBPS/content.opf", _package(digest, chapters, identifier, language), **deflate)
        book.writestr("OEBPS/nav.xhtml", _nav(digest, chapters, language), **deflate)
        book.writestr("OEBPS/toc.ncx", _ncx(digest, chapters, identifier), **deflate)
        book.writestr("OEBPS/style.css", render_html.template("digest-epub.css"), **deflate)
        for name, title, body in chapters:
            book.writestr(f"OEBPS/{name}", _xhtml(title, body, language), **deflate)
    return buffer.getvalue()


def _chapters(digest: Digest) -> list[tuple[str, str, str]]:
    """(file name, title, body) of each chapter, front matter first."""
    where = {}
    for number, section in enumerate(digest.sections, 1):
        where[section.id] = f"section-{number}.xhtml"
        for story in section.stories:
            where[story.id] = f"section-{number}.xhtml"

    def href(anchor: str) -> str:
        return f"{where.get(anchor, 'front.xhtml')}#{anchor}"

    front = "\n".join(
        part
        for part in (
            render_html.cover_html(digest),
            render_html.top_stories_html(digest, href),
            render_html.figures_html(digest, href),
            render_html.notes_html(digest),
        )
        if part
    )
    chapters = [("front.xhtml", digest.title, front)]
    for number, section in enumerate(digest.sections, 1):
        chapters.append((f"section-{number}.xhtml", section.title, render_html.section_html(section)))
    return chapters


def _xhtml(title: str, body: str, language: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' xml:lang="{language}" lang="{language}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{escape(title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _package(digest: Digest, chapters: list[tuple[str, str, str]], identifier: str, language: str) -> str:
    items = "\n".join(
        f'    <item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, (name, _, _) in enumerate(chapters)
    )
    spine = "\n".join(f'    <itemref idref="c{i}"/>' for i in range(len(chapters)))
    modified = to_db(digest.created)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="{language}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">{identifier}</dc:identifier>
    <dc:title>{escape(digest.title)}</dc:title>
    <dc:language>{language}</dc:language>
    <dc:creator>Digest</dc:creator>
    <dc:date>{modified}</dc:date>
    <dc:description>{escape(digest.period.label)}</dc:description>
    <meta property="dcterms:modified">{modified}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
{items}
  </manifest>
  <spine toc="ncx">
{spine}
  </spine>
</package>
"""


def _nav(digest: Digest, chapters: list[tuple[str, str, str]], language: str) -> str:
    sections = []
    for number, section in enumerate(digest.sections, 1):
        stories = "".join(
            f'<li><a href="section-{number}.xhtml#{story.id}">{escape(story.title)}</a></li>' for story in section.stories
        )
        sections.append(f'<li><a href="section-{number}.xhtml">{escape(section.title)}</a><ol>{stories}</ol></li>')
    front = '<li><a href="front.xhtml">Overview</a></li>'
    body = (
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{front}{"".join(sections)}</ol></nav>\n'
        '<nav epub:type="landmarks" hidden="hidden"><ol>'
        '<li><a epub:type="toc" href="nav.xhtml">Contents</a></li>'
        '<li><a epub:type="bodymatter" href="front.xhtml">Start</a></li></ol></nav>'
    )
    return _xhtml("Contents", body, language)


def _ncx(digest: Digest, chapters: list[tuple[str, str, str]], identifier: str) -> str:
    points = "\n".join(
        f'    <navPoint id="p{i}" playOrder="{i + 1}"><navLabel><text>{escape(title)}</text></navLabel>'
        f'<content src="{name}"/></navPoint>'
        for i, (name, title, _) in enumerate(chapters)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="{identifier}"/></head>
  <docTitle><text>{escape(digest.title)}</text></docTitle>
  <navMap>
{points}
  </navMap>
</ncx>
"""
