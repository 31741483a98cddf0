"""Sanitize HTML on the way in, and derive plain text from it.

Everything stored as ``content_html`` has been through :func:`sanitize_html`:
an allow-list of structural tags (no script, style, iframe, object, form, event
handler attributes, ``javascript:`` or ``data:`` URLs), links made absolute and
marked ``noopener``, and remote images removed unless the caller maps them to a
locally cached copy, so that reading offline never phones home.

Every HTML parse here goes through :func:`parse_fragment` or :func:`parse_document`,
which read hostile markup whole: libxml2 (lxml) stops at 256 levels of nesting or
a text run over 10 MB and silently drops the rest of the document, so such input
is read again with its excess nesting flattened (see :func:`flatten_nesting`).

    >>> sanitize_html('<p onclick="x()">Hi <script>evil()</script><a href="/a">a</a></p>',
    ...               base_url="https://example.com/news/")
    '<p>Hi <a href="https://example.com/a" rel="noopener noreferrer nofollow">a</a></p>'
    >>> html_to_text("<h1>Title</h1><p>One.</p><ul><li>a</li><li>b</li></ul>")
    'Title\\n\\nOne.\\n\\n- a\\n- b'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

import lxml.html
import nh3
from lxml import etree

from digest_app.urls import is_web_url

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "abbr": {"title"},
    "ol": {"start"},
}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACE = "[ \t\u00a0\u2000-\u200b\u3000\ufeff]"
#: Runs of spaces that collapse to one " ": every run but a lone " " (which would be
#: replaced by itself, one match per word). Starting with a character class, the
#: pattern lets sre skip to the candidates in C: a third of the time of "{_SPACE}+".
_SPACES_TO_COLLAPSE = re.compile(f"{_SPACE}(?:(?<! )|(?={_SPACE})){_SPACE}*")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead",
    "tr", "ul",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "object",
              "embed", "svg", "math", "button", "select", "textarea", "form"}

ImageMapper = Callable[[str], "str | None"]

#: Elements nested deeper than this are flattened when a document is too deep for
#: the parser. Real articles nest a few dozen levels; libxml2 gives up at 256.
MAX_NESTING = 100


def clean_text(text: str) -> str:
    """Text with control characters, NULs and lone surrogates removed, newlines normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))


def _collapse_spaces(text: str) -> str:
    """*text* with each run of spaces, tabs and Unicode spaces (not line breaks) made one " "."""
    if text.isascii() and "  " not in text and "\t" not in text:
        return text  # the common case: nothing to collapse (" " and tab are its only ASCII spaces)
    return _SPACES_TO_COLLAPSE.sub(" ", text)


def sanitize_html(
    html: str,
    *,
    base_url: str | None = None,
    image_src: ImageMapper | None = None,
) -> str:
    """Safe HTML for storage and display.

    *base_url* resolves relative links. *image_src* maps an image's absolute URL
    to a local URL to keep, or None to drop it; without it every image is
    dropped (its alt text stays as text).
    """
    html = clean_text(html)
    if not html.strip():
        return ""
    html = _resolve_and_filter(html, base_url, image_src)

    def keep_attribute(element: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and value.lower().startswith(("javascript:", "data:", "vbscript:")):
            return None
        return value

    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "digest-image"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=keep_attribute,
    )
    return cleaned.strip()


