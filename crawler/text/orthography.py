"""Vietnamese orthography for comparison: one tone-mark placement, whatever style a portal types.

Vietnamese writes a syllable's tone (grave, acute, hook, tilde, dot below) on one vowel of its
nucleus. Two conventions are in everyday use on the portals:

* the **traditional** placement (*kiểu cũ*), on the first vowel of an open ``oa``, ``oe``, ``uy``:
  ``hòa``, ``khỏe``, ``thủy``, ``Ủy ban``;
* the **new** placement (*kiểu mới*, the Ministry of Education's 1984 rule and the default of some
  keyboards), on the main vowel, the second one: ``hoà``, ``khoẻ``, ``thuỷ``, ``Uỷ ban``.

Both are correct spellings, so two copies of one story can differ in nothing but these marks
(and NFC versus decomposed Unicode). Everything else is fixed by the syllable's structure, the
rule both styles share (and which old input software sometimes broke):

1. ``qu`` and ``gi`` before another vowel are the initial consonant, not part of the nucleus:
   ``quả``, ``quý``, ``già``, ``giữa`` (never ``qủa``, ``qúy``, ``gìa``); ``gì``, ``gìn`` keep the
   ``i`` as their vowel;
2. a vowel with a modifier (``ă â ê ô ơ ư``) takes the tone; in ``ươ`` the ``ơ``: ``tiếng``,
   ``thuở``, ``người``;
3. otherwise, with a final consonant, the last vowel: ``hoàn``, ``toán``, ``huỳnh``;
4. otherwise a three-vowel nucleus takes it in the middle: ``hoài``, ``khuỷu``, ``ngoéo``;
5. otherwise a two-vowel open nucleus takes it on the first vowel (``mái``, ``múa``, ``mía``,
   ``túi``), except ``oa``, ``oe``, ``uy``, where the two styles differ.

:func:`normalize_tones` rewrites every Vietnamese syllable to the placement of these rules, with
the traditional choice for ``oa``/``oe``/``uy`` (``style="new"`` gives the other one). A word that
does not parse as one Vietnamese syllable (``café``, ``José``, ``voilà``, German or English words)
is left as it is. Used wherever the story index compares text (shingles, paragraph keys, the fact
check); search folding drops tone marks altogether and needs none of this.
"""

from __future__ import annotations

import re
import unicodedata

TRADITIONAL = "traditional"
NEW = "new"

_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # grave, acute, hook, tilde, dot below
_VOWELS = "aăâeêioôơuưy"
_MODIFIED = "ăâêôơư"
_INITIALS = sorted(
    "ngh ng gh gi kh nh ph th tr ch qu b c d đ g h k l m n p q r s t v x".split(), key=len, reverse=True
)
_FINALS = frozenset(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"])
_VARYING = frozenset(["oa", "oe", "uy"])

# (toned letter -> (plain letter, tone)) and (plain letter, tone) -> toned letter, both cases.
_SPLIT: dict[str, tuple[str, int]] = {}
_JOIN: dict[tuple[str, int], str] = {}
for _plain in _VOWELS + _VOWELS.upper():
    for _index, _mark in enumerate(_TONES):
        _toned = unicodedata.normalize("NFC", _plain + _mark)
        _SPLIT[_toned] = (_plain, _index)
        _JOIN[(_plain, _index)] = _toned

# A word where a toned vowel touches another vowel: only a nucleus of two or three vowels (or a
# qu-/gi- initial, whose u/i is written as a vowel) can have its tone in more than one place.
_TONED = "".join(_SPLIT)
_PLAIN = _VOWELS + _VOWELS.upper()
_TOUCHING = re.compile("[" + _TONED + "][" + _PLAIN + "]|[" + _PLAIN + "][" + _TONED + "]")
_CACHE: dict[tuple[str, str], str] = {}
_CACHE_LIMIT = 200_000


def normalize_tones(text: str, style: str = TRADITIONAL) -> str:
    """NFC ``text`` with every Vietnamese syllable's tone mark where the rules put it (see the
    module docstring); ``style`` decides only open ``oa``, ``oe``, ``uy``."""
    if style not in (TRADITIONAL, NEW):
        raise ValueError(f"style must be {TRADITIONAL!r} or {NEW!r}, not {style!r}")
    text = unicodedata.normalize("NFC", text)
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.clear()
    parts, done, end = [], 0, len(text)
    for found in _TOUCHING.finditer(text):
        start = found.start()
        if start < done:
            continue  # a second vowel pair of a word already rewritten
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        stop = found.end()
        while stop < end and text[stop].isalpha():
            stop += 1
        parts += (text[done:start], _cached(text[start:stop], style))
        done = stop
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _cached(word: str, style: str) -> str:
    key = (word, style)
    value = _CACHE.get(key)
    if value is None:
        value = _CACHE[key] = syllable_tones(word, style)
    return value


def syllable_tones(word: str, style: str = TRADITIONAL) -> str:
    """One NFC word with its tone on the right vowel; unchanged when it is no Vietnamese syllable
    or carries no tone (or more than one)."""
    toned = [(i, _SPLIT[ch]) for i, ch in enumerate(word) if ch in _SPLIT]
    if len(toned) != 1:
        return word
    at, (plain_letter, tone) = toned[0]
    plain = word[:at] + plain_letter + word[at + 1 :]
    target = tone_position(plain.lower(), style)
    if target is None or target == at:
        return word
    letters = list(plain)
    letters[target] = _JOIN[(letters[target], tone)]
    return "".join(letters)


def tone_position(plain: str, style: str = TRADITIONAL) -> int | None:
    """Index in a lower-case, toneless syllable of the vowel that carries the tone; None when
    ``plain`` is no Vietnamese syllable."""
    initial = _initial(plain)
    rest = plain[len(initial) :]
    end = 0
    while end < len(rest) and rest[end] in _VOWELS:
        end += 1
    nucleus, final = rest[:end], rest[end:]
    if not nucleus or final not in _FINALS or len(nucleus) > 3:
        return None
    start = len(initial)
    modified = [i for i, ch in enumerate(nucleus) if ch in _MODIFIED]
    if modified:
        return start + modified[-1]
    if len(nucleus) == 1:
        return start
    if final:
        return start + len(nucleus) - 1
    if len(nucleus) == 3:
        return start + 1
    if nucleus in _VARYING and style == NEW:
        return start + 1
    return start


def _initial(plain: str) -> str:
    for initial in _INITIALS:
        if plain.startswith(initial):
            if initial in ("qu", "gi") and not (len(plain) > 2 and plain[2] in _VOWELS):
                continue  # "gì", "gìn": the i is the vowel ("qu" alone is no syllable)
            return initial
    return ""
