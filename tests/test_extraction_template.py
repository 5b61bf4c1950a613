"""Site-template learning on replica pages whose template leaks a line into every article body."""

from __future__ import annotations

import pytest

from crawler.storage.db import open_db
from crawler.extraction import extract_page
from crawler.extraction.template import HostTemplates
from crawler.replica import build_replica
from crawler.replica.templates import article_page

BASE = "http://127.0.0.9:8765"
HOST = "127.0.0.9:8765"
NOTICE = "Ghi rõ nguồn Cổng thông tin điện tử quận khi phát hành lại thông tin từ trang này."


@pytest.fixture(scope="module")
def site():
    return build_replica(seed=7, city_articles=12, district_articles=25, syndicated=2, schedules_per_site=3).sites["lechan"]


def leaky_page(site, article) -> bytes:
    """The district template prints its reuse notice inside the article body, in a plain <p>."""
    html = article_page(site, article, [])
    return html.replace('<p style="text-align: right;">', f"<p>{NOTICE}</p>\n<p style=\"text-align: right;\">", 1).encode()


def bodies(site, articles):
    return [extract_page(leaky_page(site, a), BASE + a.path).body for a in articles]


def test_generic_extraction_alone_keeps_the_template_line(site):
    assert all(NOTICE in body for body in bodies(site, site.articles[:3]))


def test_a_line_on_every_page_is_learned_and_removed_from_later_pages(site):
    templates = HostTemplates()
    for body in bodies(site, site.articles[:8]):
        templates.observe(HOST, body)
    assert templates.learned(HOST) == [NOTICE]
    later = site.articles[8]
    cleaned = templates.clean(HOST, bodies(site, [later])[0])
    assert cleaned == later.body


def test_recurring_but_rare_paragraphs_stay(site):
    """The weekly notices share their closing line; on a few pages in many it is content."""
    templates = HostTemplates()
    for body in bodies(site, site.articles):
        templates.observe(HOST, body)
    schedule = next(a for a in site.articles if a.family)
    assert templates.clean(HOST, list(schedule.body)) == schedule.body


def test_other_hosts_are_not_affected(site):
    templates = HostTemplates()
    for body in bodies(site, site.articles[:8]):
        templates.observe(HOST, body)
    assert templates.clean("other.example.vn", [NOTICE]) == [NOTICE]


def test_learned_template_survives_in_sqlite(site, tmp_path):
    db = open_db(tmp_path / "muninews.db")
    first = HostTemplates()
    for body in bodies(site, site.articles[:4]):
        first.observe(HOST, body)
    first.save(db)
    second = HostTemplates.from_db(db)  # the next crawl continues counting where the last stopped
    assert second.learned(HOST) == []
    for body in bodies(site, site.articles[4:8]):
        second.observe(HOST, body)
    second.save(db)
    third = HostTemplates.from_db(db)
    assert third.hosts[HOST].pages == 8
    assert third.learned(HOST) == [NOTICE]
    rows = db.execute("SELECT pages FROM host_boilerplate WHERE host = ? AND text = ?", [HOST, NOTICE]).fetchall()
    assert rows == [(8,)]
