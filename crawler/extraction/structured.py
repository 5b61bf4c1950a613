"""Fields the page states about itself: JSON-LD, Open Graph and other meta tags, microdata.

Publishers write these for search engines and social networks, so they are usually right where
present and cheap to read. They never give the body; they rarely give captions.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from lxml import etree

from crawler.extraction import xpaths
from crawler.extraction.authors import clean_authors
from crawler.extraction.dates import parse_date
from crawler.extraction.record import Context
from crawler.extraction.titles import best_title, meta_content, site_names
from crawler.text.fold import element_text, fold, norm_key

_JSON_COMMENT = re.compile(r"^\s*(?://[^\n]*|<!--|-->|/\*.*?\*/)\s*$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def extract_structured(tree: etree._Element, ctx: Context, wanted: frozenset[str] | None = None) -> dict[str, Any]:
    """Only the keys found among title, published, modified, authors (of ``wanted``, if given),
    and ``site_authors``: the site itself named as author, used only if no layer finds a person."""
    objects = json_ld_objects(tree)
    article = first_article(objects)
    fields: dict[str, Any] = {}
    want = wanted if wanted is not None else frozenset(("title", "published", "modified", "authors"))
    headline = _text_value(article.get("headline") or article.get("name")) if article else None
    publisher = _name_of(article.get("publisher")) if article else None
    if "title" in want and (headline or meta_content(tree, xpaths.META_TITLE[:2])):
        fields["title"] = best_title(tree, ctx.url, headline, publisher, frozenset(_types(article)) if article else frozenset())
    if "published" in want:
        fields["published"] = _first_date(ctx, _published_candidates(tree, article, ctx.index, objects))
    if "modified" in want:
        fields["modified"] = _first_date(ctx, _modified_candidates(tree, article, ctx.index, objects))
    if "authors" in want:
        sites = site_names(tree, ctx.url, [publisher] if publisher else None)
        fields["authors"], fields["site_authors"] = _authors(tree, article, sites)
    # The declared kind only keeps a profile-free body out (extract_tree): not asked once a
    # higher layer (the profile's selectors, a CMS family) gave the body, which it never overrules.
    body_given = wanted is not None and "body" not in wanted
    fields["declared_kind"] = None if article or body_given else declared_kind(tree, objects)
    return {key: value for key, value in fields.items() if value}


_NON_ARTICLE_OG = re.compile(xpaths.NON_ARTICLE_OG_TYPE, re.IGNORECASE)


def declared_kind(tree: etree._Element, objects: list[dict[str, Any]]) -> str | None:
    """The non-story type the page declares ("Product", "QAPage", "CollectionPage", og:type
    "product"), or None: a page that declares a story type, or nothing, may be an article."""
    types = set().union(*(_types(item) for item in objects)) if objects else set()
    if types & xpaths.STORY_TYPES:
        return None
    found = sorted(types & xpaths.NON_ARTICLE_TYPES)
    if found:
        return found[0]
    og_type = next(iter(meta_content(tree, ("og:type",))), "")
    return og_type if og_type and _NON_ARTICLE_OG.search(og_type) else None


# --- JSON-LD ------------------------------------------------------------------------------------


def json_ld_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON object of the page's ld+json scripts, flattened through lists and @graph."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _load_json(script.text or "")
        objects.extend(_flatten(data))
    return objects


def _load_json(text: str) -> Any:
    text = _CONTROL.sub(" ", text.strip())
    if text.startswith("<![CDATA["):
        text = text[9:].rstrip("]>").rstrip()
    for attempt in (text, _JSON_COMMENT.sub("", text).strip().rstrip(";")):
        try:
            return json.loads(attempt)
        except ValueError:
            continue
    return None


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                yield from _flatten(data[key], depth + 1)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


def first_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article object, preferring one with a headline and a date over a bare one."""
    articles = [item for item in objects if _types(item) & xpaths.ARTICLE_TYPES]
    if not articles:
        return None
    return max(articles, key=lambda item: (bool(item.get("headline")), bool(item.get("datePublished"))))


