"""The headline: candidates from <h1>, JSON-LD, Open Graph and <title>, chosen by agreement.

Each source fails in its own way: <title> and og:title carry the site name ("… | Báo Hải
Phòng", "… – DW – 13.06.2023"), <h1> is sometimes the logo, JSON-LD headlines get truncated.
A headline that two sources agree on (after removing site-name segments) is the right one.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction import xpaths
from crawler.text.fold import element_text, fold, norm_key, raw_text

_SEPARATOR = re.compile(r"\s+(?:[|·•»«:~/]|::|[-–—]{1,2})\s+")
_DATE_SEGMENT = re.compile(r"^[\d\s./\-:]+$")
MAX_TITLE_LENGTH = 400
MAX_SITE_NAME_WORDS = 6


def meta_content(tree: etree._Element, names: tuple[str, ...]) -> list[str]:
    """Values of <meta> tags whose name/property/itemprop is one of ``names``, in ``names`` order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in names:
            content = fold(meta.get("content"))
            if content:
                found.setdefault(key, []).append(content)
    return [value for name in names for value in found.get(name, [])]


def site_names(tree: etree._Element, url: str, extra: list[str] | None = None) -> set[str]:
    """Comparison keys of everything that may name the site: meta tags, publisher, host."""
    # A "site name" as long as a headline is a misfilled tag (a page's own headline in
    # twitter:site): taken as a site name, it would strip the headline's own first half.
    names = {key for v in meta_content(tree, xpaths.META_SITE_NAME) if len((key := norm_key(v)).split()) <= MAX_SITE_NAME_WORDS}
    names.update(norm_key(v) for v in extra or [])
    host = urlsplit(url).hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if labels:
        names.add(norm_key(labels[0]))
        names.add(norm_key(".".join(labels)))
        names.add(norm_key(" ".join(labels[:-1])))
    if len(labels) >= 2:
        names.add(HOST_KEY + re.sub(r"[\W_]", "", labels[-2].lower()))
    names.discard("")
    return names


# Among the site keys, the host's own name (the label before the top-level domain, "getdianahr"
# of www.getdianahr.com), marked so that a title segment is matched against it loosely: "DianaHR",
# "Newegg.com", "Bridgestone Tires" (bridgestonetire.com), "LoadUp" (goloadup.com).
HOST_KEY = "~"
MIN_HOST_MATCH = 4  # characters: "ft", "dw" match nothing loosely
MAX_HOST_EXTRA = 6  # characters a segment may add to the host's name (".com", " Tires", " News")


def strip_site_name(title: str, sites: set[str]) -> str:
    """Drop leading/trailing segments that are the site's name or a bare date, and a leading
    "Site: " ("RogerBW's Blog: Advent of Code 2025 week 2")."""
    colon = title.find(":")
    if 0 < colon and norm_key(title[:colon]) in sites and title[colon + 1:].strip():
        title = title[colon + 1:].strip()
    segments = _SEPARATOR.split(title)
    if len(segments) == 1:
        return title
    while len(segments) > 1 and (_is_site_segment(segments[-1], sites) or _is_section_word(segments)):
        segments.pop()
    while len(segments) > 1 and _is_site_segment(segments[0], sites):
        segments.pop(0)
    if len(segments) == len(_SEPARATOR.split(title)):
        return title
    return _rejoin(title, segments)


# A headline this long (in words) before the separator stands without the one word after it.
MIN_HEADLINE_BEFORE_SECTION = 3


def _is_section_word(segments: list[str]) -> bool:
    """The last segment is one word without digits after a headline of three words or more: a
    section ("| Opinion", "| District", "- Infographic") or a short site name ("| WFA",
    "| VSI®"), never the headline's own end ("- Part 2", "| 2025" are kept or go as dates)."""
    last = segments[-1].split()
    if len(last) != 1 or any(char.isdigit() for char in last[0]):
        return False
    return len(" ".join(segments[:-1]).split()) >= MIN_HEADLINE_BEFORE_SECTION


def _rejoin(title: str, segments: list[str]) -> str:
    start = title.find(segments[0])
    end = title.rfind(segments[-1]) + len(segments[-1])
    return title[start:end].strip() if 0 <= start < end else " - ".join(segments)


