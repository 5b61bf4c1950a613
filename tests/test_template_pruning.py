"""Site-template learning stays bounded: blocks seen once are forgotten, the rest is capped,
and what is learned (and removed from bodies) does not change."""

from __future__ import annotations

import pytest

from crawler.storage.db import open_db
from crawler.extraction.template import HostTemplates

from test_extraction_template import HOST, NOTICE, bodies, site  # noqa: F401  (site is a fixture)


@pytest.fixture(scope="module")
def pages(site):  # noqa: F811
    return bodies(site, site.articles)


def test_pruning_forgets_one_off_blocks_but_learns_the_same_template(pages):
    everything = HostTemplates(prune_every=10**9)
    pruned = HostTemplates(prune_every=5)
    for body in pages:
        everything.observe(HOST, body)
        pruned.observe(HOST, body)
    assert pruned.learned(HOST) == everything.learned(HOST) == [NOTICE]
    assert len(pruned.hosts[HOST].counts) < len(everything.hosts[HOST].counts) / 2
    for body in pages:
        assert pruned.clean(HOST, body) == everything.clean(HOST, body)


def test_memory_stops_growing_on_a_long_crawl():
    templates = HostTemplates(prune_every=50, max_blocks=100)
    sizes = []
    for page in range(2000):
        unique = [f"Đoạn văn riêng số {page}-{i} của bài viết này." for i in range(5)]
        rare = [f"Ảnh: phóng viên {page % 300}"]  # recurs every 300 pages: not template, not one-off
        templates.observe(HOST, [NOTICE, *unique, *rare])
        if page % 500 == 499:
            sizes.append(len(templates.hosts[HOST].counts))
    assert max(sizes) <= 100 + 50 * 6  # the cap, plus at most one window of fresh blocks
    assert sizes[-1] <= sizes[0]
    assert templates.learned(HOST) == [NOTICE]


def test_pruned_blocks_leave_sqlite_too(tmp_path):
    db = open_db(tmp_path / "muninews.db")
    templates = HostTemplates(prune_every=4)
    templates.observe(HOST, [NOTICE, "một lần thôi"])
    templates.save(db)
    assert db.execute("SELECT count(*) FROM host_boilerplate").fetchone()[0] == 2
    for page in range(7):
        templates.observe(HOST, [NOTICE, f"bài {page}"])
    templates.save(db)
    stored = {text for (text,) in db.execute("SELECT text FROM host_boilerplate").fetchall()}
    assert "một lần thôi" not in stored and NOTICE in stored
    assert HostTemplates.from_db(db).learned(HOST) == [NOTICE]
