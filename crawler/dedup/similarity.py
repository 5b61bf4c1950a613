"""Exact and near-duplicate story detection, persistent in SQLite.

The same story reaches several portals: the city portal and its districts republish it a
day apart, retitled, with a photo caption or a paragraph less, a "Theo ..." (source) line
added, in decomposed instead of composed Unicode. Those copies must become one *story*.
Municipal portals also publish *template families*: weekly schedules ("Lịch công tác
tuần"), weather bulletins, notices that share almost every word and differ only in
dates, numbers and names. Those must stay apart, and a false merge is worse than a missed
one: it hides a real notice behind another.

How a new body text is matched (:meth:`StoryIndex.match`):

1. **Exact**: :func:`content_hash` of :func:`normalize_text` (NFC, casefold, folded
   whitespace) looked up in an index: identical normalised bodies are one story.
2. **Candidates**: MinHash over word ``shingle_size``-grams, split into LSH bands stored in
   ``dedup_bands``, among the articles published within ``window_days`` (default 30) of the
   new one (see "Cost" below). Each band is one indexed lookup per epoch of the window, capped
   at :data:`BUCKET_CAP` most recent articles, so a lookup costs O(bands) however large the
   database and however often a template family has hit the same bucket.
3. **Verification**, all three must hold for a candidate:

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
      and "21/06" agree.

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
* Considered instead: pruning band rows older than the window behind the newest article
  (bounded table, but archive re-crawls would find nothing), a larger ``cache_size`` /
  ``mmap_size`` on the crawl's connection (postpones the knee, costs memory per connection,
  not needed once the working set is bounded; the default 2 MB cache is kept), and an
  in-memory LSH (datasketch, measured as a baseline: flat and fast, but must be rebuilt from
  disk on every start and holds every band in RAM).

Tables built before the partition (no dates kept) are rebuilt in place by
:meth:`StoryIndex.ensure_schema`, their articles filed under the day of the upgrade.

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
from dataclasses import dataclass
from datetime import date, datetime
from itertools import combinations

import numpy as np

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


def shingle_hashes(text: str, shingle_size: int) -> np.ndarray:
    """Unique 64-bit hashes of the word ``shingle_size``-grams of the normalised text.

    A text shorter than one shingle is a single shingle of all its words; an empty text has
    none.
    """
    return _shingles_of_normalized(normalize_text(text), shingle_size)


def _shingles_of_normalized(normalized: str, shingle_size: int) -> np.ndarray:
    words = _WORD.findall(normalized)
    if not words:
        return np.empty(0, dtype=np.uint64)
    tokens = _HASHER.tokens(words)
    size = min(shingle_size, len(tokens))
    count = len(tokens) - size + 1
    with np.errstate(over="ignore"):
        combined = np.zeros(count, dtype=np.uint64)
        for offset in range(size):
            combined = combined * np.uint64(0x9E3779B97F4A7C15) + tokens[offset : offset + count]
        return np.unique(_mix64(combined))


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


def fact_pairs(text: str, width: int = CONTEXT_WIDTH) -> np.ndarray:
    """Sorted unique (context hash, value hash) pairs of the facts in ``text``, shape (n, 2).

    A fact is a run of tokens that hold a digit or start with a capital letter; its
    context is the ``width`` tokens on each side (casefolded, facts masked, paragraph breaks
    and punctuation kept). Facts within ``width`` tokens of either end of the text are left
    out: that is where a republishing portal adds its dateline or its "Theo <source>" line,
    which would otherwise look like a substituted name.
    """
    masked, values = _tokens_and_facts(unicodedata.normalize("NFC", text))
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
            context = "\x1f".join(masked[index - width : index] + ["\x1e"] + masked[end : end + width])
            pairs.add((_hash64(context), _hash64("\x1f".join(values[index:end]))))
        index = end
    return np.array(sorted(pairs), dtype=np.uint64).reshape(-1, 2)


def _tokens_and_facts(text: str) -> tuple[list[str], list[str | None]]:
    """Masked context tokens and, per token, its fact value (None for a non-fact)."""
    masked: list[str] = []
    values: list[str | None] = []
    words = _WORD_TOKENS
    for number, word, newline, _mark in _TOKEN.findall(text):
        if number:
            masked.append(_MASK)
            values.append(".".join(group.lstrip("0") or "0" for group in _DIGIT_GROUPS.findall(number)))
        elif word:
            token = words.get(word)
            if token is None:
                if len(words) > _WORD_TOKENS_LIMIT:
                    words.clear()
                token = words[word] = _word_token(word)
            masked.append(token[0])
            values.append(token[1])
        else:
            masked.append(_PARAGRAPH if newline else _mark)
            values.append(None)
    return masked, values


#: (masked token, fact value) per word: a language has a few thousand distinct words.
_WORD_TOKENS: dict[str, tuple[str, str | None]] = {}
_WORD_TOKENS_LIMIT = 100_000


def _word_token(word: str) -> tuple[str, str | None]:
    if word[0].isupper() or _HAS_DIGIT.search(word):
        return _MASK, word.casefold()
    return word.casefold(), None


def facts_conflict(first: np.ndarray, second: np.ndarray) -> bool:
    """True when some context holds value sets in the two texts neither of which contains the other."""
    if len(first) == 0 or len(second) == 0:
        return False
    shared = np.intersect1d(first[:, 0], second[:, 0], assume_unique=False)
    if shared.size == 0:
        return False
    values_a = _values_by_context(first, shared)
    values_b = _values_by_context(second, shared)
    return any(not (values_a[c] <= values_b[c] or values_b[c] <= values_a[c]) for c in values_a)


def _values_by_context(pairs: np.ndarray, contexts: np.ndarray) -> dict[int, set[int]]:
    selected = pairs[np.isin(pairs[:, 0], contexts)]
    grouped: dict[int, set[int]] = {}
    for context, value in selected.tolist():
        grouped.setdefault(context, set()).add(value)
    return grouped


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


# --- persistent index ---------------------------------------------------------------------

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
    day INTEGER NOT NULL
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
"""


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
    facts: np.ndarray


