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


LAZY_MARKUP = [
    ('<img src="/lazy.gif" data-src="/p/1.jpg">', "/p/1.jpg"),
    ('<img src="data:image/gif;base64,R0lGOD" data-lazy-src="/p/2.jpg">', "/p/2.jpg"),
    ('<img data-lazy-srcset="/p/3-320.jpg 320w, /p/3-1024.jpg 1024w">', "/p/3-1024.jpg"),
    ('<img src="/p/4-small.jpg" srcset="/p/4-640.jpg 640w, /p/4-1280.jpg 1280w" data-srcset="">', "/p/4-small.jpg"),
    ('<img src="/blank.gif" data-echo="/p/5.jpg">', "/p/5.jpg"),
    ('<img src="/spacer.gif" data-lazyload="/p/6.jpg">', "/p/6.jpg"),
    ('<img data-original="https://cdn.example.vn/p/7.jpg">', "https://cdn.example.vn/p/7.jpg"),
]


@pytest.mark.parametrize("markup, url", LAZY_MARKUP)
def test_the_profile_and_generic_layers_find_the_same_picture_behind_lazy_loading(markup, url):
    """One resolver (crawler.extraction.images.image_url): the profile layer used to know 5
    attributes and no srcset, the generic layer 12 and srcset."""
    from urllib.parse import urljoin

    from crawler.extraction.generic import extract_generic
    from crawler.extraction.html import parse_html
    from crawler.extraction.profile_layer import extract_with_profile
    from crawler.extraction.record import Context
    from crawler.registry import ParserVersion

    page = ("<html><body><article><h1>Tiêu đề bài viết đủ dài</h1><div class='entry-content'>"
            + "<p>Đoạn văn thứ nhất của bài viết, đủ dài để là một đoạn văn thật sự của bài, có dấu phẩy.</p>" * 3
            + f"<figure>{markup}<figcaption>Chú thích ảnh của bài viết</figcaption></figure></div></article></body></html>")
    ctx = Context(url="https://portal.example.vn/tin-tuc/bai-viet.html", languages=("vi",), timezone="Asia/Ho_Chi_Minh")
    parser = ParserVersion(version="test", title="h1", body=".entry-content p", images=".entry-content img")
    expected = urljoin(ctx.url, url)
    profile = extract_with_profile(parse_html(page), parser, ctx)
    generic = extract_generic(parse_html(page), ctx, wanted=frozenset({"images"}))
    assert [image.url for image in profile["images"]] == [expected]
    assert [image.url for image in generic["images"]] == [expected]
