"""Bytes to a parsed, NFC-normalised lxml tree, whatever the server claimed about the encoding."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding


class NotHTML(ValueError):
    """The bytes are not an HTML document (empty, binary, or a different format)."""


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode whatever the server claimed about the encoding; return NFC text.

    Small portals mislabel their pages (a ``windows-1258`` page sent as UTF-8, a UTF-8 page under
    Apache's ISO-8859-1 default, no label at all), so labels are evidence, not orders: see
    ``sniff_encoding``. Text is NFC so decomposed (NFD) Vietnamese compares and searches equal.
    """
    return _decode(body, content_type)[0]


def _decode(body: bytes, content_type: str | None) -> tuple[str, bytes | None]:
    """``decode_html``'s text, and the bytes when they are that text's UTF-8 as they came (plain
    UTF-8, already NFC, no NUL), so the parser can take them without encoding the text again."""
    if not body or not body.strip():
        raise NotHTML("empty document")
    plain = _plain_utf8(body, content_type)
    if plain is not None:
        return plain
    encoding = sniff_encoding(body, content_type)
    wide = encoding.startswith(("utf-16", "utf-32"))
    if not wide and _looks_binary(body):
        raise NotHTML("binary content, not HTML")
    _, bom = read_bom(body)
    text = body[len(bom or b""):].decode(encoding, errors="replace")
    if wide and text[:2048].count("\x00") > 8:
        raise NotHTML("binary content, not HTML")
    return unicodedata.normalize("NFC", strip_nul(text)), None


def _plain_utf8(body: bytes, content_type: str | None) -> tuple[str, bytes | None] | None:
    """The common case in one decode: no BOM, no UTF-16/32 label, valid UTF-8, not binary.
    ``sniff_encoding`` would pick UTF-8 for these bytes whatever the labels say."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:3] == b"\xef\xbb\xbf":
        return None
    label = (content_type or "").lower()
    if "utf-16" in label or "utf-32" in label:
        return None
    if _looks_binary(body):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    clean = unicodedata.normalize("NFC", strip_nul(text))
    return clean, (body if clean is text else None)  # the same object: nothing was changed


# Control bytes no text has (NUL, tab, newlines, carriage return and escape aside).
_CONTROL_BYTES = bytes((*range(1, 9), 11, 12, *range(14, 27), *range(28, 32)))


def _looks_binary(body: bytes) -> bool:
    """A known binary signature at the start, or control bytes that no text has. NUL bytes alone
    do not make a page binary: a CMS that stored some in a title still serves text (they are
    stripped, ``strip_nul``); random binary also carries the other control bytes."""
    sample = body[:2048]
    if body.lstrip()[:8].startswith(_BINARY_MAGIC):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # one C call, not 28 counts
    return controls > len(sample) // 64 or sample.count(b"\x00") > len(sample) // 2


def strip_nul(text: str) -> str:
    """Text without NUL characters (no HTML has them; SQLite and browsers handle them badly)."""
    return text.replace("\x00", "") if "\x00" in text else text


# Single-byte codecs tried when no label fits, in order: Vietnamese portals first (the Windows
# code page for Vietnamese), then Western European (what ISO-8859-1 labels really mean on the web).
_FALLBACK_ENCODINGS = ("cp1258", "cp1252")
# Share of non-ASCII sequences that must be valid UTF-8 for a page to count as UTF-8 with a few
# broken bytes (a CMS pasting one legacy string into a UTF-8 page) rather than a legacy encoding.
_UTF8_MIN_VALID_SHARE = 0.9


def sniff_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec of ``body``: BOM; then UTF-8 if the bytes are (almost all) valid UTF-8, whatever
    the label says (legacy text is practically never valid multi-byte UTF-8 by chance); then the
    header and ``<meta>`` labels that decode the bytes cleanly, unless a fallback codec reads them
    far more plausibly (``mojibake_score``); then the fallbacks."""
    bom, _ = read_bom(body)
    if bom:
        return bom
    header = _resolved(http_content_type_encoding(content_type or ""))
    if header and header.startswith(("utf-16", "utf-32")):
        return header
    if _utf8_share(body) >= _UTF8_MIN_VALID_SHARE:
        return "utf-8"
    labels = [label for label in (header, _resolved(html_body_declared_encoding(body[:4096]))) if label]
    candidates = list(dict.fromkeys([*(label for label in labels if label != "utf-8"), *_FALLBACK_ENCODINGS]))
    scored = [(name, mojibake_score(text)) for name in candidates if (text := _strict(body, name)) is not None]
    if not scored:
        return candidates[0]
    best = min(score for _, score in scored)
    for name, score in scored:
        if score <= best * 2 + 2:  # a label wins unless another reading is clearly cleaner
            return name
    return scored[0][0]  # pragma: no cover - the best score always passes the test above


def _resolved(label: str | None) -> str | None:
    if not label:
        return None
    name = resolve_encoding(label)
    return name.replace("_", "-") if name else None


