"""The one text toolkit every layer uses (profile, structured, generic; discovery and storage too):

- ``fold``: an element's visible text (a ``<br>`` is a word break), the one whitespace folder,
  comparison keys;
- ``counters``: a gallery's slide counter ("3 of 12 |"), in body lines and before captions;
- ``httpdate`` and ``utc``: HTTP and feed dates, and ``to_utc``, the one "to UTC";
- ``vocabulary``: the word lists many sites share (furniture lines, class words, byline labels).
"""

from crawler.text.fold import element_text, fold, is_folded, norm_key, raw_text
from crawler.text.utc import to_utc

__all__ = ["element_text", "fold", "is_folded", "norm_key", "raw_text", "to_utc"]
