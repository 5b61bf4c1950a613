"""Plone (5.2 and 6, Classic UI): its REST API, sitemap, feeds and collections, its content types, its byline.

What every stock Plone site answers, whatever its theme and language:

- plone.restapi (part of Plone 6; ``/++api++/`` since plone.restapi 8): ``@search`` answers an
  anonymous visitor with what they may see (published items only), filtered by content type, with
  the catalog's ``effective`` (publication) and ``modified`` times to the second, 100 a batch
  (``batching.next``): the complete index of News Items, with times the pages do not print;
- ``/sitemap.xml.gz`` (when the site enables it): a gzipped sitemap index served as
  ``application/octet-stream``, read by content (spiders/sources/parsers.py); ``lastmod`` is the
  item's modification time;
- feeds of the site and of every folder and collection: ``/RSS`` (RSS 1.0, items with
  ``rdf:about`` and ``dc:date``), ``/rss.xml`` (RSS 2.0, items with only a ``<guid>``), ``/atom.xml``;
  they do not page (the newest items only);
- listings (folders, the news collection) batched with ``?b_start:int=N``; the next batch is
  ``<li class="page-item next"><a class="page-link">``; the items are ``a.summary`` links;
- every page's ``<body class="portaltype-…">`` names its content type: a ``News Item`` is an
  article, a Page (``document``), Event, Folder, Collection, File or Image is not (an Event also
  says ``itemtype="https://schema.org/Event"``);
- the byline ``#section-byline``: ``by <a href="…/author/ID">Name</a>`` for each creator (several
  for an item with several authors), then, when the site shows it, ``.documentPublished`` (a day,
  ``22/09/2026``: Plone prints no time) and ``.documentModified`` ("last modified", in the site's
  language, a day); the lead (the item's description) is ``p.lead`` (Plone 6) or
  ``.documentDescription`` (Plone 5);
- ``/author/<user id>``: a creator's page, headed by the full name, public unless the site hides
  author information from visitors. The REST API names creators by user id only; with the byline
  off (Plone's default) these pages are the only place the names are shown.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extraction.authors import clean_authors
from crawler.extraction.dates import parse_date
from crawler.text.fold import element_text

NAME = "plone"

DISCOVERY: dict = {
    "sources": ("plonerest", "sitemap", "listing", "feed"),
    "sitemap_paths": ("/sitemap.xml.gz",),
    "feed_paths": ("/RSS", "/rss.xml"),
}

# The next batch of a listing: Plone 6's pagination puts "next" on the list item, Plone 5's on
# a `li.next`; the link carries ?b_start:int=N (or b_start=N).
NEXT_PAGE = (
    "xpath://li[contains(concat(' ', normalize-space(@class), ' '), ' next ')]//a[contains(@href, 'b_start')]"
)
# The items of a folder or collection listing (summary, listing and tabular views).
ARTICLE_LINKS = "xpath://a[contains(concat(' ', normalize-space(@class), ' '), ' summary ')]"

# Content types: `portaltype-<type>` on <body>, the type's name lower-cased with '-' for spaces.
ARTICLE_TYPES = frozenset({"news-item"})
NOT_ARTICLES = {"document": "Page", "event": "Event", "folder": "Folder", "collection": "Collection",
                "file": "File", "image": "Image", "link": "Link", "plone-site": "site root"}
_BODY_TYPE = re.compile(rb"<body\b[^>]*\bclass=[\"'][^\"']*\bportaltype-([a-z0-9-]+)", re.IGNORECASE)
_GENERATOR = re.compile(rb"<meta[^>]+content=[\"']Plone\b", re.IGNORECASE)
# schema.org types a page's markup declares that are no article, whatever the body class says.
NOT_ARTICLE_SCHEMA = ("schema.org/Event",)

# The item's rich text: its paragraphs and subheadings are the body; its figures' captions are not.
TEXT_FIELD = "parent-fieldname-text"
BODY_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
BYLINE = "section-byline"
AUTHOR_LINK = "/author/"
# Plone 6 writes the lead as p.lead, Plone 5 as .documentDescription (both in the content header).
LEAD_CLASSES = ("documentDescription", "lead")


def content_type(body: bytes) -> str | None:
    """The page's Plone content type from its body class (``news-item``, ``event``…), None elsewhere."""
    match = _BODY_TYPE.search(body[:200_000])
    return match.group(1).decode("ascii").lower() if match else None


def not_an_article(body: bytes) -> str | None:
    """Why a Plone page is no article: its content type is not a News Item."""
    kind = content_type(body)
    if kind is None or kind in ARTICLE_TYPES or not _GENERATOR.search(body[:200_000]):
        return None
    return f"not an article: Plone {NOT_ARTICLES.get(kind, kind)} (portaltype-{kind}), not a News Item"


def never_an_article(body: bytes) -> str | None:
    """A page of a type that is never an article, even when it has a title and text (an Event's
    "When / Where" page, a Page in the news folder): checked before the page may be stored."""
    reason = not_an_article(body)
    if reason is None and content_type(body) is not None and any(s.encode() in body for s in NOT_ARTICLE_SCHEMA):
        return "not an article: Plone page declaring a schema.org Event"
    return reason


def recognises(tree: etree._Element) -> bool:
    """A page Plone made: its generator tag and a portaltype body class."""
    body = tree.find("body")
    if body is None or "portaltype-" not in (body.get("class") or ""):
        return False
    return any((meta.get("content") or "").startswith("Plone") for meta in tree.iter("meta")
               if (meta.get("name") or "").lower() == "generator")