def _resolve_and_filter(html: str, base_url: str | None, image_src: ImageMapper | None) -> str:
    try:
        root = parse_fragment(html)
    except (etree.ParserError, ValueError):
        return html
    if base_url and is_web_url(base_url):
        try:
            root.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
        except ValueError:
            pass
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        local = image_src(src) if (image_src and is_web_url(src)) else None
        if local:
            img.set("src", local)
            continue
        alt = (img.get("alt") or "").strip()
        _replace_with_text(img, f"[{alt}]" if alt else "")
    for element in list(root.iter("source", "picture", "video", "audio", "link", "meta", "base")):
        if element.getparent() is not None:
            _replace_with_text(element, "")
    inner = (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner


def _replace_with_text(element: etree._Element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    joined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: one paragraph per block, blank lines between,
    list items as ``- item`` lines, scripts and styles ignored."""
    html = clean_text(html)
    if not html.strip():
        return ""
    try:
        root = parse_fragment(html)
    except (etree.ParserError, ValueError):
        return normalise_paragraphs(re.sub(r"<[^>]+>", " ", html))
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _collapse_spaces("".join(current)).strip()
        if line:
            blocks.append(line)
        current.clear()

    def walk(element: etree._Element, in_list: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP_TAGS or not isinstance(element.tag, str):
            if element.tail:
                current.append(element.tail.replace("\n", " "))
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "li":
            current.append("- ")
        if tag in ("td", "th") and element.getprevious() is not None:
            current.append(" | ")
        if tag == "br":
            flush()
        if element.text:
            current.append(element.text if tag == "pre" else element.text.replace("\n", " "))
        for child in element:
            walk(child, in_list or tag in ("ul", "ol"))
        if block:
            flush()
        if element.tail:
            current.append(element.tail.replace("\n", " "))

    walk(root, False)
    flush()
    return _join_blocks(blocks)


def _join_blocks(blocks: list[str]) -> str:
    # Consecutive list items stay together on adjacent lines; other blocks are
    # separated by a blank line, the paragraph convention of ParsedArticle.text.
    out: list[str] = []
    for block in blocks:
        if out and block.startswith("- ") and out[-1].startswith("- "):
            out[-1] = out[-1] + "\n" + block
        else:
            out.append(block)
    return "\n\n".join(out)


def normalise_paragraphs(text: str) -> str:
    """Plain text tidied: spaces collapsed inside lines, at most one blank line between paragraphs."""
    text = clean_text(text)
    lines = [_collapse_spaces(line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """Safe HTML for plain text: paragraphs become ``<p>``, ``- `` lines a list."""
    from html import escape

    parts: list[str] = []
    for paragraph in normalise_paragraphs(text).split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if lines and all(_is_bullet(line) for line in lines):
            items = "".join(f"<li>{escape(_strip_bullet(line))}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        elif lines:
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "\n".join(parts)


_BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)])\s+")


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


# --- reading HTML whole, however hostile


def parse_fragment(html: str) -> etree._Element:
    """*html* parsed as the children of a new ``<div>`` (as lxml's ``fragment_fromstring``),
    with no text lost to the parser's depth and size limits.

    ``<html>``, ``<head>`` and ``<body>`` tags mean nothing inside a fragment and are
    dropped: lxml would end the fragment at a ``</body>``, lose the text after
    ``<body/>``, and fail an assertion on ``<html/>``.
    Raises what lxml raises for input that is no HTML at all (``ParserError``, ``ValueError``).
    """
    return _parse(_FRAME_TAG.sub("", html), document=False)[0]


def parse_document(html: str) -> tuple[etree._Element, str]:
    """*html* parsed as a whole page, and the markup the tree was read from: *html*
    itself, or *html* flattened when it nests too deep to be read whole.

    Hand the returned markup to any other HTML reader of the same page (trafilatura
    uses lxml too, and would lose the same text).
    """
    return _parse(html, document=True)


def _parse(html: str, *, document: bool) -> tuple[etree._Element, str]:
    # Saved XHTML pages open with one; lxml refuses decoded text that declares an encoding.
    html = _XML_DECLARATION.sub("", html, count=1)
    parser = lxml.html.HTMLParser()
    root = _parse_with(parser, html, document)
    if not any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):
        return root, html
    # Too deep, or a text run too long: libxml2 stopped reading there. Read it
    # again flattened, allowing long text runs (the input size is capped upstream).
    flattened = flatten_nesting(html)
    return _parse_with(lxml.html.HTMLParser(huge_tree=True), flattened, document), flattened


def _parse_with(parser: etree.HTMLParser, html: str, document: bool) -> etree._Element:
    if document:
        return lxml.html.document_fromstring(html, parser=parser)
    return lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)


# How libxml2's HTML parser nests elements (measured with libxml2 2.14; a test
# checks it against the lxml installed): the elements it never leaves open (void,
# or written ``<x/>``), and the start tags that close the innermost open element
# (a new ``<li>`` closes an open ``<li>``). The model is simpler than libxml2
# only in ways that leave it counting at least as deep: an end tag closes only
# the innermost element, and only if it is that element, where libxml2 may
# close several. So libxml2 never nests the flattened markup deeper than the
# model lets it (MAX_NESTING), far below its own limit of 256.
_VOID = frozenset({"area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex",
                   "link", "meta", "param"})
_CLOSED_BY = {
    "p": frozenset({"p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                    "blockquote", "address", "form", "li", "dd", "dt"}),
    "li": frozenset({"li"}),
    "dt": frozenset({"dd"}),
    "dd": frozenset({"dt"}),
    "option": frozenset({"option", "optgroup"}),
    "tr": frozenset({"tr", "tbody", "tfoot"}),
    "td": frozenset({"td", "th", "tr"}),
    "th": frozenset({"td", "th", "tr"}),
    "thead": frozenset({"tbody", "tfoot"}),
    "tbody": frozenset({"tbody", "tfoot"}),
}
#: The parser places these itself (once each); they never add depth.
_FRAME = frozenset({"html", "head", "body"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*>")
_FRAME_TAG = re.compile(r"</?(?:html|head|body)(?:[\t\n\f\r /][^>]*)?>", re.IGNORECASE)
_ASCII_SPACE = "\\t\\n\\f\\r "
#: Their text is raw: no tags inside, up to their own end tag.
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}(?=[{_ASCII_SPACE}/>]|$)", re.IGNORECASE) for name in ("script", "style")
}
_TAG_OPENING = re.compile(rf"<(/?)([A-Za-z][^{_ASCII_SPACE}/>]*)")
# The attributes of a tag as HTML tokenizes them: a quote starts a value only after
# "=". Nothing follows the repetition, so a match never backtracks; it ends at the
# tag's ">" or at the end of the input. A tag closes itself when a "/" outside any
# value comes right before its ">" (the last piece matched is a "gap" ending in "/").
_ATTRIBUTES = re.compile(
    rf"""(?:(?P<gap>[{_ASCII_SPACE}/]+)|(?P<attribute>[^{_ASCII_SPACE}/>][^{_ASCII_SPACE}/>=]*"""
    rf"""(?:[{_ASCII_SPACE}]*=[{_ASCII_SPACE}]*(?:"[^"]*"|'[^']*'|[^{_ASCII_SPACE}>]*))?))*"""
)
_COMMENT_END = re.compile(r"--!?>")


def flatten_nesting(html: str, limit: int = MAX_NESTING) -> str:
    """*html* with the tags of elements nested deeper than *limit* removed, in one pass.

    The text stays, and so do paragraph breaks: a removed block element's tags
    become ``<br>``. A removed script or style goes with its content (never shown).
    Markup nested no deeper than *limit* comes back unchanged.

        >>> flatten_nesting("<div>" * 3 + "deep" + "</div>" * 3, limit=2)
        '<div><div><br>deep<br></div></div>'
    """
    pieces: list[str] = []
    open_elements: list[str] = []
    removed: Counter[str] = Counter()
    copied = position = 0
    size = len(html)
    broken = False
    while True:
        lt = html.find("<", position)
        if lt < 0:
            break
        if html.startswith("<!--", lt):
            # Ends at "-->" or "--!>", "<!-->" included; unterminated, it is read as text.
            end = _COMMENT_END.search(html, lt + 2)
            position = end.end() if end else lt + 4
            continue
        opening = _TAG_OPENING.match(html, lt)
        if opening is None:
            position = lt + 1
            continue
        attributes = _ATTRIBUTES.match(html, opening.end())
        if attributes.end() >= size:
            break  # a tag still open at the end: the parser drops it, and nothing follows
        position = attributes.end() + 1
        resume = position  # where copying goes on if this tag is removed
        name = opening.group(2).lower()
        if name in _FRAME:
            continue
        if opening.group(1):
            if not removed[name]:
                if open_elements and open_elements[-1] == name:
                    open_elements.pop()
                continue
            removed[name] -= 1
        else:
            if name in _VOID or (attributes.lastgroup == "gap" and attributes.group("gap").endswith("/")):
                continue  # void, or closes itself ("<x/>": libxml2 honours that for every element)
            raw_end = _RAW_TEXT_END.get(name)
            found = raw_end.search(html, position) if raw_end else None
            if found:
                position = resume = found.start()
            while open_elements and name in _CLOSED_BY.get(open_elements[-1], ()):
                open_elements.pop()
            if len(open_elements) < limit:
                open_elements.append(name)
                continue
            removed[name] += 1
        between = html[copied:lt]
        pieces.append(between)
        broken = broken and not between.strip()
        # One break stands for a run of removed block tags with nothing but space between.
        if name in _BLOCK_TAGS and not broken:
            pieces.append("<br>")
            broken = True
        copied = resume
    if not pieces:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)