def _is_site_segment(segment: str, sites: set[str]) -> bool:
    key = norm_key(segment)
    if not key or _DATE_SEGMENT.match(segment.strip()):
        return True
    compact = key.replace(" ", "")
    for site in sites:
        if site.startswith(HOST_KEY):
            if _names_the_host(compact, site[len(HOST_KEY):]):
                return True
        elif key == site or compact == site.replace(" ", "") or (len(key) > 3 and site.startswith(key)):
            return True
    return False


def _names_the_host(compact: str, host: str) -> bool:
    """The segment, letters and digits only, is part of the host's name, or the host's name plus
    a few characters."""
    if len(compact) < MIN_HOST_MATCH or len(host) < MIN_HOST_MATCH:
        return False
    return compact in host or (host in compact and len(compact) - len(host) <= MAX_HOST_EXTRA)


def h1_texts(tree: etree._Element, tag: str = "h1") -> list[str]:
    texts = []
    for h1 in tree.iter(tag):
        text = element_text(h1)
        if 3 <= len(text) <= MAX_TITLE_LENGTH:
            texts.append(text)
    return texts


# Headings read for the headline that starts a <title>: the first few <h1>, or, on a page with no
# <h1> (portals whose theme prints the story's headline as an <h2>), the first few <h2>.
MAX_HEADINGS = 3


def visible_headline(tree: etree._Element, h1s: list[str], titles: list[str]) -> str | None:
    """The visible heading that a <title> (or og:title) starts with, when what follows it is the
    site's suffix ("Headline | Site", "Headline - Section - Site", "Headline | by Author | Site"):
    the heading is what readers see, and whatever follows it in the tab title is not headline. A
    heading the title only contains elsewhere ("Kultur : Headline", a kicker) is not taken."""
    headings = h1s[:MAX_HEADINGS] or h1_texts(tree, "h2")[:MAX_HEADINGS]
    keys = [(heading, norm_key(heading)) for heading in headings]
    for title in titles:
        segments = _SEPARATOR.split(title)
        for count in range(1, len(segments)):
            lead = norm_key(" ".join(segments[:count]))
            for heading, key in keys:
                if key and key == lead and len(key.split()) >= MIN_HEADLINE_WORDS:
                    return heading
    return None


MIN_HEADLINE_WORDS = 2  # a one-word heading before a separator is a section name ("News | …")


def title_tag(tree: etree._Element) -> str | None:
    head = tree.find("head")
    node = head.find("title") if head is not None else tree.find(".//title")
    return fold(raw_text(node)) if node is not None else None


def best_title(tree: etree._Element, url: str, headline: str | None = None,
               publisher: str | None = None, declared: frozenset[str] = frozenset(),
               opening: str | None = None) -> str | None:
    """The headline most sources agree on; priority JSON-LD > h1 > og:title > <title> on ties,
    except that a seconded <h1> beats an equally seconded JSON-LD headline, and that the one
    <h1> of a page that declares a story but no news story is its headline (``lone_headline``).
    ``declared``: the schema.org types of the page's article object."""
    sites = site_names(tree, url, [publisher] if publisher else None)
    metas = meta_content(tree, xpaths.META_TITLE[:3])
    h1s = h1_texts(tree)
    raw_title = title_tag(tree)
    h1s = _without_site_heading(h1s, raw_title, sites, metas + ([headline] if headline else []))
    candidates: list[tuple[str, str]] = []
    if headline:
        candidates.append(("ld", headline))
    candidates += [("h1", h) for h in h1s[:3]]
    candidates += [("meta", m) for m in metas]
    if raw_title:
        candidates.append(("title", raw_title))
    shown = visible_headline(tree, h1s, [fold(html.unescape(t)) for t in ([raw_title] if raw_title else []) + metas])
    if shown:
        return strip_site_name(shown, sites)  # a heading that ends with the site's name ("… – Artlyst")
    lone = lone_headline(h1s, declared, sites)
    if lone:
        return lone
    if opening_is_headline(opening, raw_title, sites) and not (headline or h1s or metas):
        return opening
    cleaned = [(source, strip_site_name(fold(html.unescape(text)), sites)) for source, text in candidates if fold(text)]
    if not cleaned:
        return None
    return _agreed(cleaned, raw_title, sites)


