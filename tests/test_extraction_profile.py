"""The profile layer: a portal profile's selectors on its own pages, read with the shared text toolkit."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_page
from crawler.registry import load_registry
from crawler.replica import build_replica
from crawler.replica.templates import article_page

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def city():
    site = build_replica().sites["city"]
    portal = load_registry().portals["replica-city"]
    return site, portal


def _article(site):
    return next(a for a in site.articles if a.photos and a.family is None)


def test_a_br_inside_a_body_paragraph_is_a_word_break(city):
    """``…công tác năm<br>Dòng thứ hai…`` was stored as "nămDòng" by the profile layer."""
    site, portal = city
    article = _article(site)
    html = article_page(site, article, [])
    first = article.body[0]
    assert f">{first}<" in html
    html = html.replace(f">{first}<", f">{first} công tác năm<br>Dòng thứ hai<br/>\nvà thứ ba<", 1)
    record = extract_page(html.encode("utf-8"), BASE + article.path, portal)
    assert record.layers["body"] == "profile"
    assert record.body[0] == f"{first} công tác năm Dòng thứ hai và thứ ba"
    assert record.body[1:] == article.body[1:]


def test_a_br_in_the_title_caption_and_author_is_a_word_break(city):
    site, portal = city
    article = _article(site)
    html = article_page(site, article, [])
    caption = article.photos[0].caption
    html = html.replace(f">{caption}<", f">{caption}<br>Ảnh minh họa<", 1)
    family, rest = article.author.split(" ", 1)
    html = html.replace(f"<strong>{article.author}</strong>", f"<strong>{family}<br>{rest}</strong>", 1)
    record = extract_page(html.encode("utf-8"), BASE + article.path, portal)
    assert record.layers["title"] == "profile" and record.layers["authors"] == "profile"
    assert record.captions[0] == f"{caption} Ảnh minh họa"
    assert record.authors == [article.author]
