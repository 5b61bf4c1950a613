"""Small text helpers shared by the profile-free layers."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from crawler.extraction.html import is_folded, raw_text

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def fold(text: str | None) -> str:
    """Collapse whitespace (including non-breaking and zero-width spaces) to single spaces."""
    if not text:
        return ""
    if is_folded(text):
        return text
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def norm_key(text: str | None) -> str:
    """Comparison key: NFKC, casefolded word tokens joined by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def class_id(element: etree._Element) -> str:
    """class and id of an element as one string, the usual carrier of template intent."""
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip()


def is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def element_text(element: etree._Element) -> str:
    """Visible text with whitespace folded (comments and processing instructions skipped).

    libxml2's text serialiser (``raw_text``) already skips comments and processing instructions; only a
    ``<br>`` (a word break with no text of its own) needs the slower walk."""
    if not isinstance(element.tag, str):
        return ""
    if next(element.iter("br"), None) is None:
        return fold(raw_text(element))
    return fold("".join(_visible_strings(element)))


def _visible_strings(element: etree._Element):
    if isinstance(element.tag, str) and element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _visible_strings(child)
            if child.tag == "br":
                yield "\n"
        if child.tail:
            yield child.tail


def link_text_length(element: etree._Element) -> int:
    return sum(len(fold(raw_text(a))) for a in element.iter("a"))


def link_density(element: etree._Element, text: str | None = None) -> float:
    text = element_text(element) if text is None else text
    return link_text_length(element) / len(text) if text else 0.0