def _text_value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return fold(str(value)) if isinstance(value, (str, int, float)) and fold(str(value)) else None


def _name_of(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text_value(value.get("name"))
    return _text_value(value)


def _ld_people(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                names.extend(str(n) for n in name if isinstance(n, str))
            elif isinstance(name, str):
                names.append(name)
            elif item.get("givenName") or item.get("familyName"):
                names.append(f"{item.get('givenName', '')} {item.get('familyName', '')}")
        elif isinstance(item, str) and not item.startswith("http"):
            names.append(item)
    return names


# --- candidates in priority order ---------------------------------------------------------------


def _published_candidates(tree: etree._Element, article: dict[str, Any] | None, index: Any = None,
                          objects: list[dict[str, Any]] | None = None) -> Iterator[str]:
    if article:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = _text_value(article.get(key))
            if value:
                yield value
    yield from meta_content(tree, xpaths.META_PUBLISHED)
    yield from _itemprop_values(tree, "datePublished", index)
    for node in tree.xpath('//time[@pubdate or @itemprop="datePublished"][@datetime]'):
        yield node.get("datetime")
    yield from _page_dates(objects, "datePublished")


def _modified_candidates(tree: etree._Element, article: dict[str, Any] | None, index: Any = None,
                         objects: list[dict[str, Any]] | None = None) -> Iterator[str]:
    if article:
        value = _text_value(article.get("dateModified"))
        if value:
            yield value
    yield from meta_content(tree, xpaths.META_MODIFIED)
    yield from _itemprop_values(tree, "dateModified", index)
    yield from _page_dates(objects, "dateModified")


def _page_dates(objects: list[dict[str, Any]] | None, key: str) -> Iterator[str]:
    """The dates the page's own ``WebPage`` object states, after every other source: SEO plugins
    (Yoast's schema graph on WordPress) date the WebPage and declare no Article on many posts."""
    for item in objects or ():
        if _types(item) & xpaths.PAGE_TYPES:
            value = _text_value(item.get(key))
            if value:
                yield value


def _authors(tree: etree._Element, article: dict[str, Any] | None, sites: set[str]) -> tuple[list[str], list[str]]:
    """(people, the site named as author). People come from the first source that names any:
    JSON-LD ``author``, the author meta tags (the first), microdata. A source that names only the
    site itself ("VnExpress", an Organization author, a meta author "LTO") names nobody yet: a
    byline further down (the generic layer's) may; the site is the author only if none does."""
    stages: tuple[tuple[list[str], int], ...] = (
        (_ld_people(article["author"]) if article and article.get("author") else [], 99),
        ([value for value in meta_content(tree, xpaths.META_AUTHOR) if not value.startswith("http")], 1),
        ([element_text(node) for node in tree.xpath('//*[@itemprop="author"]//*[@itemprop="name"]')], 5),
    )
    site_named: list[str] = []
    for candidates, keep in stages:
        names = clean_authors(candidates)
        people = [name for name in names if norm_key(name) not in sites]
        if people:
            return people[:keep], []
        site_named = site_named or names[:1]
    return [], site_named


_ITEMPROP = etree.XPath("//*[@itemprop=$name]")  # compiled once; ``tree.xpath(f"...")`` compiled per call


def _itemprop_values(tree: etree._Element, name: str, index: Any = None) -> Iterator[str]:
    nodes = index.by_itemprop(name) if index is not None and index.root is tree else _ITEMPROP(tree, name=name)
    for node in nodes:
        value = node.get("content") or node.get("datetime") or element_text(node)
        if value:
            yield value


def _first_date(ctx: Context, candidates: Iterator[str]) -> str | None:
    for candidate in candidates:
        parsed = parse_date(
            candidate,
            languages=ctx.languages,
            tz=ctx.timezone,
            date_order=ctx.date_order,
            relative_base=ctx.crawl_time,
        )
        if parsed:
            return parsed
    return None

