"""What a file is, from its bytes and its name, and how to read it as text.

:func:`sniff_format` tells the importer which parser to use. Content wins over
the name for XML, JSON and HTML (a feed saved as ``.txt`` is still a feed, an
HTML login page saved as ``feed.xml`` is HTML); the name decides between
Markdown and plain text, and binary files (images, PDFs, archives,
executables) are None.

    >>> sniff_format(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "news.txt")
    'feed'
    >>> sniff_format(b"# Xiaomi 14\\n\\nLaunched today.", "notes.md")
    'markdown'
    >>> sniff_format(b"%PDF-1.7 ...", "report.pdf") is None
    True

:func:`decode_text` turns the bytes of a text, Markdown or HTML file into
``str`` without ever failing: BOM, then a charset the markup declares, then
UTF-8, then GB18030 for Chinese text, then Windows-1252; bytes that fit none
are replaced with U+FFFD.

    >>> decode_text("小米".encode("gb18030"))
    '小米'
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePath
from typing import Literal

Format = Literal["feed", "jsonfeed", "opml", "html", "markdown", "text"]

FEED_EXTENSIONS = frozenset({".rss", ".atom", ".rdf", ".xml", ".feed"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
TEXT_EXTENSIONS = frozenset({".txt", ".text"})
_EMPTY_FILE_FORMATS: dict[str, Format] = {
    **{ext: "feed" for ext in FEED_EXTENSIONS},
    ".json": "jsonfeed",
    ".opml": "opml",
    **{ext: "html" for ext in HTML_EXTENSIONS},
    **{ext: "markdown" for ext in MARKDOWN_EXTENSIONS},
    **{ext: "text" for ext in TEXT_EXTENSIONS},
}
BINARY_EXTENSIONS = frozenset({
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico",
    ".heic", ".avif", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst",
    ".exe", ".dll", ".so", ".dylib", ".bin", ".dmg", ".iso", ".apk", ".jar", ".class",
    ".pyc", ".doc", ".xls", ".ppt", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".epub",
    ".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".flac", ".mov", ".avi", ".mkv", ".webm",
    ".sqlite", ".db", ".woff", ".woff2", ".ttf", ".otf",
})
# Signatures that cannot open a text file; other binaries show by their control bytes.
_MAGIC = (
    b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"PK\x03\x04", b"PK\x05\x06",
    b"\x1f\x8b", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!\x1a", b"\x28\xb5\x2f\xfd", b"\x7fELF",
    b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xd0\xcf\x11\xe0", b"SQLite format 3\x00",
    b"\x00\x01\x00\x00\x00", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00",
)
_RIFF_OR_ISO_MEDIA = re.compile(rb"^(RIFF....(WEBP|WAVE|AVI )|....ftyp)", re.DOTALL)

_SNIFF_BYTES = 64 * 1024
_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
_HTML_ROOTS = frozenset({
    "html", "head", "body", "meta", "title", "link", "script", "style", "div", "p", "span",
    "a", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "nav", "main", "form", "img", "br", "hr", "center", "font", "frameset",
    "iframe", "noscript", "blockquote", "pre", "b", "i", "strong", "em",
})
_PROLOG_ITEM = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.DOTALL | re.IGNORECASE
)
_ELEMENT = re.compile(r"<([A-Za-z_][\w:.\-]*)")
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html", re.IGNORECASE)
_FEED_ROOT_NEARBY = re.compile(r"<(?:rss|feed|rdf:RDF)[\s/>]", re.IGNORECASE)
_JSON_FEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_RSS_IN_JSON = re.compile(r'^\{\s*"rss"\s*:\s*\{.*"channel"\s*:', re.DOTALL)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_UTF8_SHAPED = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def sniff_format(data: bytes, filename: str | None = None) -> Format | None:
    """The kind of document *data* is: "feed" (RSS, RDF or Atom), "jsonfeed", "opml",
    "html", "markdown", "text", or None for binary or unknown content.

    An empty file is judged by its extension alone. XML whose root is none of the
    known ones counts as a feed when the name says so (``.xml``, ``.rss`` ...), so
    that the feed parser can say what is wrong with it.
    """
    ext = _extension(filename)
    if not data.strip():
        return _EMPTY_FILE_FORMATS.get(ext)
    if ext in BINARY_EXTENSIONS or _is_binary(data):
        return None
    head = _head_text(data[:_SNIFF_BYTES])
    stripped = head.lstrip()
    if stripped.startswith("{") and (
        _JSON_FEED_VERSION.search(head)
        or _RSS_IN_JSON.search(head)
        or (ext in (".json", ".feed") and '"items"' in head)
    ):
        return "jsonfeed"
    if ext == ".json" or (stripped.startswith("{") and ext not in MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS):
        return None  # JSON that is not a feed
    if stripped.startswith("<"):
        return _sniff_markup(stripped, ext)
    if ext in FEED_EXTENSIONS and _FEED_ROOT_NEARBY.search(head[:4096]):
        # Junk (a PHP warning, a stray line) before the root: still a feed to repair.
        return "feed"
    if ext in MARKDOWN_EXTENSIONS:
        return "markdown"
    return "text"


def decode_text(data: bytes, name: str | None = None) -> str:
    """*data* as text, never raising: BOM, then the charset that HTML or XML markup
    declares (not in Markdown or plain text files, where such a line is content),
    then UTF-8, then GB18030 when that yields Chinese text, then Windows-1252.
    Undecodable bytes become U+FFFD. *name* is the file name, used to tell
    markup from Markdown and text.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, size = bom
        return data[size:].decode(encoding, errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    if _extension(name) not in MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS and data.lstrip()[:1] == b"<":
        declared = _declared_charset(data[:4096])
        if declared is not None:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    try:
        chinese = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        non_ascii = sum(1 for ch in chinese if ord(ch) > 127)
        if non_ascii and len(_CJK.findall(chinese)) >= 0.8 * non_ascii:
            return chinese
    return data.decode("cp1252", errors="replace")


def mostly_utf8(data: bytes) -> bool:
    """True when *data* is UTF-8 with a few bad bytes, rather than a legacy encoding:
    at least two thirds of its non-ASCII bytes form UTF-8-shaped sequences (lone
    surrogates written as UTF-8 count as such: they are broken UTF-8, not cp1252)."""
    rest = _UTF8_SHAPED.sub(b"", data)
    shaped = len(data) - len(rest)
    stray = len(rest) - len(rest.translate(None, _HIGH_BYTES))
    return shaped > 0 and shaped >= 2 * stray


def _extension(filename: str | None) -> str:
    return PurePath(filename).suffix.lower() if filename else ""


def _is_binary(data: bytes) -> bool:
    if data.startswith(_MAGIC) or _RIFF_OR_ISO_MEDIA.match(data[:12]):
        return True
    if _bom_encoding(data) is not None or _utf16_without_bom(data) is not None:
        return False
    sample = data[:8192]
    # A stray NUL or control byte happens in broken text feeds; many mean binary.
    return len(_BINARY_CONTROL.findall(sample)) > max(8, len(sample) // 50)


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 or UTF-32 text without a BOM: ASCII characters padded with NULs."""
    sample = data[:200]
    if len(sample) < 8:
        return None
    if sample[0:3] == sample[4:7] == b"\x00\x00\x00":
        return "utf-32-be"
    if sample[1:4] == sample[5:8] == b"\x00\x00\x00":
        return "utf-32-le"
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.8 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.8 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def _head_text(data: bytes) -> str:
    bom = _bom_encoding(data)
    if bom is not None:
        return data[bom[1]:].decode(bom[0], errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    return data.decode("utf-8", errors="replace")


def _sniff_markup(text: str, ext: str) -> Format | None:
    position = 0
    html_doctype = False
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
        html_doctype = html_doctype or bool(_HTML_DOCTYPE.match(match.group()))
    element = _ELEMENT.match(text, position)
    local = element.group(1).lower().rsplit(":", 1)[-1] if element else ""
    if local in _FEED_ROOTS:
        return "feed"
    if local == "opml":
        return "opml"
    if ext in MARKDOWN_EXTENSIONS and local != "html" and not html_doctype:
        # Markdown often opens with inline HTML (a centred logo); only a whole
        # HTML document overrides the name.
        return "markdown"
    if html_doctype or local in _HTML_ROOTS:
        return "html"
    if ext in FEED_EXTENSIONS:
        return "feed"
    if ext in HTML_EXTENSIONS:
        return "html"
    return None


def _declared_charset(head: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    if label in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
        return "gb18030"  # a superset: pages labelled GB2312 often use GBK characters
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
