"""Datasette as an analyst sees it: `muninews serve` on a crawled replica database, driven by
Debian's headless chromium through Playwright. Searches without diacritics, opens an article,
follows a facet, looks at the dashboard chart; screenshots go to tests/artifacts/.

Skips locally when chromium or Playwright is missing; in CI (the CI variable set) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, rows
from crawler.storage.search import search

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
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


def _search_in_box(page, base: str, words: str) -> None:
    page.goto(base + "/muninews/articles")
    page.fill("input[name=_search]", words)
    page.press("input[name=_search]", "Enter")
    page.wait_for_load_state("networkidle")


def _shown_count(page) -> int:
    """The row count Datasette prints above the table ("85 rows where search matches …")."""
    heading = page.locator("h3").first.inner_text()
    return int(heading.split()[0].replace(",", ""))


def _db_matches(db: Path, words: str, portal: str | None = None) -> int:
    conn = __import__("sqlite3").connect(db)
    try:
        return len(search(conn, words, portal=portal, limit=100000))
    finally:
        conn.close()


@pytest.mark.parametrize("words, spelled", [("Ngo Quyen", "Ngô Quyền"), ("Dang uy", "Đảng ủy")])
def test_search_without_diacritics_finds_the_articles(page, words, spelled):
    page, base, db = page
    _search_in_box(page, base, words)
    page.screenshot(path=str(ARTIFACTS / f"search-{words.replace(' ', '-').lower()}.png"), full_page=True, clip=TOP)
    expected = _db_matches(db, words)
    assert expected > 0
    assert _shown_count(page) == expected
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    assert titles, "no result rows shown"
    assert any(spelled.lower() in t.lower() for t in titles), titles[:5]


def test_open_an_article_and_follow_a_facet(page):
    page, base, db = page
    _search_in_box(page, base, "Ngo Quyen")
    first = page.locator("table.rows-and-columns tbody tr").first
    title = first.locator("td.col-title").inner_text()
    first.locator("td.type-pk a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.rows-and-columns td.col-title").first.inner_text() == title
    body = page.locator("td.col-body").first.inner_text()
    assert len(body) > 300 and "…" not in body[-3:], "the row page shows the whole body"
    source = page.locator("td.col-url a", has_text="source page")
    assert source.get_attribute("href").startswith("http://127.0.0.")
    images_link = page.locator("td.col-url a.muninews-images")
    assert "images?article_id=" in images_link.get_attribute("href")
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True, clip=TOP)

    images_link.click()
    page.wait_for_load_state("networkidle")
    thumbs = page.locator("td.col-url img.muninews-thumb")
    article_id = int(page.url.split("article_id=")[1].split("&")[0])
    assert thumbs.count() == rows(db, "SELECT count(*) FROM images WHERE article_id = ?", (article_id,))[0][0]

    _search_in_box(page, base, "Ngo Quyen")
    facet = page.locator(".facet-info[data-column=portal] a", has_text="replica-ngoquyen").first
    facet.click()
    page.wait_for_load_state("networkidle")
    assert "portal=replica-ngoquyen" in page.url and "_search=Ngo+Quyen" in page.url
    assert _shown_count(page) == _db_matches(db, "Ngo Quyen", portal="replica-ngoquyen")
    portals = set(page.locator("table.rows-and-columns td.col-portal").all_inner_texts())
    assert {p.strip() for p in portals} == {"replica-ngoquyen"}
    page.screenshot(path=str(ARTIFACTS / "facet-portal.png"), full_page=True, clip=TOP)


def test_ranked_search_and_dashboard_chart(page):
    page, base, db = page
    page.goto(base + "/muninews/search?q=Dang+uy")
    page.wait_for_load_state("networkidle")
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    expected = [r["title"] for r in search(__import__("sqlite3").connect(db), "Dang uy", limit=100)]
    assert titles == expected[: len(titles)] and titles
    page.screenshot(path=str(ARTIFACTS / "ranked-search.png"), full_page=True, clip=TOP)

    page.goto(base + "/-/dashboards/muninews-overview")
    chart = page.locator("#card-articles-per-month svg, #card-articles-per-month canvas").first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True, clip=TOP)
