"""Bytes to a parsed, NFC-normalised lxml tree, whatever the server claimed about the encoding."""

from __future__ import annotations

import re
import unicodedata

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode


class NotHTML(ValueError):
    """The bytes are not an HTML document (empty, binary, or a different format)."""


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode with the BOM, then the header, then <meta charset>, then detection; return NFC text."""
    if not body or not body.strip():
        raise NotHTML("empty document")
    if body.lstrip()[:8].startswith(_BINARY_MAGIC) or body[:2048].count(b"\x00") > 8:
        raise NotHTML("binary content, not HTML")
    _, text = html_to_unicode(content_type, body)
    return unicodedata.normalize("NFC", text)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse leniently; strip XML declarations lxml refuses in str input."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if "<" not in text[:4096] and "<" not in text:
        raise NotHTML("no markup in document")
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise NotHTML(f"unparseable HTML: {error}") from error
    return tree


def text_of(element: etree._Element) -> str:
    """Visible text of an element with whitespace folded."""
    return " ".join(element.text_content().split())
