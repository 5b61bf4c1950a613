"""The text toolkit every extraction layer uses: visible text of an element (a `<br>` is a word
break), whitespace folding, word keys."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def is_folded(text: str) -> bool:
    """No whitespace but single inner ASCII spaces, and no zero-width or format characters."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def raw_text(element: etree._Element) -> str:
    """All text inside an element, unfolded. libxml2's text serialiser does in C what
    ``"".join(element.itertext())`` does with a Python generator (the same text on every
    element of the evaluation corpus), and this runs for every paragraph of every page."""
    if not len(element):  # a plain paragraph: its text is all there is
        return element.text or ""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


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
    if not len(element):  # no children: no <br> inside, its own text is all there is
        return fold(element.text)
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