def opening_is_headline(opening: str | None, raw_title: str | None, sites: set[str]) -> bool:
    """The heading the article starts with is the headline when the page offers no other (no <h1>,
    no og:title, no JSON-LD headline) and its <title> does not hold it: that <title> is the page
    type and the site ("Tin chi tiết - Cổng thông tin điện tử huyện …"), the same on every story."""
    if not opening or not MIN_LONE_HEADLINE_WORDS <= len(opening.split()) <= MAX_LONE_HEADLINE_WORDS:
        return False
    key = norm_key(opening)
    return key not in sites and key not in norm_key(fold(html.unescape(raw_title or "")))


def lone_headline(h1s: list[str], declared: frozenset[str], sites: set[str]) -> str | None:
    """The page's only <h1>, when its structured data declares an article that is no news story
    (a blog post, a guide: ``Article``, ``BlogPosting``). Such pages write their tab title and
    their JSON-LD headline for search engines ("Top 11 SEO Strategies for 2025 | Site") and show
    readers another line; a news publisher's declared headline is the editorial one, and there
    the agreement vote decides. A heading that is the site's name, or of one word, is no headline."""
    if len(h1s) != 1 or not declared or declared & xpaths.NEWS_TYPES:
        return None
    key = norm_key(h1s[0])
    if not MIN_LONE_HEADLINE_WORDS <= len(h1s[0].split()) <= MAX_LONE_HEADLINE_WORDS or key in sites:
        return None
    return h1s[0]


MIN_LONE_HEADLINE_WORDS = 3  # "M&A Updates", "Our Blog": a section's name, not a story's
MAX_LONE_HEADLINE_WORDS = 30  # "Learn which home renovations … (45 words)": a description in an <h1>


def _without_site_heading(h1s: list[str], raw_title: str | None, sites: set[str], others: list[str]) -> list[str]:
    """A blog theme prints the site's name as the page's <h1> (the logo) and the headline lower
    down. Such an <h1> leaves the headings and joins ``sites`` (so it is stripped from the other
    candidates) when it is one of the names the page gives its site (og:site_name, the host:
    "RogerBW's Blog", "davidbau.com"), when the <title> ends with it ("Headline • Site"), or
    when the <title> starts with it and goes on with the og:title or JSON-LD headline
    ("Engora Data Blog: Small adventures …" beside og:title "Small adventures …")."""
    h1s = [h for h in h1s if norm_key(h) not in sites]
    title = fold(html.unescape(raw_title or ""))
    title_key = norm_key(title)
    rests = {norm_key(fold(html.unescape(other))) for other in others}
    for heading in h1s:
        key = norm_key(heading)
        if key and title_key.startswith(key + " ") and title_key[len(key) + 1:] in rests:
            sites.add(key)
            return [h for h in h1s if norm_key(h) != key]
    segments = _SEPARATOR.split(title)
    if len(segments) < 2:
        return h1s
    last = norm_key(segments[-1])
    if not last or norm_key(segments[0]) == last or all(norm_key(h) != last for h in h1s):
        return h1s
    sites.add(last)
    return [h for h in h1s if norm_key(h) != last]


# On a tie between agreeing pairs (JSON-LD + <title> against <h1> + og:title), the visible
# headline wins: JSON-LD and <title> are the SEO headline, written for search results, the
# <h1> is what readers see. An <h1> nobody agrees with (a logo, a section name) gets no bonus.
H1_TIE_BONUS = 0.015


def _agreed(cleaned: list[tuple[str, str]], raw_title: str | None, sites: set[str]) -> str:
    keys = [norm_key(text) for _, text in cleaned]
    title_segments = {norm_key(s) for s in _SEPARATOR.split(raw_title or "")}
    best, best_score = cleaned[0][1], -1.0
    for index, (source, text) in enumerate(cleaned):
        key = keys[index]
        if not key:
            continue
        votes = sum(1 for other in keys if other == key) - 1
        if source == "h1" and key in title_segments:
            votes += 1
        if source == "title" and len(_SEPARATOR.split(text)) > 1:
            votes -= 0.5
        score = votes - index * 0.01
        if source == "h1" and votes >= 1:
            score += H1_TIE_BONUS
        if score > best_score:
            best, best_score = text, score
    return best
