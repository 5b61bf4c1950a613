"""Exact and near-duplicate story detection, persistent in SQLite.

The same story reaches several portals: the city portal and its districts republish it a
day apart, retitled, with a photo caption or a paragraph less, a "Theo ..." (source) line
added, in decomposed instead of composed Unicode. Those copies must become one *story*.
Municipal portals also publish *template families*: weekly schedules ("Lịch công tác
tuần"), weather bulletins, notices that share almost every word and differ only in
dates, numbers and names. Those must stay apart, and a false merge is worse than a missed
one: it hides a real notice behind another.

How a new body text is matched (:meth:`StoryIndex.assign`):

0. **Comparison form**: NFC, one Vietnamese tone placement (``crawler.text.orthography``:
   "Uỷ ban"/"hoà" and "Ủy ban"/"hòa" are one spelling), casefolded; each line is a paragraph.
   The content hash (1.) keeps the text as published, so an edit of tone marks is still an edit.
1. **Exact**: :func:`content_hash` of :func:`normalize_text` (NFC, casefold, folded
   whitespace) looked up in an index: identical normalised bodies are one story.
2. **Candidates**: MinHash over word ``shingle_size``-grams *within each paragraph* (reordered
   paragraphs change nothing, and each paragraph's share of the set is known), split into LSH
   bands stored in ``dedup_bands``, among the articles published within ``window_days``
   (default 30) of the new one (see "Cost" below). Each band is one indexed lookup per epoch of
   the window, capped at :data:`BUCKET_CAP` most recent articles, so a lookup costs O(bands)
   however large the database and however often a template family has hit the same bucket.
3. **Verification**, all four must hold for a candidate, on what the two texts have *of their
   own*: paragraphs both hold word for word that are known **furniture** (4.) are left out of
   both texts and of their intersection first. Each signature position remembers which
   paragraph its minimum came from (``owners``); positions whose minimum over both texts lies
   in a left-out paragraph are equal in both and say nothing about the rest, so the share of
   equal positions among the others estimates the Jaccard of what remains (and the
   intersection is at least the exactly shared non-furniture paragraphs):

   a. estimated Jaccard similarity of the shingle sets >= ``threshold``;
   b. estimated containment of the smaller text in the larger >= ``min_containment``:
      syndication abridges (drops captions, paragraphs) and adds little, while two
      different stories that share a boilerplate paragraph each have much of their own;
   c. **no fact conflict**. Facts are runs of tokens holding a digit or starting with a
      capital letter (dates, times, amounts, names, places); each is keyed by its
      surrounding non-fact words (``CONTEXT_WIDTH`` each side, facts masked). Where both
      texts have the same context, the sets of fact values found there must be nested
      (one a subset of the other). Syndicated copies only insert and delete text, so
      their shared contexts hold nested values; a template family *substitutes* values in
      the same context ("ngày 12/6" -> "ngày 19/6", "Ông Nguyễn Văn A" -> "Bà Trần Thị B"),
      which is a conflict. Numbers are compared by their digit groups, so "21/6", "21-6"
      and "21/06" agree. A value that is another's with a typing error (a letter swapped,
      mistyped, doubled or dropped, at any letter of a word of any length: "They"/"Tehy",
      "Berger"/"Bergr") is the same value (:func:`typo_near`); digits and diacritics must match.

   d. **not two items sharing paragraphs**: when both texts keep at least
      :data:`FURNITURE_MIN_OWN_SHARE` of their shingles in paragraphs the other does not hold, and
      almost none of that own text is found anywhere in the other (:func:`_own_texts_apart`),
      they are two items that print the same paragraphs (two events at one venue, on two portals
      that never saw a third, so no furniture is known): no match. An edited copy's own
      paragraphs are found in the other (a typo'd paragraph, a summary lead), or one of the two
      has hardly any (a caption, a source line, a trimmed ending). A pair rule, so edges stay a
      function of the two articles; the copies of each item still join it.

   A text with fewer than :data:`MIN_OWN_SHINGLES` shingles of its own left is no near copy.
4. **Furniture**: a host prints the same paragraphs on different articles (a venue's
   description under every event held there, a campaign paragraph, the closing line of a notice,
   a subheading). Two short items that share two such paragraphs once had Jaccard 0.61 and
   containment 0.83 and became one story. Every paragraph of an article is filed with its host
   (the portal) in ``dedup_paragraphs``; when two articles of one host within the window share
   paragraphs and are otherwise *unrelated* (each keeps at least :data:`FURNITURE_MIN_OWN_SHARE`
   of its shingles outside them and their own parts overlap less than
   :data:`FURNITURE_MAX_OWN_CONTAINMENT`), those paragraphs become furniture
   (``dedup_furniture``, with the two articles that showed it), for every comparison. Three
   articles of one host that all hold the paragraphs and are pairwise unrelated with only
   :data:`MIN_OWN_SHINGLES` of their own each (and as many signature positions in it) are evidence
   too: one-sentence event items keep under 15% of their own. A host
   republishing its own story trimmed, with a caption more or a typo fixed is not evidence.
   The site-template learning (``crawler.extraction.template``) has already removed what a host
   prints on a third of its pages from profile-free bodies; this catches what recurs on a few.
5. **Order independence**: every verified match is an edge (``dedup_edges``, both
   directions), and the stories of the connected component the new article touches are
   recomputed by one rule over the set (:func:`_cluster`): articles taken most-connected first,
   ties by content hash (never by arrival), each joining the story it has most edges to among
   those holding no article it cannot be with (a fact conflict: template siblings joined only
   through a third article; or one host's two unrelated articles sharing furniture), else
   starting its own; a story is numbered by its lowest article
   id. An article matching two stories therefore joins them; a component whose rule says two
   stories, gets two. Furniture only grows and only lowers similarity, so when a paragraph
   becomes furniture, the edges of the articles holding it are verified again and the
   components they touch recomputed. Whether a pair is an edge, and whether a paragraph is
   furniture, depends on the two articles alone, so the grouping of a set of articles is the same
   whatever order they arrive in, within a run and across runs (``tests/test_similarity.py``
   shuffles a fixed set ten times; ``benchmarks/dedup.py`` reports ``order_variants``). The one
   exceptions are a band bucket or paragraph holding more than :data:`BUCKET_CAP` /
   :data:`PARAGRAPH_CAP` articles of one window, where the most recent ids are read, and a
   component of more than :data:`COMPONENT_CAP` articles, which is not recomputed.
   :attr:`StoryIndex.moved` tells the caller which stored articles changed story.

Choice of parameters, by measurement (``python benchmarks/dedup.py``: 648 labelled
synthetic articles, 150 stories with 1-3 syndicated copies each, 6 template families of 12
siblings (some syndicated), 30 triples of different stories sharing a boilerplate opening;
pairwise precision/recall over all items of a story):

* Exact Jaccard (4-word shingles): syndicated copies min 0.48, p10 0.72, median 0.91;
  template siblings p10 0.33, median 0.69, max 0.94; boilerplate-sharing stories max 0.50.
  The ranges overlap, so no Jaccard threshold alone works: precision with Jaccard only is
  0.41-0.47 at thresholds 0.3-0.6, 0.78 at 0.8 (recall 0.78), 0.99 only at 0.9 (recall 0.58).
  Adding the containment check (b) alone lifts it to 0.55.
* With (b) and (c): precision 1.000 at every threshold 0.3-0.9; recall 0.989 at 0.3-0.5,
  0.984 at 0.6, 0.931 at 0.7, 0.785 at 0.8. ``threshold=0.5`` is the highest threshold
  with the best recall; higher thresholds only lose abridged copies, lower ones only add
  candidates to verify.
* ``shingle_size``: at 0.5, 3 -> recall 0.995, 4 -> 0.989, 5 -> 0.985, precision 1.000 for
  all three. 4 is kept (fewer chance band collisions between unrelated texts, whose
  vocabulary overlaps heavily in municipal news); 3 is a defensible choice too.
* ``min_containment=0.8``: copies abridged by up to a fifth plus a source line pass;
  stories sharing a boilerplate paragraph (containment about 0.5-0.7) do not.
* These are synthetic texts written to imitate the portals; re-check on real replica
  crawls (``score_grouping``) before trusting the recall figure.

Cost as the database grows: a time-partitioned band table
---------------------------------------------------------
Before, ``dedup_bands`` was keyed ``(band, bucket, article_id)``: a hash index, so each new
article wrote its 32 rows at 32 random places of the whole table. Once the table outgrew the
page cache every commit dirtied (and the WAL rewrote) pages all over it, and the cost of one
more article rose with the database: 1.6 ms at 10k articles, 4.6 at 100k, 5.2 at 200k
(ratio 3.3, with a 128 MB page cache). A bigger cache only moves that knee.

Syndicated copies appear within days of each other (the replica's a day before or after the
original; real portals' within a week or two), so only articles published near the new one need to be
candidates. The table is therefore keyed ``(epoch, band, bucket, article_id)`` with the
publication ``day`` beside it, ``epoch = day // epoch_days`` (``epoch_days`` = the window,
fixed in ``dedup_meta`` when the tables are created). Consequences:

* Inserts land in the epoch of the article's own date: during a crawl, a sub-tree of about
  ``epoch_days`` days of articles. The pages a commit dirties are bounded by articles per
  epoch, not by the size of the table.
* A lookup covers the 2-3 epochs overlapping ``[day - window_days, day + window_days]``
  (one ``epoch IN (...)`` query per band) and filters on ``day``: bounded by articles per
  window too, and precise to the day.
* Nothing is pruned and nothing depends on "now": an article added with an old date (an
  archive re-crawl) is filed in its own epoch and finds the copies published around it,
  however much newer material came since. Undated articles count as published today (the
  pipeline passes the fetch time instead). Exact duplicates (the content-hash index) are
  still found at any distance in time.
* The cost is flat in the size of the database and grows with the *rate* of publication
  (articles per window). Measured by ``python benchmarks/dedup.py`` (200,000 articles at 200
  a day, the crawl's own connection settings from ``crawler.storage.db.configure``, side by side
  with the same fingerprints fed to an unpartitioned index), one more article costs 1.76 ms
  at 10k articles, 1.45 at 100k, 1.43 at 200k (ratio 0.81; 0.8-1.0 ms of it is the
  fingerprint; 6.4 M band rows, peak RSS 97 MB). At 60k articles, side by side in one run:
  partitioned 1.31 / 1.86 / 1.95 ms at 3k / 30k / 60k (ratio 1.48: the first checkpoint is
  15 days in, before the window has filled), unpartitioned 1.27 / 2.46 / 2.88 ms (ratio
  2.27, and still rising). Timings on a loaded 2-core machine vary by 20-30 % (see the
  fingerprint column, whose work is constant).
* With furniture learning and edges (issue 19: paragraph keys per portal, edges, recomputed
  components) the same stream on 13 portals, ``--no-global``, on a machine at load average 5:
  4.98 / 5.63 / 4.86 ms at 10k / 100k / 200k (ratio 0.98; fingerprint 2.45 / 2.50 / 1.79 of it,
  about 0.8 ms on a quiet machine), 491 MB file, peak RSS 108 MB. The paragraph table is
  partitioned by the same epochs as the bands, so it stays flat too.
* Considered instead: pruning band rows older than the window behind the newest article
  (bounded table, but archive re-crawls would find nothing), a larger ``cache_size`` /
  ``mmap_size`` on the crawl's connection (postpones the knee, costs memory per connection,
  not needed once the working set is bounded; the default 2 MB cache is kept), and an
  in-memory LSH (datasketch, measured as a baseline: flat and fast, but must be rebuilt from
  disk on every start and holds every band in RAM).

Tables built before the partition (no dates kept) are rebuilt in place by
:meth:`StoryIndex.ensure_schema`, their articles filed under the day of the upgrade.

Measured after these rules (``python benchmarks/dedup.py``): see the README's "Stories" section.

The caller owns transactions: nothing here commits (a Scrapy pipeline commits in batches).
Pass the article *body* (no title: retitling is common and titles of template families are
identical anyway).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations

import numpy as np

from crawler.text.orthography import normalize_tones

#: A band returns at most this many (most recent) articles: keeps lookups flat when a
#: template family has filled one bucket with hundreds of siblings.
BUCKET_CAP = 64
#: LSH bands are tuned for ``threshold * LSH_SLACK`` so pairs just above the threshold are
#: still found (at 0.5: 32 bands of 4 rows, P(candidate | J=0.55) = 0.97 instead of 0.76
#: with bands tuned for 0.5); verification then applies the real threshold.
LSH_SLACK = 0.8
#: Non-fact tokens on each side of a fact that make up its context.
CONTEXT_WIDTH = 3

DEFAULT_THRESHOLD = 0.5
DEFAULT_NUM_PERM = 128
DEFAULT_SHINGLE_SIZE = 4
DEFAULT_MIN_CONTAINMENT = 0.8
#: Copies of one story are published within this many days of each other (see "Cost").
DEFAULT_WINDOW_DAYS = 30

_SEED = 20240611  # part of the on-disk format: changing it invalidates stored signatures
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"(\d+(?:[.,:/\-h]\d+)*(?!\w))|(\w+)|(\n+)|([^\w\s])")
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_GROUPS = re.compile(r"\d+")
_PARAGRAPH = "\u00b6"
_MASK = "#"


# --- exact duplicates ---------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFC, casefolded, whitespace folded to single spaces: the form both hashes see."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())  # str.split() splits exactly where \s matches


def content_hash(text: str) -> str:
    """Hex digest (BLAKE2b, 160 bits) of the normalised text: equal iff bodies are equal."""
    return _normalized_hash(normalize_text(text))


def _normalized_hash(normalized: str) -> str:
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=20).hexdigest()


# --- MinHash ------------------------------------------------------------------------------


class _Hasher:
    """Stable 64-bit token hashes (cached: Vietnamese has a few thousand syllables)."""

    def __init__(self, limit: int = 500_000) -> None:
        self._cache: dict[str, int] = {}
        self._limit = limit

    def tokens(self, words: Sequence[str]) -> np.ndarray:
        cache = self._cache
        if len(cache) > self._limit:
            cache.clear()
        values = []
        for word in words:
            value = cache.get(word)
            if value is None:
                value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
                cache[word] = value
            values.append(value)
        return np.fromiter(values, dtype=np.uint64, count=len(values))


_HASHER = _Hasher()


def comparison_form(text: str) -> str:
    """What near-duplicate comparison reads: NFC, one Vietnamese tone placement
    (crawler.text.orthography), case kept (the fact check needs it)."""
    return normalize_tones(text)


def comparison_paragraphs(text: str) -> list[list[str]]:
    """The casefolded words of each non-empty line of ``text`` in comparison form."""
    return _paragraph_words(comparison_form(text))


def _paragraph_words(form: str) -> list[list[str]]:
    return [words for words in (_WORD.findall(line) for line in form.casefold().splitlines()) if words]


def shingle_hashes(text: str, shingle_size: int) -> np.ndarray:
    """Unique 64-bit hashes of the word ``shingle_size``-grams of each paragraph (line) of the
    text in comparison form.

    Shingles never span two paragraphs, so reordered paragraphs give the same set and each
    paragraph's share of the set is known (the furniture rule needs it). A paragraph shorter
    than one shingle is a single shingle of all its words; an empty text has none.
    """
    return _paragraph_shingles(comparison_paragraphs(text), shingle_size)[0]


def _paragraph_shingles(paragraphs: list[list[str]], shingle_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unique shingle hashes, shingles per paragraph, the paragraph of each unique shingle) of
    paragraphs given as word lists."""
    if not paragraphs:
        return np.empty(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.fromiter((len(p) for p in paragraphs), dtype=np.int64, count=len(paragraphs))
    tokens = _HASHER.tokens([word for words in paragraphs for word in words])
    parts, owners = [], []
    total, size = len(tokens), shingle_size
    with np.errstate(over="ignore"):
        if total >= size and lengths.max() >= size:
            count = total - size + 1
            combined = np.zeros(count, dtype=np.uint64)
            for offset in range(size):
                combined = combined * np.uint64(0x9E3779B97F4A7C15) + tokens[offset : offset + count]
            owner = np.repeat(np.arange(len(paragraphs)), lengths)
            inside = owner[:count] == owner[size - 1 :]
            parts.append(combined[inside])
            owners.append(owner[:count][inside])
        short = np.flatnonzero(lengths < size)
        if short.size:
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            values = []
            for index in short.tolist():
                value = np.uint64(0)
                for token in tokens[starts[index] : starts[index] + lengths[index]]:
                    value = value * np.uint64(0x9E3779B97F4A7C15) + token
                values.append(value)
            parts.append(np.array(values, dtype=np.uint64))
            owners.append(short)
    unique, first = np.unique(_mix64(np.concatenate(parts)), return_index=True)
    owner_of = np.concatenate(owners)[first]
    # each distinct shingle counts once, for the first paragraph holding it: the counts add up to
    # the set's size, so leaving paragraphs out never takes away more than the set holds
    return unique, np.bincount(owner_of, minlength=len(paragraphs)), owner_of


def _paragraph_keys(paragraphs: list[list[str]], counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique (paragraph hash, its shingle count) rows, shape (n, 2), and the row of each
    paragraph: a paragraph's identity is its words in comparison form (case, spacing,
    punctuation, tone placement ignored)."""
    hashes = [_hash63(" ".join(words)) for words in paragraphs]
    keys: dict[int, int] = {}
    for key, count in zip(hashes, counts.tolist()):
        keys.setdefault(key, count)
    rows = np.array(sorted(keys.items()), dtype=np.uint64).reshape(-1, 2)
    position = {int(key): row for row, key in enumerate(rows[:, 0].tolist())}
    return rows, np.fromiter((position[key] for key in hashes), dtype=np.int64, count=len(hashes))


def _hash63(text: str) -> int:
    """A 63-bit hash: fits SQLite's signed INTEGER."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: breaks the linear structure of the shingle combination."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values = values * np.uint64(0xBF58476D1CE4E5B9)
        values = values ^ (values >> np.uint64(27))
        values = values * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


class MinHasher:
    """``num_perm`` multiply-shift hash functions (high 32 bits of a*x + b mod 2^64) and their minima.

    Inputs are already mixed 64-bit shingle hashes, so this cheap universal family is enough;
    measured estimate error against exact Jaccard is in ``tests/test_similarity.py``.
    """

    def __init__(self, num_perm: int) -> None:
        rng = np.random.default_rng(_SEED)
        self.num_perm = num_perm
        self._a = (rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[:, None]
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)[:, None]

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """uint32 signature; all-ones (the empty-set signature) when there are no shingles."""
        if shingles.size == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        with np.errstate(over="ignore"):
            permuted = (self._a * shingles[None, :] + self._b) >> np.uint64(32)
        return permuted.min(axis=1).astype(np.uint32)

    def signature_and_argmin(self, shingles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The signature and, per position, the index in ``shingles`` of the minimum (-1 when empty)."""
        if shingles.size == 0:
            return self.signature(shingles), np.full(self.num_perm, -1, dtype=np.int64)
        with np.errstate(over="ignore"):
            permuted = (self._a * shingles[None, :] + self._b) >> np.uint64(32)
        argmin = permuted.argmin(axis=1)
        return permuted[np.arange(self.num_perm), argmin].astype(np.uint32), argmin


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Share of equal signature positions: an unbiased Jaccard estimate (std <= 0.5/sqrt(n))."""
    return float(np.count_nonzero(first == second)) / len(first)


def containment_from_jaccard(jaccard: float, size_a: int, size_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from Jaccard and the set sizes: |A ∩ B| = J(|A|+|B|)/(1+J)."""
    if min(size_a, size_b) == 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / (1.0 + jaccard) / min(size_a, size_b))


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positive + false negative area around ``threshold``.

    Same criterion as datasketch's MinHashLSH (equal weights), integrated numerically.
    """
    grid = np.linspace(0.0, 1.0, 401)
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            collide = 1.0 - (1.0 - grid**rows) ** bands
            false_pos = np.trapezoid(np.where(grid < threshold, collide, 0.0), grid)
            false_neg = np.trapezoid(np.where(grid >= threshold, 1.0 - collide, 0.0), grid)
            error = false_pos + false_neg
            if best is None or error < best[0]:
                best = (error, bands, rows)
    assert best is not None
    return best[1], best[2]


# --- facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """The facts of one text: sorted unique (context hash, value hash, value number) rows, shape
    (n, 3), and the values' spellings. The value number is 1 + the value's index in ``values``
    for a value without a digit (a name or a word, whose typos the fact check forgives, see
    :func:`typo_near`), 0 for numbers and dates (which must match exactly)."""

    rows: np.ndarray
    values: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)


def fact_pairs(text: str, width: int = CONTEXT_WIDTH) -> Facts:
    """The facts of ``text`` (:class:`Facts`).

    A fact is a run of tokens that hold a digit or start with a capital letter; its
    context is the ``width`` tokens on each side (casefolded, facts masked, paragraph breaks
    and punctuation kept). Facts within ``width`` tokens of the end of the text are left out:
    that is where a republishing portal adds its "Theo <source>" line, which would otherwise look
    like a substituted name. A context ends at its paragraph's edge (padded with paragraph marks),
    so moving paragraphs changes no context; the text's start is a paragraph's start like any
    other, so the date opening a notice ("Am 24. März veranstaltet ...", "Ngày 12/3, tại ...") is
    a fact of it (a dateline a portal puts before it changes that context, and adds no conflict).
    A fact whose context holds no word (only other facts, marks and breaks: a subheading, a
    dateline "HẢI PHÒNG -") is left out, and so is a label: the words opening a paragraph right before a
    colon ("Ảnh:", "Photo:", "Update:", "Kurz:"), which two portals choose each its own for one caption
    or summary (what follows the colon is compared). The text is read in comparison form (one tone placement:
    "Uỷ ban" and "Ủy ban" are one name).
    """
    return _fact_pairs_of_form(comparison_form(text), width)


def _fact_pairs_of_form(form: str, width: int = CONTEXT_WIDTH) -> Facts:
    masked, values = _tokens_and_facts(form)
    masked, values = [_PARAGRAPH] * width + masked, [None] * width + values  # the text starts a paragraph
    words = {token for token, value in zip(masked, values) if value is None and token[:1].isalnum()}
    named = {value for previous, value in zip(masked, values[1:]) if value is not None and previous not in _SENTENCE_END}
    pairs = set()
    index, count = 0, len(masked)
    while index < count:
        if values[index] is None:
            index += 1
            continue
        end = index
        while end < count and values[end] is not None:
            end += 1
        if index >= width and end + width <= count:
            left, right = masked[index - width : index], masked[end : end + width]
            if _PARAGRAPH in left:  # the context ends at the paragraph's edge: paragraphs move
                edge = len(left) - 1 - left[::-1].index(_PARAGRAPH)
                left = [_PARAGRAPH] * (edge + 1) + left[edge + 1 :]
            if _PARAGRAPH in right:
                right = right[: right.index(_PARAGRAPH)] + [_PARAGRAPH] * (width - right.index(_PARAGRAPH))
            around = left + ["\x1e"] + right
            label = left[-1] == _PARAGRAPH and right[0] == ":"  # "Ảnh:", "Photo:", "Update:" opening a paragraph
            if not label and any(token in words for token in around):  # a context of masks, marks and breaks says nothing
                value = _VALUE_KEYS.get(run := "\x1f".join(values[index:end]))
                if value is None:
                    if len(_VALUE_KEYS) > _TOKEN_CACHE_LIMIT:
                        _VALUE_KEYS.clear()
                    value = _VALUE_KEYS[run] = _hash64(run)
                opening = end == index + 1 and masked[index - 1] in _SENTENCE_END and run not in named
                pairs.add((_hash64("\x1f".join(around)), value, _OPENING + run if opening else run))
        index = end
    spellings = sorted({run for _, _, run in pairs if not all(_HAS_DIGIT.search(word) for word in run.split("\x1f"))})
    number = {run: n for n, run in enumerate(spellings, start=1)}
    rows = sorted((context, value, number.get(run, 0)) for context, value, run in pairs)
    return Facts(np.array(rows, dtype=np.uint64).reshape(-1, 3), tuple(spellings))


#: Where a lone capitalised word stands after a sentence's end (or a paragraph's start).
_SENTENCE_END = frozenset({".", "!", "?", _PARAGRAPH})
#: Marks the spelling of a lone capitalised word opening a sentence ("Start by ...", "What you
#: need") that the text capitalises nowhere inside a sentence: its capital is the sentence's, not a
#: name's, and two such words in one context are one word with up to three typing errors
#: (:func:`_opening_slips`). Rows stored before it have no mark and keep the stricter rule.
_OPENING = "\x02"

#: Value hash per fact value: names, dates and numbers recur.
_VALUE_KEYS: dict[str, int] = {}


def typo_near(first: str, second: str) -> bool:
    """Whether two fact values (words joined by ``\x1f``) are one spelling with typing errors:
    word for word the same, but that a word differs from its counterpart by one letter swapped with
    its neighbour, mistyped, added or dropped (anywhere in the word, a word of any length but one
    letter; two in a word of :data:`TWO_SLIPS_MIN_LENGTH` letters or more, unless they are two letters
    replaced in place, nothing added, dropped or swapped, in a word under :data:`IN_PLACE_MIN_LENGTH`
    letters: "Berger"/"Becker" is another name,
    "Piping"/"Pipug" a slip); of a value of several
    words, one word at least is unchanged. Never a number or a date
    (a word holding a digit must match exactly), and never a letter that differs only in its
    diacritics ("An" and "Ân", "Hùng" and "Hưng", "Lan" and "Lân" are other people): a keyboard slip
    gives another letter, not another tone."""
    if first == second:
        return True
    if first[:1] == _OPENING or second[:1] == _OPENING:
        loose = first[:1] == second[:1] == _OPENING
        first, second = first.lstrip(_OPENING), second.lstrip(_OPENING)
        if loose and not _HAS_DIGIT.search(first + second):
            return _opening_slips(first, second)
        if first == second:
            return True
    words_a, words_b = first.split("\x1f"), second.split("\x1f")
    if len(words_a) != len(words_b):
        return False
    differing = [(a, b) for a, b in zip(words_a, words_b) if a != b]
    return (len(differing) <= max(1, len(words_a) - 1)
            and all(not _HAS_DIGIT.search(a + b) and (_one_slip(a, b) or _two_slips(a, b)) for a, b in differing))


#: Shortest word (letters, the longer of the two spellings) in which two typing errors are forgiven
#: (one in any word).
TWO_SLIPS_MIN_LENGTH = 6
#: Shortest word in which two letters replaced in place are two slips too ("Exchange"/"Hxchynge"); in shorter
#: words of one length they are another name ("Berger"/"Becker").
IN_PLACE_MIN_LENGTH = 8


def _two_slips(a: str, b: str) -> bool:
    """Two typing errors (optimal string alignment distance 2) between two words of which the longer
    has :data:`TWO_SLIPS_MIN_LENGTH` letters or more, none of them a change of diacritics only, and not
    two letters replaced in place in words of one length under :data:`IN_PLACE_MIN_LENGTH` letters (how
    names of one length differ)."""
    if max(len(a), len(b)) < TWO_SLIPS_MIN_LENGTH or abs(len(a) - len(b)) > 2 or _plain(a) == _plain(b):
        return False
    if len(a) == len(b) < IN_PLACE_MIN_LENGTH and sum(x != y for x, y in zip(a, b)) == 2:
        return False  # two letters replaced in place, nothing added, dropped or swapped: another name ("Berger"/"Becker")
    return _osa_distance(a, b, 2) <= 2


def _opening_slips(a: str, b: str) -> bool:
    """Typing errors in a word opening a sentence: up to two in a word of three letters or more,
    three from five letters, never a change of diacritics only."""
    longer = max(len(a), len(b))
    limit = 3 if longer >= 5 else 2 if longer >= 3 else 1
    if _plain(a) == _plain(b) or abs(len(a) - len(b)) > limit:
        return False
    return _osa_distance(a, b, limit) <= limit


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a change of diacritics counts 3), stopping past ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            substitution = 0 if a[i - 1] == b[j - 1] else (3 if _same_letter(a[i - 1], b[j - 1]) else 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _one_slip(a: str, b: str) -> bool:
    """One typing error between two different words of two letters or more."""
    if len(a) < len(b):
        a, b = b, a
    if len(b) < 2 or len(a) - len(b) > 1:
        return False
    start = 0
    while start < len(b) and a[start] == b[start]:
        start += 1
    if len(a) > len(b):  # one letter added: the longer without it is the shorter
        return a[start + 1 :] == b[start:]
    if a[start + 1 :] == b[start + 1 :]:  # one letter mistyped
        return not _same_letter(a[start], b[start])
    return (start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
            and a[start + 2 :] == b[start + 2 :])  # two neighbours swapped


def _plain(word: str) -> str:
    """The word without diacritics."""
    return "".join(c for c in unicodedata.normalize("NFD", word.replace("đ", "d")) if not unicodedata.combining(c))


def _same_letter(a: str, b: str) -> bool:
    """The same base letter with other diacritics (``u`` ``ư`` ``ù``; ``d`` ``đ``)."""
    base = {"đ": "d"}
    return bool(a and b) and (base.get(a, unicodedata.normalize("NFD", a)[0])
                              == base.get(b, unicodedata.normalize("NFD", b)[0]))


def _tokens_and_facts(text: str) -> tuple[list[str], list[str | None]]:
    """Masked context tokens and, per token, its fact value (None for a non-fact).

    One ``findall`` of plain strings and one cache lookup per token: a language has a few
    thousand distinct words and numbers, so the per-token work is done once per distinct string."""
    cache = _TOKEN_CACHE
    if len(cache) > _TOKEN_CACHE_LIMIT:
        cache.clear()
    masked: list[str] = []
    values: list[str | None] = []
    for token in _TOKEN_TEXT.findall(text):
        entry = cache.get(token)
        if entry is None:
            entry = cache[token] = _token_entry(token)
        masked.append(entry[0])
        values.append(entry[1])
    return masked, values


#: The alternatives of ``_TOKEN`` without groups: numbers, words, line breaks, marks.
_TOKEN_TEXT = re.compile(r"\d+(?:[.,:/\-h]\d+)*(?!\w)|\w+|\n+|[^\w\s]")
_NUMBER = re.compile(r"\d+(?:[.,:/\-h]\d+)*")
#: (masked token, fact value) per distinct token string.
_TOKEN_CACHE: dict[str, tuple[str, str | None]] = {}
_TOKEN_CACHE_LIMIT = 200_000


def _token_entry(token: str) -> tuple[str, str | None]:
    if _NUMBER.fullmatch(token):  # the first alternative matched (a word never is digits and separators only)
        return _MASK, ".".join(group.lstrip("0") or "0" for group in _DIGIT_GROUPS.findall(token))
    if token[0] == "\n":
        return _PARAGRAPH, None
    if _WORD_CHAR.match(token):
        return _word_token(token)
    return token, None


_WORD_CHAR = re.compile(r"\w")


def _word_token(word: str) -> tuple[str, str | None]:
    if word[0].isupper() or _HAS_DIGIT.search(word):
        return _MASK, word.casefold()
    return word.casefold(), None


def facts_conflict(first: Facts, second: Facts) -> bool:
    """True when some context holds value sets in the two texts neither of which contains the other.

    Values that are one spelling with one typing error (:func:`typo_near`) do not conflict: an
    edited copy makes or fixes typos in names and in the capitalised first word of a sentence; a
    template family substitutes other names, numbers and dates."""
    if len(first) == 0 or len(second) == 0:
        return False
    shared = np.intersect1d(first.rows[:, 0], second.rows[:, 0], assume_unique=False)
    if shared.size == 0:
        return False
    values_a = _values_by_context(first, shared)
    values_b = _values_by_context(second, shared)
    for context, a in values_a.items():
        b = values_b[context]
        if a.keys() <= b.keys() or b.keys() <= a.keys():
            continue
        only_a = [a[v] for v in a.keys() - b.keys()]
        only_b = [b[v] for v in b.keys() - a.keys()]
        if None in only_a or None in only_b:
            return True
        if not (all(any(typo_near(x, y) for y in only_b) for x in only_a)
                and all(any(typo_near(y, x) for x in only_a) for y in only_b)):
            return True
    return False


def _values_by_context(facts: Facts, contexts: np.ndarray) -> dict[int, dict[int, str | None]]:
    """Per context, value hash -> its spelling (None for a number or date, or when unknown)."""
    rows = facts.rows
    selected = rows[np.isin(rows[:, 0], contexts)]
    spellings = facts.values
    grouped: dict[int, dict[int, str | None]] = {}
    for context, value, number in selected.tolist():
        grouped.setdefault(context, {})[value] = spellings[number - 1] if 0 < number <= len(spellings) else None
    return grouped


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


# --- persistent index ---------------------------------------------------------------------

#: Version of what a fingerprint is computed from (part of the layout in ``dedup_meta``): 2 = per-
#: paragraph shingles of the comparison form (one tone placement), with paragraph keys; 3 = fact
#: contexts end at the paragraph, with spelling keys; 4 = the spellings of the fact values are kept
#: (``fact_values``) and ``fact_keys`` numbers them (typo tolerance at any letter of any word); 5 = the
#: text's opening words are a fact context; 6 = a paragraph's opening label ("Ảnh:") is no fact.
TEXT_FORM = "6"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_signatures (
    article_id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    shingle_count INTEGER NOT NULL,
    signature BLOB NOT NULL,
    facts BLOB NOT NULL,
    day INTEGER NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    paragraphs BLOB NOT NULL DEFAULT x'',
    owners BLOB NOT NULL DEFAULT x'',
    fact_keys BLOB NOT NULL DEFAULT x'',
    fact_values TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS dedup_signatures_content_hash ON dedup_signatures (content_hash);
CREATE INDEX IF NOT EXISTS dedup_signatures_story ON dedup_signatures (story_id);
CREATE TABLE IF NOT EXISTS dedup_bands (
    epoch INTEGER NOT NULL,
    band INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    PRIMARY KEY (epoch, band, bucket, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedup_paragraphs (
    epoch INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    host TEXT NOT NULL,
    day INTEGER NOT NULL,
    PRIMARY KEY (epoch, paragraph, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedup_furniture (
    paragraph INTEGER PRIMARY KEY,
    host TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_edges (
    article_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY (article_id, other_id)
) WITHOUT ROWID;
"""

#: :attr:`Fingerprint.owners` value for "no paragraph known" (empty text, or beyond 255 paragraphs).
NO_OWNER = 255
#: Below this many shingles of its own a text is not compared on its own part: too little to judge.
MIN_OWN_SHINGLES = 8
#: Two articles of one host sharing paragraphs are *unrelated* (the shared paragraphs are the host's
#: furniture) when each keeps at least this share of its shingles outside them ...
FURNITURE_MIN_OWN_SHARE = 0.15
#: ... or, with only :data:`MIN_OWN_SHINGLES` of their own each, when this many articles of any hosts
#: hold the paragraphs and are pairwise unrelated (see :meth:`StoryIndex._learn_furniture`).
FURNITURE_MIN_ARTICLES = 3
#: ... and their own parts overlap less than this (containment of the smaller own part).
FURNITURE_MAX_OWN_CONTAINMENT = 0.7
#: An article's own paragraphs (those the other does not hold word for word) are found in the other
#: when at least this share of the signature positions whose minimum lies in them are equal in both.
OWN_FOUND_MAX = 0.3
#: Same-host articles read when looking for furniture evidence for one article (most recent first).
PARAGRAPH_CAP = 64
#: Components larger than this are clustered without cannot-link checks (a guard; never seen).
CANNOT_LINK_CAP = 48
#: Components larger than this are not recomputed at all (a guard against one text on thousands of pages).
COMPONENT_CAP = 256


def day_number(published: date | datetime | str | None) -> int:
    """Proleptic Gregorian ordinal of the publication day; today when unknown.

    An ISO 8601 string counts by its own (portal-local) calendar date: "2023-06-21T23:30:00+07:00"
    is day 2023-06-21, as the portal shows it.
    """
    if published is None:
        return date.today().toordinal()
    if isinstance(published, datetime):
        return published.date().toordinal()
    if isinstance(published, date):
        return published.toordinal()
    return date.fromisoformat(published.strip()[:10]).toordinal()


@dataclass(frozen=True)
class Fingerprint:
    """Everything the index stores about one body text."""

    content_hash: str
    shingle_count: int
    signature: np.ndarray
    facts: Facts
    #: (paragraph hash, shingles in it) rows sorted by hash, shape (n, 2)
    paragraphs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.uint64))
    #: per signature position, the row in ``paragraphs`` of the paragraph holding the minimum
    #: shingle (:data:`NO_OWNER` when unknown): what lets two texts be compared without some paragraphs
    owners: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))


