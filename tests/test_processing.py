"""One processing chain (crawler/processing/): the crawl, the distributed loader and re-extraction
all go through the same PageProcessor, built from the same settings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest

from conftest import ROOT, crawl_replica, muninews, rows
from crawler.storage import EXTRACTED_FIELDS

GENERIC_PORTALS = ("replica-city", "replica-lechan")


def snapshot(db) -> dict[str, tuple]:
    """Per URL: every extracted column and the images, as stored."""
    images: dict[int, list[tuple]] = {}
    for image in rows(db, "SELECT article_id, url, caption, credit FROM images ORDER BY article_id, position"):
        images.setdefault(image["article_id"], []).append(tuple(image)[1:])
    return {row["url"]: (tuple(row[name] for name in EXTRACTED_FIELDS), images.get(row["id"], []))
            for row in rows(db, "SELECT * FROM articles")}


def profile_free_dir(tmp_path):
    """The shipped replica profile without its parser versions, for two portals: their pages go
    through the structured and generic layers and the host-template learning."""
    text = (ROOT / "crawler" / "profiles" / "haiphong-replica.toml").read_text(encoding="utf-8")
    head, _, portals = text.partition("[[portals]]")
    head = re.sub(r"\[\[parsers\]\].*", "", head, flags=re.S)
    entries = ["[[portals]]" + entry for entry in portals.split("[[portals]]")]
    kept = [entry for entry in entries if any(f'name = "{name}"' in entry for name in GENERIC_PORTALS)]
    directory = tmp_path / "profile-free"
    directory.mkdir()
    (directory / "haiphong-replica.toml").write_text(head + "".join(kept), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def crawled_mixed(replica, tmp_path_factory):
    """The replica crawled with the profile on two portals and without it on the other two."""
    tmp = tmp_path_factory.mktemp("processing")
    profiles = profile_free_dir(tmp)
    db = tmp / "mixed.db"
    crawl_replica(replica, db, f"--profiles={profiles}")
    return db, profiles


def test_the_crawl_read_generic_pages_through_the_template_learning(crawled_mixed):
    db, _ = crawled_mixed
    layers = [json.loads(row["layers"])["body"] for row in rows(db, "SELECT layers FROM articles")]
    assert "profile" in layers and any(layer != "profile" for layer in layers)
    assert rows(db, "SELECT count(*) AS n FROM host_boilerplate")[0]["n"] > 0


def test_reextract_of_unchanged_html_reproduces_every_stored_record(crawled_mixed, tmp_path):
    db, profiles = crawled_mixed
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    before = snapshot(copy)
    report = json.loads(muninews("reextract", "--all", "--db", str(copy), f"--profiles={profiles}", "--json").stdout)
    assert report["pages"] >= len(before) and report["new"] == 0
    after = snapshot(copy)
    differing = sorted(url for url in before if before[url] != after.get(url))
    assert differing == [] and report["changed"] == 0


def _loader_items(replica, redis_url: str, near: bool, tmp_path) -> set[int]:
    """Push one syndicated story's copies (two portals) to Redis as workers would, run
    `muninews load` with DEDUP_NEAR_ENABLED=near; the distinct story ids it stored."""
    import redis

    from crawler.distributed import ITEMS_KEY, PORTALS_KEY, encode_item
    from crawler.items import PageItem
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.processing.store import portal_row
    from crawler.runner import project_settings, replica_base_urls

    base_urls = replica_base_urls(replica.base_urls)
    truth = replica.replica.stories(replica.base_urls)
    by_story: dict[str, list[str]] = {}
    for url, story in truth.items():
        by_story.setdefault(story, []).append(url)
    settings = project_settings(MUNINEWS_BASE_URLS=base_urls, SQLITE_PATH=str(tmp_path / "unused.db"))
    processor = PageProcessor.from_settings(settings, StatsCounter())

    def extracted(url: str) -> PageItem:
        portal = processor.extractor.registry.for_url(url)
        body = urllib.request.urlopen(url, timeout=10).read()
        return processor.extract(PageItem(url=url, portal=portal.name, status=200, body=body,
                                          crawl_time="2024-06-01T00:00:00+00:00"))

    # copies whose texts differ (edited on the way), so only near matching can join them
    items = next(items for urls in by_story.values() if len(urls) >= 2
                 for items in [[extracted(url) for url in urls]]
                 if len({item.record.body_text for item in items}) == len(items))
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    for item in items:
        client.rpush(ITEMS_KEY, encode_item(item))
        client.hset(PORTALS_KEY, item.portal, json.dumps(portal_row(processor.extractor.registry.get(item.portal))))
    copies = items
    db = tmp_path / f"loaded-{near}.db"
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "load", "--redis", redis_url, "--db", str(db), "--idle-exit", "0.5",
         "-s", f"DEDUP_NEAR_ENABLED={near}"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    stored = rows(db, "SELECT story_id FROM articles")
    assert len(stored) == len(copies)
    return {row["story_id"] for row in stored}


def test_the_loader_honours_the_dedup_settings(replica, redis_url, tmp_path):
    assert len(_loader_items(replica, redis_url, True, tmp_path)) == 1  # near-duplicate copies: one story
    assert len(_loader_items(replica, redis_url, False, tmp_path)) > 1  # near matching off: each text its own


def test_every_path_builds_the_same_chain():
    """The pipelines, the loader and reextract construct nothing of their own."""
    for path in ("pipelines/extract.py", "pipelines/dedup.py", "pipelines/store.py", "pipelines/prepare.py",
                 "crawler/commands/load.py",
                 "crawler/commands/reextract.py", "crawler/distributed/__init__.py"):
        code = (ROOT / path).read_text(encoding="utf-8")
        assert not re.search(r"\b(DedupStep|ExtractStep|StoreStep|StoryIndex|HostTemplates)\(", code), path


WORDS = ("phường xã quận huyện thành phố ủy ban nhân dân hội nghị triển khai kế hoạch năm người dân doanh nghiệp "
         "công trình giao thông trường học bệnh viện môi trường nông nghiệp văn hóa thể thao du lịch lễ hội cán bộ "
         "đảng viên chính quyền đô thị cảng biển kinh tế xã hội an ninh trật tự").split()
FURNITURE = "Đường dây nóng của Ban biên tập: 0225.3842.000"


def furnished_page(index: int) -> bytes:
    """An article on a host whose template prints one short paragraph inside every story's text."""
    import random

    rng = random.Random(index)
    sentence = lambda n: " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."  # noqa: E731
    paragraphs = "".join(f"<p>{sentence(40)} {sentence(30)}</p>" for _ in range(4))
    return (f"<html><head><title>Tin {index}</title></head><body><div class='main'><h1>{sentence(9)}</h1>"
            f"<p class='date'>0{index % 9 + 1}/05/2024 08:30</p>{paragraphs}<p>{FURNITURE}</p></div>"
            f"<footer>Cổng thông tin điện tử</footer></body></html>").encode("utf-8")


