"""Sanitize HTML on the way in, and derive plain text from it.

Everything stored as ``content_html`` has been through :func:`sanitize_html`:
an allow-list of structural tags (no script, style, iframe, object, form, event
handler attributes, ``javascript:`` or ``data:`` URLs), links made absolute and
marked ``noopener``, and remote images removed unless the caller maps them to a
locally cached copy, so that reading offline never phones home.

    >>> sanitize_html('<p onclick="x()">Hi <script>evil()</script><a href="/a">a</a></p>',
    ...               base_url="https://example.com/news/")
    '<p>Hi <a href="https://example.com/a" rel="noopener noreferrer nofollow">a</a></p>'
    >>> html_to_text("<h1>Title</h1><p>One.</p><ul><li>a</li><li>b</li></ul>")
    'Title\\n\\nOne.\\n\\n- a\\n- b'
"""

from __future__ import annotations

import re
import unicodedata
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
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\ufeff]+")
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


def clean_text(text: str) -> str:
    """Text with control characters, NULs and lone surrogates removed, newlines normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))


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
        root = lxml.html.fragment_fromstring(html, create_parent="div")
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
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalise_paragraphs(re.sub(r"<[^>]+>", " ", html))
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
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
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
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
