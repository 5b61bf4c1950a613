"""Author names from bylines and metadata: people in ``authors``, agencies in ``source``.

A byline carries more than names ("By Jane Doe, Staff Writer", "Bài và ảnh: Minh Hảo",
"Theo TTXVN", "PV. Nguyễn An - jane@x.vn"); scoring and search need the names alone.
"""

from __future__ import annotations

import html
import re

from typing import Any

from lxml import etree

from crawler.text import vocabulary
from crawler.text.fold import class_id, fold

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Co-authors are joined by a comma, a semicolon, an ampersand, a bar, a slash, a bullet, a line
# break, or a dash between spaces ("Hải Yến - Văn Hưng", "Jane Doe – John Roe"; a hyphen inside a
# name, "Jean-Pierre", has no spaces around it); "and"/"và"/"und" are vocabulary.NAME_CONJUNCTION.
_SPLIT = re.compile(r"\s*(?:,|;|&|\||/|·|•|\n)\s*|\s+[-–—]\s+")
_ACRONYM = re.compile(r"^[A-ZĐÀ-Ỹ]{2,}$")
MAX_NAME_LENGTH = 60
MAX_NAME_WORDS = 5
MAX_SIGNATURE_WORDS = 8


def clean_authors(values: list[str] | str | None, max_words: int = MAX_NAME_WORDS) -> list[str]:
    """Names from raw byline strings, in order, without prefixes, roles, e-mails or duplicates.
    ``max_words``: a person's name is at most five words; an office that signs (a set-apart
    signature line, "Trung tâm Khí tượng Thủy văn") may be longer."""
    if not values:
        return []
    raw = [values] if isinstance(values, str) else list(values)
    names: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for name in split_names(value, max_words):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names


def byline_source(values: list[str] | str | None) -> str | None:
    """The source a byline names ("Minh Hảo - Theo TTXVN"), kept apart from its authors."""
    for value in [values] if isinstance(values, str) else list(values or []):
        source = byline_parts(value)[2]
        if source:
            return source
    return None


def split_names(value: str, max_words: int = 5) -> list[str]:
    return byline_parts(value, max_words)[0]


def byline_parts(value: str, max_words: int = 5) -> tuple[list[str], list[str], str | None]:
    """(authors, photo credits, source) of one byline. "Bài: Minh Hảo - Ảnh: Văn Hưng" is the
    author Minh Hảo and the photographer Văn Hưng; "Bài và ảnh: Minh Hảo" wrote and photographed;
    "Theo TTXVN" names the source. A part that a role introduces keeps that role up to the next
    part that names another one ("Ảnh: A, B" credits both)."""
    text = _URL.sub(" ", _EMAIL.sub(" ", fold(html.unescape(value))))
    text = re.sub(r"\(.*?\)", " ", text)
    names: list[str] = []
    credits: list[str] = []
    source: str | None = None
    role = "author"
    for piece in _SPLIT.split(fold(text)):
        piece = fold(piece)
        if vocabulary.PHOTO_CREDIT_PREFIX.match(piece):
            role, piece = "credit", vocabulary.PHOTO_CREDIT_PREFIX.sub("", piece, count=1)
        elif vocabulary.SOURCE_PREFIX.match(piece) and (agency := source_of(piece)):
            source = source or agency
            role = "source"
            continue
        elif vocabulary.REVIEWER_LABEL.search(piece):  # "Medically reviewed by …": not who wrote it
            role = "reviewer"
            continue
        elif vocabulary.BYLINE_PREFIX.match(piece):
            role = "author"
            while vocabulary.BYLINE_PREFIX.match(piece):  # a field's label, then the byline's own role:
                piece = fold(vocabulary.BYLINE_PREFIX.sub("", piece, count=1))  # "Tác giả: Bài và ảnh: …"
        if role in ("source", "reviewer"):
            continue
        for part in _people_in(piece):
            name = clean_name(part, max_words)
            if name and not (_CREDENTIAL.match(name) and (names or credits)):
                (names if role == "author" else credits).append(name)
    return names, credits, source


# What follows a name after a comma is often its holder's degree or title, not a second person
# ("Dylan Bailey, MS, RD", "Genevieve Carlton, Ph.D.", "Jane Doe, Jr."): one word in capitals or
# a dotted abbreviation, once a name has been read.
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,6}|Jr|Sr|Ph\.?D|(?:[A-Za-z]{1,3}\.){1,3}[A-Za-z]{0,3}\.?|[A-Z][a-z]?\.?[A-Z]\.?)$")


def _people_in(piece: str) -> list[str]:
    """ "Anna Berg und Jan Holm" is two people; "Văn phòng HĐND và UBND" (an office named with an
    acronym) is one: a conjunction splits only when no part is a bare acronym."""
    parts = vocabulary.NAME_CONJUNCTION.split(piece)
    if len(parts) > 1 and any(_ACRONYM.match(part.strip()) for part in parts):
        return [piece]
    return parts


