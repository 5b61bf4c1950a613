"""The real-Plone harness itself (tests/plone, issue 18): Plone 6 answers on loopback, its REST truth holds
what was planted, the pages show it, the settings the crawler tests vary do what they say, and the
site at the host root and the mutations work.

Skipped only where the Plone virtualenv is absent (outside CI; .ci/install-plone installs it).
"""

from __future__ import annotations

import gzip
import re
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree
from lxml import html as lxml_html
from plone import content
from plone.fixtures import own_site, shared_site
from harness.logs import logged_soon

VN = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def plone_site():
    return shared_site()  # built and started once per test process, whichever module asks first


@pytest.fixture(scope="module")
def truth(plone_site):
    return plone_site.truth()


def page(site, path: str = "") -> lxml_html.HtmlElement:
    status, _, body = site.get(path)
    assert status == 200, (path, status)
    return lxml_html.fromstring(body)


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def test_the_site_answers_on_loopback(plone_site):
    mark = plone_site.log_mark()
    request = urllib.request.Request(plone_site.base_url, headers={"User-Agent": "test-client", "Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        body = response.read().decode()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/ngoquyen/", plone_site.base_url)
    assert 'lang="vi"' in body and content.SITE_TITLE in body and 'content="Plone' in body
    logged = logged_soon(lambda: [(r["method"], r["uri"], r["status"]) for r in plone_site.requests(mark)])
    assert logged == [("GET", "/ngoquyen/", 200)]
    assert plone_site.registry("plone.portal_timezone") == "Asia/Ho_Chi_Minh"
    assert plone_site.registry("plone.default_language") == "vi"


def test_the_truth_lists_the_published_news_items(plone_site, truth):
    articles = truth["articles"]
    assert len(articles) == content.PUBLISHED == 36
    assert len({a["url"] for a in articles}) == 36 and all(a["url"].startswith(plone_site.base_url) for a in articles)
    assert {name for a in articles for name in a["authors"]} == {name for _, name, _ in content.AUTHORS}
    assert sum(len(a["authors"]) == 2 for a in articles) >= 5
    published = [datetime.fromisoformat(a["published"]) for a in articles]
    assert all(a["published"].endswith("+07:00") and a["modified"].endswith("+07:00") for a in articles)
    assert len({(p.hour, p.minute) for p in published}) > 20, "publication times, not only days"
    assert (max(published) - min(published)).days > 450, "about 18 months of news"
    assert max(published) < datetime.now(VN)
    assert sum(a["edited"] for a in articles) == content.EDITED
    assert all(a["lead"] and len(a["paragraphs"]) >= 3 and a["title"] for a in articles)
    lead_images = [i for a in articles for i in a["images"] if i["kind"] == "lead"]
    inline = [i for a in articles for i in a["images"] if i["kind"] == "inline"]
    assert len(lead_images) >= 28 and all(i["caption"] for i in lead_images)
    assert sum(bool(i["caption"]) for i in inline) >= 10 and any(not i["caption"] for i in inline)
    assert all("/@@images/" in i["url"] for i in lead_images + inline)
    assert len(truth["hidden"]) == content.PRIVATE + content.PENDING == 5
    assert not set(truth["hidden"]) & {a["url"] for a in articles}
    assert {"Document", "Event", "Collection", "File", "Folder"} <= set(truth["by_type"])
    assert plone_site.url("tin-tuc/tong-hop") in truth["by_type"]["Collection"]


def test_pages_show_what_the_truth_says(plone_site, truth):
    chosen = [a for a in truth["articles"] if len(a["authors"]) == 2 and any(i["kind"] == "inline" for i in a["images"])]
    chosen += [a for a in truth["articles"] if a["edited"]][:1]
    assert len(chosen) >= 2
    for article in chosen:
        tree = page(plone_site, article["url"])
        assert "portaltype-news-item" in tree.body.get("class")
        assert text_of(tree.xpath("//article[@id='content']//h1")[0]) == article["title"]
        assert text_of(tree.xpath("//p[contains(@class, 'lead')]")[0]) == article["lead"]
        body = tree.xpath("//*[@id='parent-fieldname-text']")[0]
        assert [text_of(p) for p in body.iter("p") if text_of(p)] == article["paragraphs"]
        captions = [text_of(c) for c in tree.xpath("//article[@id='content']//figcaption")]
        assert captions == [i["caption"] for i in article["images"] if i["caption"]]
        sources = set(tree.xpath("//article[@id='content']//img/@src"))
        assert all(any(u in sources for u in i["urls"]) for i in article["images"])
        byline = tree.xpath("//*[@id='section-byline']")[0]
        assert [text_of(a) for a in byline.xpath(".//a")] == article["authors"]
        assert [a.get("href") for a in byline.xpath(".//a")] == [plone_site.url(f"author/{c}") for c in article["creators"]]
        day = datetime.fromisoformat(article["published"]).strftime("%d/%m/%Y")
        assert day in text_of(byline)
        if article["edited"]:
            assert datetime.fromisoformat(article["modified"]).strftime("%d/%m/%Y") in text_of(byline)
    for url in truth["hidden"]:
        status, _, _ = plone_site.get(url)
        assert status in (302, 401, 403, 404), (url, status)


def test_the_news_folder_shows_a_collection_ten_a_page(plone_site, truth):
    listed = []
    for start in (0, 10, 20, 30):
        tree = page(plone_site, "tin-tuc" + (f"?b_start:int={start}" if start else ""))
        classes = tree.body.get("class").split()
        assert "portaltype-collection" in classes and "template-summary_view" in classes
        links = tree.xpath("//*[@id='content-core']//h2/a/@href")
        assert len(links) == (10 if start < 30 else 6)
        listed += links
        following = tree.xpath("//li[contains(@class, 'next')]/a/@href")
        assert following == ([plone_site.url(f"tin-tuc?b_start:int={start + 10}")] if start < 30 else [])
    assert listed == [a["url"] for a in truth["articles"]], "newest first, every published News Item"


def test_sitemap_and_feeds(plone_site, truth):
    status, headers, body = plone_site.get("sitemap.xml.gz")
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    index = etree.fromstring(gzip.decompress(body))
    locations = [e.text for e in index.iter("{*}loc")]
    urls = []
    for location in locations:
        status, _, part = plone_site.get(location)
        urls += [e.text for e in etree.fromstring(gzip.decompress(part)).iter("{*}loc")]
    assert {a["url"] for a in truth["articles"]} <= set(urls) and not set(truth["hidden"]) & set(urls)
    try:
        plone_site.configure(sitemap=False)
        assert plone_site.get("sitemap.xml.gz")[0] == 404
    finally:
        plone_site.configure(sitemap=True)
    for feed in ("RSS", "rss.xml", "atom.xml", "tin-tuc/tong-hop/RSS", "tin-tuc/RSS"):
        status, headers, body = plone_site.get(feed)
        assert status == 200 and b"<?xml" in body[:100], feed
    status, _, body = plone_site.get("tin-tuc/tong-hop/RSS")
    items = etree.fromstring(body).findall("{http://purl.org/rss/1.0/}item")
    assert [i.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") for i in items] == \
        [a["url"] for a in truth["articles"]][:len(items)] and len(items) >= 10
    head_feeds = page(plone_site).xpath("//head/link[@rel='alternate']/@href")
    assert plone_site.url("RSS") in head_feeds and plone_site.url("tin-tuc/tong-hop/RSS") in head_feeds


def test_byline_and_navigation_depth_switch(plone_site, truth):
    article = truth["articles"][0]
    try:
        plone_site.configure(byline=False, nav_depth=1)
        tree = page(plone_site, article["url"])
        assert not tree.xpath("//*[@id='section-byline']") and not tree.xpath("//a[contains(@href, '/author/')]")
        nav = page(plone_site).xpath("//*[@id='portal-globalnav']//a/@href")
        assert plone_site.url("tin-tuc") in nav and not {a["url"] for a in truth["articles"]} & set(nav)
        plone_site.configure(byline=True, nav_depth=3)
        assert page(plone_site, article["url"]).xpath("//*[@id='section-byline']//a[contains(@href, '/author/')]")
        nav = page(plone_site).xpath("//*[@id='portal-globalnav']//a/@href")
        assert {a["url"] for a in truth["articles"]} & set(nav)
    finally:
        plone_site.configure(byline=True, sitemap=True, nav_depth=3)


def test_the_site_at_the_host_root_and_mutations(truth):
    site = own_site(root=True)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", site.base_url)
        before = site.truth()
        assert [a["title"] for a in before["articles"]] == [a["title"] for a in truth["articles"]]
        assert all(a["url"].startswith(site.base_url) and "/ngoquyen" not in a["url"] for a in before["articles"])
        links = page(site).xpath("//a/@href")
        assert site.url("tin-tuc") in links and not [link for link in links if "/ngoquyen" in link]
        mark = site.log_mark()
        change = site.mutate()
        assert (len(change.edited), len(change.deleted), len(change.added)) == (3, 2, 3)
        assert site.requests(mark) == [], "the harness's own requests are not counted as a crawler's"
        after = {a["url"]: a for a in site.truth()["articles"]}
        assert len(after) == 36 - 2 + 3
        today = datetime.now(VN).date().isoformat()
        assert all(after[url]["modified"][:10] == today and after[url]["edited"] for url in change.edited)
        assert after[change.edited[0]]["title"].endswith("(cập nhật)")
        assert all(url not in after and site.get(url)[0] == 404 for url in change.deleted)
        for url in change.added:
            new = after[url]
            assert datetime.now(VN) - datetime.fromisoformat(new["published"]) < timedelta(hours=2)
            assert new["authors"] and new["lead"] and new["paragraphs"]
            assert page(site, url).xpath("//*[@id='section-byline']")
    finally:
        site.stop()
