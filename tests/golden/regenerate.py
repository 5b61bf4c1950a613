"""Rewrite the golden JSON from today's extraction, so a change in extraction shows as a git diff.

    .venv/bin/python tests/golden/regenerate.py                 # every JSON from its saved HTML
    .venv/bin/python tests/golden/regenerate.py --check         # exit 1 if any JSON would change
    .venv/bin/python tests/golden/regenerate.py --from-replica  # also rebuild the replica's HTML
    .venv/bin/python tests/golden/regenerate.py --add PAGE.html --portal haiphong \\
        --url https://… --crawl-time 2025-05-01T09:00:00+07:00 --name slug --origin "saved by …"

The saved HTML of a real portal is never rebuilt: only ``--add`` files a page someone saved (under
the parser version valid at its crawl time). Replica pages are rendered from the seeded generator
with the template of each version (``RENDERERS``); the script warns where the extraction disagrees
with the generator's true record, because the JSON records what extraction does, not what is right.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for `golden`

from crawler.registry import Registry, load_registry
from crawler.replica import build_replica
from crawler.replica.redesign import article_page_2025
from crawler.replica.templates import article_page
from golden import Golden, differences, extract, goldens, save_html, write

SEED = 2022
# The replica template each parser version of the replica family was written for.
RENDERERS = {"2020-egov-theme": article_page, "2025-news-theme": article_page_2025}
# (site, article number, why this page): together they cover every caption markup, lazy images,
# a retitled syndicated copy and a photo-less notice signed by an office.
REPLICA_PAGES = (
    ("city", 9, "three caption markups (wp-caption, table, em-line), two lazy images"),
    ("ngoquyen", 76, "syndicated copy retitled 'Ngô Quyền: …', all four caption markups, two lazy images"),
    ("lechan", 71, "weekly schedule notice: no photos, the office as author"),
)


def from_replica(registry: Registry) -> dict[Golden, tuple[dict, dict]]:
    """Render each replica page for each version with a known template: golden -> (page, truth)."""
    replica, pages = build_replica(seed=SEED), {}
    portals = {p.replica: p for p in registry.portals.values() if p.replica}
    for family in sorted({p.family for p in portals.values()}):
        for parser in next(p for p in portals.values() if p.family == family).parsers:
            render = RENDERERS.get(parser.version)
            if render is None:
                print(f"{family}/{parser.version}: no replica template known; add it to RENDERERS")
                continue
            for site_key, number, why in REPLICA_PAGES:
                site, portal = replica.sites[site_key], portals[site_key]
                article = next(a for a in site.articles if a.number == number)
                related = [site.by_slug()[s] for s in article.related if s in site.by_slug()]
                crawled = (article.published + timedelta(hours=2)).isoformat()
                golden = Golden(family, parser.version, f"{site_key}-{number}")
                save_html(golden, render(site, article, related).encode("utf-8"))
                pages[golden] = ({
                    "portal": portal.name, "url": portal.base_url + article.path,
                    "crawl_time": crawled if parser.covers(crawled) else f"{parser.valid_from}T08:00:00+07:00",
                    "content_type": "text/html; charset=UTF-8",
                    "origin": f"replica seed={SEED} site={site_key} article={number}, "
                              f"{render.__module__}.{render.__name__}",
                    "why": why,
                }, article.record(portal.base_url))
    return pages


def add(args: argparse.Namespace, registry: Registry) -> dict[Golden, tuple[dict, None]]:
    """File a saved page under the parser version its portal used at its crawl time."""
    portal = registry.get(args.portal)
    parser = portal.parser_for(args.crawl_time)
    if parser is None:
        sys.exit(f"{portal.name} has no parser version: there is nothing to file the page under")
    golden = Golden(portal.family, parser.version, args.name)
    save_html(golden, Path(args.add).read_bytes())
    return {golden: ({"portal": portal.name, "url": args.url, "crawl_time": args.crawl_time,
                      "content_type": args.content_type, "origin": args.origin}, None)}


def store(golden: Golden, page: dict, truth: dict | None, registry: Registry) -> None:
    record = extract(golden, page, registry)
    if record["parser_version"] != golden.version:
        sys.exit(f"{golden.id}: extracted with parser version {record['parser_version']!r}, not {golden.version!r}")
    print(f"{golden.id}: {'changed' if write(golden, page, record) else 'unchanged'}")
    if truth is not None:  # the replica knows the right answer: say where extraction misses it
        truth["images"] = [{**image, "credit": None} for image in truth["images"]]
        for line in differences({k: truth[k] for k in TRUE_FIELDS}, {k: record[k] for k in TRUE_FIELDS}):
            print(f"  warning: differs from the replica's true record in {line}")


TRUE_FIELDS = ("title", "published", "authors", "body", "images")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a JSON is out of date")
    parser.add_argument("--from-replica", action="store_true", help="(re)render the replica family's pages")
    parser.add_argument("--add", metavar="PAGE", help="file a saved page of a portal (with the options below)")
    for option in ("--portal", "--url", "--crawl-time", "--name", "--origin"):
        parser.add_argument(option)
    parser.add_argument("--content-type", default="text/html; charset=UTF-8")
    args = parser.parse_args(argv)
    registry = load_registry()
    if args.check:
        stale = [g.id for g in goldens() if differences(g.load()["record"], extract(g, g.load()["page"], registry))]
        print("\n".join(f"{name}: out of date" for name in stale) or "every golden JSON is up to date")
        return 1 if stale else 0
    new: dict[Golden, tuple[dict, dict | None]] = {}
    if args.add:
        missing = [o for o in ("portal", "url", "crawl_time", "name", "origin") if not getattr(args, o)]
        if missing:
            parser.error("--add needs " + ", ".join("--" + m.replace("_", "-") for m in missing))
        new |= add(args, registry)
    if args.from_replica:
        new |= from_replica(registry)
    for golden in goldens():
        if golden in new:
            store(golden, *new[golden], registry)
        elif golden.json_path.exists() and golden.html_path.exists():
            store(golden, golden.load()["page"], None, registry)
        else:
            print(f"{golden.id}: half saved (needs both .html.gz and .json); left alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