@dataclass(frozen=True)
class Match:
    """A verified near-duplicate: stored article, its story, estimated Jaccard."""

    article_id: int
    story_id: int
    similarity: float


@dataclass(frozen=True)
class _Stored:
    """A stored article as verification reads it."""

    article_id: int
    story_id: int
    content_hash: str
    shingle_count: int
    signature: np.ndarray
    facts: Facts
    paragraphs: np.ndarray
    host: str
    day: int
    owners: np.ndarray

    @classmethod
    def from_row(cls, row: tuple) -> _Stored:
        article_id, story_id, content_hash_, shingle_count, signature, facts, paragraphs, host, day, owners, fact_keys, \
            fact_values = row
        return cls(
            article_id, story_id, content_hash_, shingle_count, np.frombuffer(signature, dtype="<u4"),
            _facts_from(facts, fact_keys, fact_values), np.frombuffer(paragraphs, dtype="<u8").reshape(-1, 2),
            host, day, np.frombuffer(owners, dtype=np.uint8),
        )


_STORED_COLUMNS = ("article_id, story_id, content_hash, shingle_count, signature, facts, paragraphs, host, day, owners, "
                   "fact_keys, fact_values")
#: What :meth:`StoryIndex._verified` reads of every candidate to screen it (the facts only of the few left).
_SCREEN_COLUMNS = "article_id, content_hash, shingle_count, signature, paragraphs"
#: Separates the spellings in ``dedup_signatures.fact_values`` (never part of a word).
_VALUE_SEPARATOR = "\x1e"


