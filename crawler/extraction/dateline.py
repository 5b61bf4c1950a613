"""The date line readers see beside the headline: "Dec 12, 2025", "Published on Oct 21, 2025",
"by Jane Doe on Jan 22, 2025 · 6 min read", "Updated May 6, 2025".

Themes print it as a short text of its own just under the <h1> (or just above it, beside the
section name), and more and more of them in elements whose classes name no date (utility classes,
page builders), so the generic layer's date-classed search never sees it. Read here: the text
nodes that follow the page's first <h1> (up to AFTER_CHARS of text) and then those that precede
it (up to BEFORE_CHARS); the first short node whose text is a date plus at most a few label words
("Published on", "Last updated:", "by Name on") gives the day. A sentence that holds a date
("and is valid November 26 – December 3, 2025.") is no date line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from lxml import etree

from crawler.extraction.authors import in_reader_box
from crawler.extraction.dates import DateText, parse_date, precision_of, to_iso
from crawler.extraction.record import Context
from crawler.text import vocabulary
from crawler.text.fold import fold

AFTER_CHARS = 1500  # text read after the headline: a byline block, a standfirst, the first lines
BEFORE_CHARS = 300  # text read before it: a kicker or a section line
MAX_LINE_CHARS = 80  # a date line is short; a longer text node is a sentence of the story
MAX_LABEL_WORDS = 3  # words beside the date: "Published on", "Last updated:", "by Jane Doe on"

# Elements whose text is never a date line shown to readers.
_UNSHOWN = frozenset({"script", "style", "noscript", "template", "svg", "select", "option", "textarea"})

_YEAR = r"(?:19|20)\d\d"
_WORD = r"[^\W\d_]{3,10}\.?"  # a month's name in any script dateparser knows ("Dec.", "Juli", "juillet")
_ORDINAL = r"(?:st|nd|rd|th)?"
# A date inside a short text: "Dec 12, 2025", "12 December 2025", "18. Juli 2024", "12.2.2025",
# "02/12/2025", "2025-12-13". The words are checked by parse_date (a month's name or nothing).
_DATE_IN_TEXT = re.compile(
    rf"(?<!\w){_WORD}\s+\d{{1,2}}{_ORDINAL},?\s+{_YEAR}(?!\d)"
    rf"|(?<!\d)\d{{1,2}}{_ORDINAL}\.?\s+(?:(?:de|of)\s+)?{_WORD},?\s+(?:de\s+)?{_YEAR}(?!\d)"
    rf"|(?<![\d.])\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}(?!\d)"
    rf"|(?<!\d){_YEAR}-\d\d-\d\d(?!\d)",
    re.IGNORECASE,
)
_LABEL_WORD = re.compile(r"[^\W\d_]{2,}")
_PUBLISHED_NAME = re.compile(r"publish|posted|created", re.IGNORECASE)


def headline_date(tree: etree._Element, ctx: Context) -> ShownDate | None:
    """The date line beside the page's first <h1>, or None: the first one that gives the
    publication, or, when the only ones near say "Updated", the first of those (``updated``)."""
    body = tree.find("body")
    if body is None:
        return None
    head = next(body.iter("h1"), None)
    if head is None:
        return None
    first_update: ShownDate | None = None
    for texts, budget in ((_following_texts(head), AFTER_CHARS), (_preceding_texts(head), BEFORE_CHARS)):
        for element, text in _within(texts, budget):
            found = _date_line(element, text, ctx)
            if found is None:
                continue
            if not found.updated:
                return found
            first_update = first_update or found
    return first_update


@dataclass(frozen=True)
class ShownDate:
    """A date line's day (ISO 8601, a ``DateText``) and whether its label says it is the last
    change ("Updated …") rather than the publication."""

    value: str
    updated: bool


def _date_line(element: etree._Element, text: str, ctx: Context) -> ShownDate | None:
    if len(text) > MAX_LINE_CHARS:
        return None
    if in_reader_box(element):  # a comment's date (the thread may follow a short story closely)
        return None
    match = _DATE_IN_TEXT.search(text)
    if match is None:
        return None
    label = text[: match.start()] + " " + text[match.end():]
    if len(_LABEL_WORD.findall(label)) > MAX_LABEL_WORDS:
        return None
    # <time datetime="2024-12-20">August 28, 2024</time>: the machine-readable value is the one
    # the page declares; the shown text may be a template's other date.
    declared = element.get("datetime") if element.tag == "time" else None
    value = (parse_date(declared, ctx.languages, ctx.timezone, ctx.date_order) if declared else None) or \
        parse_date(match.group(0), ctx.languages, ctx.timezone, ctx.date_order)
    if value is None:
        return None
    return ShownDate(value, bool(vocabulary.UPDATED_LABEL.search(label) or _update_element(element)))


def _update_element(element: etree._Element) -> bool:
    """A date inside an element named for the change ("dateline updated", "post-modified"), and
    not for the publication too: WordPress themes print ``entry-date published updated`` on the
    one date of a post never edited."""
    names = (element.get("class") or "") + " " + (element.get("id") or "")
    return bool(vocabulary.UPDATED_LABEL.search(names)) and not _PUBLISHED_NAME.search(names)


def _within(texts: Iterator[tuple[etree._Element, str]], budget: int) -> Iterator[tuple[etree._Element, str]]:
    """The non-blank text nodes (folded) until ``budget`` characters of text were read."""
    read = 0
    for element, raw in texts:
        text = fold(raw)
        if not text:
            continue
        read += len(text)
        if read > budget:
            return
        yield element, text


def _texts(element: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The text nodes of ``element`` in document order with the element each belongs to (a
    tail belongs to the parent), its own tail last; nothing inside a script, a style or a
    comment (a walk with its own stack: no recursion on deep pages)."""
    work: list[tuple[etree._Element, bool]] = [(element, True)]
    while work:
        node, opening = work.pop()
        if not opening:
            if node.tail:
                yield node.getparent() if node.getparent() is not None else node, node.tail
            continue
        work.append((node, False))
        if isinstance(node.tag, str) and node.tag not in _UNSHOWN:
            if node.text:
                yield node, node.text
            work.extend((child, True) for child in reversed(node))