def _utf8_share(body: bytes) -> float:
    """Valid multi-byte UTF-8 characters / (those + invalid bytes); 1.0 for pure ASCII.

    Counted with C-speed codec calls (this runs on every page): a strict decode that succeeds is
    1.0 outright; otherwise non-ASCII characters are those the ASCII encoder drops."""
    try:
        body.decode("utf-8")
        return 1.0
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    invalid = replaced - body.decode("utf-8", errors="ignore").count("\ufffd")
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return 1.0 if valid + invalid == 0 else valid / (valid + invalid)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return unicodedata.normalize("NFC", body.decode(encoding))
    except (UnicodeDecodeError, LookupError):
        return None


_NON_ASCII_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])[^\W\d_a-zA-Z](?=\w)")
_SUSPECT_CHARS = re.compile("[\x80-\x9f\ufffd\u00a4\u00a6\u00a8\u00ac\u00af\u00b4\u00b8]")


def mojibake_score(text: str) -> int:
    """How wrong a decoding looks: C1 controls, replacement and Latin-1 symbol characters, marks
    left uncombined after NFC, and capitals inside lower-case words ("HaÒi": windows-1258 tone
    marks read as ISO-8859-1 letters). Correct decodings of real text score near zero."""
    leftover_marks = sum(1 for char in text if unicodedata.combining(char))
    capitals = sum(1 for m in _NON_ASCII_AFTER_LETTER.finditer(text) if m.group().isupper() and text[m.start() - 1].islower())
    return len(_SUSPECT_CHARS.findall(text)) + capitals + leftover_marks


# Plain lxml elements, not ``lxml.html``'s: its element classes are looked up by a Python
# callback for every node the code touches, which was a tenth of the profile path's time; the
# extractors need nothing from those classes but ``text_content`` (``raw_text`` below).
# huge_tree: libxml2 otherwise drops a text node past 10 MB and everything after it (a 19 MB
# paragraph vanished with the rest of the page); the download size (DOWNLOAD_MAXSIZE) bounds it.
# The text goes to libxml2 as UTF-8 bytes with the encoding stated (any <meta charset> is
# overridden: the text is decoded already): handed a str, lxml passes libxml2 its UCS-2/UCS-4
# buffer to convert, a third of the parse on the replica's Vietnamese pages; the trees are the
# same (every page of both corpora and the replica compared).
_PARSER = etree.HTMLParser(huge_tree=True, encoding="utf-8")
_TEXT_PARSER = etree.HTMLParser(huge_tree=True)  # only for text UTF-8 cannot carry (a lone surrogate)


def parse_html(text: str) -> etree._Element:
    """Parse leniently, the way browsers do where libxml2 does not (see the two fixes below)."""
    return _parse(text, None)


def parse_page(body: bytes, content_type: str | None = None) -> etree._Element:
    """``parse_html(decode_html(body, content_type))``, without encoding the text again when the
    bytes already are its UTF-8."""
    return _parse(*_decode(body, content_type))


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse(text: str, data: bytes | None) -> etree._Element:
    """``data``: ``text`` as UTF-8, when the caller has it."""
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        text, data = text[declaration.end():], None
    if "<" not in text[:4096] and "<" not in text:
        raise NotHTML("no markup in document")
    if data is None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            data = None
    # libxml2 drops everything after a stray </html> or </body>; browsers ignore such end tags
    # and keep parsing into the body, so remove them (the parser closes both at the end anyway).
    try:
        if data is not None:
            tree = etree.fromstring(_DOCUMENT_END_BYTES.sub(b"", data), _PARSER)
        else:
            tree = etree.fromstring(_DOCUMENT_END_TAGS.sub("", text), _TEXT_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise NotHTML(f"unparseable HTML: {error}") from error
    if tree is None:
        raise NotHTML("unparseable HTML: document is empty")
    close_paragraphs_before_blocks(tree)
    return tree


_DOCUMENT_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)
# The same on UTF-8 bytes (a third of the time on a Vietnamese page): str's \s is these bytes and
# the UTF-8 of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
_SPACE_BYTES = rb"(?:[\t\n\x0b\x0c\r\x1c-\x1f ]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)*"
_DOCUMENT_END_BYTES = re.compile(rb"</" + _SPACE_BYTES + rb"(?:html|body)" + _SPACE_BYTES + rb">", re.IGNORECASE)
# HTML5 block elements libxml2 does not know: an unclosed <p> swallows them, where HTML5 closes it.
_HTML5_BLOCKS = frozenset(
    {"figure", "figcaption", "section", "article", "aside", "header", "footer", "nav", "main", "details", "summary"}
)


def close_paragraphs_before_blocks(tree: etree._Element) -> None:
    """Move an HTML5 block (and what follows it) out of a ``<p>`` left open before it."""
    for paragraph in list(tree.iter("p")):
        children = list(paragraph)
        for index, child in enumerate(children):
            if child.tag in _HTML5_BLOCKS:
                parent = paragraph.getparent()
                if parent is None:
                    break
                position = parent.index(paragraph)
                for offset, node in enumerate(children[index:], start=1):
                    parent.insert(position + offset, node)
                break


