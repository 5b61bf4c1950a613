"""Extraction: HTML bytes to a clean ``Record``, layer by layer.

Layers, first to last: the portal profile's selectors, then what the page's CMS family states in
its own markup (crawler/families/: a Plone byline's authors and days, its lead), then structured
data the page carries (JSON-LD, OpenGraph, meta tags), then a generic extractor that needs no profile. A field a higher
layer leaves empty falls through to the next; ``Record.layers`` says which layer won each field,
which is how a broken profile (a redesign) becomes visible instead of silently wrong.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler import families
from crawler.extraction.authors import source_of
from crawler.extraction.dates import precision_of
from crawler.extraction.html import NotHTML, parse_html, parse_page
from crawler.extraction.profile_layer import extract_with_profile
from crawler.extraction.record import FIELDS, Context, Image, Record
from crawler.extraction.selectors import PageIndex
from crawler.registry import Portal
from crawler.text import vocabulary

__all__ = ["NotHTML", "Record", "Image", "extract_page", "extract_tree", "context_for"]

# A layer reads the tree and returns the fields it found; it is told which fields are still
# wanted so it can skip costly work (date parsing, title voting) a higher layer made pointless.
Layer = Callable[[etree._Element, Context, frozenset[str]], dict[str, Any]]

# A page whose language is known but whose portal is not: the zone its dates are most likely in.
DEFAULT_ZONE_BY_LANGUAGE = {"vi": "Asia/Ho_Chi_Minh"}


@lru_cache(maxsize=1)
def _fallback_layers() -> tuple[tuple[str, Layer], ...]:
    layers: list[tuple[str, Layer]] = []
    try:
        from crawler.extraction.structured import extract_structured

        layers.append(("structured", lambda t, c, wanted: extract_structured(t, c, wanted=wanted)))
    except ImportError:  # pragma: no cover - during bootstrap only
        pass
    try:
        from crawler.extraction.generic import extract_generic

        layers.append(("generic", lambda t, c, wanted: extract_generic(t, c, wanted=wanted)))
    except ImportError:  # pragma: no cover
        pass
    layers.append(("htmldate", _htmldate_layer))
    return tuple(layers)


def _htmldate_layer(tree: etree._Element, ctx: Context, wanted: frozenset[str]) -> dict[str, Any]:
    """Only the publication day, only when every layer before found none (``dates.htmldate_published``)."""
    if "published" not in wanted:
        return {}
    from crawler.extraction.dates import htmldate_published

    published = htmldate_published(tree, ctx)
    return {"published": published} if published else {}


def extract_page(
    body: bytes | str,
    url: str,
    profile: Portal | None = None,
    *,
    crawl_time: str | None = None,
    content_type: str | None = None,
) -> Record:
    """Decode, parse and extract one page. Raises ``NotHTML`` for bytes that are no HTML page."""
    tree = parse_html(body) if isinstance(body, str) else parse_page(body, content_type)
    return extract_tree(tree, url, profile, crawl_time=crawl_time)


def context_for(tree: etree._Element, url: str, profile: Portal | None, crawl_time: str | None) -> Context:
    if profile is not None:
        return Context(url, profile.languages, profile.timezone, profile.date_order, crawl_time)
    tag = (tree.get("lang") or "").replace("_", "-").lower()
    language = tag.split("-")[0] or None
    languages = (language,) if language else ()
    zone = DEFAULT_ZONE_BY_LANGUAGE.get(language or "", "UTC")
    return Context(url, languages, zone, numeric_date_order(tag), crawl_time)


# English writes numeric dates month first only in the United States and a few places near it;
# "en" alone, by far the most common tag, is taken for American. Every other language is day first.
MONTH_FIRST_REGIONS = frozenset({"", "us", "ph", "ca", "pr", "um", "as", "gu", "vi", "mp"})


def numeric_date_order(tag: str) -> str:
    """The order of "03/10/2023" on a page whose ``lang`` is ``tag`` ("en-GB" is day first)."""
    language, _, region = tag.partition("-")
    if language != "en":
        return "DMY"
    return "MDY" if region.split("-")[0] in MONTH_FIRST_REGIONS else "DMY"


def extract_tree(tree: etree._Element, url: str, profile: Portal | None = None, *, crawl_time: str | None = None) -> Record:
    ctx = replace(context_for(tree, url, profile, crawl_time), index=PageIndex(tree))
    record = Record(url=url, language=ctx.languages[0] if ctx.languages else None)
    layers: list[tuple[str, Layer]] = []
    parser = profile.parser_for(crawl_time) if profile else None
    if profile is not None and parser is not None:
        record.profile, record.parser_version = profile.family, parser.version
        layers.append(("profile", lambda t, c, _wanted: extract_with_profile(t, parser, c)))
    family = families.extraction_family(profile, tree)
    if family is not None:
        layers.append(("family", family.extract))
    layers.extend(_fallback_layers())
    site_authors: tuple[str, list[str]] | None = None
    declared: str | None = None  # the non-story type structured data declares (a product, a forum thread)
    for name, layer in layers:
        missing = [f for f in FIELDS if not getattr(record, f)]
        if not missing:
            break
        if name == "generic" and _profile_read_the_article(record, missing):
            _source_from_closing_line(record)
            break
        found = layer(tree, ctx, frozenset(missing))
        if found.get("site_authors") and site_authors is None:
            site_authors = (name, found["site_authors"])
        declared = declared or found.get("declared_kind")
        for field_name in missing:
            if found.get(field_name):
                setattr(record, field_name, found[field_name])
                record.layers[field_name] = name
    if not record.authors and site_authors is not None:  # no byline names a person: the site signs
        record.layers["authors"], record.authors = site_authors
    if record.layers.get("published") == "structured":
        _shown_over_declared(tree, ctx, record)
    if parser is not None and _profile_missed_the_article(record):
        _require_a_dated_story(record)
    if record.layers.get("body") not in ("profile", "family") and (declared or listing_url(url)):
        _no_story_body(record)
    _normalise_text(record)
    _settle_precision(record)
    return record


def _shown_over_declared(tree: etree._Element, ctx: Context, record: Record) -> None:
    """The date line readers see beside the headline may beat the structured data's publication
    date (``dateline.over_declared`` says when)."""
    from crawler.extraction.dateline import headline_date, over_declared
    from crawler.extraction.generic import url_date

    shown = headline_date(tree, ctx)
    if shown is None or not record.published:
        return
    value = over_declared(shown, record.published, record.modified, url_date(ctx))
    if value is not None:
        record.published, record.layers["published"] = value, "generic"


def listing_url(url: str) -> bool:
    """The URL of a site's front page, a section front ("/news"), or a category, tag, author,
    archive, search or paged listing ("/category/x/", "/tag/x", "/page/3/"): never one story."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if not parts:
        return True
    for index, part in enumerate(parts):
        if len(parts) - index > 2:
            continue
        if part.lower() == "page":
            if index + 1 < len(parts) and parts[index + 1].isdigit():
                return True
        elif vocabulary.LISTING_FOLDER.match(part):
            return True
    return bool(vocabulary.SECTION_FRONT.match(parts[-1]))


