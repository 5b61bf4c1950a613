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
from crawler.text import vocabulary
from crawler.text.counters import strip_slide_counter
from crawler.text.fold import class_id, element_text, fold, is_element

MAX_CAPTION_LENGTH = 600
_ITALIC_TAGS = frozenset({"em", "i", "small", "cite"})
_SMALL_SIZE = 60


@dataclass
class FoundImage:
    """A photo, its caption elements (removed from the body) and where it sat before removal."""

    element: etree._Element
    image: Image
    caption_elements: list[etree._Element]
    ancestors: tuple[etree._Element, ...] = ()

    def inside(self, scope: etree._Element) -> bool:
        return scope is self.element or scope in self.ancestors


def image_url(media: etree._Element, base: str) -> str | None:
    """The real picture behind lazy-loading placeholders, made absolute.

    ``media`` is an <img>, a <picture> or a lazy-image holder (a <div data-src=…> that scripts
    turn into an <img>); any ``data-*src*`` or ``*lazy*`` attribute is understood, not only the
    usual names, because every lazy-loading library invents its own.
    """
    for attribute in _source_attributes(media):
        value = (media.get(attribute) or "").strip()
        if not value or value.startswith("data:"):
            continue
        if "srcset" in attribute or "," in value and " " in value:
            value = largest_in_srcset(value) or ""
        if value and _looks_like_image_path(value):
            return absolute(base, value)
    picture = media if media.tag == "picture" else next(_ancestors(media, 1), None)
    if picture is not None and picture.tag == "picture":
        for source in picture.iter("source"):
            for attribute in _source_attributes(source):
                value = largest_in_srcset(source.get(attribute) or "")
                if value and _looks_like_image_path(value):
                    return absolute(base, value)
    return None


def absolute(base: str, link: str) -> str:
    """urljoin, with a fast path for the common site-relative "/wp-content/…" link (on a base
    whose path starts after its host: "http://h?q" or "http://h#f" go the slow way)."""
    if link.startswith("/") and not link.startswith("//") and "/." not in link:
        scheme_end = base.find("://")
        if scheme_end != -1:
            rest = base[scheme_end + 3:]
            cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i != -1), default=-1)
            if cut == -1:
                return base + link
            if rest[cut] == "/":
                return base[:scheme_end + 3 + cut] + link
    return urljoin(base, link)


_KNOWN_SOURCES = tuple(a for a in xpaths.LAZY_SRC_ATTRIBUTES if a != "src")


def _source_attributes(element: etree._Element) -> list[str]:
    """Attributes that may hold the picture, lazy-loading ones before ``src`` (often a placeholder);
    of the known lazy ones only those the element has (an absent one holds nothing)."""
    names = element.keys()
    known = [a for a in _KNOWN_SOURCES if a in names]
    extra = [name for name in names if name not in _KNOWN_SOURCES and name not in ("src", "srcset")
             and (name.startswith("data-") and "src" in name or "lazy" in name)]
    return [*known, *extra, "src", "srcset"]


def _looks_like_image_path(value: str) -> bool:
    name = value.split("?", 1)[0].rsplit("/", 1)[-1]
    return not vocabulary.IMAGE_FILE_SKIP.search(name) and (value.startswith(("http", "/", "./", "../")) or "." in name or "/" in value)


def largest_in_srcset(srcset: str) -> str | None:
    """The widest candidate. Candidates are split at a comma followed by space (or after a
    descriptor), because image-CDN URLs contain bare commas ("crop=6604,4403")."""
    best, best_size = None, -1.0
    for candidate in _SRCSET_SPLIT.split(srcset.strip()):
        parts = candidate.strip().strip(",").split()
        if not parts or parts[0].startswith("data:"):
            continue
        size = _descriptor_size(parts[1] if len(parts) > 1 else "1x")
        if size > best_size:
            best, best_size = parts[0], size
    return best


_SRCSET_SPLIT = re.compile(r"(?<=\d[wx]),\s*|,\s+")


