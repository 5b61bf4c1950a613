"""The real Plone end to end (issue 18): `muninews add-portal` drafts a profile (no hand edits), `muninews
crawl` stores the site, and what lands in SQLite is compared field by field with what Plone's REST API
holds (tests/plone): every published News Item and nothing else (no Page, Event, Folder, Collection,
File, private or pending item), title, published (to the minute where a feed gave the time, else the day
with published_precision "day"), modified, authors (all of them), body paragraphs, lead, and captions on
the right images; then an incremental rerun after 3 edits, 2 deletions and 3 new items, with the
profile as drafted (its REST API first) and through the sitemap alone.

The settings the issue names are covered pairwise (each pair of values of byline, sitemap, navigation
depth and hosting in some run): five drafted crawls, each about 20 s; ``MUNINEWS_PLONE_ALL=1`` runs
all sixteen. Skipped only where the Plone
virtualenv is absent (outside CI; .ci/install-plone installs it)."""

from __future__ import annotations

import itertools
import json
import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import tomli_w

import pytest
from conftest import muninews, rows
from plone.fixtures import own_site, shared_site

# (hosting at the host root, publication date in the byline, sitemap, navigation depth)
COMBINATIONS = [
    pytest.param(False, True, True, 3, id="path-byline-sitemap-depth3"),
    pytest.param(False, False, False, 1, id="path-nobyline-nositemap-depth1"),
    pytest.param(True, False, True, 1, id="root-nobyline-sitemap-depth1"),
    pytest.param(True, True, False, 3, id="root-byline-nositemap-depth3"),
    pytest.param(False, False, True, 3, id="path-nobyline-sitemap-depth3"),
]
# MUNINEWS_PLONE_ALL=1: all sixteen combinations (about 6 minutes), for a change to the Plone family.
if os.environ.get("MUNINEWS_PLONE_ALL") == "1":
    COMBINATIONS = [
        pytest.param(root, byline, sitemap, depth, id=f"{'root' if root else 'path'}-{'' if byline else 'no'}byline-"
                     f"{'' if sitemap else 'no'}sitemap-depth{depth}")
        for root, byline, sitemap, depth in itertools.product((False, True), (True, False), (True, False), (3, 1))
    ]


