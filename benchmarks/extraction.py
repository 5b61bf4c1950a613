"""Extraction benchmark: muninews (profile-free) against trafilatura on pages with known answers.

    python benchmarks/extraction.py [--corpus DIR] [--quick] [--show FIELD] [--no-wcxb]

Both tools run in the same process on the same pages, timed by this process's CPU time
(``scoring.clock``), so the speed ratio is fair even when the machine is busy. The last line is machine-readable (muninews figures):

    body_f1=… title=… published=… authors=… caption_recall=… caption_precision=… speed_ratio=… profile_speed_ratio=…
    wcxb_body_f1=… wcxb_title=… wcxb_author=… wcxb_date=… wcxb_nonarticle_as_article=… wcxb_speed_ratio=…
    wcxb_traf_body_f1=… (trafilatura's figures on the same WCXB pages)

``speed_ratio`` is the generic path on the corpus; ``profile_speed_ratio`` is the profile path on
the replica portal's pages against trafilatura timed on those same pages. The WCXB set
(``CORPUS/wcxb``, 1,358 pages, scored by its own word-level F1) is ``benchmarks/wcxb.py``; with
``--quick`` every 8th page of it.

The corpus lives beside the project (``../shared/eval``, never copied into it).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wcxb  # noqa: E402
from scoring import BodyScore, CaptionScore, authors_f1, clock, same_day, title_match  # noqa: E402

from crawler.extraction.html import NotHTML, decode_html  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"  # ../shared/eval
QUICK_EVERY = 4  # --quick scores every 4th page: same mix of sources, a quarter of the time


@dataclass
class Page:
    """One corpus page: its answers and the raw bytes as the crawler would have received them."""

    truth: dict[str, Any]
    raw: bytes
    text: str


@dataclass
class Prediction:
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str = ""
    captions: list[str] = field(default_factory=list)


@dataclass
class Run:
    """Predictions of one tool plus the time it spent extracting (not reading or decoding files)."""

    name: str
    predictions: list[Prediction] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return len(self.predictions) / self.seconds if self.seconds else 0.0


def load_corpus(corpus: Path, quick: bool) -> list[Page]:
    rows = [json.loads(line) for line in (corpus / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    if quick:
        rows = rows[::QUICK_EVERY]
    pages = []
    for row in rows:
        raw = gzip.decompress((corpus / row["page"]).read_bytes())
        pages.append(Page(truth=row, raw=raw, text=decode_html(raw)))
    return pages


# --- the tools ----------------------------------------------------------------------------------


def _muninews_extractor() -> Callable[[bytes, str], Any]:
    """The lead's ``extract_page`` when present, else the two profile-free layers in its order."""
    try:
        from crawler.extraction import extract_page  # type: ignore[attr-defined]

        return lambda raw, url: extract_page(raw, url, profile=None)
    except ImportError:
        return _fallback_extract_page


def _fallback_extract_page(raw: bytes, url: str) -> Any:
    from crawler.extraction.generic import extract_generic
    from crawler.extraction.html import parse_html
    from crawler.extraction.record import Context, Record
    from crawler.extraction.structured import extract_structured

    tree = parse_html(decode_html(raw))
    ctx = Context(url=url)
    record = Record(url=url)
    for layer in (extract_structured(tree, ctx), extract_generic(tree, ctx)):
        for name, value in layer.items():
            if value and not getattr(record, name, None):
                setattr(record, name, value)
    return record


WARM_UP = 3  # untimed extractions per tool first: imports, regex and locale caches, not pages/s


def settle_memory() -> None:
    """Before every timed section, for every tool alike: collect, then freeze what survives (the
    corpus, the other tool's modules), so the garbage collector's full passes during the timing
    walk only what the tool under test allocates, not what this benchmark happens to hold."""
    gc.collect()
    gc.freeze()


def run_muninews(pages: list[Page]) -> Run:
    extract = _muninews_extractor()
    for page in pages[:WARM_UP]:
        extract(page.raw, page.truth["url"])
    settle_memory()
    run = Run("muninews")
    for page in pages:
        start = clock()
        try:
            record = extract(page.raw, page.truth["url"])
        except NotHTML:
            record = None
        run.seconds += clock() - start
        run.predictions.append(_from_record(record))
    return run