def _descriptor_size(descriptor: str) -> float:
    try:
        return float(descriptor.rstrip("wx"))
    except ValueError:
        return 0.0


def is_decorative(img: etree._Element) -> bool:
    """Icons, logos, avatars and tracking pixels. Size attributes count only outside a <figure>:
    some templates write the aspect ratio ("16" × "9") where the size should be."""
    if vocabulary.DECORATIVE_CLASS.search(class_id(img)):
        return True
    if any(a.tag == "figure" for a in _ancestors(img, 5)):
        return False
    sizes = [int(v) for v in ((img.get(a) or "").strip().removesuffix("px") for a in ("width", "height")) if v.isdigit()]
    return bool(sizes) and max(sizes) < _SMALL_SIZE



def media_elements(root: etree._Element) -> list[etree._Element]:
    """<img>s, plus pictures and lazy holders that carry no <img> yet, in document order. A
    lazy holder is a <div>, <span>, <a> or <figure>, or a custom element (``<brick-image>``: web
    components name themselves with a hyphen) whose scripts will draw the picture."""
    found = []
    for node in root.iter(etree.Element):
        tag = node.tag
        if tag == "img":
            found.append(node)
        elif tag in _HOLDER_TAGS or "-" in tag:
            if (tag == "picture" or _lazy_holder(node)) and node.find(".//img") is None:
                found.append(node)
    return found


_HOLDER_TAGS = frozenset({"picture", "div", "span", "a", "figure"})


def _lazy_holder(node: etree._Element) -> bool:
    if len(node.attrib) < 2:
        return False
    return any(name.startswith("data-") and ("src" in name or "lazy" in name) and _looks_like_image_path(value)
               and not value.startswith("data:") for name, value in node.items())


def find_images(root: etree._Element, base: str) -> list[FoundImage]:
    """All content images under ``root`` with their captions, in document order."""
    found: list[FoundImage] = []
    seen: dict[str, FoundImage] = {}
    for media in media_elements(root):
        if media.tag == "img" and is_decorative(media):
            continue
        if any(_is_byline(a) for a in _ancestors(media, 4)) or in_teaser_link(media):
            continue
        url = image_url(media, base)
        if not url or (url in seen and seen[url].image.caption):
            continue
        caption_elements = caption_elements_of(media)
        caption, credit = caption_and_credit(caption_elements)
        if caption and vocabulary.BYLINE_CAPTION.match(caption):
            caption, credit, caption_elements = None, None, []
        if url in seen:
            _caption_shown_again(seen[url], caption, credit, caption_elements)
            continue
        image = Image(url=url, caption=caption, credit=credit)
        seen[url] = FoundImage(media, image, caption_elements, tuple(media.iterancestors()))
        found.append(seen[url])
    return found


def _caption_shown_again(first: FoundImage, caption: str | None, credit: str | None,
                         caption_elements: list[etree._Element]) -> None:
    """A photo shown twice is one photo: a lead (a CMS's featured image) shown first without its
    caption and again, captioned, in the story keeps its first place and takes that caption."""
    if caption:
        first.image.caption, first.image.credit = caption, credit
        first.caption_elements = caption_elements


# Text a link needs, beside its picture, to be a teaser card rather than a photo's zoom link.
TEASER_LINK_TEXT = 15
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$", re.IGNORECASE)