def _no_story_body(record: Record) -> None:
    """A page whose structured data declares it a product, a forum thread, a question, a category
    or search page or a list, and no story, or whose URL is a listing's (``listing_url``), has no
    article body the profile-free layers may give: a shop, a front or a category page must not
    become an article row (a profile's body is believed)."""
    record.body = []
    record.layers.pop("body", None)


def _settle_precision(record: Record) -> None:
    """``published_precision`` from the date the winning layer parsed; dates stored as plain text."""
    record.published_precision = precision_of(record.published)
    record.modified_precision = precision_of(record.modified)
    record.published = str(record.published) if record.published else None
    record.modified = str(record.modified) if record.modified else None


def _nfc(text: str | None) -> str | None:
    if text is None or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# The longest title stored, in characters: a headline is a line, not a page (a hostile or broken
# page put 1,000,000 characters in its <h1>); a longer one is cut at a word and ends with "…".
TITLE_MAX_CHARS = 1000
IMAGE_SCHEMES = ("http://", "https://")  # only these image addresses are stored (no javascript:, data:)


def _cap_title(title: str | None) -> str | None:
    if title is None or len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title[: TITLE_MAX_CHARS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[-100:] else cut).rstrip() + "…"


def _normalise_text(record: Record) -> None:
    """Stored text is NFC. The HTML was normalised before parsing, but character references
    (``&#x323;``) become combining marks only inside the parser, after that (found by fuzzing).
    Titles are capped at TITLE_MAX_CHARS; images keep only http(s) addresses."""
    record.title, record.source, record.lead = _cap_title(_nfc(record.title)), _nfc(record.source), _nfc(record.lead)
    record.images = [image for image in record.images if (image.url or "").lower().startswith(IMAGE_SCHEMES)]
    # One check for the whole body first: a line feed composes with nothing, so the paragraphs
    # joined by it are NFC exactly when each of them is (one C call instead of one a paragraph).
    if not unicodedata.is_normalized("NFC", "\n".join(record.body)):
        record.body = [_nfc(p) for p in record.body]
    record.authors = [_nfc(a) for a in record.authors]
    for image in record.images:
        image.caption, image.credit = _nfc(image.caption), _nfc(image.credit)


# Fields the generic layer could still add after the profile read the article: the modified date
# (generic never finds one structured data lacked), the source (read from the closing line) and
# images (a profile whose image selector found none on an article it read is believed: many
# notices have no photo, and re-reading them generically was most of the profile path's cost).
GENERIC_EXTRAS = frozenset({"modified", "source", "images", "lead"})


def _profile_read_the_article(record: Record, missing: list[str]) -> bool:
    """The profile filled the title and the body and only extras are left: re-reading the whole
    page with the generic extractor (scoring, pruning, caption search) would cost four times the
    profile's own work for no field, so the profile path stays fast."""
    return (record.layers.get("title") == "profile" and record.layers.get("body") == "profile"
            and set(missing) <= GENERIC_EXTRAS)


def _source_from_closing_line(record: Record) -> None:
    """The agency line that closes the profile's body ("Theo TTXVN") is the source, not text."""
    if record.source or len(record.body) < 2:
        return
    agency = source_of(record.body[-1])
    if agency:
        record.source = agency
        record.body = record.body[:-1]
        record.layers["source"] = "profile"


def _profile_missed_the_article(record: Record) -> bool:
    """The profile's title and body selectors both found nothing: this page is not in the layout
    the profile knows (a listing, an error page, or a redesign)."""
    return record.layers.get("title") != "profile" and record.layers.get("body") != "profile"


def _require_a_dated_story(record: Record) -> None:
    """Without the profile's word, the fallback layers must show a story with a date line; a
    listing or a home page of a known portal must not become an article silently. A day htmldate
    found anywhere on the page (a listing's newest item, the URL) is no date line."""
    if not record.published or record.layers.get("published") == "htmldate":
        record.body = []
        record.layers.pop("body", None)
