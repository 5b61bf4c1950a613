"""Search and facet latency on a large synthetic Vietnamese corpus (default 1,000,000 articles).

The corpus: titles and bodies of Zipf-distributed syllables, the replica's organisations, places
and topics (each in ~7% of articles), and proper names (people, wards, streets, units) drawn with
Zipf weights from a pool of ~4,700, so a head name is in 10–20% of articles and a tail name in a
few hundred; 0–2 captioned photos per article.

The query mix, reported by kind (half of each typed without diacritics):

- ``name``: 2–3 syllable names an analyst types ("Ngo Quyen", "Le Chan", "Dang uy", a person, a
  ward), from the head, middle and tail of the name pool;
- ``topic``: topic phrases ("phong chay chua chay", "cai cach hanh chinh");
- ``broad``: one common syllable ("phường", "công"), matching 10–60% of the corpus: reported
  apart, never mixed into the headline numbers, and always printed.

Timed, on the real schema (every migration, m016's index of syllable pairs included) and the code
analysts use:

- ranked top 20 (``crawler.storage.search.search`` = the ``search`` canned query: bm25 over the newest
  ``RANK_WINDOW`` matches), and side by side the baseline it replaced: bm25 over every match;
- Datasette's table search (match count; newest 50), with Datasette's ``escape_fts`` replaced by
  ``match_expression`` as `muninews serve` does;
- facets: portal / year / author over the whole table, and by portal within a search, with the
  SQL Datasette runs over every match (the articles table's own search);
- the pages of the reading view, each a real request to the Datasette ``muninews serve`` runs
  (``crawler.commands.serve.datasette_app``, in process, HTML rendered): a search (rows newest
  first, the match count, the portal and author facets: at most the newest 2,000 matches,
  ``crawler.storage.reading``), a facet value chosen within that search, the ranked ``search``
  canned query, the list without a search (its facets: kept counts, m016), a portal chosen from it,
  and article pages.

Build: the current schema, FTS triggers dropped for the bulk load, big transactions with
journal_mode=OFF and synchronous=OFF (build only), then one ``crawler.storage.search.rebuild`` and
``optimize``; the page cache is warm (a serving Datasette's would be).

    python benchmarks/search.py            # 1,000,000 articles
    python benchmarks/search.py --quick    # 50,000 articles, under a minute

Goals (judged at 1,000,000 articles): ranked top 20 p95 <= 30 ms; every reading-view page p95 <= 200 ms.

Also: each index's bytes per article, and the write cost per article of the index triggers
(``write_cost``: with both indexes, with articles_fts only as before m016, with neither).

Last line: articles=N fts_p50_ms=… fts_p95_ms=… facet_p95_ms=… bytes_per_article=… page_p95_ms=…
write_ms_per_article=… write_ms_per_article_before_m016=… (+ per-kind keys)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.commands.serve import datasette_app  # noqa: E402
from crawler.storage.db import open_db  # noqa: E402
from crawler.replica import vocabulary as V  # noqa: E402
from crawler.storage.search import (  # noqa: E402
    RANK_WINDOW, fold, index_suspended, match_expression, optimize, ranked_sql, register_functions)

ONSETS = ["b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th",
          "tr", "v", "x", ""]
NUCLEI = ["a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "â", "ấ", "ầ", "e", "é", "è", "ê", "ế", "ề", "ệ", "i", "í",
          "ì", "o", "ó", "ò", "ô", "ố", "ồ", "ộ", "ơ", "ớ", "ờ", "u", "ú", "ù", "ư", "ứ", "ừ", "y", "ý", "uyê", "ươ", "iê"]
CODAS = ["", "n", "ng", "nh", "m", "c", "ch", "t", "p", "i", "o", "u"]
BODY_WORDS, TITLE_WORDS = 110, 8
BATCH = 50_000
# The replica's districts head the name pool: the names analysts of these portals type most.
HEAD_NAMES = ["Hải Phòng", "Ngô Quyền", "Lê Chân", "Hồng Bàng", "Lạch Tray", "Cầu Đất", "Trần Phú"]
EXTRA_TOPICS = ["công tác phòng cháy chữa cháy", "bảo hiểm xã hội tự nguyện"]


def lexicon(rng: random.Random, size: int = 8_000) -> list[str]:
    """Distinct Vietnamese-looking syllables, most frequent first (drawn with Zipf weights)."""
    words: dict[str, None] = {}
    while len(words) < size:
        words[rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)] = None
    return list(words)


def zipf_cumulative(size: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))


class Corpus:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = lexicon(self.rng)
        self.cum = zipf_cumulative(len(self.words))
        self.portals = [f"portal-{i:02d}" for i in range(40)]
        self.authors = [f"{f} {m} {g}" for f in V.FAMILY_NAMES for m in V.MIDDLE_NAMES for g in V.GIVEN_NAMES]
        self.phrases = [*V.ORGANISATIONS, *V.PLACES, *V.TOPICS, *EXTRA_TOPICS, *V.ACTIONS]
        self.names = self._names()
        self.names_cum = zipf_cumulative(len(self.names))

    def _names(self) -> list[str]:
        """People (from the replica's name parts) and places (two capitalised syllables), shuffled
        behind the head names."""
        people = list(dict.fromkeys(self.authors))
        places = {" ".join(w.capitalize() for w in self.rng.sample(self.words[200:], 2)) for _ in range(3_000)}
        tail = people + sorted(places)
        self.rng.shuffle(tail)
        return HEAD_NAMES + [n for n in tail if n not in HEAD_NAMES]

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))

    def name(self) -> str:
        return self.rng.choices(self.names, cum_weights=self.names_cum)[0]

    def article(self, article_id: int) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        year = rng.randint(2015, 2025)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(6, 21):02d}:{rng.choice(('00', '15', '30', '45'))}:00+07:00"
        title = f"{rng.choice(self.phrases)} {self.name()} {self.text(TITLE_WORDS)}"
        body = "\n\n".join(
            f"{rng.choice(self.phrases)} {rng.choice(V.CLAUSES)} {self.text(BODY_WORDS // 6)} {self.name()} "
            f"{self.text(BODY_WORDS // 6)}." for _ in range(3)
        )
        portal = self.portals[article_id % len(self.portals)]
        captions = [f"{rng.choice(V.CAPTIONS)} {self.name()} {self.text(3)}" for _ in range(rng.choice((0, 1, 1, 2)))]
        row = (article_id, portal, f"https://{portal}.example.vn/{article_id}.html", f"{portal}.example.vn/{article_id}.html",
               title, published, published.replace("+07:00", "+00:00"), rng.choice(self.authors), body, "vi",
               len(body.split()), f"{article_id:032x}", "\n".join(captions) or None)
        images = [(article_id, i, f"https://{portal}.example.vn/wp-content/uploads/{article_id}-{i}.jpg", caption)
                  for i, caption in enumerate(captions)]
        return row, images


def build(path: Path, articles: int) -> float:
    """Create the current schema and bulk-load ``articles`` rows; returns seconds."""
    started = time.perf_counter()
    open_db(path).conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # build only: a crash just means building again
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    corpus = Corpus()
    conn.executemany("INSERT INTO portals(name, title, family) VALUES (?, ?, 'bench')", [(p, p) for p in corpus.portals])
    with index_suspended(conn):
        for start in range(1, articles + 1, BATCH):
            rows, images = [], []
            for article_id in range(start, min(start + BATCH, articles + 1)):
                row, imgs = corpus.article(article_id)
                rows.append(row)
                images.extend(imgs)
            conn.execute("BEGIN")
            conn.executemany(
                """INSERT INTO articles(id, portal, url, url_key, title, published, published_utc, author, body,
                   language, word_count, content_hash, captions) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
            conn.executemany("INSERT INTO images(article_id, position, url, caption) VALUES (?,?,?,?)", images)
            conn.execute("COMMIT")
            print(f"\r  loaded {min(start + BATCH - 1, articles):,} articles", end="", file=sys.stderr, flush=True)
        loaded = time.perf_counter()
        print(f"\n  load {loaded - started:.0f}s; indexing …", file=sys.stderr)
    optimize(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("VACUUM")
    conn.close()
    print(f"  index + optimize + vacuum {time.perf_counter() - loaded:.0f}s", file=sys.stderr)
    return time.perf_counter() - started


WRITE_SAMPLE, WRITE_BATCH = 3_000, 200  # the crawl's writer commits every SQLITE_BATCH_SIZE = 200 articles
INSERT_ARTICLE = """INSERT INTO articles(id, portal, url, url_key, title, published, published_utc, author, body,
                    language, word_count, content_hash, captions) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"""


def write_cost(directory: Path) -> dict[str, float]:
    """Milliseconds per article a crawl's storage pays for the search indexes: ``WRITE_SAMPLE``
    articles inserted one by one through the triggers (committed every ``WRITE_BATCH``) into a
    fresh database of the current schema: with every trigger (articles_fts, and m016's articles_pairs
    and reading_counts), without m016's (as before it), and with none; the same articles each time."""
    corpus = Corpus(seed=23)
    articles = [corpus.article(i)[0] for i in range(1, WRITE_SAMPLE + 1)]
    out = {}
    m016 = ("articles_pairs_", "reading_counts_")  # its triggers: the pairs index and the facet counts
    for label, dropped in (("both", ()), ("fts_only", m016), ("none", (*m016, "articles_fts_"))):
        path = directory / f"write-{label}.db"
        db = open_db(path)
        conn = db.conn
        conn.executemany("INSERT INTO portals(name, title, family) VALUES (?, ?, 'bench')",
                         [(p, p) for p in corpus.portals])
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            if name.startswith(dropped):
                conn.execute(f"DROP TRIGGER {name}")
        conn.commit()
        started = time.perf_counter()
        for i, row in enumerate(articles, 1):
            conn.execute(INSERT_ARTICLE, row)
            if i % WRITE_BATCH == 0:
                conn.commit()
        conn.commit()
        out[label] = (time.perf_counter() - started) * 1000 / len(articles)
        conn.close()
    return out


def index_bytes(conn: sqlite3.Connection, table: str) -> int:
    """Bytes of an FTS5 index's segments (its %_data blocks)."""
    return conn.execute(f"SELECT coalesce(sum(length(block)), 0) FROM {table}_data").fetchone()[0]


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_mix() -> dict[str, list[str]]:
    """The analysts' queries by kind, every second one typed without diacritics."""
    corpus = Corpus()
    rng = random.Random(11)
    names = ["Ngô Quyền", "Lê Chân", "Đảng ủy", "Lạch Tray"]
    names += [corpus.names[rng.randrange(lo, hi)] for lo, hi in ((7, 50), (50, 300), (300, 1500), (1500, 4000))
              for _ in range(2)]
    topics = ["phòng cháy chữa cháy", "cải cách hành chính", "chuyển đổi số", "an toàn thực phẩm",
              "đô thị văn minh", "bảo hiểm xã hội"]
    broad = ["phường", "quận", corpus.words[0], corpus.words[3], corpus.words[30], corpus.words[300]]
    return {kind: [strip_marks(q) if i % 2 else q for i, q in enumerate(qs)]
            for kind, qs in (("name", names), ("topic", topics), ("broad", broad))}


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


FULL_RANK = """SELECT a.id, a.title, snippet(articles_fts, -1, '[', ']', '…', 12)
               FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
               WHERE articles_fts MATCH :q ORDER BY articles_fts.rank LIMIT 20"""
SEARCHED = "id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH escape_fts(:q))"
DATASETTE_PAGE = f"SELECT id, title, published FROM articles WHERE {SEARCHED} ORDER BY published_utc DESC LIMIT 51"
DATASETTE_COUNT = f"SELECT count(*) FROM articles WHERE {SEARCHED}"
FACET = """SELECT {col} AS value, count(*) AS count FROM (SELECT * FROM articles {where})
           WHERE {col} IS NOT NULL GROUP BY {col} ORDER BY count DESC, value LIMIT 31"""
WHOLE_FACETS = [FACET.format(col=col, where="") for col in ("portal", "year", "author")]
SEARCH_FACET = FACET.format(col="portal", where=f"WHERE {SEARCHED}")


class Pages:
    """The Datasette of `muninews serve` on the benchmark file, driven in process: each call is one
    full request (routing, every query of the page, the HTML rendered). The plugin's memory of which
    ids a search matched (``crawler.storage.reading.MatchCache``) is emptied before each request, so
    every page is timed as a query's first visit (its index walk included)."""

    def __init__(self, path: Path) -> None:
        from datasette.plugins import pm

        self.app = datasette_app(path)
        self.db = path.stem
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.app.invoke_startup())
        self.caches = next(m._MATCH_CACHES for m in pm.get_plugins() if hasattr(m, "_MATCH_CACHES"))
        self.pages = self.timed_out = 0  # pages fetched; pages where a facet gave up (facet_time_limit_ms)

    def get(self, path: str, **params: str) -> str:
        for cache in self.caches.values():
            cache.forget()
        url = f"/{self.db}/{path}" + ("?" + urlencode(params) if params else "")
        response = self.loop.run_until_complete(self.app.client.get(url))
        if response.status_code != 200 or "message-error" in response.text:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        self.pages += 1
        self.timed_out += 'class="facets-timed-out"' in response.text
        return response.text

    def close(self) -> None:
        self.loop.close()


def reading_pages(pages: Pages, conn: sqlite3.Connection, mix: dict[str, list[str]], repeat: int):
    """Per kind of query: the reading view's search page, a portal chosen within it, the ranked
    canned query; and the list without a search and article pages. Each page once to warm up."""
    portal = conn.execute("SELECT name FROM portals ORDER BY name LIMIT 1 OFFSET 7").fetchone()[0]
    kinds = {"search": lambda q: pages.get("reading", _search=q),
             "facet": lambda q: pages.get("reading", _search=q, portal=portal),
             "ranked": lambda q: pages.get("search", q=q)}
    out: dict[str, dict[str, list[float]]] = {}
    pages.pages = pages.timed_out = 0
    for kind, qs in mix.items():
        out[kind] = {}
        for name, page in kinds.items():
            for q in qs:
                page(q)
            out[kind][name] = [t for q in qs for t in timed(lambda: page(q), repeat)]
    searched = (pages.pages, pages.timed_out)
    top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    ids = [top - i * 997 for i in range(12)]
    pages.get("reading"), pages.get("reading", portal=portal), [pages.get(f"articles/{i}") for i in ids]
    others = {"list": timed(lambda: pages.get("reading"), 3 * repeat),
              "list_portal": timed(lambda: pages.get("reading", portal=portal), 3 * repeat),
              "article": [t for i in ids for t in timed(lambda: pages.get(f"articles/{i}"), repeat)],
              "searched_pages": searched, "list_timed_out": pages.timed_out - searched[1]}
    return out, others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 articles")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--db", type=Path, default=None, help="Keep the database here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="Time an existing --db instead of building it")
    args = parser.parse_args()
    n = args.articles or (50_000 if args.quick else 1_000_000)
    tmp = tempfile.TemporaryDirectory(prefix="muninews-bench-")
    path = args.db or Path(tmp.name) / "bench.db"
    build_s = 0.0
    if not (args.reuse and path.exists()):
        if path.exists():
            path.unlink()
        print(f"building {n:,} synthetic articles in {path} …", file=sys.stderr)
        build_s = build(path, n)
    size = os.path.getsize(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)  # as `muninews serve` does
    register_functions(conn)  # the ranked search's lookup in articles_pairs, as every muninews connection has it
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    mix = query_mix()
    windowed_sql = ranked_sql()

    def windowed(q: str) -> list:
        return conn.execute(windowed_sql, {"q": match_expression(q), "limit": 20, "window": RANK_WINDOW}).fetchall()

    def full(q: str) -> list:
        return conn.execute(FULL_RANK, {"q": match_expression(q)}).fetchall()

    for q in itertools.chain(*mix.values()):  # warm the page cache (both indexes), as a running server's would be
        conn.execute(DATASETTE_COUNT, {"q": q}).fetchall()
        windowed(q)

    results: dict[str, dict[str, list[float]]] = {}
    for kind, qs in mix.items():
        results[kind] = {
            "ranked": [t for q in qs for t in timed(lambda: windowed(q), 3)],
            "full": [t for q in qs for t in timed(lambda: full(q), 1)],
            "count": [t for q in qs for t in timed(lambda: conn.execute(DATASETTE_COUNT, {"q": q}).fetchall(), 2)],
            "page": [t for q in qs for t in timed(lambda: conn.execute(DATASETTE_PAGE, {"q": q}).fetchall(), 2)],
            "facet": [t for q in qs for t in timed(lambda: conn.execute(SEARCH_FACET, {"q": q}).fetchall(), 2)],
        }
    whole = [t for sql in WHOLE_FACETS for t in timed(lambda: conn.execute(sql).fetchall(), 3)]
    pages = Pages(path)
    try:
        page_times, other_pages = reading_pages(pages, conn, mix, repeat=3)
    finally:
        pages.close()
    hits = {kind: sorted(conn.execute(DATASETTE_COUNT, {"q": q}).fetchone()[0] for q in qs) for kind, qs in mix.items()}
    fts_bytes, pairs_bytes = index_bytes(conn, "articles_fts"), index_bytes(conn, "articles_pairs")
    write = write_cost(Path(tmp.name))

    print(f"\nmuninews search benchmark: {n:,} articles, {size / 1e6:,.0f} MB ({size / n:,.0f} bytes/article)"
          + (f", built in {build_s:.0f}s" if build_s else "") + f"; ranking window {RANK_WINDOW:,} newest matches")
    print(f"  indexes: articles_fts {fts_bytes / n:,.0f} bytes/article, articles_pairs (m016) {pairs_bytes / n:,.0f}; "
          f"write cost per article ({WRITE_SAMPLE:,} inserted through the triggers, committed every {WRITE_BATCH}): "
          f"{write['both']:.2f} ms now, {write['fts_only']:.2f} before m016 (articles_fts only), "
          f"{write['none']:.2f} with no index trigger")
    for kind, qs in mix.items():
        share = statistics.median(hits[kind]) / n
        print(f"  {kind:<6} {len(qs)} queries, e.g. {', '.join(repr(q) for q in qs[:3])}; matches "
              f"median {statistics.median(hits[kind]):,.0f} ({share:.1%}), max {hits[kind][-1]:,}")
    print(f"\n{'query kind':<56}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}")
    typical = {key: results["name"][key] + results["topic"][key] for key in results["name"]}
    rows = []
    for label, values in (("names + topics", typical), ("broad single syllables", results["broad"])):
        rows += [
            (f"{label}: ranked top 20 (search, windowed)", values["ranked"]),
            (f"{label}: baseline, bm25 over every match", values["full"]),
            (f"{label}: articles table SQL, count every match", values["count"]),
            (f"{label}: articles table SQL, newest 50", values["page"]),
            (f"{label}: articles table SQL, portal facet", values["facet"]),
        ]
    rows.append(("articles table SQL, facets over the whole table", whole))
    typical_pages = {key: page_times["name"][key] + page_times["topic"][key] for key in page_times["name"]}
    for label, values in (("names + topics", typical_pages), ("broad single syllables", page_times["broad"])):
        rows += [
            (f"page: {label}: search, count, facets", values["search"]),
            (f"page: {label}: a portal within the search", values["facet"]),
            (f"page: {label}: ranked search (canned query)", values["ranked"]),
        ]
    rows += [(f"page: the list without a search (facets timed out on {other_pages['list_timed_out']} of "
              f"{len(other_pages['list']) + len(other_pages['list_portal']) + 2})", other_pages["list"]),
             ("page: a portal chosen from the list", other_pages["list_portal"]),
             ("page: an article", other_pages["article"])]
    for name, values in rows:
        print(f"{name:<56}{len(values):>6}{pct(values, 50):>10.1f}{pct(values, 95):>10.1f}")
    searched, gave_up = other_pages["searched_pages"]
    print(f"search pages where a facet timed out (facet_time_limit_ms): {gave_up} of {searched}")
    ratio = pct(typical["full"], 95) / max(pct(typical["ranked"], 95), 1e-6)
    broad_ratio = pct(results["broad"]["full"], 95) / max(pct(results["broad"]["ranked"], 95), 1e-6)
    print(f"ratio, p95 of bm25 over every match / windowed: {ratio:.1f}x on names + topics, "
          f"{broad_ratio:.1f}x on broad syllables")
    fts = typical["ranked"]
    facet = whole + typical["facet"]
    scope = "" if n >= 1_000_000 else f" (at {n:,} articles only: the goals are judged at 1,000,000, without --quick)"
    every_page = [t for kind in page_times.values() for values in kind.values() for t in values]
    every_page += other_pages["list"] + other_pages["list_portal"] + other_pages["article"]
    worst = max(((name, pct(values, 95)) for name, values in rows if name.startswith("page:")), key=lambda r: r[1])
    print(f"goals{scope}: ranked top 20 (names + topics) p95 <= 30 ms -> "
          f"{'met' if pct(fts, 95) <= 30 else 'NOT met'} ({pct(fts, 95):.1f}); every reading-view page p95 <= 200 ms -> "
          f"{'met' if worst[1] <= 200 else 'NOT met'} (worst: {worst[0][6:]}, {worst[1]:.0f} ms); "
          f"broad syllables: ranked p95 {pct(results['broad']['ranked'], 95):.0f} ms")
    print(f"articles={n} fts_p50_ms={pct(fts, 50):.2f} fts_p95_ms={pct(fts, 95):.2f} "
          f"facet_p95_ms={pct(facet, 95):.2f} bytes_per_article={size / n:.0f} "
          f"broad_fts_p50_ms={pct(results['broad']['ranked'], 50):.2f} "
          f"broad_fts_p95_ms={pct(results['broad']['ranked'], 95):.2f} "
          f"broad_facet_p95_ms={pct(results['broad']['facet'], 95):.2f} "
          f"count_p95_ms={pct(typical['count'], 95):.2f} full_rank_over_windowed_p95_ratio={ratio:.1f} "
          f"page_p95_ms={pct(every_page, 95):.2f} search_page_p95_ms={pct(typical_pages['search'], 95):.2f} "
          f"broad_search_page_p95_ms={pct(page_times['broad']['search'], 95):.2f} worst_page_p95_ms={worst[1]:.2f} "
          f"pairs_bytes_per_article={pairs_bytes / n:.0f} write_ms_per_article={write['both']:.3f} "
          f"write_ms_per_article_before_m016={write['fts_only']:.3f}")
    conn.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
