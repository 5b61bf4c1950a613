"""Search and facet latency on a large synthetic Vietnamese corpus (default 1,000,000 articles).

Builds the database the way an upgrade does: the first released schema (m001) is bulk-loaded with
executemany in large transactions, then the later migrations run (m002 builds the FTS index from
the rows in one pass). Then it times, on the real schema:

- FTS: ranked top-20 (the `search` canned query) and Datasette's table search (match count + newest
  50), for typical queries with and without diacritics;
- facets: per portal / year / author counts over the whole table, and per portal within a search;
- baseline, side by side: the same words found by ``LIKE '%…%'`` scans (which cannot even fold
  diacritics), on a few queries.

    python benchmarks/search.py            # 1,000,000 articles
    python benchmarks/search.py --quick    # 50,000 articles, under a minute

Last line: articles=N fts_p50_ms=… fts_p95_ms=… facet_p95_ms=… bytes_per_article=…
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from crawler.db import MIGRATIONS, configure, migrate  # noqa: E402
from crawler.replica import vocabulary as V  # noqa: E402
from crawler.search import fold, match_expression  # noqa: E402

ONSETS = ["b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th",
          "tr", "v", "x", ""]
NUCLEI = ["a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "â", "ấ", "ầ", "e", "é", "è", "ê", "ế", "ề", "ệ", "i", "í",
          "ì", "o", "ó", "ò", "ô", "ố", "ồ", "ộ", "ơ", "ớ", "ờ", "u", "ú", "ù", "ư", "ứ", "ừ", "y", "ý", "uyê", "ươ", "iê"]
CODAS = ["", "n", "ng", "nh", "m", "c", "ch", "t", "p", "i", "o", "u"]
BODY_WORDS, TITLE_WORDS = 110, 8
BATCH = 20_000


def lexicon(rng: random.Random, size: int = 8_000) -> list[str]:
    """Distinct Vietnamese-looking syllables, most frequent first (drawn with Zipf weights)."""
    words: dict[str, None] = {}
    while len(words) < size:
        words[rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)] = None
    return list(words)


class Corpus:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = lexicon(self.rng)
        self.cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))
        self.portals = [f"portal-{i:02d}" for i in range(40)]
        self.authors = [f"{f} {m} {g}" for f in V.FAMILY_NAMES for m in V.MIDDLE_NAMES for g in V.GIVEN_NAMES]
        self.phrases = [*V.ORGANISATIONS, *V.PLACES, *V.TOPICS, *V.ACTIONS]

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))

    def article(self, article_id: int) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        year = rng.randint(2015, 2025)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(6, 21):02d}:{rng.choice(('00', '15', '30', '45'))}:00+07:00"
        title = f"{rng.choice(self.phrases)} {self.text(TITLE_WORDS)}"
        body = "\n\n".join(
            f"{rng.choice(self.phrases)} {rng.choice(V.CLAUSES)} {self.text(BODY_WORDS // 3)}." for _ in range(3)
        )
        portal = self.portals[article_id % len(self.portals)]
        row = (article_id, portal, f"https://{portal}.example.vn/{article_id}.html", f"{portal}.example.vn/{article_id}.html",
               title, published, published.replace("+07:00", "+00:00"), rng.choice(self.authors), body, "vi",
               len(body.split()), f"{article_id:032x}")
        images = [(article_id, i, f"https://{portal}.example.vn/wp-content/uploads/{article_id}-{i}.jpg",
                   f"{rng.choice(V.CAPTIONS)} {self.text(4)}") for i in range(rng.choice((0, 1, 1, 2)))]
        return row, images


def build(path: Path, articles: int) -> float:
    """Load ``articles`` rows into a release-1 database, then upgrade it; returns seconds."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    configure(conn)
    conn.execute("PRAGMA synchronous = OFF")
    db = sqlite_utils.Database(conn)
    MIGRATIONS[0](db)
    conn.execute("PRAGMA user_version = 1")
    corpus = Corpus()
    conn.executemany("INSERT OR IGNORE INTO portals(name, title, family) VALUES (?, ?, 'bench')",
                     [(p, p) for p in corpus.portals])
    for start in range(1, articles + 1, BATCH):
        rows, images = [], []
        for article_id in range(start, min(start + BATCH, articles + 1)):
            row, imgs = corpus.article(article_id)
            rows.append(row)
            images.extend(imgs)
        conn.execute("BEGIN")
        conn.executemany(
            """INSERT INTO articles(id, portal, url, url_key, title, published, published_utc, author, body, language,
               word_count, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
        conn.executemany("INSERT INTO images(article_id, position, url, caption) VALUES (?,?,?,?)", images)
        conn.execute("COMMIT")
        print(f"\r  loaded {min(start + BATCH - 1, articles):,} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    loaded = time.perf_counter()
    conn.isolation_level = ""
    migrate(db)  # m002 builds the FTS index from the rows, m003 the analyst columns and indexes, …
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    print(f"  load {loaded - started:.0f}s, migrations + index {time.perf_counter() - loaded:.0f}s", file=sys.stderr)
    return time.perf_counter() - started


def queries(conn: sqlite3.Connection, rng: random.Random) -> list[str]:
    """Typical searches: place and organisation names, and words of middle frequency, half of them
    typed without diacritics."""
    words = Corpus().words
    broad = [V.PLACES[0], V.PLACES[1], V.ORGANISATIONS[0], V.ORGANISATIONS[1]]  # in ~5% of articles each
    names = [rng.choice(words[1000:8000]) for _ in range(14)]  # a ward, a person, a topic: 0.1–1% of articles
    pairs = [f"{rng.choice(words[100:2000])} {rng.choice(words[100:2000])}" for _ in range(6)]
    picks = broad + names + pairs
    return [strip_marks(q) if i % 2 else q for i, q in enumerate(picks)]


def strip_marks(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def timed(conn: sqlite3.Connection, sql: str, params=(), repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


RANKED = """SELECT a.id, a.title, snippet(articles_fts, -1, '[', ']', '…', 12)
            FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
            WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT 20"""
DATASETTE_PAGE = """SELECT id, title, published FROM articles
                    WHERE id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)
                    ORDER BY published_utc DESC LIMIT 51"""
DATASETTE_COUNT = "SELECT count(*) FROM articles WHERE id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
FACETS = [
    "SELECT portal, count(*) AS n FROM articles GROUP BY portal ORDER BY n DESC LIMIT 31",
    "SELECT year, count(*) AS n FROM articles GROUP BY year ORDER BY n DESC LIMIT 31",
    "SELECT author, count(*) AS n FROM articles GROUP BY author ORDER BY n DESC LIMIT 31",
]
SEARCH_FACET = """SELECT portal, count(*) AS n FROM articles
                  WHERE id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) GROUP BY portal ORDER BY n DESC"""
LIKE_BASELINE = "SELECT count(*) FROM articles WHERE title LIKE ? OR body LIKE ? OR captions LIKE ?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 articles")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--db", type=Path, default=None, help="Keep the database here (default: a temp dir)")
    args = parser.parse_args()
    n = args.articles or (50_000 if args.quick else 1_000_000)
    tmp = tempfile.TemporaryDirectory(prefix="muninews-bench-")
    path = args.db or Path(tmp.name) / "bench.db"
    if path.exists():
        path.unlink()
    print(f"building {n:,} synthetic articles in {path} …", file=sys.stderr)
    build_s = build(path, n)
    size = os.path.getsize(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rng = random.Random(11)
    qs = queries(conn, rng)
    for q in qs[:3]:  # warm the page cache a little, as a running server would be
        conn.execute(RANKED, [match_expression(q)]).fetchall()

    ranked = [t for q in qs for t in timed(conn, RANKED, [match_expression(q)], repeat=3)]
    page = [t for q in qs for t in timed(conn, DATASETTE_PAGE, [match_expression(q)], repeat=2)]
    count = [t for q in qs for t in timed(conn, DATASETTE_COUNT, [match_expression(q)], repeat=2)]
    facets = [t for sql in FACETS for t in timed(conn, sql, repeat=5)]
    search_facets = [t for q in qs for t in timed(conn, SEARCH_FACET, [match_expression(q)], repeat=1)]
    like_qs = qs[7:11]
    like = [t for q in like_qs for t in timed(conn, LIKE_BASELINE, [f"%{q}%"] * 3, repeat=1)]
    fts_same = [t for q in like_qs for t in timed(conn, DATASETTE_COUNT, [match_expression(q)], repeat=1)]
    hits = {q: conn.execute(DATASETTE_COUNT, [match_expression(q)]).fetchone()[0] for q in qs}

    fts_all = ranked
    facet_all = facets + search_facets
    print(f"\nmuninews search benchmark: {n:,} articles, {size / 1e6:,.0f} MB ({size / n:,.0f} bytes/article), "
          f"built in {build_s:.0f}s; {len(qs)} queries, matches per query: "
          f"median {statistics.median(hits.values()):,.0f}, max {max(hits.values()):,}")
    print(f"{'query kind':<44}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for name, values in [
        ("FTS ranked top 20 (canned `search`)", ranked),
        ("Datasette table search: newest 50", page),
        ("Datasette table search: match count", count),
        ("facet counts, whole table (portal/year/author)", facets),
        ("facet by portal within a search", search_facets),
        ("baseline: count by LIKE '%word%' scan", like),
        ("count by FTS, same words as the baseline", fts_same),
    ]:
        print(f"{name:<44}{len(values):>6}{pct(values, 50):>10.1f}{pct(values, 95):>10.1f}")
    ratio = pct(like, 50) / max(pct(fts_same, 50), 1e-6)
    print(f"ratio: LIKE scan p50 / FTS p50 on the same words = {ratio:,.0f}x (and LIKE misses every query typed "
          f"without diacritics)")
    print(f"goals at 1,000,000: FTS p95 < 50 ms -> {'met' if pct(fts_all, 95) < 50 else 'NOT met'}; "
          f"facet p95 < 500 ms -> {'met' if pct(facet_all, 95) < 500 else 'NOT met'}"
          + ("" if n >= 1_000_000 else f" (measured at {n:,})"))
    print(f"articles={n} fts_p50_ms={pct(fts_all, 50):.2f} fts_p95_ms={pct(fts_all, 95):.2f} "
          f"facet_p95_ms={pct(facet_all, 95):.2f} bytes_per_article={size / n:.0f} like_over_fts_ratio={ratio:.1f}")
    conn.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
