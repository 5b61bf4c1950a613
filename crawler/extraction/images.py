"""Article photos: resolved URL (lazy-loading attributes understood), caption and credit.

Captions come in four common markups: <figure>/<figcaption>, WordPress ``wp-caption`` blocks,
caption tables (an image row above a text row, common on Vietnamese portals) and an italic or
small line directly under a photo. Every caption element found is reported so the body can
leave it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.extraction import xpaths
from crawler.extraction.record import Image
from crawler.extraction.textutil import class_id, element_text, fold, is_element

MAX_CAPTION_LENGTH = 600
_SKIP_IMAGE = re.compile(r"logo|icon|avatar|spacer|pixel|blank|placeholder|sprite|emoji|badge|1x1|loading|lazy\.|grey\.gif|transparent", re.IGNORECASE)
_ITALIC_TAGS = frozenset({"em", "i", "small", "cite"})
_SMALL_SIZE = 60


@dataclass
class FoundImage:
    element: etree._Element
    image: Image
    caption_elements: list[etree._Element]


def image_url(img: etree._Element, base: str) -> str | None:
    """The real picture behind lazy-loading placeholders, made absolute."""
    for attribute in xpaths.LAZY_SRC_ATTRIBUTES:
        value = (img.get(attribute) or "").strip()
        if not value or value.startswith("data:"):
            continue
        if "srcset" in attribute:
            value = largest_in_srcset(value)
        if value and not _SKIP_IMAGE.search(value.rsplit("/", 1)[-1]):
            return urljoin(base, value)
    for attribute in xpaths.SRCSET_ATTRIBUTES:
        value = largest_in_srcset(img.get(attribute) or "")
        if value:
            return urljoin(base, value)
    parent = img.getparent()
    if parent is not None and parent.tag == "picture":
        for source in parent.iter("source"):
            value = largest_in_srcset(source.get("srcset") or source.get("data-srcset") or "")
            if value:
                return urljoin(base, value)
    return None


def largest_in_srcset(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.strip().split()
        if not parts or parts[0].startswith("data:"):
            continue
        size = _descriptor_size(parts[1] if len(parts) > 1 else "1x")
        if size > best_size:
            best, best_size = parts[0], size
    return best


def _descriptor_size(descriptor: str) -> float:
    try:
        return float(descriptor.rstrip("wx"))
    except ValueError:
        return 0.0


def is_decorative(img: etree._Element) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < _SMALL_SIZE:
            return True
    return bool(_SKIP_IMAGE.search(class_id(img)))


def find_images(root: etree._Element, base: str) -> list[FoundImage]:
    """All content images under ``root`` with their captions, in document order."""
    found: list[FoundImage] = []
    seen: set[str] = set()
    for img in root.iter("img"):
        if is_decorative(img):
            continue
        url = image_url(img, base)
        if not url or url in seen:
            continue
        seen.add(url)
        caption_elements = caption_elements_of(img)
        caption, credit = caption_and_credit(caption_elements)
        found.append(FoundImage(img, Image(url=url, caption=caption, credit=credit), caption_elements))
    return found


# --- where the caption is -----------------------------------------------------------------------


def caption_elements_of(img: etree._Element) -> list[etree._Element]:
    for finder in (_figure_caption, _wp_caption, _table_caption, _sibling_caption):
        elements = finder(img)
        if elements:
            return elements
    return []


def _ancestors(element: etree._Element, levels: int):
    node = element.getparent()
    for _ in range(levels):
        if node is None:
            return
        yield node
        node = node.getparent()


def _figure_caption(img: etree._Element) -> list[etree._Element]:
    for ancestor in _ancestors(img, 6):
        if ancestor.tag == "figure":
            captions = ancestor.xpath(".//figcaption")
            if captions:
                return captions[:1]
            classed = [e for e in ancestor.iter() if is_element(e) and e is not img
                       and xpaths.CAPTION_CLASS.search(class_id(e)) and element_text(e)]
            return classed[:1]
    return []


def _wp_caption(img: etree._Element) -> list[etree._Element]:
    for ancestor in _ancestors(img, 4):
        if xpaths.CAPTION_CLASS.search(class_id(ancestor)) and len(ancestor.xpath(".//img")) == 1:
            texts = [e for e in ancestor.iter() if is_element(e) and e is not ancestor
                     and xpaths.CAPTION_CLASS.search(class_id(e)) and not e.xpath(".//img")
                     and element_text(e)]
            if texts:
                return texts[:1]
    return []


def _table_caption(img: etree._Element) -> list[etree._Element]:
    table = next((a for a in _ancestors(img, 5) if a.tag == "table"), None)
    if table is None or len(table.xpath(".//img")) > 2:
        return []
    cells = [cell for cell in table.xpath(".//td|.//th|.//caption") if not cell.xpath(".//img|.//td")]
    texts = [cell for cell in cells if element_text(cell)]
    if texts and sum(len(element_text(c)) for c in texts) <= MAX_CAPTION_LENGTH:
        return texts
    return []


def _sibling_caption(img: etree._Element) -> list[etree._Element]:
    holder = _image_holder(img)
    following = holder.getnext()
    while following is not None and not element_text(following) and not following.xpath(".//img"):
        if following.tag not in ("br", "p", "div", "span"):
            break
        following = following.getnext()
    if following is None or following.xpath("self::img or .//img"):
        return []
    text = element_text(following)
    if not text or len(text) > MAX_CAPTION_LENGTH:
        return []
    if xpaths.CAPTION_CLASS.search(class_id(following)) or _is_italic_line(following):
        return [following]
    return []


def _image_holder(img: etree._Element) -> etree._Element:
    """The outermost ancestor that holds nothing but this image (a <p>, <a>, <div> wrapper)."""
    holder = img
    for ancestor in _ancestors(img, 4):
        if element_text(ancestor) or len(ancestor.xpath(".//img")) > 1:
            break
        holder = ancestor
    return holder


def _is_italic_line(element: etree._Element) -> bool:
    if element.tag in _ITALIC_TAGS:
        return True
    style = (element.get("style") or "").lower()
    if "italic" in style or "text-align: center" in style or "text-align:center" in style:
        return True
    text = element_text(element)
    italic = "".join(element_text(e) for e in element if is_element(e) and e.tag in _ITALIC_TAGS)
    return bool(text) and len(italic) >= 0.8 * len(text)


# --- caption text and credit --------------------------------------------------------------------


def caption_and_credit(elements: list[etree._Element]) -> tuple[str | None, str | None]:
    if not elements:
        return None, None
    credits = []
    parts = []
    for element in elements:
        text, credit = _split_credit(element)
        if credit:
            credits.append(credit)
        if text:
            parts.append(text)
    caption = fold(" ".join(parts))[:MAX_CAPTION_LENGTH] or None
    return caption, fold(" ".join(credits)) or None


def _split_credit(element: etree._Element) -> tuple[str, str | None]:
    """Caption text without its credit, and the credit (from a credit element or trailing text)."""
    credit_nodes = [e for e in element.iter() if is_element(e) and e is not element
                    and xpaths.CREDIT_CLASS.search(class_id(e))]
    credit = " ".join(element_text(e) for e in credit_nodes) or None
    text = _text_without(element, credit_nodes)
    match = xpaths.CREDIT_TEXT.search(text)
    if match and match.start() > 0:
        credit = credit or fold(match.group(0)).strip("()|/ ")
        text = text[: match.start()]
    elif match and match.start() == 0:
        return "", fold(text)
    return fold(text).strip(" |/"), credit


def _text_without(element: etree._Element, skipped: list[etree._Element]) -> str:
    if not skipped:
        return element_text(element)
    skip = set(skipped)
    pieces: list[str] = []

    def walk(node: etree._Element) -> None:
        if node in skip:
            return
        if node.text and isinstance(node.tag, str):
            pieces.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(element)
    return fold(" ".join(pieces))
