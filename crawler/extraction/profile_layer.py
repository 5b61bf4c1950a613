"""The first extraction layer: a portal profile's selectors, for pages whose layout we know.

Selectors come from the profile's parser version (data); this module only knows how to apply
them: which elements are excluded, how images pair with captions, and that captions and the
byline never count as body paragraphs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.extraction.dates import parse_date
from crawler.extraction.html import text_of
from crawler.extraction.record import Context, Image
from crawler.registry import ParserVersion, compile_selector

LAZY_SOURCE_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "src")
PLACEHOLDER_HINTS = ("data:", "lazy", "placeholder", "blank.gif", "spacer")


def extract_with_profile(tree: etree._Element, parser: ParserVersion, ctx: Context) -> dict[str, Any]:
    """Apply one parser version; return only the fields its selectors filled."""
    excluded = _elements(tree, parser.exclude)
    author_element = _first(tree, parser.author)
    containers: set[etree._Element] = set()
    captions = _captions_by_image(tree, parser, containers)
    caption_elements = {element for _, element in captions.values()}
    fields: dict[str, Any] = {
        "title": _text(_first(tree, parser.title)),
        "published": _date(_first(tree, parser.published), ctx),
        "modified": _date(_first(tree, parser.modified), ctx),
        "authors": [name] if (name := _text(author_element)) else [],
        "images": _images(tree, parser, captions, ctx),
        "body": _body(tree, parser, excluded | caption_elements | {author_element} | containers),
    }
    return {key: value for key, value in fields.items() if value}


def _elements(tree: etree._Element, selectors: tuple[str, ...]) -> set[etree._Element]:
    return {element for selector in selectors for element in compile_selector(selector)(tree)}


def _first(tree: etree._Element, selector: str | None) -> etree._Element | None:
    if not selector:
        return None
    found = compile_selector(selector)(tree)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return text_of(element) or None


def _date(element: etree._Element | None, ctx: Context) -> str | None:
    if element is None:
        return None
    raw = element.get("datetime") or element.get("content") or text_of(element)
    return parse_date(raw, ctx.languages, ctx.timezone, ctx.date_order, ctx.crawl_time)


def _captions_by_image(
    tree: etree._Element, parser: ParserVersion, containers: set[etree._Element]
) -> dict[etree._Element, tuple[str, etree._Element]]:
    """Map each <img> to (caption text, caption element) using the profile's caption rules;
    every caption container found is added to ``containers`` (they are never body text)."""
    found: dict[etree._Element, tuple[str, etree._Element]] = {}
    for rule in parser.captions:
        for container in compile_selector(rule.container)(tree):
            containers.add(container)
            caption_nodes = compile_selector(rule.caption)(container)
            if not caption_nodes:
                continue
            caption = text_of(caption_nodes[0])
            for image in container.iter("img"):
                if caption and image not in found:
                    found[image] = (caption, _paragraph_of(caption_nodes[0], container))
    return found


def _paragraph_of(node: etree._Element, container: etree._Element) -> etree._Element:
    """The block that carries a caption outside its container (the <p> around an <em>) is not body."""
    parent = node.getparent()
    if parent is not None and parent.tag == "p" and parent is not container and len(text_of(parent)) == len(text_of(node)):
        return parent
    return node


def _images(
    tree: etree._Element, parser: ParserVersion, captions: dict[etree._Element, tuple[str, etree._Element]], ctx: Context
) -> list[Image]:
    if not parser.images:
        return []
    images = []
    for element in compile_selector(parser.images)(tree):
        source = image_source(element)
        if source:
            caption = captions.get(element, (None, None))[0]
            images.append(Image(url=absolute(ctx.url, source), caption=caption))
    return images


def absolute(base: str, link: str) -> str:
    """urljoin, with a fast path for the common site-relative "/wp-content/…" link."""
    if link.startswith("/") and not link.startswith("//") and "/../" not in link and "/./" not in link:
        scheme_end = base.find("://")
        path_start = base.find("/", scheme_end + 3) if scheme_end != -1 else -1
        if path_start != -1:
            return base[:path_start] + link
        if scheme_end != -1:
            return base + link
    return urljoin(base, link)


def image_source(element: etree._Element) -> str | None:
    """The real image URL, looking past lazy-loading placeholders."""
    for attribute in LAZY_SOURCE_ATTRIBUTES:
        value = (element.get(attribute) or "").strip()
        if value and not any(hint in value.lower() for hint in PLACEHOLDER_HINTS):
            return value
    return None


def _body(tree: etree._Element, parser: ParserVersion, skip: set[etree._Element | None]) -> list[str]:
    if not parser.body:
        return []
    paragraphs = []
    for element in compile_selector(parser.body)(tree):
        if any(node in skip for node in (element, *element.iterancestors())):
            continue
        if any(node in skip for node in element.iterdescendants()) and element.find(".//img") is not None:
            continue
        text = text_of(element)
        if text:
            paragraphs.append(text)
    return paragraphs
