"""Finishing Qt's PDF with pypdf: the outline, and real characters for Chinese text.

    >>> finished = finish_pdf(qt_bytes, digest, radicals)

Both are written as an *incremental update* appended to Qt's file (new and
replaced objects, a cross-reference section, a trailer pointing back to Qt's),
the way PDF editors save. pypdf reads only the objects involved and writes
them; copying the whole document through pypdf costs ten times as long.

- Outline: one bookmark per section, with one per story under it, each
  pointing at the named destination Qt wrote for the anchor (exact page and
  height). It replaces any outline Qt made itself.
- Text: a CJK font draws a radical (U+2E80-U+2FDF) and the ideograph it looks
  like with one glyph, and Qt names each glyph by one code point, sometimes
  the radical: 小 would copy and search as ⼩. Each font's ToUnicode map gets
  the ideograph back (*radicals* maps them; see ``pdf._radical_equivalents``),
  and ligature glyphs (ﬂ) their letters, so "flagship" copies as typed.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from digest_app.digests.model import Digest

_HEX = re.compile(rb"<([0-9A-Fa-f]{4,8})>")
_RANGE = re.compile(rb"(<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*)(\[[^\]]*\]|<[0-9A-Fa-f]+>)")
_CHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)(<[0-9A-Fa-f]+>)")
_SECTION = re.compile(rb"(begin(bfrange|bfchar))(.*?)(end\2)", re.DOTALL)


class _Update:
    """Objects to append to a PDF as an incremental update."""

    def __init__(self, data: bytes, reader: PdfReader) -> None:
        self._data = data
        self._reader = reader
        self._next = int(reader.trailer["/Size"])
        self.objects: dict[int, PdfObject] = {}

    def add(self, value: PdfObject) -> IndirectObject:
        number = self._next
        self._next += 1
        self.objects[number] = value
        return IndirectObject(number, 0, self._reader)

    def replace(self, reference: IndirectObject, value: PdfObject) -> None:
        self.objects[reference.idnum] = value

    def bytes(self) -> bytes:
        out = bytearray(self._data)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets = {}
        for number in sorted(self.objects):
            offsets[number] = len(out)
            body = io.BytesIO()
            self.objects[number].write_to_stream(body)
            out += b"%d 0 obj\n" % number + body.getvalue() + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n"
        numbers = sorted(offsets)
        start = 0
        while start < len(numbers):
            end = start
            while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
                end += 1
            out += b"%d %d\n" % (numbers[start], end - start + 1)
            for number in numbers[start : end + 1]:
                out += b"%010d 00000 n \n" % offsets[number]
            start = end + 1
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(self._next),
                NameObject("/Root"): self._reader.trailer.raw_get("/Root"),
                NameObject("/Prev"): NumberObject(_last_xref(self._data)),
            }
        )
        if "/Info" in self._reader.trailer:
            trailer[NameObject("/Info")] = self._reader.trailer.raw_get("/Info")
        body = io.BytesIO()
        trailer.write_to_stream(body)
        out += b"trailer\n" + body.getvalue() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def finish_pdf(data: bytes, digest: Digest, radicals: Mapping[int, int]) -> bytes:
    """*data* (Qt's PDF) with the digest's outline and repaired ToUnicode maps."""
    reader = PdfReader(io.BytesIO(data))
    update = _Update(data, reader)
    outline = _outline(reader, update, digest)
    root_reference = reader.trailer.raw_get("/Root")
    catalog = DictionaryObject({key: reader.trailer["/Root"].raw_get(key) for key in reader.trailer["/Root"]})
    if outline is not None:
        catalog[NameObject("/Outlines")] = outline
        catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    update.replace(root_reference, catalog)
    _repair_text_maps(reader, update, radicals)
    return update.bytes()


def _outline(reader: PdfReader, update: _Update, digest: Digest) -> IndirectObject | None:
    destinations = reader.named_destinations
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    root_reference = update.add(root)
    sections = []
    for section in digest.sections:
        stories = [
            _item(update, story.title, destinations.get(story.id)) for story in section.stories if story.id in destinations
        ]
        entry = _item(update, section.title, destinations.get(section.id) or (stories[0][1] if stories else None))
        if entry is None:
            continue
        _chain(update, entry[0], [s for s in stories if s is not None])
        sections.append(entry)
    if not sections:
        return None
    _chain(update, root_reference, sections)
    return root_reference


def _item(update: _Update, title: str, destination) -> tuple[IndirectObject, object] | None:
    if destination is None:
        return None
    target = ArrayObject(
        [
            destination.raw_get("/Page"),
            NameObject("/XYZ"),
            FloatObject(destination.get("/Left") or 0),
            FloatObject(destination.get("/Top") or 0),
            NullObject(),
        ]
    )
    item = DictionaryObject({NameObject("/Title"): TextStringObject(title), NameObject("/Dest"): target})
    return update.add(item), destination


def _chain(update: _Update, parent: IndirectObject, children: list[tuple[IndirectObject, object]]) -> None:
    """Link *children* under *parent* (First/Last/Count, Prev/Next, Parent)."""
    parent_object = update.objects[parent.idnum]
    if not children:
        return
    references = [reference for reference, _ in children]
    parent_object[NameObject("/First")] = references[0]
    parent_object[NameObject("/Last")] = references[-1]
    parent_object[NameObject("/Count")] = NumberObject(len(references))
    for index, reference in enumerate(references):
        item = update.objects[reference.idnum]
        item[NameObject("/Parent")] = parent
        if index:
            item[NameObject("/Prev")] = references[index - 1]
        if index + 1 < len(references):
            item[NameObject("/Next")] = references[index + 1]


def _repair_text_maps(reader: PdfReader, update: _Update, radicals: Mapping[int, int]) -> None:
    seen: set[int] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for font in fonts.get_object().values():
            reference = font.get_object().raw_get("/ToUnicode") if "/ToUnicode" in font.get_object() else None
            if not isinstance(reference, IndirectObject) or reference.idnum in seen:
                continue
            seen.add(reference.idnum)
            cmap = reference.get_object().get_data()
            fixed = _SECTION.sub(lambda m: _fix_section(m, radicals), cmap)
            if fixed != cmap:
                stream = DecodedStreamObject()
                stream.set_data(fixed)
                update.replace(reference, stream)


def _fix_section(match: re.Match[bytes], radicals: Mapping[int, int]) -> bytes:
    def fix(code: re.Match[bytes]) -> bytes:
        return _fix_code(code, radicals)

    def fix_range(found: re.Match[bytes]) -> bytes:
        targets = found.group(4)
        if not targets.startswith(b"[") and found.group(2) != found.group(3):
            return found.group(0)  # a run of consecutive characters: no look-alike's
        return found.group(1) + _HEX.sub(fix, targets)

    body = match.group(3)
    if match.group(2) == b"bfrange":
        body = _RANGE.sub(fix_range, body)
    else:
        body = _CHAR.sub(lambda m: m.group(1) + _HEX.sub(fix, m.group(2)), body)
    return match.group(1) + body + match.group(4)


def _fix_code(match: re.Match[bytes], radicals: Mapping[int, int]) -> bytes:
    code = int(match.group(1), 16)
    if 0xFB00 <= code <= 0xFB06:
        # A ligature glyph (ﬂ in "flagship") stands for its letters.
        return b"<" + "".join(f"{ord(c):04X}" for c in unicodedata.normalize("NFKC", chr(code))).encode() + b">"
    if 0x2E80 <= code <= 0x2FDF:
        ideograph = radicals.get(code)
        if ideograph is None:
            canonical = unicodedata.normalize("NFKC", chr(code))
            ideograph = ord(canonical) if len(canonical) == 1 else None
        if ideograph is not None and ideograph <= 0xFFFF:
            return b"<%04X>" % ideograph
    return match.group(0)


def _last_xref(data: bytes) -> int:
    """The offset the file's final ``startxref`` gives."""
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-256:])
    if found is None:
        raise ValueError("no startxref at the end of the PDF")
    return int(found.group(1))