def clean_name(part: str, max_words: int = 5) -> str | None:
    name = fold(vocabulary.BYLINE_PREFIX.sub("", fold(part))).strip(" .,:;-–—|*")
    if not name or vocabulary.BYLINE_ROLE.match(name) or vocabulary.NOT_A_NAME.search(name) or len(name) > MAX_NAME_LENGTH:
        return None
    if vocabulary.BYLINE_WORD.match(name):  # "By", "Author", "Written by" with no name after it
        return None
    if len(name.split()) > max_words or not any(char.isalpha() for char in name):
        return None
    return name


def source_of(text: str) -> str | None:
    """The agency in "Theo TTXVN", "Nguồn: Báo Hải Phòng", "(dpa)"; None when it is not one."""
    text = fold(text).strip(" .()")
    match = vocabulary.SOURCE_PREFIX.match(text)
    if not match:
        return None
    agency = text[match.end():].strip(" .:")
    if not agency or len(agency) > 80 or len(agency.split()) > 8:
        return None
    return agency


def is_agency(name: str) -> bool:
    return bool(vocabulary.AGENCY.match(fold(name)))


_NAME_WORD = re.compile(r"^[^\W\d_][\w.'’\-]*$")


def looks_like_person(text: str) -> bool:
    """A short line of 2-5 capitalised words without sentence punctuation: a trailing byline."""
    text = fold(text).strip(" .")
    if not text or len(text) > 40 or re.search(r"[,;:!?\"“”]|\d", text):
        return False
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    return all(_NAME_WORD.match(t) and (t[0].isupper() or t.isupper()) for t in tokens)


# --- where names are not bylines ----------------------------------------------------------------

# class/id words of the boxes where readers, not the newsroom, write names: the reply box under a
# story (WordPress ``#respond``, ``.comment-respond``, ``.comment-reply-title``), share and login
# widgets. The comment thread itself is ``vocabulary.COMMENT_CLASS`` (``.comment-author``,
# ``.comment-form-author``, ``.comments-area``, Disqus).
READER_BOX = re.compile(r"(?:^|[-_ ])(?:respond|reply|share|sharing|social|login|log-?in|sign-?in|signup)(?:$|[-_ ])",
                        re.IGNORECASE)
# Elements a reader fills in: the comment form's "Name *" label (``label[for=author]``) and fields.
FORM_TAGS = frozenset({"form", "label", "input", "textarea", "select", "button"})
# The page's outer containers: a class there ("comments-open" on <body>) says nothing of one box.
OUTER_TAGS = frozenset({"html", "body"})


def in_reader_box(node: etree._Element) -> bool:
    """``node`` is (inside) a form, the comment thread, a reply box, a share or login widget: a
    byline-classed element there ("comment-author", the form's "Name" label) names a reader or
    asks for one, never the story's author. Comment-form markup is the same on every WordPress
    theme and on many other CMSs."""
    for element in (node, *node.iterancestors()):
        if not isinstance(element.tag, str) or element.tag in OUTER_TAGS:
            continue
        if element.tag in FORM_TAGS:
            return True
        names = class_id(element)
        if names and any(vocabulary.COMMENT_CLASS.search(word) or READER_BOX.search(word) for word in names.split()):
            return True
    return False


# An account that files stories for a newsroom, not a person: "Ban Biên tập", "Tòa soạn", "admin",
# "Editorial Team", "Redaktion", "Newsdesk".
EDITORIAL_ACCOUNT = re.compile(
    r"^(?:ban biên tập|biên tập|tòa soạn|toà soạn|quản trị\w*|admin\w*|webmaster|editorial\b.*|redaktion|"
    r"news ?desk|newsroom|staff|team)$|\b(?:team|desk|staff)$",
    re.IGNORECASE,
)


def is_account(name: str) -> bool:
    """A byline that names an account or an office rather than a person."""
    return bool(EDITORIAL_ACCOUNT.search(fold(name))) or not looks_like_person(name)


def byline_or_closing(header: list[str], closing: list[str]) -> list[str]:
    """The byline's names; but when they name only accounts ("Ban Biên tập") and the story closes
    with a person's name ("Trần Thu Hà"), the person wrote it: the account only filed it."""
    if header and closing and all(is_account(name) for name in header) and any(looks_like_person(n) for n in closing):
        return closing
    return header or closing


def listed_authors(record: Any, names: list[str] | None) -> None:
    """``record.authors`` from what discovery named (the authors' pages of a CMS whose article
    pages show no byline), only when the page itself names nobody: a byline on the page stands."""
    if names and not record.authors:
        record.authors = list(names)
        record.layers["authors"] = "discovery"