def test_template_cleaning_is_the_same_at_crawl_time_and_on_reextract(tmp_path):
    """A host whose articles share a paragraph: the crawl learns it is template after a few pages,
    settles the first pages at the end, and re-extraction reproduces every stored record."""
    from crawler.items import PageItem
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.runner import project_settings

    db = tmp_path / "furnished.db"
    processor = PageProcessor.from_settings(project_settings(SQLITE_PATH=str(db)), StatsCounter())
    processor.open([{"name": "furnished", "title": "furnished", "family": "none", "base_url": "http://furnished.test",
                     "languages": "vi", "timezone": "UTC"}])
    for index in range(12):
        processor.process(PageItem(url=f"http://furnished.test/tin-{index}.html", portal="furnished", status=200,
                                   body=furnished_page(index), crawl_time="2024-06-01T00:00:00+00:00"))
    processor.close({})
    bodies = [row["body"] for row in rows(db, "SELECT body FROM articles")]
    assert len(bodies) == 12 and not any(FURNITURE in body for body in bodies)
    before = snapshot(db)
    report = json.loads(muninews("reextract", "--all", "--db", str(db), "--json").stdout)
    assert report["pages"] == 12 and report["changed"] == 0
    assert snapshot(db) == before


def test_a_page_declaring_a_stored_canonical_url_is_that_article(tmp_path):
    """rel=canonical is trusted on the same site: an alias page (another spelling, a print view
    with other furniture) joins the article of its canonical URL, in either order of arrival."""
    from crawler.items import PageItem
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.runner import project_settings

    def page(index: int, canonical: str, extra: str = "") -> bytes:
        body = furnished_page(index).replace(b"<head>", f'<head><link href="{canonical}" rel="canonical">'.encode())
        return body.replace(b"</div>", f"<p>{extra}</p></div>".encode()) if extra else body

    for order in ((0, 1), (1, 0)):
        db = tmp_path / f"canonical-{order[0]}.db"
        processor = PageProcessor.from_settings(project_settings(SQLITE_PATH=str(db)), StatsCounter())
        processor.open([{"name": "site", "title": "site", "family": "none", "base_url": "http://site.test",
                         "languages": "vi", "timezone": "UTC"}])
        canonical = "http://site.test/tin-7.html"
        pages = [PageItem(url=canonical, portal="site", status=200, body=page(7, canonical), crawl_time="2024-06-01"),
                 PageItem(url="http://site.test/in/tin-7", portal="site", status=200, crawl_time="2024-06-01",
                          body=page(7, canonical, "Bản in: bấm Ctrl+P để in trang này cho đẹp hơn nhé bạn đọc."))]
        outsider = PageItem(url="http://site.test/tin-8.html", portal="site", status=200, crawl_time="2024-06-01",
                            body=page(8, "http://elsewhere.test/tin-7.html"))
        for index in order:
            processor.process(pages[index])
        processor.process(outsider)
        processor.close({})
        stored = rows(db, "SELECT url, canonical_url FROM articles ORDER BY id")
        assert len(stored) == 2, order  # the two spellings are one article; the outsider is its own
        assert stored[0]["canonical_url"] == canonical
        assert stored[1]["canonical_url"] == "http://site.test/tin-8.html"  # another site's canonical: ignored
        assert len(rows(db, "SELECT * FROM article_urls")) == 3


