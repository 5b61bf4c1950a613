"""Datasette as an analyst sees it: `muninews serve` on a crawled replica database, driven by
Debian's headless chromium through Playwright. The reading view's list, searches with and without
diacritics and of punctuation, an article's page (headline, photos, captions, the same story
elsewhere), a facet within a search, the dashboard chart. Each test saves a screenshot to
$MUNINEWS_ARTIFACTS (default: muninews-artifacts in the system's temp directory; never in git).

Skips locally when chromium or Playwright is missing; in CI (the CI variable set) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, rows
from crawler.storage.search import search

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("MUNINEWS_ARTIFACTS") or Path(tempfile.gettempdir()) / "muninews-artifacts")
TOP = {"x": 0, "y": 0, "width": 1400, "height": 2000}  # screenshots: the top of long pages
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _require_browser():
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        message = "browser test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run this test, not skip it")
        pytest.skip(message)
    return sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(request):
    sync_playwright = _require_browser()
    db = request.getfixturevalue("crawled")  # after the check: a skip need not wait for the crawl
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/-/versions.json", server)
        yield sync_playwright, base, db
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"muninews serve exited: {server.stdout.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"muninews serve did not answer {url} within {timeout}s")


@pytest.fixture(scope="module")
def page(served):
    sync_playwright, base, db = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="muninews-chromium-")
    with sync_playwright() as playwright:
        # A fresh --user-data-dir: Playwright takes it as the persistent context's directory.
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, viewport={"width": 1400, "height": 1000}
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(20000)
            yield page, base, db
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)


def _open(page, url: str) -> None:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, (url, response.status)
    assert not page.locator(".message-error").count(), page.locator(".message-error").first.inner_text()


def _search_in_box(page, base: str, words: str) -> None:
    _open(page, base + "/muninews/reading")
    page.fill("#_search", words)
    page.press("#_search", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#_search").input_value() == words.strip()  # a blank box is no search: dropped
    assert not page.locator(".message-error").count()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, clip=TOP)


def _shown_count(page) -> int:
    """The row count Datasette prints above the table ("85 rows where search matches …")."""
    heading = page.locator("h3").first.inner_text()
    return int(heading.split()[0].replace(",", ""))


def _db_matches(db: Path, words: str, portal: str | None = None) -> int:
    conn = sqlite3.connect(db)
    try:
        return len(search(conn, words, portal=portal, limit=100000))
    finally:
        conn.close()


def test_the_article_list_reads_as_a_list_with_its_rows_on_screen(page):
    page, base, db = page
    _open(page, base + "/muninews/reading")
    _shot(page, "reading-list")
    th = page.locator("table.rows-and-columns thead th")
    headers = [th.nth(i).get_attribute("data-column") for i in range(th.count())]
    assert headers == ["id", "published", "portal", "title", "author", "excerpt"]
    newest = rows(db, "SELECT id, title FROM articles WHERE published = (SELECT max(published) FROM articles)")
    first = page.locator("table.rows-and-columns tbody tr").first
    title, href = first.locator("td.col-title").inner_text().strip(), first.locator("td.col-title a").get_attribute("href")
    assert (title, href) in {(r["title"], f"/muninews/articles/{r['id']}") for r in newest}
    box = first.bounding_box()
    assert box["y"] + box["height"] < 1000, f"first row at {box['y']} px: facets push it off the screen"
    title_box = first.locator("td.col-title").bounding_box()
    assert title_box["width"] > 200, "headlines do not wrap one word per line"
    facets = page.locator(".facet-info")
    assert facets.count() == 2 and all(facets.nth(i).bounding_box()["height"] <= 200 for i in range(2))
    assert page.locator("td.col-excerpt").first.inner_text().strip()


@pytest.mark.parametrize("words, spelled, other", [("Ngo Quyen", "Ngô Quyền", "Ngô Quyền"), ("Dang uy", "Đảng ủy", "đảng ủy")])
def test_search_with_and_without_diacritics_finds_the_same_articles(page, words, spelled, other):
    page, base, db = page
    _search_in_box(page, base, words)
    _shot(page, f"search-{words.replace(' ', '-').lower()}")
    expected = _db_matches(db, words)
    assert 0 < expected == _shown_count(page)
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    assert titles and any(spelled.lower() in t.lower() for t in titles), titles[:5]
    dates = page.locator("table.rows-and-columns td.col-published").all_inner_texts()
    assert dates == sorted(dates, reverse=True), "newest first"
    _search_in_box(page, base, other)
    _shot(page, f"search-{words.replace(' ', '-').lower()}-diacritics")
    assert _shown_count(page) == expected
    assert page.locator("table.rows-and-columns td.col-title").all_inner_texts() == titles


PUNCTUATION = ['"', "*", "'", "(", '"Ngô Quyền', "Ngô Quyền'*"]


@pytest.mark.parametrize("n", range(len(PUNCTUATION)), ids=PUNCTUATION)
def test_a_punctuation_search_is_literal_and_never_an_error_page(page, n):
    page, base, db = page
    typed = PUNCTUATION[n]
    _search_in_box(page, base, typed)
    _shot(page, f"search-punctuation-{n}")
    assert _shown_count(page) == _db_matches(db, typed)
    assert page.locator("#_search").is_visible(), "the page keeps its search box: a way back"
    _open(page, base + "/muninews/search?" + urllib.parse.urlencode({"q": typed}))
    assert page.locator("textarea, input[name=q]").count()


def test_an_empty_search_lists_every_article(page):
    page, base, db = page
    _search_in_box(page, base, "   ")
    assert _shown_count(page) == rows(db, "SELECT count(*) FROM articles")[0][0]


def test_an_article_page_shows_headline_photos_captions_and_the_story_elsewhere(page):
    page, base, db = page
    story = rows(db, """SELECT a.story_id FROM articles a JOIN images i ON i.article_id = a.id
                       WHERE i.caption IS NOT NULL GROUP BY a.story_id HAVING count(DISTINCT a.portal) > 1 LIMIT 1""")[0][0]
    article = rows(db, """SELECT a.id, a.title, a.portal FROM articles a WHERE a.story_id = ?
                         AND EXISTS (SELECT 1 FROM images i WHERE i.article_id = a.id AND i.caption IS NOT NULL)
                         ORDER BY a.id LIMIT 1""", (story,))[0]
    _search_in_box(page, base, article["title"][:40].rsplit(" ", 1)[0])
    fetched = {}  # what the browser got for each photo
    page.on("response", lambda r: fetched.__setitem__(r.url, (r.status, r.headers.get("content-type"))))
    # By its address: a copy of the story on another portal may carry the same headline.
    link = page.locator(f'td.col-title a[href$="/muninews/articles/{article["id"]}"]')
    assert link.inner_text().strip() == article["title"]
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/muninews/articles/{article['id']}")
    _shot(page, "article")
    assert page.locator("h1").first.inner_text().strip() == article["title"]
    assert page.title().startswith(article["title"])
    portal_title = rows(db, "SELECT title FROM portals WHERE name = ?", (article["portal"],))[0][0]
    assert portal_title in page.locator("p.muninews-meta").inner_text()
    images = rows(db, "SELECT url, caption FROM images WHERE article_id = ? ORDER BY position", (article["id"],))
    figures = page.locator("figure.muninews-photo")
    assert figures.count() == len(images) > 0
    for i, image in enumerate(images):
        img = figures.nth(i).locator("img")
        img.scroll_into_view_if_needed()
        assert img.get_attribute("src") == image["url"]
        page.wait_for_function("img => img.complete", arg=img.element_handle())
        assert fetched.get(image["url"]) == (200, "image/jpeg"), f"photo {image['url']} was not fetched"
        assert img.evaluate("img => img.naturalWidth") > 0 and img.is_visible(), f"photo {image['url']} not shown"
        if image["caption"]:
            assert figures.nth(i).locator("figcaption").inner_text().strip() == image["caption"]
    others = rows(db, "SELECT id FROM articles WHERE story_id = ? AND id != ?", (story, article["id"]))
    links = page.locator("ul.muninews-copies a")
    assert sorted(links.nth(i).get_attribute("href") for i in range(links.count())) == sorted(
        f"/muninews/articles/{o[0]}" for o in others)
    assert not page.locator("td.col-content_hash").is_visible(), "every column is one click away, not in the way"
    page.locator("details.muninews-all-columns summary").click()
    assert page.locator("td.col-content_hash").is_visible() and page.locator("td.col-layers").is_visible()
    page.locator("a.muninews-story-link").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/muninews/stories/{story}")
    _shot(page, "story")


def test_a_facet_within_a_search(page):
    page, base, db = page
    _search_in_box(page, base, "Ngo Quyen")
    facet = page.locator(".facet-info[data-column=portal] a", has_text="replica-ngoquyen").first
    facet.click()
    page.wait_for_load_state("networkidle")
    assert "portal=replica-ngoquyen" in page.url and "_search=Ngo+Quyen" in page.url
    assert _shown_count(page) == _db_matches(db, "Ngo Quyen", portal="replica-ngoquyen")
    portals = set(page.locator("table.rows-and-columns td.col-portal").all_inner_texts())
    assert {p.strip() for p in portals} == {"replica-ngoquyen"}
    _shot(page, "facet-portal")


def test_ranked_search_and_dashboard_chart(page):
    page, base, db = page
    _open(page, base + "/muninews/search?q=Dang+uy")
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    expected = [r["title"] for r in search(sqlite3.connect(db), "Dang uy", limit=100)]
    assert titles == expected[: len(titles)] and titles
    _shot(page, "ranked-search")

    page.goto(base + "/-/dashboards/muninews-overview")
    chart = page.locator("#card-articles-per-month svg, #card-articles-per-month canvas").first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    _shot(page, "dashboard")
