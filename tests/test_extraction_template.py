"""Site-template learning on replica pages whose template leaks a line into every article body."""

from __future__ import annotations

import pytest

from crawler.storage.db import open_db
from crawler.extraction import extract_page
from crawler.extraction.template import HostTemplates, block_keys
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


# --- formulaic sentences: a host whose articles share real sentences of their stories -------------

FORMULA = "Quang cảnh hội nghị tại hội trường Ủy ban nhân dân quận."
CLOSING = "Hội nghị đã thông qua nghị quyết với sự nhất trí cao của các đại biểu."


def formulaic_page(site, article) -> bytes:
    """The replica host's articles share two formulaic sentences of their stories: one after the
    lead paragraph, one before the last paragraph, on every page; and the template's reuse
    notice closes every body."""
    html = article_page(site, article, [])
    second = html.find(article.body[1][:40])
    start = html.rfind("<p", 0, second)
    html = html[:start] + f"<p>{FORMULA}</p>\n" + html[start:]
    last = html.find(article.body[-1][:40])
    start = html.rfind("<p", 0, last)
    html = html[:start] + f"<p>{CLOSING}</p>\n" + html[start:]
    return html.replace('<p style="text-align: right;">', f"<p>{NOTICE}</p>\n<p style=\"text-align: right;\">", 1).encode()


def formulaic_story(article) -> list[str]:
    return [article.body[0], FORMULA, *article.body[1:-1], CLOSING, article.body[-1]]


def test_sentences_many_stories_share_stay_and_only_the_furniture_at_the_edge_goes(site):
    articles = [a for a in site.articles if len(a.body) >= 3]
    pages = [extract_page(formulaic_page(site, a), BASE + a.path).body for a in articles]
    assert all(FORMULA in body and CLOSING in body and NOTICE in body for body in pages)
    templates = HostTemplates()
    for body in pages:
        templates.observe(HOST, body)
    assert {FORMULA, CLOSING, NOTICE} <= set(templates.learned(HOST))  # all three recur on every page
    for article, body in zip(articles, pages):
        assert templates.clean(HOST, body) == formulaic_story(article)


def test_the_crawl_chain_keeps_the_shared_sentences_and_settles_only_the_first_pages(site):
    from crawler.items import PageItem
    from crawler.processing.extract import ExtractStep
    from crawler.registry import load_registry

    step = ExtractStep(load_registry())
    articles = [a for a in site.articles if len(a.body) >= 3]
    for number, article in enumerate(articles):
        item = PageItem(url=BASE + article.path, portal="no-such-portal", status=200,
                        body=formulaic_page(site, article), crawl_time="2024-06-01T00:00:00+00:00")
        step.process(item)
        item.article_id = number
        item.change = "new"
        step.track(item)
        if number >= 10:  # once the host's template is known, every body is the story alone
            assert item.record.body == formulaic_story(article)
    # only the first five pages (cleaned before the notice had been seen on five) are read again
    assert step.pages_to_settle() == [0, 1, 2, 3, 4]


def test_a_closing_sentence_stays_unless_nearly_every_page_prints_it():
    """District portals close many stories, not all, with the same sentence; a reuse notice there is
    on nearly every page. A closing block on 60% of the host's pages stays, the notice goes, and an
    opening block needs only the usual share."""
    closing = "Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị tiếp tục triển khai thực hiện nghiêm túc."
    notice = "Ghi rõ nguồn khi phát hành lại thông tin từ cổng này."
    widget = "Tiện ích thông tin"
    templates = HostTemplates()
    for n in range(10):
        templates.observe("h", [*([widget] if n % 5 < 3 else []), f"Story {n} opens with its own words about {n}.",
                                *([closing] if n % 5 < 3 else []), notice])
    body = [widget, "A new story opens with its own words.", closing, notice]
    assert templates.removable("h", block_keys(body)) == frozenset({0, 3})
