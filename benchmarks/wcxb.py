"""The WCXB section of the extraction benchmark: 1,358 pages of 2025 (711 articles, 647 pages of
six other types) scored the way the Web Content eXtraction Benchmark scores them, muninews beside
trafilatura in the same run (``../shared/eval/wcxb/README.md``).

    python benchmarks/wcxb.py [--corpus DIR] [--quick] [--show FIELD]   # this section alone

What it reports:
- articles: word-level F1 of the body (WCXB's measure), title (normalised exact), author (F1 of
  name sets), date (same day; right, wrong and missing apart: no date is better than a wrong one),
  and the share of WCXB's ``with`` / ``without`` snippets in the body;
- per page type: word F1 and the share of pages each tool takes for an article (a listing,
  category or product page must never become an article row);
- by site-grouped folds (every page of a domain in one fold): the same figures per fold, so a rule
  that helps one group of sites and costs another shows it.

trafilatura's answers are cached per page (keyed by the page's bytes, its URL and trafilatura's
version) in a temporary folder, as they never change between runs; its speed is still measured in
the same run, on a fixed share of the pages it runs fresh every time, against muninews' time on
the very same pages.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import authors_f1, clock, same_day, snippet_share, title_match, truth_names, word_f1  # noqa: E402

from crawler.extraction.html import NotHTML, decode_html  # noqa: E402

QUICK_EVERY = 8  # --quick: every 8th page (170 of 1,358), the same mix of page types
TIMING_EVERY = 4  # trafilatura always runs fresh (timed) on every 4th page scored
FOLDS = 5
WARM_UP = 3
MIN_ARTICLE_CHARS = 80  # Record.is_article's rule, applied to trafilatura's output alike
CACHE_DIR = Path(os.environ.get("MUNINEWS_BENCH_CACHE", Path(tempfile.gettempdir()) / "muninews-bench-trafilatura"))


@dataclass
class WPage:
    truth: dict[str, Any]
    raw: bytes
    text: str

    @property
    def is_article(self) -> bool:
        return self.truth["page_type"] == "article"

    @property
    def fold(self) -> int:
        return zlib.crc32(self.truth["domain"].encode()) % FOLDS


@dataclass
class WPrediction:
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str = ""
    article: bool = False


@dataclass
class WRun:
    name: str
    predictions: list[WPrediction] = field(default_factory=list)
    seconds: list[float | None] = field(default_factory=list)  # per page; None: from the cache

    def timed(self, indexes: list[int]) -> float:
        return sum(self.seconds[i] or 0.0 for i in indexes)


def load(corpus: Path, quick: bool) -> list[WPage]:
    rows = [json.loads(line) for line in (corpus / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    if quick:
        rows = rows[::QUICK_EVERY]
    pages = []
    for row in rows:
        raw = gzip.decompress((corpus / row["page"]).read_bytes())
        pages.append(WPage(row, raw, decode_html(raw)))
    return pages


def timing_indexes(pages: list[WPage], quick: bool) -> list[int]:
    every = 1 if quick else TIMING_EVERY
    return list(range(0, len(pages), every))


# --- the tools ----------------------------------------------------------------------------------


def run_muninews(pages: list[WPage]) -> WRun:
    import gc

    from crawler.extraction import extract_page

    for page in pages[:WARM_UP]:
        extract_page(page.raw, page.truth["url"])
    gc.collect()
    gc.freeze()
    run = WRun("muninews")
    for page in pages:
        start = clock()
        try:
            record = extract_page(page.raw, page.truth["url"])
        except NotHTML:
            record = None
        run.seconds.append(clock() - start)
        run.predictions.append(WPrediction(
            title=record.title, published=record.published, authors=list(record.authors or []),
            body=record.body_text, article=record.is_article(),
        ) if record is not None else WPrediction())
    return run


def _cache_key(page: WPage, version: str) -> str:
    digest = hashlib.sha256(page.raw)
    digest.update(page.truth["url"].encode())
    return f"{version}-{digest.hexdigest()[:32]}"


def run_trafilatura(pages: list[WPage], fresh: set[int]) -> WRun | None:
    """trafilatura on every page: fresh (and timed) on ``fresh``, from the cache elsewhere when
    the cache has the page."""
    import gc

    try:
        import trafilatura
    except ImportError:
        return None
    version = getattr(trafilatura, "__version__", "")
    cache = CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    extract: Callable[[WPage], Any] = lambda p: trafilatura.bare_extraction(p.text, url=p.truth["url"], with_metadata=True)
    for page in pages[:WARM_UP]:
        extract(page)
    gc.collect()
    gc.freeze()
    run = WRun(f"trafilatura {version}".strip())
    for index, page in enumerate(pages):
        path = cache / f"{_cache_key(page, version)}.json"
        if index not in fresh and path.exists():
            run.predictions.append(WPrediction(**json.loads(path.read_text(encoding="utf-8"))))
            run.seconds.append(None)
            continue
        start = clock()
        document = extract(page)
        run.seconds.append(clock() - start)
        prediction = _from_trafilatura(document)
        run.predictions.append(prediction)
        path.write_text(json.dumps(asdict(prediction), ensure_ascii=False), encoding="utf-8")
    return run


def _from_trafilatura(document: Any) -> WPrediction:
    if document is None:
        return WPrediction()
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    authors = [name.strip() for name in (data.get("author") or "").split(";") if name.strip()]
    body = data.get("text") or ""
    title = data.get("title")
    return WPrediction(title=title, published=data.get("date"), authors=authors, body=body,
                       article=bool(title) and len(body) >= MIN_ARTICLE_CHARS)


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class WScores:
    articles: int = 0
    body: float = 0.0
    title: float = 0.0
    author: float = 0.0
    date: float = 0.0
    date_wrong: float = 0.0
    date_missing: float = 0.0
    with_share: float = 0.0
    without_share: float = 0.0
    nonarticles: int = 0
    nonarticle_as_article: float = 0.0
    author_on_none: float = 0.0  # articles without an author that got one


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score(pages: list[WPage], run: WRun, indexes: list[int] | None = None) -> WScores:
    chosen = range(len(pages)) if indexes is None else indexes
    bodies, titles, authors, dates, wrong, missing, with_, without, taken, none_authors = ([] for _ in range(10))
    for i in chosen:
        page, p = pages[i], run.predictions[i]
        truth = page.truth
        if not page.is_article:
            taken.append(float(p.article))
            continue
        bodies.append(word_f1(truth["body"], p.body))
        titles.append(float(title_match(truth["title"], p.title)))
        names = truth_names(truth.get("author"))
        if names:
            authors.append(authors_f1(names, p.authors))
        else:
            none_authors.append(float(bool(p.authors)))
        if truth.get("published"):
            ok = same_day(truth["published"], p.published)
            dates.append(float(ok))
            wrong.append(float(bool(p.published) and not ok))
            missing.append(float(not p.published))
        if (share := snippet_share(truth.get("with") or [], p.body)) is not None:
            with_.append(share)
        if (share := snippet_share(truth.get("without") or [], p.body)) is not None:
            without.append(share)
    return WScores(
        articles=len(bodies), body=_mean(bodies), title=_mean(titles), author=_mean(authors),
        date=_mean(dates), date_wrong=_mean(wrong), date_missing=_mean(missing),
        with_share=_mean(with_), without_share=_mean(without),
        nonarticles=len(taken), nonarticle_as_article=_mean(taken), author_on_none=_mean(none_authors),
    )


# --- report -------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


def _score_row(name: str, s: WScores) -> list[str]:
    return [name, str(s.articles), f"{s.body:.3f}", f"{s.title:.3f}", f"{s.author:.3f}", f"{s.date:.3f}",
            f"{s.date_wrong:.3f}", f"{s.date_missing:.3f}", f"{s.with_share:.3f}", f"{s.without_share:.3f}",
            f"{s.author_on_none:.3f}", str(s.nonarticles), f"{s.nonarticle_as_article:.3f}"]


SCORE_HEADER = ["tool", "articles", "word F1", "title", "author", "date", "date wrong", "date missing",
                "with", "without", "author on none", "others", "taken as article"]


@dataclass
class WResult:
    ours: WScores
    theirs: WScores | None
    speed_ratio: float | None

    def last_line(self) -> str:
        def fields(prefix: str, s: WScores) -> str:
            return (f"{prefix}body_f1={s.body:.3f} {prefix}title={s.title:.3f} {prefix}author={s.author:.3f} "
                    f"{prefix}date={s.date:.3f} {prefix}nonarticle_as_article={s.nonarticle_as_article:.3f}")

        line = fields("wcxb_", self.ours)
        if self.speed_ratio is not None:
            line += f" wcxb_speed_ratio={self.speed_ratio:.2f}"
        if self.theirs is not None:
            line += " " + fields("wcxb_traf_", self.theirs)
        return line


def report(corpus: Path, quick: bool, baseline: bool = True, show: str | None = None) -> WResult:
    pages = load(corpus, quick)
    ours = run_muninews(pages)
    fresh = timing_indexes(pages, quick)
    theirs = run_trafilatura(pages, set(fresh)) if baseline else None
    if show:
        show_misses(pages, ours, show)
    n_articles = sum(p.is_article for p in pages)
    print(f"\nWCXB: {len(pages)} pages from {corpus} ({n_articles} articles, {len(pages) - n_articles} other pages; "
          f"body by WCXB's word-level F1)")
    ours_s = score(pages, ours)
    theirs_s = score(pages, theirs) if theirs else None
    _table(SCORE_HEADER, [_score_row(ours.name, ours_s)] + ([_score_row(theirs.name, theirs_s)] if theirs_s else []))

    print("\nWCXB per page type (word F1 of the body against WCXB's main text; share taken for an article)")
    types = sorted({p.truth["page_type"] for p in pages}, key=lambda t: (t != "article", t))
    rows = []
    for page_type in types:
        idx = [i for i, p in enumerate(pages) if p.truth["page_type"] == page_type]
        row = [page_type, str(len(idx))]
        for run in (ours, theirs):
            if run is None:
                continue
            row.append(f"{_mean([word_f1(pages[i].truth['body'], run.predictions[i].body) for i in idx]):.3f}")
            row.append(f"{_mean([float(run.predictions[i].article) for i in idx]):.3f}")
        rows.append(row)
    header = ["type", "pages", "muninews F1", "muninews article?"] + (["traf F1", "traf article?"] if theirs else [])
    _table(header, rows)

    print(f"\nWCXB by site-grouped folds ({FOLDS} folds, every page of a domain in one fold): muninews - trafilatura")
    rows = []
    for fold in range(FOLDS):
        idx = [i for i, p in enumerate(pages) if p.fold == fold]
        a = score(pages, ours, idx)
        b = score(pages, theirs, idx) if theirs else None
        row = [str(fold), str(a.articles), f"{a.body:.3f}", f"{a.title:.3f}", f"{a.author:.3f}", f"{a.date:.3f}",
               f"{a.nonarticle_as_article:.3f}"]
        if b is not None:
            row += [f"{a.body - b.body:+.3f}", f"{a.title - b.title:+.3f}", f"{a.author - b.author:+.3f}",
                    f"{a.date - b.date:+.3f}", f"{a.nonarticle_as_article - b.nonarticle_as_article:+.3f}"]
        rows.append(row)
    header = ["fold", "articles", "word F1", "title", "author", "date", "taken"]
    if theirs:
        header += ["Δ F1", "Δ title", "Δ author", "Δ date", "Δ taken"]
    _table(header, rows)

    ratio = None
    if theirs is not None:
        mine, traf = ours.timed(fresh), theirs.timed(fresh)
        if mine and traf:
            ratio = traf / mine
            print(f"speed on {len(fresh)} pages timed side by side: muninews {len(fresh) / mine:.1f} pages/s, "
                  f"{theirs.name} {len(fresh) / traf:.1f} pages/s, x{ratio:.2f}")
    return WResult(ours_s, theirs_s, ratio)


def show_misses(pages: list[WPage], run: WRun, name: str) -> None:
    """The pages a field got wrong (for working on the extractor; not part of the score)."""
    for page, p in zip(pages, run.predictions):
        truth = page.truth
        if name == "article":
            if not page.is_article and p.article:
                print(f"{truth['id']} {truth['page_type']} {truth['url']}\n   title {p.title!r} body {len(p.body)} chars")
            continue
        if not page.is_article:
            continue
        if name == "body":
            f1 = word_f1(truth["body"], p.body)
            if f1 < 0.8:
                print(f"{f1:.2f} {truth['id']} {truth['url']}")
        elif name == "title" and not title_match(truth["title"], p.title):
            print(f"{truth['id']} {truth['url']}\n   want {truth['title']!r}\n   got  {p.title!r}")
        elif name == "author" and truth_names(truth.get("author")) and authors_f1(truth_names(truth["author"]), p.authors) < 1:
            print(f"{truth['id']} {truth['url']}\n   want {truth['author']!r}\n   got  {p.authors!r}")
        elif name == "date" and truth.get("published") and not same_day(truth["published"], p.published):
            print(f"{truth['id']} {truth['url']}\n   want {truth['published']!r}\n   got  {p.published!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "wcxb")
    parser.add_argument("--quick", action="store_true", help=f"every {QUICK_EVERY}th page only")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura")
    parser.add_argument("--show", choices=("body", "title", "author", "date", "article"))
    args = parser.parse_args(argv)
    result = report(args.corpus, args.quick, baseline=not args.no_baseline, show=args.show)
    print(result.last_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
