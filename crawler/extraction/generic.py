"""Profile-free extraction: the article body found by content-block scoring, plus its metadata.

The chain: copy the <body> and prune what never holds article text (scripts, navigation,
share bars, related links, widgets) → find photos and their captions and take the captions out →
score containers by the paragraphs they hold and pick the article block → read paragraphs in
order, dropping bylines, date lines and furniture → title, date line, authors and source.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.extraction import xpaths
from crawler.extraction.authors import (
    MAX_SIGNATURE_WORDS,
    byline_or_closing,
    byline_source,
    clean_authors,
    in_reader_box,
    looks_like_person,
    source_of,
)
from crawler.extraction.dateline import days_apart, headline_date
from crawler.extraction.dates import parse_date
from crawler.extraction.images import (
    find_images,
    is_credit_line,
    media_elements,
    video_player_of,
)
from crawler.extraction.record import Context
from crawler.extraction.structured import _types, first_article, json_ld_objects
from crawler.extraction.titles import best_title
from crawler.families import haiphong_vocabulary as haiphong
from crawler.text import vocabulary
from crawler.text.counters import has_slide_counter
from crawler.text.fold import (
    class_id,
    element_text,
    fold,
    is_element,
    link_density,
    link_text_length,
    norm_key,
)

MIN_PARAGRAPH = 25
MAX_LINK_DENSITY = 0.5
MAX_DATE_LINE = 120
MAX_BYLINE = 150
_YEAR = re.compile(r"(?<!\d)(?:19[9]\d|20[0-4]\d)(?!\d)")
# "Do 25.04.24 | 14:07 Uhr": a date line may give the year in two digits (dotted day-first form only).
_SHORT_YEAR_DATE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.\d{2}(?![\d.])")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[^\d])")
_STRUCTURE_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "td", "th",
     "tbody", "thead", "blockquote", "pre", "section", "article", "figure", "header", "dl", "dd",
     "dt", "main", "center", "figcaption", "address", "hr"}
)


@dataclass
class Block:
    """One paragraph of the body and the element it came from."""

    element: etree._Element
    text: str
    links: int = -1  # characters inside links when known (loose text runs), else -1


def extract_generic(tree: etree._Element, ctx: Context, wanted: frozenset[str] | None = None) -> dict[str, Any]:
    """Fields found without a profile: title, published, authors, source, body, images (those of
    ``wanted`` when given; the body is always read, since trailing bylines come out of it)."""
    want = wanted if wanted is not None else frozenset(("title", "published", "authors"))
    base = _base_url(tree, ctx.url)
    work = _working_copy(tree)
    place_streamed_segments(work)
    bylines = _byline_texts(work) if "authors" in want else []
    date_line = _shown_date(tree, work, ctx) if "published" in want else None
    drop_video_players(work)
    prune(work)
    drop_following_stories(work)
    found = find_images(work, base)
    for item in found:
        for element in item.caption_elements:
            _remove(element)
    root, left_out = choose_block(work)
    if root is not None and not _is_running_text(root) and looks_like_listing(_article_region(root, work)):
        return {}
    blocks = body_blocks(root, left_out) if root is not None else []
    blocks, tail_authors, source = _split_trailing_byline(blocks)
    body = _paywalled_body(tree, [block.text for block in blocks])
    images = _article_images(found, root, work)
    fields: dict[str, Any] = {
        "title": _title(tree, ctx, root) if "title" in want else None,
        "published": date_line or (url_date(ctx) if "published" in want else None),
        "authors": byline_or_closing(clean_authors(bylines), tail_authors),
        "source": source or byline_source(bylines),
        "body": body,
        "images": images,
    }
    fields["body"] = _without_headline(fields["body"], fields["title"])
    return {key: value for key, value in fields.items() if value}


def _without_headline(body: list[str], title: str | None) -> list[str]:
    """The body without its first block when that is the headline: the opening heading of a page
    with no <h1> sits inside the block the text was read from (an <h1> never enters the body)."""
    if body and title and norm_key(body[0]) == norm_key(title):
        return body[1:]
    return body


# A page that shows a teaser above a paywall often carries the whole story in JSON-LD
# ``articleBody``: used when it is this many times longer and holds the visible lead.
PAYWALL_RATIO = 2.5


def _paywalled_body(tree: etree._Element, body: list[str]) -> list[str]:
    """The JSON-LD ``articleBody`` instead of a visible teaser that it continues."""
    shown = sum(len(text) for text in body)
    if shown > 1500:
        return body
    article = first_article(json_ld_objects(tree))
    full = article.get("articleBody") if article else None
    if not isinstance(full, str) or len(full) < PAYWALL_RATIO * max(shown, 200):
        return body
    lead = fold(body[-1] if body else "")[:60].rstrip(". ")
    if body and fold(full).find(lead) < 0:
        return body
    return [line for line in (fold(part) for part in re.split(r"\n+", full)) if line]


# --- preparing the tree -------------------------------------------------------------------------


def _working_copy(tree: etree._Element) -> etree._Element:
    body = tree.find("body")
    return copy.deepcopy(body if body is not None else tree)


# React's streamed rendering (Next.js and other frameworks) sends the page's parts late, each in
# a hidden <div id="S:n"> at the end of the body, and a script moves it where its placeholder
# (<template id="B:n"> with a "Loading…" fallback, or <template id="P:n">) stands; the script calls
# name the pairs ($RC("B:0","S:0"), $RS("S:1","P:1")), the same number by default.
_STREAM_CALL = re.compile(r"""\$R[CS]\(\s*["']([BPS]:[0-9a-z]+)["']\s*,\s*["']([BPS]:[0-9a-z]+)["']""")
_SEGMENT_ID = re.compile(r"S:[0-9a-z]+$")


def place_streamed_segments(root: etree._Element) -> None:
    """Put every streamed segment where its placeholder stands, as the script would, so a story
    sent in parts reads whole and in order (a segment without a placeholder stays where it is)."""
    segments = {node.get("id"): node for node in root.iter("div")
                if node.get("hidden") is not None and _SEGMENT_ID.match(node.get("id") or "")}
    if not segments:
        return
    pairs: dict[str, str] = {}
    for script in root.iter("script"):
        for a, b in _STREAM_CALL.findall(script.text or ""):
            segment, holder = (a, b) if a.startswith("S:") else (b, a)
            pairs.setdefault(holder, segment)
    for holder in list(root.iter("template")):
        name = holder.get("id") or ""
        if not name.startswith(("B:", "P:")):
            continue
        segment = segments.pop(pairs.get(name, "S:" + name[2:]), None)
        if segment is None or holder.getparent() is None:
            continue
        if name.startswith("B:"):
            _drop_fallback(holder)
        for child in list(segment):
            holder.addprevious(child)
        _remove(holder)
        _remove(segment)


def _drop_fallback(holder: etree._Element) -> None:
    """The "Loading…" fallback a boundary shows until its segment arrives: the siblings after
    its template up to the boundary's closing comment (<!--/$-->)."""
    fallback = []
    for sibling in holder.itersiblings():
        if sibling.tag is etree.Comment and (sibling.text or "").strip() == "/$":
            break
        fallback.append(sibling)
    else:
        return  # no closing comment: leave the siblings alone
    for node in fallback:
        _remove(node)


def _base_url(tree: etree._Element, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href")) if base is not None else url


def prune(root: etree._Element) -> None:
    """Remove elements that never carry article text, keeping the text that follows them."""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(node)
    page_text = raw_text = None
    for node in list(root.iter(*xpaths.DROP_TAGS)):
        if node.tag in xpaths.LAYOUT_DROP_TAGS and _holds_article_text(node):
            continue
        if node.tag in xpaths.LAYOUT_DROP_TAGS:
            raw_text = _text_length(root) if raw_text is None else raw_text
            if _shown_by_script(node, raw_text):
                continue  # an unclosed <nav>/<aside> the parser let swallow the story
        if node.tag == "form":
            page_text = len(element_text(root)) if page_text is None else page_text
            if _wraps_the_page(node, page_text):
                continue
        if node.tag == "button" and node.find(".//img") is not None:
            continue
        if node.tag == "noscript" and _unwrap_noscript_image(node):
            continue
        _remove(node)
    page_text = _text_length(root)
    builder = _widgets_are_blocks(root, page_text)
    flagged = [node for node in root.iter()
               if is_element(node) and (_is_hidden(node) or _is_boilerplate(node, builder))]
    kept = _sections_of_the_page(flagged, page_text)
    for node in flagged:
        if node not in kept and not _shown_by_script(node, page_text):
            _remove(node)


def _sections_of_the_page(flagged: list[etree._Element], page_text: int) -> set[etree._Element]:
    """Sibling boxes of one kind (same tag and class names) that a hidden or furniture test
    flagged, but that together hold most of the page's text, are the page cut into sections
    (chapters of a guide behind a table of contents, streamed parts shown by script, the places
    of a map article), not furniture: the same share rule as one box (``_shown_by_script``),
    counted over the set."""
    chosen = set(flagged)
    groups: dict[tuple, list[etree._Element]] = {}
    for node in flagged:
        if _hidden_by_class(node) or any(a in chosen for a in node.iterancestors()):
            continue  # a framework's hidden class hides at every size it names
        groups.setdefault((node.getparent(), node.tag, _class_kind(node)), []).append(node)
    kept: set[etree._Element] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        text = sum(_text_length(node) for node in members)
        links = sum(link_text_length(node) for node in members)
        if text > SHOWN_BY_SCRIPT_SHARE * page_text and links < MAX_LINK_DENSITY * text:
            kept.update(members)
    return kept


# A hidden element holding more than this share of the page's text is the page itself, shown by
# script once it loads: streamed HTML moved into place (``<div hidden id="S:0">``), a fade-in
# wrapper (``class="hide"`` until the styles load). Hiding most of a page is never furniture,
# and neither is a furniture-classed box that holds most of it.
SHOWN_BY_SCRIPT_SHARE = 0.5


_STRING_LENGTH = etree.XPath("string-length(normalize-space(string(.)))")


def _text_length(node: etree._Element) -> int:
    """Characters of text under ``node``, raw (a cheap measure for shares of the page)."""
    return int(_STRING_LENGTH(node))


def _shown_by_script(node: etree._Element, page_text: int) -> bool:
    """Also a box classed like furniture ("navbar-collapse") that the parser let swallow the
    story (an unclosed <nav>): most of the page's text, and not a strip of links."""
    return (page_text > 0 and _text_length(node) > SHOWN_BY_SCRIPT_SHARE * page_text
            and link_density(node) < MAX_LINK_DENSITY)


def _widget_only(names: str) -> bool:
    if "widget" not in names.lower():
        return False
    matched = [m.group(0) for m in vocabulary.BOILERPLATE.finditer(names)]
    return bool(matched) and all("widget" in word.lower() for word in matched)


def _widgets_are_blocks(root: etree._Element, page_text: int) -> bool:
    """Page builders (Elementor, Divi, ...) call every block of a page a widget, the text of the
    story included: when boxes named only "widget" hold most of the page's text, "widget" names
    the builder's blocks here, not a sidebar's boxes."""
    if page_text <= 0:
        return False
    held = 0
    for node in root.iter():
        if not is_element(node) or not _widget_only(class_id(node)):
            continue
        if any(_widget_only(class_id(a)) for a in node.iterancestors()):
            continue
        held += _text_length(node)
    return held > SHOWN_BY_SCRIPT_SHARE * page_text


def drop_video_players(root: etree._Element) -> None:
    """Video players (poster still, caption, clip) go before pruning: pruning takes the <video>
    out of a player by its class and would leave the poster looking like a captioned photo."""
    players = {player for media in media_elements(root) if (player := video_player_of(media)) is not None}
    for player in players:
        _remove(player)


def drop_following_stories(root: etree._Element) -> None:
    """One page, one story. Sites with endless scrolling render the next story (headline, photos,
    body) in a second ``<article>`` below the first; the block scorer would see one long text, or
    prefer the longer next story. Among ``<article>`` elements with their own ``<h1>`` that do not
    nest, the first is the page's story and the others go."""
    headed = [article for article in root.iter("article") if next(article.iter("h1"), None) is not None]
    if len(headed) < 2:
        return
    chosen = set(headed)
    stories = [article for article in headed if not any(a in chosen for a in article.iterancestors())]
    for story in stories[1:]:
        _remove(story)


def _remove(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = _xml_safe((previous.tail or "") + tail)
        else:
            parent.text = _xml_safe((parent.text or "") + tail)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """lxml parses control characters from HTML but refuses them when text is set back."""
    return _NOT_XML.sub("", text)


def _is_hidden(node: etree._Element) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    if node.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style:
        return True
    classes = (node.get("class") or "").lower().split()
    if vocabulary.HIDDEN_CLASSES.isdisjoint(classes):
        return False
    return not any(vocabulary.SHOWN_AT_BREAKPOINT.match(name) for name in classes)


_HIDING_CLASS = re.compile(r"(?:^|[-_])(?:hidden|hide)(?:$|[-_])")


def _hidden_by_class(node: etree._Element) -> bool:
    """A class that hides ("hidden", "d-none", "elementor-hidden-desktop"; "overflow-hidden"
    only clips)."""
    classes = (node.get("class") or "").lower().split()
    return not vocabulary.HIDDEN_CLASSES.isdisjoint(classes) or any(
        _HIDING_CLASS.search(name) and name != "overflow-hidden" for name in classes)


def _unwrap_noscript_image(node: etree._Element) -> bool:
    """A photo whose only real <img> sits in <noscript> (the script-loaded one is a placeholder)."""
    images = node.xpath(".//img")
    parent = node.getparent()
    if len(images) != 1 or parent is None:
        return False
    siblings = [i for i in parent.iter("img") if not any(a is node for a in i.iterancestors())]
    if len(siblings) > 2:
        return False
    if any((i.get("src") or "").startswith("http") and not i.get("src", "").startswith("data:") for i in siblings):
        return False
    image = images[0]
    image.tail = None
    node.addprevious(image)
    _remove(node)
    for sibling in siblings:
        _remove(sibling)
    return True


def _is_boilerplate(node: etree._Element, widgets_are_blocks: bool = False) -> bool:
    if node.tag in _NEVER_FURNITURE:
        return False
    names = class_id(node)
    if not names or not vocabulary.BOILERPLATE.search(names):
        return False
    if widgets_are_blocks and _widget_only(names):
        return False
    if node.tag in ("span", "code") and _in_code(node):
        return False
    if _is_text_expander(node, names):
        return False
    if vocabulary.ARTICLE_HINT.search(names) and len(element_text(node)) > 400:
        return False
    if _is_reader_comments(node, names) or _is_teaser_box(node, names):
        return True
    if _is_photo_in_figure(node):
        return False
    return not _holds_article_text(node) and not _is_captioned_photo(node)


# Elements whose class never makes them furniture: the page's frame, paragraphs and photos, and
# the parts of a table (a cell classed "font-utility-2" is a typography utility; the table as a
# whole may still be furniture).
_NEVER_FURNITURE = frozenset({"body", "html", "article", "main", "p", "h1", "img", "figure", "picture",
                              "figcaption", "td", "th", "tr", "tbody", "thead"})


def _in_code(node: etree._Element) -> bool:
    """Inside a code listing, classes are a syntax highlighter's tokens ("hljs-comment", "token
    comment"), not page furniture."""
    return any(a.tag in ("pre", "code") for a in node.iterancestors())


def _is_photo_in_figure(node: etree._Element) -> bool:
    """The zoom or lightbox link around a <figure>'s photo ("pswp", "lightbox") is part of the
    photo: a figure is editorial, whatever its inner wrappers are called."""
    parent = node.getparent()
    return (parent is not None and parent.tag == "figure" and not element_text(node)
            and (node.find(".//img") is not None or node.find(".//picture") is not None))


def _is_reader_comments(node: etree._Element, names: str) -> bool:
    """Readers' comments are long, unlinked paragraphs, exactly what protects a misnamed layout
    column; a box named only for comments, without the headline, is comments all the same."""
    matched = [m.group(0) for m in vocabulary.BOILERPLATE.finditer(names)]
    return bool(matched) and all(vocabulary.COMMENT_CLASS.search(word) for word in matched) and node.find(".//h1") is None


def _is_teaser_box(node: etree._Element, names: str) -> bool:
    """A box named only for other stories ("related-reading", "recommended-posts") is teasers,
    however long and unlinked their excerpts: the paragraph test that protects a misnamed layout
    column does not apply (unless it holds the headline)."""
    matched = [m.group(0).strip("-_ ") for m in vocabulary.BOILERPLATE.finditer(names)]
    return (bool(matched) and all(vocabulary.TEASER_BOX_CLASS.match(word) for word in matched)
            and node.find(".//h1") is None)


def _is_text_expander(node: etree._Element, names: str) -> bool:
    """A "read more" box that links nowhere is a collapsed caption or paragraph with an expand
    button, not a teaser: only the read-more word matched, and it holds no link."""
    matched = {m.group(0).strip("-_ ").lower() for m in vocabulary.BOILERPLATE.finditer(names)}
    return matched <= {"readmore", "read-more", "read_more"} and node.find(".//a") is None


def _is_captioned_photo(node: etree._Element) -> bool:
    """One photo with its caption, even in a wrapper classed like a widget or a sidebar box."""
    photos = node.xpath(".//img") or node.xpath(".//picture")
    if len(photos) != 1 or len(element_text(node)) > 600:
        return False
    return bool(node.xpath(".//figcaption")) or any(
        vocabulary.CAPTION_CLASS.search(class_id(e)) or is_credit_line(e) for e in node.iter() if is_element(e) and e is not node)


LAYOUT_FORM_SHARE = 0.5


def _wraps_the_page(form: etree._Element, page_text: int) -> bool:
    """ASP.NET wraps the whole page in one <form>: a form holding most of the page's text is
    layout, whatever markup its paragraphs use."""
    return page_text > 0 and len(element_text(form)) >= LAYOUT_FORM_SHARE * page_text


def _holds_article_text(node: etree._Element) -> bool:
    """A layout column misnamed "sidebar" or "bottom" still holds the story: several long,
    unlinked paragraphs are never boilerplate."""
    long_paragraphs = 0
    for paragraph in node.iter("p"):
        text = element_text(paragraph)
        if len(text) >= 120 and link_density(paragraph, text) < 0.3:
            long_paragraphs += 1
            if long_paragraphs >= 3:
                return True
    return False


# --- choosing the article block -----------------------------------------------------------------


def _is_leaf_block(node: etree._Element) -> bool:
    return not any(is_element(child) and child.tag in _STRUCTURE_TAGS for child in node.iterdescendants())


def _paragraph_score(node: etree._Element, text: str) -> float:
    if len(text) < MIN_PARAGRAPH or link_density(node, text) > MAX_LINK_DENSITY:
        return 0.0
    return 1.0 + text.count(",") + text.count("،") + text.count("、") + min(len(text) / 100, 3.0)


def best_container(root: etree._Element) -> etree._Element | None:
    """The element whose paragraphs score highest (readability's parent/grandparent rule),
    widened to the ancestor that gathers the article's scattered parts."""
    return choose_block(root)[0]


def choose_block(root: etree._Element) -> tuple[etree._Element | None, set[etree._Element]]:
    """The article block and, inside it, the elements to leave out: the best-scoring container
    widened over its ancestors, keeping only the siblings on the way that continue the story."""
    scores: dict[etree._Element, float] = {}
    good: dict[etree._Element, int] = {}
    for node in root.iter("p", "pre", "td", "blockquote", "div", "section", "li", "font", "span", "article", "center"):
        if node.tag in _LOOSE_TEXT_HOLDERS and not _is_leaf_block(node):
            _score_loose_runs(node, scores, good)
            continue
        if node.tag in ("article", "center"):
            continue
        text = element_text(node)
        score = _paragraph_score(node, text)
        if not score:
            continue
        good[node] = good.get(node, 0) + len(text)
        for ancestor in node.iterancestors():
            good[ancestor] = good.get(ancestor, 0) + len(text)
        if node.tag in ("div", "td", "section") and len(text) > 200:
            scores[node] = scores.get(node, 0.0) + score
        parent = node.getparent()
        for level, ancestor in enumerate((parent, parent.getparent() if parent is not None else None)):
            if ancestor is None or not is_element(ancestor):
                break
            scores[ancestor] = scores.get(ancestor, 0.0) + score / (1 + level)
    if not scores:
        return root, set()
    best = max(scores, key=lambda n: scores[n] * (1 - min(link_density(n), 0.9)))
    return _widen(best, good)


# Containers that may write paragraphs as bare text between <br>s and inline tags, beside their
# block children (old CMSs, forum-like templates): such text counts as paragraphs of the container.
_LOOSE_TEXT_HOLDERS = frozenset({"div", "section", "td", "li", "font", "span", "article", "center"})


def _score_loose_runs(node: etree._Element, scores: dict[etree._Element, float], good: dict[etree._Element, int]) -> None:
    """Credit a container's own loose text runs like paragraphs it holds (itself level 0, its
    parent level 1), so text held directly in a <div> is seen by block scoring."""
    for text, links in loose_runs(node):
        if len(text) < MIN_PARAGRAPH or links > MAX_LINK_DENSITY * len(text):
            continue
        score = 1.0 + text.count(",") + text.count("،") + text.count("、") + min(len(text) / 100, 3.0)
        for ancestor in (node, *node.iterancestors()):
            good[ancestor] = good.get(ancestor, 0) + len(text)
        scores[node] = scores.get(node, 0.0) + score
        parent = node.getparent()
        if parent is not None and is_element(parent):
            scores[parent] = scores.get(parent, 0.0) + score / 2


def loose_runs(node: etree._Element) -> list[tuple[str, int]]:
    """The text a container holds outside its block children, split at <br>s and block
    children: (run text, characters of it inside links)."""
    runs: list[tuple[str, int]] = []
    pieces: list[str] = [node.text or ""]
    links = 0

    def flush() -> None:
        nonlocal pieces, links
        text = fold("".join(pieces))
        if text:
            runs.append((text, links))
        pieces, links = [], 0

    for child in node:
        if is_element(child):
            if child.tag == "br" or child.tag in _STRUCTURE_TAGS or child.tag in ("img", "picture", "figure"):
                flush()
            else:
                text = element_text(child)
                pieces.append(f" {text} " if text else "")
                links += len(text) if child.tag == "a" else link_text_length(child)
        pieces.append(child.tail or "")
    flush()
    return runs


WIDEN_LEVELS = 6
MIN_GOOD_SHARE = 0.65
# A sibling that continues the story: mostly paragraph text, few links, a real paragraph's worth.
MIN_CONTINUATION = 80
MAX_CONTINUATION_LINKS = 0.3
# Siblings that end the story: a run of blocks that are not more of it (a link strip, a teaser
# box). One alone is an inline box ("More on this") the story continues after; short unlinked
# lines (a name, a photo credit, a date) between parts of the story do not end it.
MIN_BREAK_TEXT = 12
MAX_GAP = 2
_NEVER_CONTINUATION = frozenset({"header", "h1", "nav", "aside", "footer", "ul", "ol", "table"})


def _widen(best: etree._Element, good: dict[etree._Element, int]) -> tuple[etree._Element, set[etree._Element]]:
    """Bodies split by ads, paywall wrappers or intro boxes into sibling blocks come back
    together, sibling by sibling: climbing from the best block, a sibling joins when it reads
    like more of the story and sits next to it (no link strip between them); every other
    sibling on the way is left out, so a climb never drags in the widget beside the story."""
    chosen, excluded = best, set()
    path = best
    pending: set[etree._Element] = set()
    level = 0
    for depth, ancestor in enumerate(best.iterancestors()):
        if level >= WIDEN_LEVELS or ancestor.tag in ("body", "html"):
            break
        if good.get(ancestor, 0) < MIN_GOOD_SHARE * len(element_text(ancestor)) * 0.5:
            break
        siblings = [child for child in ancestor if is_element(child)]
        # A wrapper around one child (a page builder's column in a container in a section) is
        # no step away from the story: only levels with siblings count.
        level += len(siblings) > 1
        index = siblings.index(path)
        # The story's own <article> ends it: beyond it only a lead set above it (a "sapo",
        # a standfirst) may join, and more <article>s of its own kind that continue it (the
        # items of a list article, each written as an <article>); what follows is other content
        # (teasers, comments, the next story).
        after = _contiguous(siblings[index + 1:], good)
        if path.tag == "article":
            after = [child for child in after if _same_kind(child, path)]
        joined = after + _contiguous(siblings[:index][::-1], good)
        if depth >= WIDEN_LEVELS:
            # Past the wrappers: only more sections of the same kind as the story's (a story a
            # template splits into repeated sections), not a box that merely reads like text.
            joined = [child for child in joined if _same_kind(child, path)]
            if joined and looks_like_listing(ancestor):
                break  # the sections of a page of teasers, not of one story
        pending.update(child for child in siblings if child is not path and child not in joined)
        if joined:
            chosen = ancestor
            excluded |= pending
            pending = set()
        if path.tag == "article" and not after:
            break
        path = ancestor
    return chosen, excluded


def _same_kind(a: etree._Element, b: etree._Element) -> bool:
    """Same tag and the same class names (those that are no numbered id): sections of one template."""
    return a.tag == b.tag and _class_kind(a) == _class_kind(b)


def _class_kind(node: etree._Element) -> frozenset[str]:
    return frozenset(name for name in (node.get("class") or "").split() if not any(c.isdigit() for c in name))


def _contiguous(siblings: list[etree._Element], good: dict[etree._Element, int]) -> list[etree._Element]:
    """The siblings, walking away from the story, that continue it, up to a gap of MAX_GAP
    blocks that do not."""
    joined = []
    between: list[etree._Element] = []
    gap = 0
    for sibling in siblings:
        text = element_text(sibling)
        if (sibling.tag not in _NEVER_CONTINUATION and len(text) >= MIN_CONTINUATION
                and link_density(sibling, text) <= MAX_CONTINUATION_LINKS
                and good.get(sibling, 0) >= MIN_GOOD_SHARE * len(text) and not looks_like_listing(sibling)):
            joined.extend(between)
            joined.append(sibling)
            between = []
            gap = 0
            continue
        if _between_parts(sibling, text):
            between.append(sibling)
        if len(text) >= MIN_CONTINUATION or len(text) >= MIN_BREAK_TEXT and link_density(sibling, text) > 0.5:
            gap += 1
            if gap >= MAX_GAP:
                break
    return joined


def _between_parts(sibling: etree._Element, text: str) -> bool:
    """A block set between two parts of the story (a subheading, a list, a table, a short line)
    is the story's when it is no link strip and no page furniture."""
    return sibling.tag not in _NEVER_BETWEEN and link_density(sibling, text) <= MAX_LINK_DENSITY


_NEVER_BETWEEN = frozenset({"header", "h1", "nav", "aside", "footer"})


def _image_scope(root: etree._Element | None) -> etree._Element | None:
    if root is None:
        return None
    for ancestor in [root, *root.iterancestors()]:
        if ancestor.tag in ("article", "main") or (ancestor.get("itemprop") or "") == "articleBody":
            return ancestor
    parent = root.getparent()
    return parent if parent is not None and parent.tag != "body" else root


def _article_images(found: list, root: etree._Element | None, work: etree._Element) -> list:
    """Photos of the story: uncaptioned ones only inside the body's own block (elsewhere they are
    teasers), captioned ones anywhere in the article region, which includes the headline's hero."""
    if root is None:
        return []
    scope = _image_scope(root)
    region = _article_region(root, work)
    return [item.image for item in found
            if (scope is not None and item.inside(scope)) or (item.image.caption and item.inside(region))]


def _article_region(root: etree._Element, work: etree._Element) -> etree._Element:
    """The body block widened to the lowest element that also holds the page's first <h1>, or to
    the enclosing <article>/<main> when that is wider: where the story's own photos are."""
    chain = [root, *root.iterancestors()]
    heading = next(work.iter("h1"), None)
    around = set(heading.iterancestors()) if heading is not None else set()
    region = next((a for a in chain if a in around and a.tag not in ("body", "html")), root)
    semantic = next((a for a in chain if a.tag in ("article", "main")), None)
    if semantic is not None and chain.index(semantic) > chain.index(region):
        return semantic
    return region


# --- pages that are no article -----------------------------------------------------------------

MIN_TEASERS = 4
MIN_TEASER_TITLE = 15
LONG_PARAGRAPH = 150
MIN_RUNNING_PARAGRAPHS = 3


RUNNING_TEXT = 1200
RUNNING_TEXT_LINKS = 0.1


def _is_running_text(block: etree._Element) -> bool:
    """A chosen block of long, nearly unlinked text is a story, whatever surrounds it (teaser
    headlines around an article that writes paragraphs as <div>s do not make it a listing)."""
    text = element_text(block)
    return len(text) >= RUNNING_TEXT and link_density(block, text) < RUNNING_TEXT_LINKS


def looks_like_listing(region: etree._Element) -> bool:
    """A category page, a home page, search results: the main region is a run of teasers, each a
    headline that is a link, with little running text. An article's subheadings are not links,
    its "related" boxes are pruned before this point, and it has several long paragraphs."""
    teasers = 0
    for heading in region.iter("h2", "h3", "h4", "h5"):
        text = element_text(heading)
        if len(text) >= MIN_TEASER_TITLE and link_density(heading, text) > 0.8:
            teasers += 1
    if teasers < MIN_TEASERS:
        return False
    running = 0
    for paragraph in region.iter("p"):
        text = element_text(paragraph)
        if len(text) >= LONG_PARAGRAPH and link_density(paragraph, text) < 0.3:
            running += 1
    return running < min(MIN_RUNNING_PARAGRAPHS, teasers / 2)


# --- reading the body ---------------------------------------------------------------------------


def body_blocks(root: etree._Element, left_out: set[etree._Element] | frozenset = frozenset()) -> list[Block]:
    blocks: list[Block] = []
    _collect(root, blocks, left_out)
    return _without_other_stories(_without_pull_quotes([block for block in blocks if _keep(block)]))


# A box of other stories the story's block took in ends it: its heading and what follows go when
# they are the body's last part (under this share of its text) and hold no paragraph of story
# length (teasers are a title and an excerpt or two).
OTHER_STORIES_SHARE = 0.3
MAX_TEASER_EXCERPT = 400
MAX_LABEL = 60
_LABEL_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "header", "section"})


def _without_other_stories(blocks: list[Block]) -> list[Block]:
    """The body up to the heading of a box of other stories ("Related posts", "You may also
    like") set after it."""
    total = sum(len(block.text) for block in blocks)
    rest = total
    for index, block in enumerate(blocks):
        if (index and len(block.text) <= MAX_LABEL and rest < OTHER_STORIES_SHARE * total
                and block.element.tag in _LABEL_TAGS and vocabulary.OTHER_STORIES_LABEL.match(block.text)
                and all(len(after.text) <= MAX_TEASER_EXCERPT for after in blocks[index + 1:])):
            return blocks[:index]
        rest -= len(block.text)
    return blocks


MIN_PULL_QUOTE = 30


def _without_pull_quotes(blocks: list[Block]) -> list[Block]:
    """A pull quote repeats a sentence of the story in large type, set in a <blockquote>: a
    quotation whose text another paragraph of the body already holds is read once, there."""
    quoted = [index for index, block in enumerate(blocks)
              if len(block.text) >= MIN_PULL_QUOTE and _quoted(block.element)]
    if not quoted:
        return blocks
    plain = [fold(block.text).lower() for index, block in enumerate(blocks) if index not in set(quoted)]
    drop = set()
    for index in quoted:
        key = fold(blocks[index].text).lower().strip("„“”\"'«» ")
        if any(key in text for text in plain):
            drop.add(index)
    return [block for index, block in enumerate(blocks) if index not in drop]


def _quoted(node: etree._Element) -> bool:
    return node.tag == "blockquote" or any(a.tag == "blockquote" for a in node.iterancestors())


def _collect(node: etree._Element, blocks: list[Block], left_out: set[etree._Element] | frozenset = frozenset()) -> None:
    if node.tag == "h1" or node in left_out or _is_byline_element(node):
        return
    if node.tag == "figure":
        kind = _figure_of_text(node)
        if kind is None:
            return
        if kind == "blockquote":  # the quotation's attribution (<figcaption>) is no story text
            left_out = {*left_out, *node.iter("figcaption")}
    if _is_leaf_block(node):
        _add_lines(node, element_text(node) if node.tag != "br" else "", blocks)
        return
    run = _Run(node)
    run.add(node.text)
    for child in node:
        if is_element(child):
            if child in left_out:
                pass
            elif child.tag == "br":
                run.flush(blocks)
            elif child.tag in _STRUCTURE_TAGS or _is_inline_wrapper(child):
                run.flush(blocks)
                _collect(child, blocks, left_out)
            else:
                text = element_text(child)
                run.add(text, len(text) if child.tag == "a" else link_text_length(child))
        run.add(child.tail)
    run.flush(blocks)


# A <figure> is a photo, a video or a chart, read for its caption alone, unless it wraps text:
# a table (WordPress's table block, many CMSs' "table" component), a quotation, a code listing,
# a list. That text is the figure's content, not its caption (a "please enable JavaScript"
# notice written as a <figcaption> with a list in it), it has words (a video player's empty
# playlist <ul> makes no text figure), and it is no strip of links (a "Trending" box of links).
_FIGURE_TEXT_TAGS = ("table", "blockquote", "pre", "ul", "ol", "dl")


def _figure_of_text(node: etree._Element) -> str | None:
    """What a <figure> holds as text: "blockquote" for a quotation, "text" for a table, a code
    listing or a list, None for a photo."""
    found = None
    for inner in node.iter(*_FIGURE_TEXT_TAGS):
        if _in_caption(inner, node):
            continue
        text = element_text(inner)
        if not text or link_density(inner, text) > MAX_LINK_DENSITY:
            continue
        quoted = inner.tag == "blockquote" or any(a.tag == "blockquote" for a in inner.iterancestors())
        if not quoted:
            return "text"
        found = "blockquote"
    return found


def _in_caption(inner: etree._Element, figure: etree._Element) -> bool:
    for ancestor in inner.iterancestors():
        if ancestor is figure:
            return False
        if ancestor.tag == "figcaption":
            return True
    return False


def _is_inline_wrapper(node: etree._Element) -> bool:
    """A <span>, <font> or custom element that wraps blocks (or is a byline), read as a container;
    a plain one is part of the running line around it."""
    if node.tag not in ("span", "font") and "-" not in node.tag:
        return False
    return not _is_leaf_block(node) or _is_byline_element(node)


class _Run:
    """Loose text of a container between its blocks and <br>s: one paragraph, however many inline
    tags (links, emphasis) it is written with; its link characters are counted as it grows."""

    def __init__(self, node: etree._Element) -> None:
        self.node, self.pieces, self.links = node, [], 0

    def add(self, text: str | None, links: int = 0) -> None:
        if text:
            self.pieces.append(text)
            self.links += links

    def flush(self, blocks: list[Block]) -> None:
        text = "".join(self.pieces)
        if fold(text):
            lines = [fold(line) for line in re.split(r"\n", text)] if "\n" in text else [fold(text)]
            lines = [line for line in lines if line]
            for line in lines:
                links = self.links if len(lines) == 1 else -1
                blocks.append(Block(self.node, line, links))
        self.pieces, self.links = [], 0


def _add_lines(node: etree._Element, text: str, blocks: list[Block]) -> None:
    for line in re.split(r"\n\s*\n|\n(?=\s*\S)", text) if "\n" in text else [text]:
        line = fold(line)
        if line:
            if blocks and blocks[-1].element is node and not node.tag in ("p", "li", "h2", "h3", "h4", "blockquote", "div", "td"):
                blocks[-1].text = f"{blocks[-1].text} {line}"
            else:
                blocks.append(Block(node, line))


def _keep(block: Block) -> bool:
    text = block.text
    if vocabulary.BOILERPLATE_LINE.match(text) or has_slide_counter(text):
        return False
    if (len(text) < 200 or vocabulary.TAG_LINE.match(text)) and _block_link_density(block) > MAX_LINK_DENSITY:
        return False  # a link strip; a labelled tag list ("Tags …", "Từ khóa: …") however long
    if len(text) < MAX_DATE_LINE and _YEAR.search(text) and _is_date_like(text):
        return False
    return True


def _block_link_density(block: Block) -> float:
    if block.links >= 0:
        return block.links / len(block.text) if block.text else 0.0
    return link_density(block.element, element_text(block.element))


def _is_date_like(text: str) -> bool:
    """A line that is mostly a date stamp ("Thứ Tư, 22/06/2022 07:10", "13.06.2023")."""
    letters = re.sub(r"[\d\s/.:,\-–|()+]", "", text)
    return len(letters) <= 30 and bool(re.search(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}:\d{2}", text))


def _split_trailing_byline(blocks: list[Block]) -> tuple[list[Block], list[str], str | None]:
    """A short last paragraph that is a person ("Minh Hảo") or an agency ("Theo TTXVN")."""
    authors: list[str] = []
    source = None
    for _ in range(2):
        if len(blocks) < 2:
            break
        last = blocks[-1].text
        agency = source_of(last)
        if agency and not source:
            source = agency
            blocks = blocks[:-1]
        elif not authors and (names := _closing_names(blocks[-1])):
            authors = names
            blocks = blocks[:-1]
        else:
            break
    return blocks, authors, source


def _closing_names(block: Block) -> list[str]:
    """The names a closing line signs with: a person's name, or the Hai Phong portal family's
    signature line (right-aligned, bold; it may name an office: see
    crawler/families/haiphong_vocabulary.py); [] when the line is neither."""
    if _is_button_link(block):
        return []
    if looks_like_person(block.text):
        return clean_authors([block.text])
    if haiphong.is_signature(block.element, block.text):
        return clean_authors([block.text], max_words=MAX_SIGNATURE_WORDS)
    return []


def _is_button_link(block: Block) -> bool:
    """A closing line that is all link text and leads anywhere but an author's page ("Zur
    Startseite", "Back to top") is a button, however much it looks like a name."""
    for link in (*block.element.iterancestors("a"), *block.element.iter("a")):
        if element_text(link) == block.text:
            return not vocabulary.AUTHOR_PAGE_PATH.search(link.get("href") or "")
    return False


# --- metadata from the page's own furniture -----------------------------------------------------


def _is_byline_element(node: etree._Element) -> bool:
    if node.tag in ("body", "article", "main") or node.get("rel") == "author":
        return node.get("rel") == "author"
    names = class_id(node)
    if not (names and vocabulary.BYLINE_CLASS.search(names)) and node.get("itemprop") != "author":
        return False
    return len(element_text(node)) <= MAX_BYLINE


def _byline_texts(root: etree._Element) -> list[str]:
    """The texts of the page's byline: the first byline element that names someone, and the ones
    beside it (co-authors in sibling elements). A byline element elsewhere on the page is a
    related story's, a quoted person's or a bio box's, not a second author of this story."""
    texts: list[str] = []
    first: etree._Element | None = None
    for node in root.iter():
        if not is_element(node) or not _is_byline_element(node):
            continue
        if any(_is_byline_element(a) for a in node.iterancestors()):
            continue
        if in_reader_box(node) or _in_quotation(node):
            continue
        if first is not None and node.getparent() is not first.getparent():
            break
        text = _byline_text(node)
        if not text:
            continue
        if first is None and clean_authors([text]):
            first = node
        texts.append(text)
        if len(texts) >= 4:
            break
    return texts or _by_lines(root)


def _byline_text(node: etree._Element) -> str:
    """One byline element's text, its lines kept apart. An author card prints the name, the
    person's job, the date and the reading time as separate blocks ("<div>Jane Doe</div><div>AI
    Writer</div>"), which element text glues into one string ("Jane DoeAI Writer"). The card's
    name is in its inner byline elements when it has any (``span.author-name`` beside
    ``span.published-date``); a line after the name that says what the person does is no second
    name; a card that introduces a reviewer ("Fact checked by") names no author."""
    if vocabulary.REVIEWER_LABEL.match(element_text(node)):
        return ""
    names = [element_text(n) for n in node.xpath('.//*[@itemprop="name"]|.//a[@rel="author"]')]
    if names:
        return " | ".join(name for name in names if name)
    inner = [line for part in _inner_bylines(node) for line in _card_lines(part)]
    lines = inner if any(clean_authors([line]) for line in inner) else _card_lines(node)
    kept: list[str] = []
    named = False
    for line in lines:
        if named and (vocabulary.ROLE_WORDS.search(line) or vocabulary.REVIEWER_LABEL.search(line)):
            continue
        if vocabulary.REVIEWER_LABEL.match(line):
            break
        kept.append(line)
        named = named or bool(clean_authors([line]))
    return " | ".join(kept)  # a separator the byline's reader splits on (a line break is folded away)


def _inner_bylines(node: etree._Element) -> list[etree._Element]:
    """The outermost byline elements inside ``node``."""
    found: list[etree._Element] = []
    for child in node:
        if is_element(child):
            found.extend([child] if _is_byline_element(child) else _inner_bylines(child))
    return found


def _card_lines(node: etree._Element) -> list[str]:
    """The visible text of ``node`` cut at its block children and its inner byline elements."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if is_element(child) and child.tag not in ("script", "style", "svg"):
                cut = child.tag in _STRUCTURE_TAGS or child.tag == "br" or _is_byline_element(child)
                parts.append("\n" if cut else "")
                walk(child)
                parts.append("\n" if cut else "")
            if child.tail:
                parts.append(child.tail)

    walk(node)
    lines: list[str] = []
    for line in (fold(piece) for piece in "".join(parts).split("\n")):
        if line and lines and line[0].islower():  # "Jane Doe" / "writes from Oslo": one sentence
            lines[-1] = f"{lines[-1]} {line}"
        elif line:
            lines.append(line)
    return lines


# Where a name is a quoted person's, not the author's: a pull quote's or a testimonial's credit.
_QUOTATION_CLASS = re.compile(r"(?:^|[-_ ])(?:testimonials?|pullquote|pull-quote|blockquote|quote)(?:$|[-_ ])",
                              re.IGNORECASE)


def _in_quotation(node: etree._Element) -> bool:
    for element in (node, *node.iterancestors()):
        if element.tag in ("blockquote", "q"):
            return True
        names = class_id(element) if isinstance(element.tag, str) else ""
        if names and _QUOTATION_CLASS.search(names):
            return True
    return False


MAX_BY_LINE = 70
_BY_LINE_STARTS = frozenset({"by", "wr", "po", "au"})  # By, Written by, Posted by, Author: (a cheap first test)


def _by_lines(root: etree._Element) -> list[str]:
    """The first short "By Jane Doe" line of a page whose markup names no byline, when what
    follows "By" reads as a person's name."""
    for node in root.iter():
        if not is_element(node) or node.tag in ("script", "style", "title", "a", "option"):
            continue
        head = (node.text or "").lstrip()
        if not head and len(node) and is_element(node[0]):
            head = (node[0].text or "").lstrip()  # <div><span>By</span> <a>Jane Doe</a></div>
        if head[:2].lower() not in _BY_LINE_STARTS:
            continue
        text = element_text(node)
        if len(text) > MAX_BY_LINE or not text[:1].isalpha():
            continue
        match = vocabulary.BYLINE_LINE.match(text)
        if match and looks_like_person(match.group("name")) and not in_reader_box(node):
            return [match.group("name")]
    return []


def _shown_date(tree: etree._Element, work: etree._Element, ctx: Context) -> str | None:
    """The date the page shows: the date line beside the headline (``dateline.headline_date``)
    or, when there is none, a <time> or a date-classed element. When both give the same day the
    latter's time of day is kept; when they disagree the one beside the headline is the story's
    (a <time> first in the page may be a related story's, a comment's or a footer's), unless
    its label says it is the last change ("Updated …")."""
    shown = headline_date(tree, ctx)
    line = _date_line(work, ctx)
    if shown is None:
        return line
    if line and (shown.updated or days_apart(shown.value, line) == 0):
        return line
    return shown.value


def _date_line(root: etree._Element, ctx: Context) -> str | None:
    """The page's own date stamp: a <time> or a short date-classed element, never body text."""
    for node in root.iter("time"):
        value = node.get("datetime") or element_text(node)
        parsed = _parse(value, ctx)
        if parsed:
            return parsed
    tried = 0
    for node in root.iter():
        if not is_element(node) or node.tag in ("p", "script", "style", "a"):
            continue
        names = class_id(node)
        if not names or not vocabulary.DATE_CLASS.search(names):
            continue
        text = element_text(node)
        if not text or len(text) > MAX_DATE_LINE or not (_YEAR.search(text) or _SHORT_YEAR_DATE.search(text)):
            continue
        parsed = _parse(text, ctx)
        tried += 1
        if parsed:
            return parsed
        if tried > 6:
            break
    return None


def _parse(text: str | None, ctx: Context) -> str | None:
    return parse_date(text, languages=ctx.languages, tz=ctx.timezone, date_order=ctx.date_order,
                      relative_base=ctx.crawl_time)


def url_date(ctx: Context) -> str | None:
    match = _URL_DATE.search(ctx.url)
    if not match:
        return None
    year, month, day = match.groups()
    return _parse(f"{year}-{int(month):02d}-{int(day):02d}", ctx)


def _title(tree: etree._Element, ctx: Context, root: etree._Element | None = None) -> str | None:
    article = first_article(json_ld_objects(tree))
    headline = article.get("headline") if article else None
    opening = opening_heading(root) if root is not None and tree.find(".//h1") is None else None
    return best_title(tree, ctx.url, headline if isinstance(headline, str) else None,
                      declared=frozenset(_types(article)) if article else frozenset(), opening=opening)


OPENING_HEADINGS = ("h2", "h3", "h4")
MAX_HEADING_CLIMB = 3  # ancestors of the body block searched for the heading before it


def opening_heading(root: etree._Element) -> str | None:
    """The heading the article starts with, on a page with no <h1>: the last <h2>-<h4> before the
    body block's first paragraph, inside the block or just before it (classic portal themes print
    the headline as ``<h3 class="title">`` above the text, beside sidebar boxes headed the same way,
    and give every page one <title> such as "Tin chi tiết - <site>")."""
    for node in root.iter():
        if node.tag == "p" and element_text(node):
            break
        if node.tag in OPENING_HEADINGS:
            return element_text(node) or None
    for node in [root, *list(root.iterancestors())[:MAX_HEADING_CLIMB]]:
        if node.tag in ("body", "html"):
            break
        for sibling in node.itersiblings(preceding=True):
            headings = [sibling] if sibling.tag in OPENING_HEADINGS else list(sibling.iter(*OPENING_HEADINGS))
            if headings:
                return element_text(headings[-1]) or None
    return None