def in_teaser_link(media: etree._Element) -> bool:
    """A picture inside a link to another page that also carries a headline or blurb: a teaser
    card for another story, whose text is no caption of this one. A link around a bare photo
    (zoom, gallery) or to the image file itself stays a photo."""
    for ancestor in _ancestors(media, 6):
        if ancestor.tag == "a":
            href = (ancestor.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:")) or _IMAGE_FILE.search(href.split("?", 1)[0]):
                return False
            return len(element_text(ancestor)) >= TEASER_LINK_TEXT
    return False


def video_player_of(media: etree._Element) -> etree._Element | None:
    """The player around a video's poster still: a wrapper within three levels that holds the
    <video>, no other picture and no more text than a caption. Its caption describes the clip,
    and the record's images are photos."""
    for ancestor in _ancestors(media, 3):
        if next(ancestor.iter("video"), None) is not None:
            alone = sum(1 for _ in ancestor.iter("img")) <= 1
            return ancestor if alone and len(element_text(ancestor)) <= MAX_CAPTION_LENGTH else None
    return None


def _is_byline(node: etree._Element) -> bool:
    return bool(vocabulary.BYLINE_CLASS.search(class_id(node)))


# --- where the caption is -----------------------------------------------------------------------


def caption_elements_of(img: etree._Element) -> list[etree._Element]:
    for finder in (_figure_caption, _wp_caption, _table_caption, _sibling_caption, _loose_figcaption):
        elements = finder(img)
        if elements:
            return elements
    return []


def _ancestors(element: etree._Element, levels: int):
    """Up to ``levels`` ancestors. libxml2 does not know <source> is empty and nests the rest of a
    <picture> inside it, so <source> levels are passed through without counting."""
    node = element.getparent()
    while levels > 0 and node is not None:
        if node.tag != "source":
            yield node
            levels -= 1
        node = node.getparent()


def _figure_caption(img: etree._Element) -> list[etree._Element]:
    for ancestor in _ancestors(img, 6):
        if ancestor.tag == "figure":
            captions = [c for c in ancestor.xpath(".//figcaption") if element_text(c)]
            if captions:
                return captions[:1]
            classed = [e for e in ancestor.iter() if is_element(e) and e is not img
                       and vocabulary.CAPTION_CLASS.search(class_id(e)) and element_text(e)]
            if classed:
                return classed[:1]
            after = ancestor.getnext()  # <figure>…</figure><figcaption>: the caption set just outside
            return [after] if after is not None and after.tag == "figcaption" and element_text(after) else []
    return []


def _wp_caption(img: etree._Element) -> list[etree._Element]:
    """A caption-classed wrapper around one photo (WordPress ``wp-caption``, ``p.caption``): its
    caption-classed child, else its text children that hold no image."""
    for ancestor in _ancestors(img, 4):
        if vocabulary.CAPTION_CLASS.search(class_id(ancestor)) and len(ancestor.xpath(".//img")) == 1:
            texts = [e for e in ancestor.iter() if is_element(e) and e is not ancestor
                     and vocabulary.CAPTION_CLASS.search(class_id(e)) and not e.xpath(".//img")
                     and element_text(e)]
            if not texts and len(element_text(ancestor)) <= MAX_CAPTION_LENGTH:
                texts = [e for e in ancestor if is_element(e) and not e.xpath("self::img or .//img") and element_text(e)]
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
    if vocabulary.CAPTION_CLASS.search(class_id(following)) or _is_italic_line(following):
        return [following]
    inner = [e for e in following.iter() if is_element(e) and e is not following
             and vocabulary.SIBLING_CAPTION_CLASS.search(class_id(e)) and len(element_text(e)) >= 0.5 * len(text)]
    if inner:
        return [following]
    if vocabulary.SIBLING_CAPTION_CLASS.search(class_id(following)) and _alone_with(holder, following):
        return [following]
    credit = following.getnext()
    if credit is not None and is_credit_line(credit) and _alone_with(holder, following, credit):
        return [following, credit]
    return _between_credit_lines(holder, following)


def _between_credit_lines(holder: etree._Element, following: etree._Element) -> list[etree._Element]:
    """A wrapper holding the photo, one line of text and nothing else but credit lines (above
    the photo, as some templates print "Foto: …"): the line is the caption, the rest its credit."""
    parent = holder.getparent()
    if parent is None or following.getparent() is not parent:
        return []
    others = [child for child in parent if is_element(child) and child is not holder and child is not following
              and (element_text(child) or child.xpath(".//img"))]
    if not others or len(others) > 2 or not all(is_credit_line(child) for child in others):
        return []
    credits = sum(len(element_text(child)) + 1 for child in others)
    if len(element_text(parent)) > len(element_text(following)) + credits + 40:
        return []  # loose text beside them: a paragraph, not a caption
    return [following, *others]


def is_credit_line(element: etree._Element) -> bool:
    """A short line that is nothing but a photo credit ("Image: Jane Doe", "Foto: dpa")."""
    text = element_text(element)
    if not text or len(text) > 80 or element.xpath(".//img"):
        return False
    match = vocabulary.CREDIT_TEXT.match(text)
    return bool(match) and match.end() == len(text)


def _alone_with(holder: etree._Element, caption: etree._Element, credit: etree._Element | None = None) -> bool:
    """The photo and the text (and its credit line) share a wrapper that holds nothing else: a
    caption, not a paragraph."""
    parent = holder.getparent()
    extra = len(element_text(credit)) + 1 if credit is not None else 0
    return parent is not None and parent is caption.getparent() and len(element_text(parent)) <= len(element_text(caption)) + extra + 40


def _loose_figcaption(img: etree._Element) -> list[etree._Element]:
    """A <figcaption> outside any <figure> (invalid but common) beside a wrapper with one photo."""
    for ancestor in _ancestors(img, 3):
        if ancestor.tag == "figure" or len(ancestor.xpath(".//img")) > 1:
            return []
        captions = [c for c in ancestor.iter("figcaption") if element_text(c) and not c.xpath("ancestor::figure")]
        if captions:
            return captions[:1]
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
    caption = strip_slide_counter(_TRAILING_STAMP.sub("", fold(" ".join(parts))))[:MAX_CAPTION_LENGTH].strip() or None
    credit = fold(" ".join(credits)) or None
    if caption and not _is_caption_text(caption):
        return None, credit or (caption if caption.startswith("(") or vocabulary.CREDIT_ONLY.match(caption) else None)
    return caption, credit


# A video teaser's date and running time glued to its caption ("…Nachahmer.05.09.2024 | 2:03 min").
_TRAILING_STAMP = re.compile(r"\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*(?:\|\s*\d+:\d{2}\s*min\.?)?\s*$")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _is_caption_text(text: str) -> bool:
    """Words, not a date stamp, a counter or a parenthesised credit like "(The Independent)"."""
    if text.startswith("(") and text.endswith(")") or vocabulary.CREDIT_ONLY.match(text):
        return False
    return len(_LETTER_WORD.findall(text)) >= 1 and sum(c.isalpha() for c in text) >= 0.5 * len(text.replace(" ", ""))


def _split_credit(element: etree._Element) -> tuple[str, str | None]:
    """Caption text without its credit, and the credit (from a credit element, a short trailing
    element, or trailing text such as "Foto: dpa", "| Getty Images", "/ LRT nuotr.")."""
    credit_nodes = [e for e in element.iter() if is_element(e) and e is not element
                    and vocabulary.CREDIT_CLASS.search(class_id(e))]
    if not credit_nodes:
        credit_nodes = _trailing_credit_element(element)
    credit = " ".join(element_text(e) for e in credit_nodes) or None
    text = strip_slide_counter(_text_without(element, credit_nodes))
    match = vocabulary.CREDIT_TEXT.search(text) or vocabulary.CREDIT_TAIL.search(text) or vocabulary.CREDIT_WORD_TAIL.search(text)
    if match and match.start() > 0:
        credit = credit or fold(match.group(0)).strip("()|/＝= ")
        text = text[: match.start()]
    elif match and match.start() == 0:
        return "", fold(text)
    return fold(text).strip(" |/"), credit


def _trailing_credit_element(element: etree._Element) -> list[etree._Element]:
    """``<span>caption</span><span>Getty Images</span>``: a last short element, no sentence of
    its own, after a caption at least three times its length, is the photo credit."""
    children = [child for child in element if is_element(child) and element_text(child)]
    if len(children) < 2 or children[-1].tail and children[-1].tail.strip():
        return []
    last = element_text(children[-1])
    rest = sum(len(element_text(child)) for child in children[:-1])
    if len(last) > 50 or len(last.split()) > 5 or last.endswith((".", "!", "?", ")")) or rest < 3 * len(last):
        return []
    return [children[-1]]


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
