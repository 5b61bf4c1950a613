"""A gallery's slide counter ("3 of 12 |", "2/12 –"): gallery furniture, never body or caption.

One pattern for both places it shows: a body line that holds a counter followed by the bar that
separates it from the slide's text ("Title 1 of 12 | …"), and a caption that starts with one.
"""

from __future__ import annotations

import re

from crawler.text.vocabulary import SLIDE_COUNTER_WORDS

_COUNTER = r"\d{1,3}\s*(?:" + "|".join(re.escape(word) for word in SLIDE_COUNTER_WORDS) + r")\s*\d{1,3}"
_IN_LINE = re.compile(r"(?:^|\s)" + _COUNTER + r"\s*\|", re.IGNORECASE)
_LEADING = re.compile(r"^\s*" + _COUNTER + r"\s*[|:·–-]?\s*", re.IGNORECASE)


def has_slide_counter(text: str) -> bool:
    """The line carries a slide counter and its bar ("Hội nghị 3 of 12 | Ảnh: …")."""
    return _IN_LINE.search(text) is not None


def strip_slide_counter(text: str) -> str:
    """The text without the counter it starts with ("2 of 12 | Caption" → "Caption")."""
    return _LEADING.sub("", text, count=1)