def _from_record(record: Any) -> Prediction:
    if record is None:
        return Prediction()
    return Prediction(
        title=record.title,
        published=record.published,
        authors=list(record.authors or []),
        body="\n\n".join(record.body or []),
        captions=list(record.captions),
    )


def run_trafilatura(pages: list[Page]) -> Run | None:
    try:
        import trafilatura
    except ImportError:
        return None
    for page in pages[:WARM_UP]:
        trafilatura.bare_extraction(page.text, url=page.truth["url"], with_metadata=True)
    settle_memory()
    run = Run(f"trafilatura {getattr(trafilatura, '__version__', '')}".strip())
    for page in pages:
        start = clock()
        document = trafilatura.bare_extraction(page.text, url=page.truth["url"], with_metadata=True)
        run.seconds += clock() - start
        run.predictions.append(_from_trafilatura(document))
    return run


def _from_trafilatura(document: Any) -> Prediction:
    if document is None:
        return Prediction()
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    authors = [name.strip() for name in (data.get("author") or "").split(";") if name.strip()]
    return Prediction(
        title=data.get("title"),
        published=data.get("date"),
        authors=authors,
        body=data.get("text") or "",
    )


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Scores:
    body: BodyScore
    captions: CaptionScore
    title: float
    published: float
    authors: float
    pages_per_second: float
    published_wrong: int = 0
    published_missing: int = 0


def score(pages: list[Page], run: Run, source: str | None = None) -> Scores:
    body, captions = BodyScore(), CaptionScore()
    titles, dates, authors = [], [], []
    wrong = missing = 0
    for page, prediction in zip(pages, run.predictions):
        truth = page.truth
        if source is not None and truth.get("source") != source:
            continue
        body.add(truth["body"], prediction.body)
        if truth.get("title") is not None:
            titles.append(title_match(truth["title"], prediction.title))
        if truth.get("published") is not None:
            ok = same_day(truth["published"], prediction.published)
            dates.append(ok)
            wrong += bool(prediction.published) and not ok
            missing += not prediction.published
        if truth.get("authors") is not None:
            authors.append(authors_f1(truth["authors"], prediction.authors))
        if truth.get("captions") is not None:
            captions.add(truth["captions"], prediction.captions)
    if source is not None:  # a source without answers for a field shows "-" there, not 0
        return Scores(body, captions, _mean_or_none(titles), _mean_or_none(dates), _mean_or_none(authors),  # type: ignore[arg-type]
                      run.pages_per_second, wrong, missing)
    return Scores(body, captions, _mean(titles), _mean(dates), _mean(authors), run.pages_per_second, wrong, missing)