def extract(tree: etree._Element, ctx: Any, wanted: frozenset[str]) -> dict[str, Any]:
    """What Plone's own viewlets say: authors (the byline's author links), published and modified
    (the byline's days), the lead (the description), and the body (the item's text field: a
    sentence many items repeat is still theirs, not the site's furniture)."""
    fields: dict[str, Any] = {}
    if "body" in wanted:
        fields["body"] = _body(tree)
    byline = next((e for e in tree.iter("section", "div") if e.get("id") == BYLINE), None)
    if byline is not None:
        names = [element_text(a) for a in byline.iter("a") if AUTHOR_LINK in (a.get("href") or "")]
        fields["authors"] = clean_authors(names, max_words=8)
        for field_name, css in (("published", "documentPublished"), ("modified", "documentModified")):
            element = _with_class(byline, css)
            if element is not None and field_name in wanted:
                fields[field_name] = _day(element, ctx)
    lead = _lead(tree)
    if lead:
        fields["lead"] = lead
    return {key: value for key, value in fields.items() if value}


def _body(tree: etree._Element) -> list[str]:
    text = next((e for e in tree.iter("div") if e.get("id") == TEXT_FIELD), None)
    if text is None:
        return []
    blocks = []
    for element in text.iter(*BODY_TAGS):
        if any(a.tag in ("figure", "figcaption") for a in element.iterancestors()):
            continue
        if any(d is not element and d.tag in BODY_TAGS for d in element.iter(*BODY_TAGS)):
            continue  # a list item holding paragraphs: its paragraphs are the blocks
        if (line := element_text(element)):
            blocks.append(line)
    return blocks


def _with_class(root: etree._Element, name: str) -> etree._Element | None:
    for element in root.iter():
        if isinstance(element.tag, str) and name in (element.get("class") or "").split():
            return element
    return None


def _day(element: etree._Element, ctx: Any) -> str | None:
    """The date in a byline span ("published 22/09/2026", "cập nhật lần cuối 17/02/2026")."""
    return parse_date(element_text(element), ctx.languages, ctx.timezone, ctx.date_order, ctx.crawl_time)


def _lead(tree: etree._Element) -> str | None:
    content = next((e for e in tree.iter() if isinstance(e.tag, str) and e.get("id") in ("content", "main-container")
                    and e.tag in ("article", "div", "main")), tree)
    for element in content.iter("p", "div", "span"):
        classes = (element.get("class") or "").split()
        if any(name in classes for name in LEAD_CLASSES):
            text = element_text(element)
            if text:
                return text
    return None


# @search for the published News Items (what an anonymous visitor may see), newest first.
REST_SEARCH = "/++api++/@search"
REST_QUERY = ("?portal_type=News%20Item&metadata_fields=effective&metadata_fields=modified"
              "&metadata_fields=listCreators"
              "&sort_on=effective&sort_order=reverse&b_size={size}")
REST_PAGE_SIZE = 100


def rest_search_url(base_url: str, size: int = REST_PAGE_SIZE) -> str:
    return base_url.rstrip("/") + REST_SEARCH + REST_QUERY.format(size=size)


RestItem = tuple[str, str | None, str | None, tuple[str, ...]]


def rest_page(body: bytes) -> tuple[list[RestItem], str | None, str | None]:
    """One @search answer: ([(URL, modified, effective, creator ids)], the next batch's URL, a
    problem or None). The creators are user ids in byline order (``listCreators``)."""
    import json

    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return [], None, "not a Plone REST answer: no JSON"
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return [], None, "not a Plone REST answer: no items"
    items = []
    for item in data["items"]:
        if isinstance(item, dict) and isinstance(item.get("@id"), str):
            modified, effective = item.get("modified"), item.get("effective")
            creators = item.get("listCreators")
            creators = tuple(c for c in creators if isinstance(c, str) and c) if isinstance(creators, list) else ()
            items.append((item["@id"], modified if isinstance(modified, str) else None,
                          effective if isinstance(effective, str) and not effective.startswith("1969") else None,
                          creators))
    batching = data.get("batching")
    following = batching.get("next") if isinstance(batching, dict) else None
    return items, following if isinstance(following, str) else None, None


def feed_page_url(feed_url: str, page: int) -> str | None:
    """Plone's feeds show the newest items only; they do not page."""
    return None


# An author's page, /author/<user id>: the name the site shows for a creator. Its byline can be off
# (``display_publication_date_in_byline``: no byline at all for visitors) while the author pages stay
# public (``allow_anon_views_about``); when they are private Plone redirects to its login form.
AUTHOR_TEMPLATE = "template-author"


def author_page_url(base_url: str, user_id: str) -> str:
    from urllib.parse import quote

    return base_url.rstrip("/") + AUTHOR_LINK + quote(user_id, safe="")


def author_page_name(body: bytes) -> str | None:
    """The full name an author page heads with; None for anything else (the login form a private
    author page redirects to, a user with no page)."""
    if AUTHOR_TEMPLATE.encode() not in body[:200_000]:
        return None
    try:
        tree = etree.fromstring(body, etree.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None
    if tree is None or AUTHOR_TEMPLATE not in (tree.xpath("string(//body/@class)") or "").split():
        return None
    for heading in tree.xpath("//h1"):
        names = clean_authors(element_text(heading))
        if len(names) == 1:
            return names[0]
    return None