def onboard(base_url: str, profiles: Path, name: str) -> tuple[dict, str]:
    result = muninews("add-portal", base_url, "--name", name, "--profiles", str(profiles), "--allow-private",
                      timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    return tomllib.loads((profiles / f"{name}.toml").read_text(encoding="utf-8")), result.stdout


def crawl(name: str, profiles: Path, db: Path) -> None:
    result = muninews("crawl", name, "--profiles", str(profiles), "--db", str(db), "--quiet", timeout=600)
    assert "Traceback" not in result.stdout + result.stderr


def stored(db: Path) -> dict[str, dict]:
    images: dict[int, list[tuple[str, str | None]]] = {}
    for image in rows(db, "SELECT article_id, url, caption FROM images ORDER BY article_id, position"):
        images.setdefault(image["article_id"], []).append((image["url"], image["caption"]))
    out = {}
    for row in rows(db, "SELECT * FROM articles WHERE removed_at IS NULL"):
        article = dict(row)
        article["authors"] = json.loads(row["authors"])
        article["layers"] = json.loads(row["layers"])
        article["paragraphs"] = [p for p in (row["body"] or "").split("\n\n") if p]
        article["images"] = images.get(row["id"], [])
        out[row["url"].rstrip("/")] = article
    return out


def caption_errors(article: dict, item: dict) -> list:
    """Captions on the wrong image, missing or invented: every true caption on a stored image of the
    same picture (its URL starts with the picture's), and every stored caption a true one."""
    errors = []
    truth = [(image["base"], image["caption"]) for image in item["images"] if image["caption"]]
    for base, caption in truth:
        if not any(url.startswith(base) and got == caption for url, got in article["images"]):
            errors.append(("missing", base, caption))
    for url, caption in article["images"]:
        if caption and not any(url.startswith(base) and caption == want for base, want in truth):
            errors.append(("wrong", url, caption))
    return errors


def field_errors(article: dict, item: dict, byline: bool) -> list:
    """(field, stored, true) for every field of one article that is not what Plone holds."""
    errors = []
    checks = {
        "title": (article["title"], item["title"]),
        "body": (article["paragraphs"], item["paragraphs"]),
        "lead": (article["lead"], item["lead"]),
    }
    # With the byline setting off Plone shows anonymous visitors no byline at all (no names, no days;
    # only the first creator's user id in <link rel=author>); the REST API names every creator by user
    # id, and each creator's public author page shows the name: all of them, in order, either way.
    checks["authors"] = (article["authors"], item["authors"])
    if not byline:
        checks["authors layer"] = (article["layers"].get("authors"), "discovery")
    if article["layers"].get("published") == "discovery":  # a feed's time: to the minute
        checks["published"] = ((article["published"] or "")[:16], item["published"][:16])
        checks["published_precision"] = (article["published_precision"], "minute")
    elif byline:  # the page's day, and no made-up time
        checks["published"] = ((article["published"] or "")[:10], item["published"][:10])
        checks["published_precision"] = (article["published_precision"], "day")
    if article["layers"].get("modified") == "discovery":  # the REST API's or the sitemap's time
        checks["modified"] = ((article["modified"] or "")[:16], item["modified"][:16])
    elif item["edited"] and (byline or article["modified"]):
        checks["modified"] = ((article["modified"] or "")[:10], item["modified"][:10])
    errors += [(name, got, want) for name, (got, want) in checks.items() if got != want]
    errors += caption_errors(article, item)
    return errors


@pytest.mark.parametrize("root, byline, sitemap, depth", COMBINATIONS)
def test_a_drafted_profile_stores_every_news_item_as_plone_holds_it(tmp_path, root, byline, sitemap, depth):
    site = shared_site(root=root)
    site.configure(byline=byline, sitemap=sitemap, nav_depth=depth)
    truth = site.truth()
    draft, output = onboard(site.portal_url, tmp_path / "profiles", "plone")
    assert draft["family"].get("cms") == "plone", output
    assert draft["discovery"]["sources"][0] == "plonerest", output
    assert ("sitemap" in draft["discovery"]["sources"]) == sitemap, output
    db = tmp_path / "m.db"
    mark = site.log_mark()
    crawl("plone", tmp_path / "profiles", db)
    articles = stored(db)
    items = {item["url"].rstrip("/"): item for item in truth["articles"]}
    assert len(items) == 36
    missing = sorted(set(items) - set(articles))
    assert not missing, f"missing {len(missing)}: {missing[:5]}"
    never = {url.rstrip("/") for url in truth["hidden"] + truth["non_articles"]}
    assert not set(articles) & never, sorted(set(articles) & never)
    assert set(articles) == set(items)
    wrong = {url: errors for url, item in items.items() if (errors := field_errors(articles[url], item, byline))}
    assert not wrong, f"{len(wrong)} articles differ, e.g. {next(iter(wrong.items()))}"
    # Plone publishes every News Item's time in its REST API: published to the minute, whatever the byline
    assert [a["published_precision"] for a in articles.values()] == ["minute"] * 36
    assert all(a["layers"]["published"] == "discovery" for a in articles.values())
    requests = [r for r in site.requests(mark) if r["agent"].startswith("muninews")]
    fetched = {r["uri"].split("?")[0].rstrip("/") for r in requests}
    assert not {urlsplit(url).path.rstrip("/") for url in never} & fetched, "no Page, Event or Folder is even asked"
    edited = [url for url, item in items.items() if item["edited"]]
    if byline:
        assert all(articles[url]["modified"][:10] == items[url]["modified"][:10] for url in edited)


@pytest.mark.parametrize("sources", [None, ["sitemap"]], ids=["as-drafted", "sitemap-only"])
def test_incremental_rerun_fetches_only_what_changed(tmp_path, sources):
    """The draft as add-portal wrote it (its REST API first), and through the sitemap alone: a site
    may switch its REST API off for visitors, and the sitemap is then the complete index that
    notices edits and deletions."""
    site = own_site(root=True)
    try:
        draft, output = onboard(site.portal_url, tmp_path / "profiles", "plone-inc")
        assert "sitemap" in draft["discovery"]["sources"], output
        if sources:
            draft["discovery"]["sources"] = sources
            (tmp_path / "profiles" / "plone-inc.toml").write_text(tomli_w.dumps(draft), encoding="utf-8")
        db = tmp_path / "m.db"
        crawl("plone-inc", tmp_path / "profiles", db)
        assert len(stored(db)) == 36
        change = site.mutate()
        truth = {item["url"].rstrip("/"): item for item in site.truth()["articles"]}
        mark = site.log_mark()
        crawl("plone-inc", tmp_path / "profiles", db)
        requests = [r for r in site.requests(mark) if r["agent"].startswith("muninews")]
    finally:
        site.stop()
    assert len(requests) <= 12, [r["uri"] for r in requests]
    [run] = rows(db, "SELECT * FROM crawl_run_portals ORDER BY run_id DESC LIMIT 1")
    assert (run["articles_new"], run["updated"], run["removed"]) == (3, 3, 2), dict(run)
    articles = stored(db)
    assert set(articles) == set(truth)
    removed = {r["url"].rstrip("/") for r in rows(db, "SELECT url FROM articles WHERE removed_at IS NOT NULL")}
    assert removed == {url.rstrip("/") for url in change.deleted}
    versions = rows(db, "SELECT a.url, v.version FROM article_versions v JOIN articles a ON a.id = v.article_id")
    assert {r["url"].rstrip("/") for r in versions} == {url.rstrip("/") for url in change.edited}
    for url in change.edited + change.added:
        article, item = articles[url.rstrip("/")], truth[url.rstrip("/")]
        assert (article["title"], article["paragraphs"]) == (item["title"], item["paragraphs"])