def _following_texts(node: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The text after ``node`` (not inside it) in document order."""
    current: etree._Element | None = node
    while current is not None:
        if current.tail:
            yield current.getparent() if current.getparent() is not None else current, current.tail
        for sibling in current.itersiblings():
            yield from _texts(sibling)
        current = current.getparent()


def _preceding_texts(node: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The text before ``node`` (not its ancestors' tails) in reverse document order."""
    current: etree._Element | None = node
    while current is not None:
        for sibling in current.itersiblings(preceding=True):
            yield from reversed(list(_texts(sibling)))
        parent = current.getparent()
        if parent is not None and parent.text:
            yield parent, parent.text
        current = parent


# Days between a structured publication date and the date line beside the headline beyond which
# the page's metadata is taken for stale (a template's, a syndication's or a re-import's date). A
# day apart is mostly a time zone (the metadata in UTC, the page in the site's own zone).
MAX_DECLARED_DRIFT_DAYS = 1


def over_declared(shown: ShownDate, published: str, modified: str | None, filed: str | None) -> str | None:
    """The date line's value where it beats the structured publication date ``published``, else None.

    Days apart, it wins unless it is an "Updated …" line, the structured modification day, or the
    URL's own date (``filed``) seconds the structured one. A day apart it wins only where the page
    says the structured day is not the local day of publication: the URL's date is the line's
    day (a UTC timestamp past midnight on a site west of Greenwich: permalinks carry the local day), or
    the structured publication is the modification instant itself (a CMS that writes the last save
    into both). Its value then keeps the structured instant, in the offset the line's time of day
    shows (``_in_shown_offset``)."""
    if shown.updated:
        return None
    gap = days_apart(shown.value, published)
    if gap == 0:
        return None
    if gap <= MAX_DECLARED_DRIFT_DAYS:
        local_day = (filed is not None and days_apart(filed, shown.value) == 0) or modified == published
        return _in_shown_offset(shown.value, published) if local_day else None
    if modified and days_apart(shown.value, modified) == 0:
        return None
    if filed and days_apart(filed, published) == 0:
        return None
    return shown.value


def _in_shown_offset(shown: str, declared: str) -> str:
    """The declared instant in the offset the date line's time of day implies ("Dec 18, 2025 7:05 pm"
    beside ``2025-12-19T03:05:00Z`` is -08:00), when the line has a time and the offset is a real
    one (whole quarter hours, -12:00 to +14:00); else the line's own value (its day)."""
    if precision_of(shown) != "minute":
        return shown
    try:
        local = datetime.fromisoformat(shown).replace(tzinfo=None)
        instant = datetime.fromisoformat(declared)
    except ValueError:
        return shown
    if instant.tzinfo is None:
        return shown
    offset = local - instant.astimezone(timezone.utc).replace(tzinfo=None)
    if offset % timedelta(minutes=15) or not timedelta(hours=-12) <= offset <= timedelta(hours=14):
        return shown
    return DateText(to_iso(instant.astimezone(timezone(offset))), "minute")


def days_apart(first: str, second: str) -> int:
    """Whole days between the calendar days of two ISO dates (each in its own offset)."""
    return abs((date.fromisoformat(first[:10]) - date.fromisoformat(second[:10])).days)