@dataclass(frozen=True)
class Match:
    """A verified near-duplicate: stored article, its story, estimated Jaccard."""

    article_id: int
    story_id: int
    similarity: float


class StoryIndex:
    """Story assignment over a SQLite connection (tables ``dedup_*``); never commits.

    ``window_days``: near-duplicate candidates are articles published at most this many days
    before or after the new one (exact duplicates are found at any distance). On a new
    database it also sets the epoch length of the band table, which is then kept for good.
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

    # schema ----------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the tables if missing, upgrade unpartitioned ones; refuse other LSH parameters."""
        legacy = _columns(self.conn, "dedup_bands") and "epoch" not in _columns(self.conn, "dedup_bands")
        for statement in _statements(_SCHEMA):
            if not (legacy and "dedup_bands" in statement and "CREATE TABLE" in statement):
                self.conn.execute(statement)  # not executescript: it would COMMIT the caller's transaction
        stored = dict(self.conn.execute("SELECT name, value FROM dedup_meta").fetchall())
        self.epoch_days = int(stored.get("epoch_days", self.window_days))
        wanted = self._layout()
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

    def fingerprint(self, text: str) -> Fingerprint:
        normalized = normalize_text(text)  # once, for both hashes
        shingles = _shingles_of_normalized(normalized, self.shingle_size)
        return Fingerprint(
            content_hash=_normalized_hash(normalized),
            shingle_count=int(shingles.size),
            signature=self.minhasher.signature(shingles),
            facts=fact_pairs(text),
        )

    def _buckets(self, signature: np.ndarray) -> list[tuple[int, int]]:
        """(band, bucket) keys: a 32-bit hash of each band's rows.

        32 bits keep the band index small (4-byte varints) so more of it stays in cache;
        a chance collision only adds a candidate that verification then rejects.
        """
        raw = signature.astype("<u4").tobytes()
        width = self.rows * 4
        return [
            (band, int.from_bytes(hashlib.blake2b(raw[band * width : (band + 1) * width], digest_size=4).digest(), "little"))
            for band in range(self.bands)
        ]

    def _epochs(self, first_day: int, last_day: int) -> list[int]:
        return list(range(first_day // self.epoch_days, last_day // self.epoch_days + 1))

    # queries ---------------------------------------------------------------------------

    def match(self, text: str, published: date | datetime | str | None = None) -> list[tuple[int, float]]:
        """Stored articles that are the same story as ``text``, best first: (article_id, similarity)."""
        return [(m.article_id, m.similarity) for m in self.matches(self.fingerprint(text), day_number(published))]

    def matches(self, fingerprint: Fingerprint, day: int | None = None) -> list[Match]:
        """Exact duplicates (similarity 1.0, any date) then verified near-duplicates published
        within ``window_days`` of ``day`` (default today), best first."""
        day = date.today().toordinal() if day is None else day
        found = {m.article_id: m for m in self._exact(fingerprint)}
        if fingerprint.shingle_count:
            for candidate in self._verified(fingerprint, self._candidates(fingerprint, day, exclude=found.keys())):
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
        cost depends on how many articles a window holds, not on the size of the database.
        """
        first, last = day - self.window_days, day + self.window_days
        epochs = self._epochs(first, last)
        query = (
            f"SELECT article_id FROM dedup_bands WHERE epoch IN ({','.join('?' * len(epochs))}) AND band = ? "
            "AND bucket = ? AND day BETWEEN ? AND ? ORDER BY article_id DESC LIMIT ?"
        )
        seen: set[int] = set(exclude)
        found = []
        for band, bucket in self._buckets(fingerprint.signature):
            for (article_id,) in self.conn.execute(query, (*epochs, band, bucket, first, last, self.bucket_cap)):
                if article_id not in seen:
                    seen.add(article_id)
                    found.append(article_id)
        return found

    def _verified(self, fingerprint: Fingerprint, article_ids: list[int]) -> list[Match]:
        if not article_ids:
            return []
        placeholders = ",".join("?" * len(article_ids))
        rows = self.conn.execute(
            f"SELECT article_id, story_id, shingle_count, signature, facts FROM dedup_signatures "
            f"WHERE article_id IN ({placeholders})",
            article_ids,
        ).fetchall()
        matches = []
        for article_id, story_id, shingle_count, signature, facts in rows:
            similarity = self._verify(fingerprint, shingle_count, signature, facts)
            if similarity is not None:
                matches.append(Match(article_id, story_id, similarity))
        return matches

    def _verify(self, fingerprint: Fingerprint, shingle_count: int, signature: bytes, facts: bytes) -> float | None:
        """Checks (a), (b), (c) of the module docstring; the estimated Jaccard when all pass."""
        jaccard = estimated_jaccard(fingerprint.signature, np.frombuffer(signature, dtype="<u4"))
        if jaccard < self.threshold:
            return None
        if containment_from_jaccard(jaccard, fingerprint.shingle_count, shingle_count) < self.min_containment:
            return None
        if self.verify_facts and facts_conflict(fingerprint.facts, np.frombuffer(facts, dtype="<u8").reshape(-1, 2)):
            return None
        return jaccard

    # updates ---------------------------------------------------------------------------

    def add(self, article_id: int, story_id: int, text: str, published: date | datetime | str | None = None) -> None:
        """Store ``text`` as article ``article_id`` of story ``story_id`` (replacing an earlier version)."""
        self._store(article_id, story_id, self.fingerprint(text), day_number(published))

    def assign(self, article_id: int, text: str, published: date | datetime | str | None = None) -> int:
        """The earliest story among verified matches, or a new story numbered ``article_id``; then store.

        ``published``: the article's publication date (a date, datetime or ISO 8601 string;
        today when None), which decides the window its candidates come from.

        Earliest rather than best: every verified match is the same story, and joining the
        oldest one reconnects copies that arrived before a link between them was seen.
        """
        return self.assign_fingerprint(article_id, self.fingerprint(text), day_number(published))

    def assign_fingerprint(self, article_id: int, fingerprint: Fingerprint, day: int) -> int:
        """:meth:`assign` for a fingerprint already computed (one text fed to several indexes)."""
        found = self.matches(fingerprint, day)
        story_id = min(m.story_id for m in found) if found else article_id
        self._store(article_id, story_id, fingerprint, day)
        return story_id

    def remove(self, article_id: int) -> None:
        """Forget an article. Its band rows are found from its signature and day (no extra index)."""
        row = self.conn.execute(
            "SELECT signature, day FROM dedup_signatures WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return
        epoch = row[1] // self.epoch_days
        self.conn.executemany(
            "DELETE FROM dedup_bands WHERE epoch = ? AND band = ? AND bucket = ? AND article_id = ?",
            [(epoch, band, bucket, article_id) for band, bucket in self._buckets(np.frombuffer(row[0], dtype="<u4"))],
        )
        self.conn.execute("DELETE FROM dedup_signatures WHERE article_id = ?", (article_id,))

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute("SELECT story_id FROM dedup_signatures WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def _store(self, article_id: int, story_id: int, fingerprint: Fingerprint, day: int) -> None:
        self.remove(article_id)
        self.conn.execute(
            "INSERT INTO dedup_signatures (article_id, story_id, content_hash, shingle_count, signature, facts, day) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                story_id,
                fingerprint.content_hash,
                fingerprint.shingle_count,
                fingerprint.signature.astype("<u4").tobytes(),
                fingerprint.facts.astype("<u8").tobytes(),
                day,
            ),
        )
        if fingerprint.shingle_count:
            self._insert_bands(article_id, day, fingerprint.signature)

    def _insert_bands(self, article_id: int, day: int, signature: np.ndarray) -> None:
        epoch = day // self.epoch_days
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_bands (epoch, band, bucket, article_id, day) VALUES (?, ?, ?, ?, ?)",
            [(epoch, band, bucket, article_id, day) for band, bucket in self._buckets(signature)],
        )


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