def _mean(values: list[float] | list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def _mean_or_none(values: list[float] | list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


# --- the replica portal, with and without its profile --------------------------------------------

REPLICA_BASE = "http://127.0.0.1:8765"
# Text of the replica's widgets and share bar: none of it may reach a body.
WIDGET_TEXT = ("Tiện ích thông tin", "Nguồn tin", "QR Code", "QR CODE", "Chúng tôi trên Mạng Xã hội", "Fanpage",
               "Tin khác", "Chia sẻ", "Zalo", "Print", "Gốc", "Địa chỉ: Số 18")


@dataclass
class ReplicaScores:
    pages: int = 0
    exact: int = 0
    title: int = 0
    published: int = 0
    authors: int = 0
    captions: int = 0
    leaks: int = 0
    body: BodyScore = field(default_factory=BodyScore)
    seconds: float = 0.0


def replica_pages(quick: bool) -> list[tuple[Any, dict, str]]:
    """(portal profile, true record, HTML) for the replica's articles as its server renders them."""
    from crawler.registry import load_registry
    from crawler.replica import build_replica
    from crawler.replica.templates import article_page

    replica = build_replica()
    portals = {p.replica: p for p in load_registry().family("haiphong-replica")}
    pages = []
    for site in replica.sites.values():
        slugs = site.by_slug()
        articles = site.articles[::QUICK_EVERY] if quick else site.articles
        for article in articles:
            html = article_page(site, article, [slugs[s] for s in article.related])
            pages.append((portals[site.key], article.record(REPLICA_BASE), html))
    return pages


def score_replica(pages: list[tuple[Any, dict, str]], with_profile: bool) -> ReplicaScores:
    from crawler.extraction import extract_page

    scores = ReplicaScores()
    for portal, truth, html in pages[:WARM_UP]:  # as trafilatura gets below
        extract_page(html.encode("utf-8"), truth["url"], portal if with_profile else None)
    settle_memory()
    for portal, truth, html in pages:
        raw = html.encode("utf-8")  # the bytes a crawl receives; encoding them is not extraction
        start = clock()
        record = extract_page(raw, truth["url"], portal if with_profile else None)
        scores.seconds += clock() - start
        scores.pages += 1
        checks = {
            "title": record.title == truth["title"],
            "published": record.published == truth["published"],
            "authors": record.authors == truth["authors"],
            "captions": record.captions == truth["captions"],
            "body": record.body == truth["body"],
            "images": [{"url": i.url, "caption": i.caption} for i in record.images] == truth["images"],
        }
        scores.exact += all(checks.values())
        scores.title += checks["title"]
        scores.published += checks["published"]
        scores.authors += checks["authors"]
        scores.captions += checks["captions"]
        scores.body.add("\n\n".join(truth["body"]), record.body_text)
        body = record.body_text
        scores.leaks += any(w in body for w in WIDGET_TEXT) or any(c in body for c in truth["captions"])
    return scores


def time_trafilatura_replica(pages: list[tuple[Any, dict, str]]) -> float | None:
    """trafilatura's pages/s on the very replica pages muninews is timed on, so the profile path's
    speed claim is a ratio measured side by side, not against the corpus' (heavier) pages."""
    try:
        import trafilatura
    except ImportError:
        return None
    for _, truth, html in pages[:WARM_UP]:
        trafilatura.bare_extraction(html, url=truth["url"], with_metadata=True)
    settle_memory()
    seconds = 0.0
    for _, truth, html in pages:
        start = clock()
        trafilatura.bare_extraction(html, url=truth["url"], with_metadata=True)
        seconds += clock() - start
    return len(pages) / seconds if seconds else None


def print_replica(quick: bool, baseline: bool = True) -> tuple[dict[str, ReplicaScores], float | None]:
    """The replica table; returns the scores and the profile path's speed ratio against
    trafilatura on the same pages (None without the baseline)."""
    pages = replica_pages(quick)
    results = {"profile": score_replica(pages, True), "no profile": score_replica(pages, False)}
    trafilatura_speed = time_trafilatura_replica(pages) if baseline else None
    print(f"\nreplica portal: {len(pages)} article pages, scored against TrueArticle.record()")
    header = ["layers", "all fields", "title", "published", "authors", "captions", "body F1", "widget leaks", "pages/s"]
    rows = []
    for name, r in results.items():
        n = r.pages or 1
        rows.append([name, f"{r.exact / n:.3f}", f"{r.title / n:.3f}", f"{r.published / n:.3f}", f"{r.authors / n:.3f}",
                     f"{r.captions / n:.3f}", f"{r.body.f1:.3f}", str(r.leaks), f"{r.pages / r.seconds:.1f}" if r.seconds else "-"])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    if not trafilatura_speed:
        return results, None
    ratios = {name: (r.pages / r.seconds) / trafilatura_speed for name, r in results.items() if r.seconds}
    print(f"trafilatura on the same replica pages: {trafilatura_speed:.1f} pages/s; "
          + ", ".join(f"{name} x{ratio:.1f}" for name, ratio in ratios.items()))
    return results, ratios.get("profile")


# --- report -------------------------------------------------------------------------------------


_COLUMNS = ("body P", "body R", "body F1", "title", "published", "authors", "cap R", "cap P", "pages/s")


def _row(name: str, s: Scores) -> list[str]:
    values = (s.body.precision, s.body.recall, s.body.f1, s.title, s.published, s.authors,
              s.captions.recall if s.captions.expected else None, s.captions.precision if s.captions.predicted else None)
    return [name] + ["-" if v is None else f"{v:.3f}" for v in values] + [f"{s.pages_per_second:.1f}"]


def print_table(rows: list[list[str]]) -> None:
    header = ["tool", *_COLUMNS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


def show_misses(pages: list[Page], run: Run, name: str) -> None:
    """Print the pages a field got wrong, for working on the extractor (not part of the score)."""
    for page, prediction in zip(pages, run.predictions):
        truth = page.truth
        if name == "body":
            body = BodyScore()
            body.add(truth["body"], prediction.body)
            if body.f1 < 0.9:
                print(f"{body.precision:.2f}/{body.recall:.2f} {truth['id']}")
            continue
        want = truth.get(name)
        if want is None:
            continue
        got = getattr(prediction, name)
        ok = {
            "title": lambda: title_match(want, got),
            "published": lambda: same_day(want, got),
            "authors": lambda: authors_f1(want, got) == 1.0,
            "captions": lambda: _captions_ok(want, got),
        }[name]()
        if not ok:
            print(f"{truth['id']}\n   want {want!r}\n   got  {got!r}")


def _captions_ok(want: list[str], got: list[str]) -> bool:
    score = CaptionScore()
    score.add(want, got)
    return score.found == score.expected and score.confirmed == score.predicted


def print_caption_sources(pages: list[Page], run: Run) -> None:
    """Where unconfirmed captions come from: a page whose answer lists no caption at all
    (a publisher parser that reads none) counts every caption shown there against precision."""
    empty = sum(len(p.captions) for page, p in zip(pages, run.predictions) if page.truth.get("captions") == [])
    listed = CaptionScore()
    for page, prediction in zip(pages, run.predictions):
        if page.truth.get("captions"):
            listed.add(page.truth["captions"], prediction.captions)
    print(f"captions: {empty} predicted on pages whose answer lists none; precision on pages whose answer "
          f"lists captions: {listed.precision:.3f} ({listed.confirmed}/{listed.predicted})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with truth.jsonl and pages/")
    parser.add_argument("--quick", action="store_true", help=f"every {QUICK_EVERY}th page only")
    parser.add_argument("--show", choices=("body", "title", "published", "authors", "captions"),
                        help="list muninews misses for one field")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura")
    parser.add_argument("--no-replica", action="store_true", help="skip the replica portal section")
    parser.add_argument("--no-wcxb", action="store_true", help="skip the WCXB section")
    args = parser.parse_args(argv)

    pages = load_corpus(args.corpus, args.quick)
    ours = run_muninews(pages)
    theirs = None if args.no_baseline else run_trafilatura(pages)
    if args.show:
        show_misses(pages, ours, args.show)
    ours_scores = score(pages, ours)
    rows = [_row(ours.name, ours_scores)]
    if theirs is not None:
        rows.append(_row(theirs.name, score(pages, theirs)))
    sources = sorted({page.truth.get("source") or "" for page in pages})
    for source in sources:  # per source: a rule that helps one benchmark and costs the other shows here
        for run in (ours, theirs):
            if run is not None:
                rows.append(_row(f"  {source}: {run.name}", score(pages, run, source)))
    print(f"{len(pages)} pages from {args.corpus}")
    print_table(rows)
    dated = sum(page.truth.get("published") is not None for page in pages)
    for run in (ours, theirs):
        if run is not None:
            s = score(pages, run)
            print(f"published, {run.name}: {dated - s.published_wrong - s.published_missing} right, "
                  f"{s.published_wrong} wrong, {s.published_missing} missing of {dated}")
    ratio = ours.pages_per_second / theirs.pages_per_second if theirs and theirs.pages_per_second else 0.0
    if ratio:
        print(f"muninews / {theirs.name}: body F1 x{ours_scores.body.f1 / max(score(pages, theirs).body.f1, 1e-9):.2f}, "
              f"speed x{ratio:.2f}")
    print_caption_sources(pages, ours)
    profile_ratio = None
    if not args.no_replica:
        _, profile_ratio = print_replica(args.quick, baseline=not args.no_baseline)
    wcxb_line = ""
    wcxb_corpus = args.corpus / "wcxb"
    if not args.no_wcxb and (wcxb_corpus / "truth.jsonl").exists():
        wcxb_line = " " + wcxb.report(wcxb_corpus, args.quick, baseline=not args.no_baseline).last_line()
    s = ours_scores
    print(
        f"body_f1={s.body.f1:.3f} title={s.title:.3f} published={s.published:.3f} authors={s.authors:.3f} "
        f"caption_recall={s.captions.recall:.3f} caption_precision={s.captions.precision:.3f} "
        f"speed_ratio={ratio:.2f}" + (f" profile_speed_ratio={profile_ratio:.2f}" if profile_ratio else "")
        + wcxb_line
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
