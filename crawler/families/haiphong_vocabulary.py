"""What the Hai Phong portal family prints that no rule for many sites knows: its signature line.

The family: the real city portal (``crawler/profiles/haiphong.toml``) and its replica
(``haiphong-replica.toml``, ``crawler/replica/``), one WordPress e-government theme. Not a CMS
family module (it defines no ``NAME`` or discovery defaults): the vocabulary of one portal family,
kept apart from ``crawler/text/vocabulary.py``, whose lists must hold on many sites.

**The signature.** An article of this theme closes with a right-aligned paragraph, all in bold,
naming who signs it: a person ("Lê Phương") or an office ("Văn phòng HĐND và UBND", "Trung tâm
Khí tượng Thủy văn"). The generic rule for closing names finds a person's name anywhere; an
office's name is no person's name, so only this rule says the office signs (and that the line is
no body text). On ``../shared/eval`` and ``../shared/eval/wcxb`` (1,489 pages of 1,273 sites) no
page has such a line that the generic rule misses: the rule is this family's, and the generic
layer applies it only because a page read without its profile cannot say which portal it is from.
With a profile, the profile's ``author`` selector says the same (``p[contains(@style,'right')]``).
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.text.fold import element_text, is_element

# The signature paragraph's (or an enclosing element's) inline style, spaces removed, lower-cased.
SIGNATURE_STYLE = "text-align:right"
# Share of the line in <strong>/<b>: the whole name is bold.
SIGNATURE_BOLD_SHARE = 0.8
# A signature is a name, not a sentence: at most this long, no closing punctuation, no digits.
MAX_SIGNATURE = 60
_SENTENCE_END = (".", "!", "?", ":")
_DIGIT = re.compile(r"\d")


def is_signature(element: etree._Element, text: str) -> bool:
    """``text`` (the line ``element`` holds) is this family's set-apart signature line."""
    if len(text) > MAX_SIGNATURE or text.endswith(_SENTENCE_END) or _DIGIT.search(text):
        return False
    style = " ".join((node.get("style") or "") for node in (element, *element.iterancestors()) if is_element(node))
    if SIGNATURE_STYLE not in style.replace(" ", "").lower():
        return False
    bold = "".join(element_text(e) for e in element.iter("strong", "b"))
    return len(bold) >= SIGNATURE_BOLD_SHARE * len(text)
