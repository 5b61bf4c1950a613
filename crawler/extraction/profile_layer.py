"""The first extraction layer: a portal profile's selectors, for pages whose layout we know.

Selectors come from the profile's parser version (data); this module only knows how to apply
them: which elements are excluded, how images pair with captions, and that captions and the
byline never count as body paragraphs.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from crawler.extraction.dates import parse_date
from crawler.extraction.images import image_url
from crawler.extraction.record import Context, Image
from crawler.extraction.selectors import PageIndex, compile_profile_selector
from crawler.registry import ParserVersion
from crawler.text.fold import element_text


def extract_with_profile(tree: etree._Element, parser: ParserVersion, ctx: Context) -> dict[str, Any]:
    """Apply one parser version; return only the fields its selectors filled."""
    index = ctx.index if ctx.index is not None and ctx.index.root is tree else PageIndex(tree)
    excluded = _elements(index, parser.exclude)
    author_element = _first(index, parser.author)
    containers: set[etree._Element] = set()
    captions = _captions_by_image(index, parser, containers)
    caption_elements = {element for _, element in captions.values()}
    fields: dict[str, Any] = {
        "title": _text(_first(index, parser.title)),
        "published": _date(_first(index, parser.published), ctx),
        "modified": _date(_first(index, parser.modified), ctx),
        "authors": [name] if (name := _text(author_element)) else [],
        "images": _images(index, parser, captions, ctx),
        "body": _body(index, parser, excluded | caption_elements | {author_element} | containers),
    }
    return {key: value for key, value in fields.items() if value}


def _select(index: PageIndex, selector: str) -> list[etree._Element]:
    return compile_profile_selector(selector)(index.root, index)


def _elements(index: PageIndex, selectors: tuple[str, ...]) -> set[etree._Element]:
    return {element for selector in selectors for element in _select(index, selector)}


def _first(index: PageIndex, selector: str | None) -> etree._Element | None:
    if not selector:
        return None
    found = _select(index, selector)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return element_text(element) or None


def _date(element: etree._Element | None, ctx: Context) -> str | None:
    if element is None:
        return None
    raw = element.get("datetime") or element.get("content") or element_text(element)
    return parse_date(raw, ctx.languages, ctx.timezone, ctx.date_order, ctx.crawl_time)


def _captions_by_image(
    index: PageIndex, parser: ParserVersion, containers: set[etree._Element]
) -> dict[etree._Element, tuple[str, etree._Element]]:
    """Map each <img> to (caption text, caption element) using the profile's caption rules;
    every caption container found is added to ``containers`` (they are never body text)."""
    found: dict[etree._Element, tuple[str, etree._Element]] = {}
    for rule in parser.captions:
        for container in _select(index, rule.container):
            containers.add(container)
            caption_nodes = compile_profile_selector(rule.caption)(container)
            if not caption_nodes:
                continue
            caption = element_text(caption_nodes[0])
            for image in container.iter("img"):
                if caption and image not in found:
                    found[image] = (caption, _paragraph_of(caption_nodes[0], container))
    return found


def _paragraph_of(node: etree._Element, container: etree._Element) -> etree._Element:
    """The block that carries a caption outside its container (the <p> around an <em>) is not body."""
    parent = node.getparent()
    if parent is not None and parent.tag == "p" and parent is not container and len(element_text(parent)) == len(element_text(node)):
        return parent
    return node


def _images(
    index: PageIndex, parser: ParserVersion, captions: dict[etree._Element, tuple[str, etree._Element]], ctx: Context
) -> list[Image]:
    if not parser.images:
        return []
    images = []
    for element in _select(index, parser.images):
        url = image_url(element, ctx.url)
        if url:
            caption = captions.get(element, (None, None))[0]
            images.append(Image(url=url, caption=caption))
    return images


def _inside(element: etree._Element, skip: set[etree._Element | None], known: dict[etree._Element, bool]) -> bool:
    """Is ``element`` one of ``skip`` or inside one? Answers for its ancestors are kept in
    ``known``: a body's paragraphs share their parent, so the walk up is made about once (where
    collecting every node inside the skipped elements walked the whole sidebar)."""
    chain = []
    node: etree._Element | None = element
    answer = False
    while node is not None:
        if node in skip:
            answer = True
            break
        cached = known.get(node)
        if cached is not None:
            answer = cached
            break
        chain.append(node)
        node = node.getparent()
    for visited in chain:
        known[visited] = answer
    return answer


def _body(index: PageIndex, parser: ParserVersion, skip: set[etree._Element | None]) -> list[str]:
    if not parser.body:
        return []
    paragraphs = []
    selected = _select(index, parser.body)
    if not selected:
        return []
    inside: dict[etree._Element, bool] = {}
    for element in selected:
        if _inside(element, skip, inside):
            continue
        if len(element) and next(element.iter("img"), None) is not None and any(node in skip for node in element.iterdescendants()):
            continue  # a photo block that holds a caption
        text = element_text(element)
        if text:
            paragraphs.append(text)
    return paragraphs