def test_an_item_prepared_by_a_worker_is_stored_as_an_unprepared_one(tmp_path):
    """A distributed worker prepares (fingerprint, content hash, canonical, gzipped HTML) and
    pickles the item; the loader stores what a one-process crawl stores. A fingerprint computed
    with other parameters is not used."""
    import dataclasses
    import gzip

    from crawler.distributed import decode_item, encode_item
    from crawler.items import PageItem
    from crawler.processing import PageProcessor
    from crawler.processing.dedup import PREPARED
    from crawler.processing.stats import StatsCounter
    from crawler.runner import project_settings

    portals = [{"name": name, "title": name, "family": "none", "base_url": f"http://{name}.test", "languages": "vi",
                "timezone": "UTC"} for name in ("first", "second")]

    def pages() -> list[PageItem]:
        found = []
        for index in range(6):
            body = furnished_page(index)
            found.append(PageItem(url=f"http://first.test/tin-{index}.html", portal="first", status=200, body=body,
                                  crawl_time="2024-06-01T00:00:00+00:00"))
            if index % 2:  # syndicated to the second portal, a word changed on the way
                found.append(PageItem(url=f"http://second.test/tin-{index}.html", portal="second", status=200,
                                      body=body.replace(b"</h1>", b" (sao)</h1>", 1).replace(b"<p>", b"<p>Theo TTXVN. ", 1),
                                      crawl_time="2024-06-02T00:00:00+00:00"))
        return found

    def crawl(db, through_worker: bool, stale_layout: bool = False) -> dict:
        settings = project_settings(SQLITE_PATH=str(db), EXTRACT_LEARN_TEMPLATES=False)
        processor = PageProcessor.from_settings(settings, StatsCounter())
        processor.open(portals)
        for item in pages():
            item = processor.extract(item)
            if through_worker:
                worker = PageProcessor.from_settings(settings, StatsCounter())
                item = worker.prepare(item)
                assert item.body == b"" and item.extra[PREPARED].fingerprint is not None
                if stale_layout:  # as if computed by another version: must be recomputed, not trusted
                    ready = item.extra[PREPARED]
                    item.extra[PREPARED] = dataclasses.replace(ready, layout=("other",), fingerprint=dataclasses.replace(
                        ready.fingerprint, signature=ready.fingerprint.signature * 0))
                item = decode_item(encode_item(item))
            processor.write(processor.dedup(item), settle=not through_worker)
        processor.close({})
        return {"articles": [tuple(r) for r in rows(db, "SELECT id, url, story_id, content_hash, body, captions FROM articles ORDER BY id")],
                "pages": {r["url"]: gzip.decompress(r["html_gz"]) for r in rows(db, "SELECT url, html_gz FROM pages")}}

    single = crawl(tmp_path / "single.db", False)
    assert len({a[2] for a in single["articles"]}) == 6  # each syndicated copy joined its original
    assert crawl(tmp_path / "worker.db", True) == single
    assert crawl(tmp_path / "stale.db", True, stale_layout=True) == single