def _facts_from(facts: bytes, keys: bytes, spellings: str) -> Facts:
    """The stored facts; rows of an older text form (no spellings kept) have no typo tolerance."""
    pairs = np.frombuffer(facts, dtype="<u8").reshape(-1, 2)
    numbers = np.frombuffer(keys, dtype="<u8")
    if not spellings or numbers.size != len(pairs):
        return Facts(np.column_stack([pairs, np.zeros(len(pairs), dtype=np.uint64)]))
    return Facts(np.column_stack([pairs, numbers]), tuple(spellings.split(_VALUE_SEPARATOR)))


class StoryIndex:
    """Story assignment over a SQLite connection (tables ``dedup_*``); never commits.

    ``window_days``: near-duplicate candidates are articles published at most this many days
    before or after the new one (exact duplicates are found at any distance). On a new
    database it also sets the epoch length of the band table, which is then kept for good.

    After each :meth:`assign`, :attr:`moved` maps the *stored* articles whose story changed
    (stories merged or split by the new article) to their new story.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_size: int = DEFAULT_SHINGLE_SIZE,
        min_containment: float = DEFAULT_MIN_CONTAINMENT,
        bucket_cap: int = BUCKET_CAP,
        verify_facts: bool = True,
        window_days: int = DEFAULT_WINDOW_DAYS,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if window_days < 1:
            raise ValueError(f"window_days must be at least 1, not {window_days}")
        self.conn = conn
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.min_containment = min_containment
        self.bucket_cap = bucket_cap
        self.verify_facts = verify_facts
        self.window_days = window_days
        self.epoch_days = window_days  # replaced by the stored value in ensure_schema()
        self.bands, self.rows = _cached_lsh_params(round(threshold * LSH_SLACK, 2), num_perm)
        self.minhasher = MinHasher(num_perm)
        self.moved: dict[int, int] = {}
        #: True after :meth:`ensure_schema` found tables of an older text form: their rows compare
        #: differently from new ones, so the owner should :meth:`rebuild` them from the texts.
        self.stale = False
        self._furniture_known: set[int] = set()  # furniture only grows: a positive cache
        self._last_buckets: tuple[bytes, list[tuple[int, int]]] = (b"", [])
        self._queries: dict[int, str] = {}  # candidate lookup statements by number of epochs

    # schema ----------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the tables if missing, upgrade older ones; refuse other LSH parameters.

        Tables from before the time partition are re-partitioned; tables from before the current
        text form (:data:`TEXT_FORM`) get its columns and are accepted, their rows compared as
        they are, and :attr:`stale` is set (the dedup step then rebuilds them from its articles)."""
        legacy = _columns(self.conn, "dedup_bands") and "epoch" not in _columns(self.conn, "dedup_bands")
        columns = _columns(self.conn, "dedup_signatures")
        for name, declaration in (("host", "TEXT NOT NULL DEFAULT ''"), ("paragraphs", "BLOB NOT NULL DEFAULT x''"),
                                  ("owners", "BLOB NOT NULL DEFAULT x''"), ("fact_keys", "BLOB NOT NULL DEFAULT x''"),
                                  ("fact_values", "TEXT NOT NULL DEFAULT ''")):
            if columns and name not in columns:
                self.conn.execute(f"ALTER TABLE dedup_signatures ADD COLUMN {name} {declaration}")
        for statement in _statements(_SCHEMA):
            if not (legacy and "dedup_bands" in statement and "CREATE TABLE" in statement):
                self.conn.execute(statement)  # not executescript: it would COMMIT the caller's transaction
        stored = dict(self.conn.execute("SELECT name, value FROM dedup_meta").fetchall())
        self.epoch_days = int(stored.get("epoch_days", self.window_days))
        wanted = self._layout()
        if stored and stored.get("text_form") != TEXT_FORM and int(stored.get("text_form", "1")) < int(TEXT_FORM):
            self.conn.execute("INSERT OR REPLACE INTO dedup_meta (name, value) VALUES ('text_form', ?)", (TEXT_FORM,))
            stored["text_form"] = TEXT_FORM
            self.stale = True
        if not stored:
            self.conn.executemany("INSERT INTO dedup_meta (name, value) VALUES (?, ?)", sorted(wanted.items()))
        elif legacy and stored == {k: v for k, v in wanted.items() if k != "epoch_days"}:
            self._partition_legacy_bands()
        elif stored != wanted:
            raise ValueError(f"dedup tables were built with {stored}, this index uses {wanted}: rebuild them")

    def _layout(self) -> dict[str, str]:
        """What decides the on-disk bands: the threshold matters only through bands/rows."""
        return {
            "num_perm": str(self.minhasher.num_perm),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "shingle_size": str(self.shingle_size),
            "seed": str(_SEED),
            "bucket_bits": "32",
            "epoch_days": str(self.epoch_days),
            "text_form": TEXT_FORM,
        }

    def _partition_legacy_bands(self) -> None:
        """Upgrade tables from before the time partition: their articles' dates were not kept,
        so they are filed under the day of the upgrade (candidates for one more window)."""
        today = date.today().toordinal()
        if "day" not in _columns(self.conn, "dedup_signatures"):
            self.conn.execute(f"ALTER TABLE dedup_signatures ADD COLUMN day INTEGER NOT NULL DEFAULT {today}")
        self.conn.execute("DROP TABLE dedup_bands")
        for statement in _statements(_SCHEMA):
            if "TABLE IF NOT EXISTS dedup_bands" in statement:
                self.conn.execute(statement)
        stored = self.conn.execute("SELECT article_id, signature, day FROM dedup_signatures WHERE shingle_count > 0")
        for article_id, signature, day in stored.fetchall():
            self._insert_bands(article_id, day, np.frombuffer(signature, dtype="<u4"))
        self.conn.execute("INSERT INTO dedup_meta (name, value) VALUES ('epoch_days', ?)", (str(self.epoch_days),))

    # fingerprints ----------------------------------------------------------------------

    def fingerprint_layout(self) -> tuple:
        """What a :meth:`fingerprint` depends on: one computed by another index (a distributed
        worker's) can be used here when these agree."""
        return (self.minhasher.num_perm, self.shingle_size, _SEED, TEXT_FORM)

    def fingerprint(self, text: str) -> Fingerprint:
        form = comparison_form(text)
        paragraphs = _paragraph_words(form)
        shingles, counts, shingle_paragraph = _paragraph_shingles(paragraphs, self.shingle_size)
        signature, argmin = self.minhasher.signature_and_argmin(shingles)
        keys, key_row = _paragraph_keys(paragraphs, counts)
        owners = np.full(signature.size, NO_OWNER, dtype=np.uint8)
        if shingles.size:
            rows = key_row[shingle_paragraph[argmin]]
            owners = np.where(rows < NO_OWNER, rows, NO_OWNER).astype(np.uint8)
        return Fingerprint(
            content_hash=content_hash(text),
            shingle_count=int(shingles.size),
            signature=signature,
            facts=_fact_pairs_of_form(form),
            paragraphs=keys,
            owners=owners,
        )

    def _buckets(self, signature: np.ndarray) -> list[tuple[int, int]]:
        """(band, bucket) keys: a 32-bit hash of each band's rows.

        32 bits keep the band index small (4-byte varints) so more of it stays in cache;
        a chance collision only adds a candidate that verification then rejects.
        """
        raw = signature.astype("<u4").tobytes()
        if self._last_buckets[0] == raw:
            return self._last_buckets[1]
        width = self.rows * 4
        buckets = [
            (band, int.from_bytes(hashlib.blake2b(raw[band * width : (band + 1) * width], digest_size=4).digest(), "little"))
            for band in range(self.bands)
        ]
        self._last_buckets = (raw, buckets)  # an article's buckets are read to look up, then to store
        return buckets

    def _epochs(self, first_day: int, last_day: int) -> list[int]:
        return list(range(first_day // self.epoch_days, last_day // self.epoch_days + 1))

    # queries ---------------------------------------------------------------------------

    def match(self, text: str, published: date | datetime | str | None = None) -> list[tuple[int, float]]:
        """Stored articles that are the same story as ``text``, best first: (article_id, similarity)."""
        return [(m.article_id, m.similarity) for m in self.matches(self.fingerprint(text), day_number(published))]

    def matches(self, fingerprint: Fingerprint, day: int | None = None, exclude: Iterable[int] = ()) -> list[Match]:
        """Exact duplicates (similarity 1.0, any date) then verified near-duplicates published
        within ``window_days`` of ``day`` (default today), best first."""
        day = date.today().toordinal() if day is None else day
        skip = set(exclude)
        found = {m.article_id: m for m in self._exact(fingerprint) if m.article_id not in skip}
        if fingerprint.shingle_count:
            candidates = self._candidates(fingerprint, day, exclude=skip | found.keys())
            for candidate in self._verified(fingerprint, candidates):
                found.setdefault(candidate.article_id, candidate)
        return sorted(found.values(), key=lambda m: (-m.similarity, -m.article_id))

    def _exact(self, fingerprint: Fingerprint) -> list[Match]:
        rows = self.conn.execute(
            "SELECT article_id, story_id FROM dedup_signatures WHERE content_hash = ? ORDER BY article_id DESC LIMIT ?",
            (fingerprint.content_hash, self.bucket_cap),
        ).fetchall()
        return [Match(article_id, story_id, 1.0) for article_id, story_id in rows]

    def _candidates(self, fingerprint: Fingerprint, day: int, exclude: Iterable[int]) -> list[int]:
        """Articles of the window around ``day`` sharing at least one band bucket.

        One capped lookup per band and epoch overlapping the window (at most 3 epochs): the
        cost depends on how many articles a window holds, not on the size of the database. The
        lookups go to SQLite as one statement (a UNION ALL of the capped lookups, each with its
        own LIMIT): one round trip per article instead of one per band. Each lookup names one
        epoch (``epoch = ?``, not ``epoch IN (...)``), so it reads the primary key newest first and
        stops at the cap; with an ``IN`` list SQLite sorted every band's rows in a temporary
        b-tree (32 of them per article). A band's epochs are merged here, newest first, to the cap.
        """
        first, last = day - self.window_days, day + self.window_days
        epochs = self._epochs(first, last)
        params: list[int] = []
        for band, bucket in self._buckets(fingerprint.signature):
            for epoch in epochs:
                params += (epoch, band, bucket, first, last, self.bucket_cap)
        per_band: dict[int, list[int]] = {}
        for band, article_id in self.conn.execute(self._candidates_query(len(epochs)), params):
            per_band.setdefault(band, []).append(article_id)
        seen: set[int] = set(exclude)
        found = []
        for ids in per_band.values():
            if len(epochs) > 1:
                ids = sorted(ids, reverse=True)[: self.bucket_cap]
            for article_id in ids:
                if article_id not in seen:
                    seen.add(article_id)
                    found.append(article_id)
        return found

    def _candidates_query(self, epochs: int) -> str:
        query = self._queries.get(epochs)
        if query is None:
            one = (
                "SELECT * FROM (SELECT band, article_id FROM dedup_bands WHERE epoch = ? AND band = ? AND bucket = ? "
                "AND day BETWEEN ? AND ? ORDER BY article_id DESC LIMIT ?)"
            )
            query = self._queries[epochs] = " UNION ALL ".join([one] * (self.bands * epochs))
        return query

    def _rows(self, article_ids: Iterable[int], columns: str = _STORED_COLUMNS) -> list[tuple]:
        ids = sorted(set(article_ids))
        rows: list[tuple] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows += self.conn.execute(
                f"SELECT {columns} FROM dedup_signatures WHERE article_id IN ({','.join('?' * len(chunk))})", chunk
            )
        return rows

    def _load(self, article_ids: Iterable[int]) -> dict[int, _Stored]:
        return {row[0]: _Stored.from_row(row) for row in self._rows(article_ids)}

    def _verified(self, fingerprint: Fingerprint, article_ids: list[int]) -> list[Match]:
        """The candidates that pass :meth:`_verify`.

        Most candidates are chance band collisions (on the fleet replica about 30 per article, at
        an estimated Jaccard near 0.2), so they are rejected first without decoding their rows,
        by a bound that :meth:`_verify` can never exceed. Leaving out furniture never raises the
        estimate (the share of equal positions among the rest is at most the plain one), so with
        a plain estimate ``J`` below the threshold only the exactly shared paragraphs can carry a
        candidate past (a): their ``s`` shingles give at most ``s / (|A| + |B| - s)``, which
        leaving out ``f`` of them as furniture only lowers. A candidate with another text, ``J``
        and that bound both below the threshold is rejected. The estimates of all candidates
        are one comparison of their stacked signatures; the others get the full checks."""
        if not article_ids:
            return []
        rows = self._rows(article_ids, _SCREEN_COLUMNS)  # (article_id, content_hash, shingle_count, signature, paragraphs)
        signature = fingerprint.signature
        stacked = np.frombuffer(b"".join(row[3] for row in rows), dtype="<u4")
        equal = None
        if stacked.size == len(rows) * signature.size:
            equal = np.count_nonzero(stacked.reshape(len(rows), signature.size) == signature, axis=1).tolist()
        own = dict(fingerprint.paragraphs.tolist())  # paragraph hash -> its shingles
        size = fingerprint.shingle_count
        survivors = []
        for index, row in enumerate(rows):
            if equal is not None and row[1] != fingerprint.content_hash and float(equal[index]) / len(signature) < self.threshold:
                values = np.frombuffer(row[4], dtype="<u8").tolist()
                shared = sum(min(count, own[key]) for key, count in zip(values[::2], values[1::2]) if key in own)
                if not shared or shared / (size + row[2] - shared) < self.threshold:
                    continue
            survivors.append(row[0])
        matches = []
        for stored in self._load(survivors).values():  # the whole rows (facts and all) of the few left
            similarity = self._verify(fingerprint, stored)
            if similarity is not None:
                matches.append(Match(stored.article_id, stored.story_id, similarity))
        return matches

    def _verify(self, first: Fingerprint | _Stored, second: _Stored) -> float | None:
        """Checks (a) to (d) of the module docstring on what the two texts have of their own
        (shared furniture paragraphs left out); the estimated Jaccard when all pass."""
        if first.content_hash == second.content_hash:
            return 1.0
        jaccard = estimated_jaccard(first.signature, second.signature)
        size_a, size_b = first.shingle_count, second.shingle_count
        common, counts = _shared_paragraphs(first.paragraphs, second.paragraphs)
        in_furniture = self._in_furniture(common)
        furniture = int(counts[in_furniture].sum())
        if furniture:
            size_a, size_b = size_a - furniture, size_b - furniture
            if min(size_a, size_b) < MIN_OWN_SHINGLES:
                return None  # one of them is (nearly) all furniture: nothing of its own to compare
            shared = int(counts.sum())
            own_jaccard = _own_jaccard(first, second, common[in_furniture])
            if own_jaccard is None:  # rows from before the owners were kept
                intersection = jaccard * (first.shingle_count + second.shingle_count) / (1.0 + jaccard) - furniture
            else:
                intersection = own_jaccard * (size_a + size_b) / (1.0 + own_jaccard)
            own = min(max(shared - furniture, intersection, 0.0), size_a, size_b)
            jaccard = own / (size_a + size_b - own)
            containment = own / min(size_a, size_b)
        else:
            containment = containment_from_jaccard(jaccard, size_a, size_b)
        if jaccard < self.threshold or containment < self.min_containment:
            return None
        if common.size and _own_texts_apart(first, second, common, counts):
            return None  # two items sharing paragraphs, on any hosts (no furniture known: no host saw two)
        if self.verify_facts and facts_conflict(first.facts, second.facts):
            return None
        return jaccard

    def _in_furniture(self, paragraphs: np.ndarray) -> np.ndarray:
        """Boolean mask: which of these paragraph hashes are known furniture."""
        if not paragraphs.size:
            return np.zeros(0, dtype=bool)
        hashes = [int(p) for p in paragraphs.tolist()]
        furniture = self._furniture(hashes)
        return np.fromiter((p in furniture for p in hashes), dtype=bool, count=len(hashes))

    def _furniture(self, paragraphs: list[int]) -> set[int]:
        """Which of these paragraph hashes are known furniture."""
        unknown = [p for p in paragraphs if p not in self._furniture_known]
        for start in range(0, len(unknown), 500):
            chunk = unknown[start : start + 500]
            rows = self.conn.execute(
                f"SELECT paragraph FROM dedup_furniture WHERE paragraph IN ({','.join('?' * len(chunk))})", chunk
            )
            self._furniture_known.update(row[0] for row in rows)
        return {p for p in paragraphs if p in self._furniture_known}

    # furniture -------------------------------------------------------------------------

    def _learn_furniture(self, article: _Stored) -> set[int]:
        """Paragraphs this article shares with otherwise *unrelated* articles within the window become
        furniture; returns those that were not furniture before. Two kinds of evidence, each decided
        on the articles alone (so the furniture is the same in any arrival order):

        - a pair of one host: each keeps at least :data:`FURNITURE_MIN_OWN_SHARE` of its text outside
          the shared paragraphs and their own parts overlap less than :data:`FURNITURE_MAX_OWN_CONTAINMENT`;
        - three articles of any hosts that all hold the paragraph and are pairwise unrelated with
          only :data:`MIN_OWN_SHINGLES` of their own each (:data:`FURNITURE_MIN_ARTICLES`): a
          one-sentence event item is a small share of its text, and so is a copy's new lead or a
          paragraph another copy dropped, but three texts each with something of its own that
          neither of the others holds are three items, not one story edited (whose copies are each
          nearly contained in the original).

        A host republishing its own story (trimmed, a caption more, a typo fixed) is not evidence."""
        if not article.host or not len(article.paragraphs):
            return set()
        hashes = [int(p) for p in article.paragraphs[:, 0].tolist()]
        known = self._furniture(hashes)
        open_hashes = [p for p in hashes if p not in known]
        if not open_hashes:
            return set()
        first, last = article.day - self.window_days, article.day + self.window_days
        epochs = self._epochs(first, last)
        query = (
            f"SELECT DISTINCT article_id FROM dedup_paragraphs WHERE epoch IN ({','.join('?' * len(epochs))}) "
            f"AND paragraph IN ({','.join('?' * len(open_hashes))}) AND day BETWEEN ? AND ? AND host = ? AND article_id != ? "
            "ORDER BY article_id DESC LIMIT ?"
        )
        others = {row[0] for row in self.conn.execute(
            query, (*epochs, *open_hashes, first, last, article.host, article.article_id, PARAGRAPH_CAP))}
        if not others:
            return set()
        learned: set[int] = set()

        def learn(paragraphs: set[int], other_id: int) -> None:
            for paragraph in sorted(paragraphs - known - learned):
                self.conn.execute(
                    "INSERT OR IGNORE INTO dedup_furniture (paragraph, host, article_id, other_id) VALUES (?, ?, ?, ?)",
                    (paragraph, article.host, min(article.article_id, other_id), max(article.article_id, other_id)),
                )
                learned.add(paragraph)

        unrelated: list[tuple[_Stored, set[int]]] = []
        for other in sorted(self._load(others).values(), key=lambda s: s.article_id):
            shared = self._unrelated_share(article, other)
            if not shared:
                continue
            unrelated.append((other, shared))
            if self._unrelated_share(article, other, FURNITURE_MIN_OWN_SHARE):
                learn(shared, other.article_id)
        for (one, shared_one), (two, shared_two) in combinations(unrelated, 2):
            common = (shared_one & shared_two) - known - learned
            if common and abs(one.day - two.day) <= self.window_days:
                common &= self._unrelated_share(one, two)
                if common:
                    learn(common, one.article_id)
        self._furniture_known |= learned
        return learned

    def _unrelated_share(self, first: _Stored, second: _Stored, min_share: float = 0.0) -> set[int]:
        """The paragraphs two articles share, when they are otherwise unrelated (each keeps ``min_share``
        of its shingles, and at least :data:`MIN_OWN_SHINGLES`, outside them); else none."""
        common, counts = _shared_paragraphs(first.paragraphs, second.paragraphs)
        if not common.size:
            return set()
        shared = int(counts.sum())
        own_a, own_b = first.shingle_count - shared, second.shingle_count - shared
        for own, size in ((own_a, first.shingle_count), (own_b, second.shingle_count)):
            if own < max(MIN_OWN_SHINGLES, min_share * size):
                return set()  # one is (nearly) contained in the other: a re-post, not furniture
        if any(0 <= _own_positions(text, common) < MIN_OWN_SHINGLES for text in (first, second)):
            return set()  # too little of the signature lies in its own text to tell it from the other's
        own_jaccard = _own_jaccard(first, second, common)
        if own_jaccard is None:  # rows from before the owners were kept
            jaccard = estimated_jaccard(first.signature, second.signature)
            intersection = jaccard * (first.shingle_count + second.shingle_count) / (1.0 + jaccard) - shared
            own_containment = intersection / min(own_a, own_b)
        else:
            own_containment = containment_from_jaccard(own_jaccard, own_a, own_b)
        if own_containment >= FURNITURE_MAX_OWN_CONTAINMENT:
            return set()  # their own parts are one text, edited: the same story
        return {int(p) for p in common.tolist()}

    def _articles_with(self, paragraphs: set[int]) -> set[int]:
        """Every stored article holding one of these paragraphs, at any date."""
        low, high = self.conn.execute("SELECT min(epoch), max(epoch) FROM dedup_paragraphs").fetchone()
        if low is None or not paragraphs:
            return set()
        epochs = list(range(low, high + 1))
        found: set[int] = set()
        for start in range(0, len(epochs), 400):
            chunk = epochs[start : start + 400]
            query = f"SELECT article_id FROM dedup_paragraphs WHERE epoch IN ({','.join('?' * len(chunk))}) AND paragraph = ?"
            for paragraph in paragraphs:
                found.update(row[0] for row in self.conn.execute(query, (*chunk, paragraph)))
        return found

    # edges and clustering ----------------------------------------------------------------

    def _edges_of(self, article_ids: Iterable[int]) -> dict[int, dict[int, float]]:
        ids = sorted(set(article_ids))
        edges: dict[int, dict[int, float]] = {a: {} for a in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(
                f"SELECT article_id, other_id, similarity FROM dedup_edges WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for article_id, other_id, similarity in rows:
                edges[article_id][other_id] = similarity
        return edges

    def _add_edges(self, article_id: int, matches: list[Match]) -> None:
        rows = [(article_id, m.article_id, m.similarity) for m in matches if m.article_id != article_id]
        rows += [(other, article_id, similarity) for _, other, similarity in rows]
        self.conn.executemany("INSERT OR REPLACE INTO dedup_edges (article_id, other_id, similarity) VALUES (?, ?, ?)", rows)

    def _reverify_edges(self, article_ids: set[int]) -> set[int]:
        """Check again every edge of these articles (their shared paragraphs became furniture);
        drop those that no longer pass. Returns the articles whose edges changed."""
        edges = self._edges_of(article_ids)
        pairs = {(min(a, b), max(a, b)) for a, others in edges.items() for b in others}
        if not pairs:
            return set()
        stored = self._load({x for pair in pairs for x in pair})
        touched: set[int] = set()
        for a, b in sorted(pairs):
            if a in stored and b in stored and self._verify(stored[a], stored[b]) is None:
                self.conn.execute("DELETE FROM dedup_edges WHERE (article_id = ? AND other_id = ?) OR (article_id = ? AND other_id = ?)", (a, b, b, a))
                touched.update((a, b))
        return touched

    def _component(self, seeds: set[int]) -> tuple[set[int], dict[int, dict[int, float]]]:
        """The articles connected to ``seeds`` by verified edges (and the seeds' story mates)."""
        nodes: set[int] = set()
        edges: dict[int, dict[int, float]] = {}
        frontier = set(seeds) | self._story_mates(seeds)
        while frontier and len(nodes) <= COMPONENT_CAP:
            nodes |= frontier
            found = self._edges_of(frontier)
            edges.update(found)
            frontier = {b for others in found.values() for b in others} - nodes
        return nodes, edges

    def _story_mates(self, article_ids: set[int]) -> set[int]:
        ids = sorted(article_ids)
        stories = {row[0] for row in self.conn.execute(
            f"SELECT DISTINCT story_id FROM dedup_signatures WHERE article_id IN ({','.join('?' * len(ids))})", ids)}
        if not stories:
            return set()
        ordered = sorted(stories)
        return {row[0] for row in self.conn.execute(
            f"SELECT article_id FROM dedup_signatures WHERE story_id IN ({','.join('?' * len(ordered))})", ordered)}

    def _recluster(self, seeds: set[int], article_id: int) -> None:
        """Recompute the stories of the components holding ``seeds``: one rule over the set,
        whatever order its articles came in (see "Order independence" in the module docstring).

        A component of more than :data:`COMPONENT_CAP` articles (thousands of portals printing one
        placeholder text) is not recomputed: the article joins the lowest story among its matches."""
        nodes, edges = self._component(seeds)
        if len(nodes) > COMPONENT_CAP:
            neighbours = self._edges_of([article_id])[article_id]
            stories = [s.story_id for s in self._load(neighbours).values()]
            self.conn.execute("UPDATE dedup_signatures SET story_id = ? WHERE article_id = ?",
                              (min(stories, default=article_id), article_id))
            return
        stored = self._load(nodes)
        nodes = set(stored)
        clusters = _cluster(stored, {a: {b: s for b, s in edges.get(a, {}).items() if b in nodes} for a in nodes},
                            self._cannot_link(stored) if len(stored) <= CANNOT_LINK_CAP else set())
        updates = []
        for members in clusters:
            story_id = min(members)
            for article_id in members:
                if stored[article_id].story_id != story_id:
                    updates.append((story_id, article_id))
                    self.moved[article_id] = story_id
        self.conn.executemany("UPDATE dedup_signatures SET story_id = ? WHERE article_id = ?", updates)

    def _cannot_link(self, stored: dict[int, _Stored]) -> set[tuple[int, int]]:
        """Pairs of one component that are different items for sure, never in one story however
        a third article links them: a fact conflict (template siblings), or two articles of one host
        that share paragraphs and are otherwise unrelated (different events at one venue)."""
        ids = sorted(stored)
        pairs = set()
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                first, second = stored[a], stored[b]
                if first.content_hash == second.content_hash:
                    continue
                if self.verify_facts and facts_conflict(first.facts, second.facts):
                    pairs.add((a, b))
                elif (first.host and first.host == second.host
                      and self._unrelated_share(first, second, FURNITURE_MIN_OWN_SHARE)):
                    pairs.add((a, b))
        return pairs

    # updates ---------------------------------------------------------------------------

    def add(self, article_id: int, story_id: int, text: str, published: date | datetime | str | None = None) -> None:
        """Store ``text`` as article ``article_id`` of story ``story_id`` (replacing an earlier
        version), without matching it: for loading a known grouping."""
        self._store(article_id, story_id, self.fingerprint(text), day_number(published))

    def assign(self, article_id: int, text: str, published: date | datetime | str | None = None, host: str | None = None) -> int:
        """Store the article, link it to every verified match, and recompute the stories of what it
        touches; returns its story (:attr:`moved` says which stored articles changed story).

        ``published``: the article's publication date (a date, datetime or ISO 8601 string;
        today when None), which decides the window its candidates come from. ``host``: the portal
        host it was published on; paragraphs it shares with unrelated articles of the same host
        are that host's furniture and stop counting towards similarity (no host: nothing learned).
        An article already stored under ``article_id`` (an edited page) is replaced.
        """
        return self.assign_fingerprint(article_id, self.fingerprint(text), day_number(published), host)

    def assign_fingerprint(self, article_id: int, fingerprint: Fingerprint, day: int, host: str | None = None) -> int:
        """:meth:`assign` for a fingerprint already computed (one text fed to several indexes)."""
        self.moved = {}
        seeds = {article_id}
        known = self.story_of(article_id) is not None
        if known:  # an edited article: what it was linked to may fall apart
            seeds |= set(self._edges_of([article_id])[article_id]) | self._story_mates({article_id})
        found = self.matches(fingerprint, day, exclude=[article_id])
        self._store(article_id, article_id, fingerprint, day, host or "", replace=known)
        self._add_edges(article_id, found)
        seeds |= {m.article_id for m in found}
        if host:
            stored = _Stored(article_id, article_id, fingerprint.content_hash, fingerprint.shingle_count,
                             fingerprint.signature, fingerprint.facts, fingerprint.paragraphs, host, day,
                             fingerprint.owners)
            learned = self._learn_furniture(stored)
            if learned:
                seeds |= self._reverify_edges(self._articles_with(learned))
        if len(seeds) > 1:
            self._recluster(seeds, article_id)
        self.moved.pop(article_id, None)
        return self.story_of(article_id) if len(seeds) > 1 else article_id

    def remove(self, article_id: int) -> None:
        """Forget an article. Its band rows are found from its signature and day (no extra index)."""
        row = self.conn.execute(
            "SELECT signature, day, paragraphs FROM dedup_signatures WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return
        epoch = row[1] // self.epoch_days
        self.conn.executemany(
            "DELETE FROM dedup_bands WHERE epoch = ? AND band = ? AND bucket = ? AND article_id = ?",
            [(epoch, band, bucket, article_id) for band, bucket in self._buckets(np.frombuffer(row[0], dtype="<u4"))],
        )
        paragraphs = np.frombuffer(row[2], dtype="<u8").reshape(-1, 2)[:, 0].tolist()
        self.conn.executemany(
            "DELETE FROM dedup_paragraphs WHERE epoch = ? AND paragraph = ? AND article_id = ?",
            [(epoch, int(p), article_id) for p in paragraphs],
        )
        neighbours = self._edges_of([article_id])[article_id]
        self.conn.executemany("DELETE FROM dedup_edges WHERE article_id = ? AND other_id = ?",
                              [(other, article_id) for other in sorted(neighbours)])
        self.conn.execute("DELETE FROM dedup_edges WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM dedup_signatures WHERE article_id = ?", (article_id,))

    def rebuild(self, articles: Iterable[tuple[int, str, date | datetime | str | None, str | None]]) -> dict[int, int]:
        """Forget every stored article and assign these (article id, text, published, host) again,
        in the order given (the result does not depend on it); returns article id -> story."""
        for table in ("dedup_edges", "dedup_furniture", "dedup_paragraphs", "dedup_bands", "dedup_signatures"):
            self.conn.execute(f"DELETE FROM {table}")
        self._furniture_known.clear()
        ids = []
        for article_id, text, published, host in articles:
            self.assign(article_id, text, published, host)
            ids.append(article_id)
        self.moved = {}
        self.stale = False
        return {article_id: self.story_of(article_id) for article_id in ids}

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute("SELECT story_id FROM dedup_signatures WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def _store(self, article_id: int, story_id: int, fingerprint: Fingerprint, day: int, host: str = "",
               replace: bool = True) -> None:
        if replace:
            self.remove(article_id)
        self.conn.execute(
            "INSERT INTO dedup_signatures (article_id, story_id, content_hash, shingle_count, signature, facts, day, "
            "host, paragraphs, owners, fact_keys, fact_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                story_id,
                fingerprint.content_hash,
                fingerprint.shingle_count,
                fingerprint.signature.astype("<u4").tobytes(),
                np.ascontiguousarray(fingerprint.facts.rows[:, :2]).astype("<u8").tobytes(),
                day,
                host,
                fingerprint.paragraphs.astype("<u8").tobytes(),
                fingerprint.owners.astype(np.uint8).tobytes(),
                np.ascontiguousarray(fingerprint.facts.rows[:, 2]).astype("<u8").tobytes(),
                _VALUE_SEPARATOR.join(fingerprint.facts.values),
            ),
        )
        if fingerprint.shingle_count:
            self._insert_bands(article_id, day, fingerprint.signature)
        if host and len(fingerprint.paragraphs):
            epoch = day // self.epoch_days
            self.conn.executemany(
                "INSERT OR IGNORE INTO dedup_paragraphs (epoch, paragraph, article_id, host, day) VALUES (?, ?, ?, ?, ?)",
                [(epoch, int(p), article_id, host, day) for p in fingerprint.paragraphs[:, 0].tolist()],
            )

    def _insert_bands(self, article_id: int, day: int, signature: np.ndarray) -> None:
        epoch = day // self.epoch_days
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_bands (epoch, band, bucket, article_id, day) VALUES (?, ?, ?, ?, ?)",
            [(epoch, band, bucket, article_id, day) for band, bucket in self._buckets(signature)],
        )


def _shared_paragraphs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the paragraphs two texts hold word for word, and the shingles in each."""
    if not len(first) or not len(second):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    common, at_a, at_b = np.intersect1d(first[:, 0], second[:, 0], assume_unique=True, return_indices=True)
    return common, np.minimum(first[at_a, 1], second[at_b, 1]).astype(np.int64)


def _own_jaccard(first: Fingerprint | _Stored, second: _Stored, excluded: np.ndarray) -> float | None:
    """Jaccard of the two texts without the ``excluded`` paragraphs (which both hold), estimated
    from their signatures: a position whose minimum over both texts lies in an excluded
    paragraph is equal in both and says nothing about the rest; among the other positions the
    share of equal ones estimates the Jaccard of what remains. None when the owners are unknown."""
    size = first.signature.size
    if first.owners.size != size or second.owners.size != size or not len(first.paragraphs):
        return None
    equal = first.signature == second.signature
    rows = first.owners.astype(np.intp)
    known = rows < len(first.paragraphs)
    owner = first.paragraphs[np.where(known, rows, 0), 0]
    in_excluded = equal & known & np.isin(owner, excluded)
    rest = size - int(in_excluded.sum())
    return float(np.count_nonzero(equal & ~in_excluded)) / rest if rest else 0.0


def _own_positions(text: Fingerprint | _Stored, common: np.ndarray) -> int:
    """How many signature positions of ``text`` have their minimum in a paragraph not among
    ``common``: what its signature says about its own text (-1 when the owners are unknown)."""
    size = text.signature.size
    if text.owners.size != size or not len(text.paragraphs):
        return -1
    rows = text.owners.astype(np.intp)
    known = rows < len(text.paragraphs)
    return int((known & ~np.isin(text.paragraphs[np.where(known, rows, 0), 0], common)).sum())


def _own_texts_apart(first: Fingerprint | _Stored, second: _Stored, common: np.ndarray, counts: np.ndarray) -> bool:
    """Whether two texts that hold the paragraphs ``common`` word for word are otherwise two items:
    each keeps at least :data:`FURNITURE_MIN_OWN_SHARE` of its shingles in paragraphs of its own,
    and little of that own text is found anywhere in the other (below :data:`OWN_FOUND_MAX` of
    the signature positions whose minimum lies in it are equal in both). Two events at one venue,
    each with its own lead and the venue's paragraphs, on two portals that never saw a third. An
    edited copy's own paragraphs are found in the other (a typo'd paragraph, a summary lead), or
    one of the two has hardly any own text (a caption, a source line, a trimmed ending)."""
    shared = int(counts.sum())
    for text in (first, second):
        if text.shingle_count - shared < max(MIN_OWN_SHINGLES, FURNITURE_MIN_OWN_SHARE * text.shingle_count):
            return False
    equal = first.signature == second.signature
    for text in (first, second):
        size = text.signature.size
        if text.owners.size != size or not len(text.paragraphs):
            return False  # rows from before the owners were kept
        rows = text.owners.astype(np.intp)
        known = rows < len(text.paragraphs)
        own = known & ~np.isin(text.paragraphs[np.where(known, rows, 0), 0], common)
        positions = int(own.sum())
        if positions < MIN_OWN_SHINGLES or np.count_nonzero(equal & own) >= OWN_FOUND_MAX * positions:
            return False
    return True


def _cluster(stored: dict[int, _Stored], edges: dict[int, dict[int, float]],
             cannot_link: set[tuple[int, int]]) -> list[set[int]]:
    """Stories of one component: articles taken most-connected first (ties by content hash,
    never by arrival), each joining the story it has most verified edges to among those holding
    no article it conflicts with, else starting its own. A function of the set alone."""
    order = sorted(stored, key=lambda a: (-len(edges.get(a, {})), stored[a].content_hash, stored[a].day,
                                          stored[a].signature.tobytes()))
    clusters: list[set[int]] = []
    for article in order:
        best, best_links = None, 0
        for index, members in enumerate(clusters):
            links = sum(1 for other in edges.get(article, {}) if other in members)
            if links > best_links and not any((min(article, m), max(article, m)) in cannot_link for m in members):
                best, best_links = index, links
        if best is None:
            clusters.append({article})
        else:
            clusters[best].add(article)
    return clusters


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


_LSH_CACHE: dict[tuple[float, int], tuple[int, int]] = {}


def _cached_lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    key = (round(threshold, 6), num_perm)
    if key not in _LSH_CACHE:
        _LSH_CACHE[key] = lsh_params(threshold, num_perm)
    return _LSH_CACHE[key]


# --- scoring ------------------------------------------------------------------------------


def pairs_from_groups(labels: dict[int, int]) -> set[tuple[int, int]]:
    """All unordered item pairs (low id first) that share a group label."""
    groups: dict[int, list[int]] = {}
    for item, label in labels.items():
        groups.setdefault(label, []).append(item)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def score_grouping(pairs_true: set[tuple[int, int]], pairs_pred: set[tuple[int, int]]) -> tuple[float, float]:
    """Pairwise (precision, recall) of a story grouping; 1.0 when the denominator is empty."""
    hits = len(pairs_true & pairs_pred)
    precision = hits / len(pairs_pred) if pairs_pred else 1.0
    recall = hits / len(pairs_true) if pairs_true else 1.0
    return precision, recall
