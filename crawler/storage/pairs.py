"""Adjacent syllable pairs: what the second search index (``articles_pairs``, migration m016) holds.

Vietnamese writes every syllable apart, so a name is a phrase of syllables, and the syllables of
the common names are each in about half of a municipal corpus ("Đặng", "Quang", "Long"). FTS5
answers a phrase by walking the doclists of all its syllables, so a rare name of common syllables
costs as much as its commonest syllable (25–70 ms a walk at a million articles,
``benchmarks/search.py``). ``articles_pairs`` indexes each pair of adjacent syllables as one token,
``Đặng_Quang Quang_Long``, whose doclist is about as short as the name's own matches; a phrase of n
syllables is the phrase of its n-1 pairs there (``pair_phrase``), and finds exactly the rows the
phrase finds in ``articles_fts``: pair k of a row is its syllables k and k+1, so consecutive pairs
are consecutive syllables.

That equality needs the syllables cut exactly where ``articles_fts``'s tokenizer (``unicode61
remove_diacritics 2``) cuts them. Which characters belong to a token is asked of this SQLite
itself, character by character as texts bring them (``_probe``: each new code point between two
letters, in one statement per text with any new ones; a few hundred distinct characters make a
Vietnamese corpus, so after the first articles nothing is asked). Asking every code point of the
Basic Multilingual Plane up front cost 0.8 s of CPU and 12 MiB in every process. Case, tone marks and
đ (folded by ``replace()`` before, as in ``articles_fts``) are folded by the pair index's own
tokenizer, the same one with ``_`` as a token character: ``Ngô_Quyền`` is the token ``ngo_quyen``.
"""

from __future__ import annotations

import re
import sqlite3
import threading

PAIR_JOIN = "_"  # a separator for articles_fts's tokenizer, so no syllable holds one
PAIRS_FUNCTION = "muninews_pairs"
_PROBE = "q7"  # a token that no single character folds to
_lock = threading.Lock()
_joins: set[int] = set()  # code points inside a token
_vanish: set[int] = set()  # token code points that alone make no token (a lone combining mark)
_probed: set[int] = set()  # every code point asked so far
_unprobed: re.Pattern[str] | None = None  # any character not asked yet (what ``_patterns`` looks for per text)
# (token pattern, pattern of a token made only of code points that alone make no token), swapped whole
_compiled: tuple[re.Pattern[str], re.Pattern[str] | None] | None = None


def _probe(code_points: list[int]) -> None:
    """Ask SQLite's unicode61 tokenizer which of ``code_points`` join a token, and which of those
    make no token alone; adds them to ``_joins`` / ``_vanish``."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")

        def terms(doc: str) -> list[str]:
            conn.execute("DELETE FROM t")
            conn.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (doc,))
            return [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")]

        for start in range(0, len(code_points), 20_000):
            chunk = code_points[start:start + 20_000]
            found, k = terms(" ".join(f"{_PROBE}{chr(c)}{_PROBE}" for c in chunk)), 0
            joined = []
            for c in chunk:  # split: "q7", "q7"; joined: one token
                if found[k] == _PROBE:
                    k += 2
                else:
                    joined.append(c)
                    k += 1
            _joins.update(joined)
            found, k = terms(" ".join(f"{_PROBE} {chr(c)} {_PROBE}" for c in joined)), 0
            for c in joined:  # "q7", [its token], "q7"
                if found[k + 1] == _PROBE:
                    _vanish.add(c)
                    k += 2
                else:
                    k += 3
    finally:
        conn.close()


def _ranges(code_points: set[int]) -> str:
    out, ordered = [], sorted(code_points)
    start = prev = ordered[0]
    for c in [*ordered[1:], None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        if c is not None:
            start = prev = c
    return "".join(out)


_SEED = [ord(c) for c in "0123456789abcdefghijklmnopqrstuvwxyz"]  # never empty: a character class needs one


def _patterns(text: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The token pattern for every character of ``text`` (asking SQLite about any it has not seen;
    a character not in ``text`` never matters to its tokens)."""
    global _compiled, _unprobed
    compiled, unprobed = _compiled, _unprobed
    if compiled is not None and unprobed is not None and unprobed.search(text) is None:
        return compiled
    with _lock:
        new = ({ord(ch) for ch in set(text)} | set(_SEED)) - _probed
        if new or _compiled is None:
            _probe(sorted(c for c in new if not 0xD800 <= c < 0xE000))
            _probed.update(new)
            _unprobed = re.compile(f"[^{_ranges(_probed)}]")
            _compiled = (re.compile(f"[{_ranges(_joins)}]+"), re.compile(f"[{_ranges(_vanish)}]+") if _vanish else None)
        return _compiled


def syllables(text: str | None) -> list[str]:
    """The tokens ``unicode61`` makes of ``text``, as written (not folded), in order."""
    if not text:
        return []
    token, vanish = _patterns(text)
    found = token.findall(text)
    if vanish is not None and vanish.search(text):  # a lone combining mark makes no token
        found = [t for t in found if not vanish.fullmatch(t)]
    return found


def pairs(text: str | None) -> str | None:
    """Each pair of adjacent syllables as one token (``Ngô_Quyền Quyền_Hải``): what one column of
    ``articles_pairs`` holds for ``text`` (fold đ first, as the index triggers do)."""
    found = syllables(text)
    return " ".join(map(PAIR_JOIN.join, zip(found, found[1:]))) or None


def pair_phrase(words: str) -> str | None:
    """The pairs phrase that finds what the phrase ``words`` finds, or None when it has fewer than
    two syllables (one syllable is looked up in ``articles_fts``)."""
    joined = pairs(words)
    return f'"{joined}"' if joined and PAIR_JOIN in joined else None


def register(conn: sqlite3.Connection) -> None:
    conn.create_function(PAIRS_FUNCTION, 1, pairs, deterministic=True)
