"""The one text toolkit (crawler/text/): every layer reads an element's text the same way."""

from __future__ import annotations

from crawler.extraction import extract_page
from crawler.registry import load_registry
from crawler.replica import build_replica
from crawler.replica.templates import article_page


def test_the_profile_layer_keeps_a_line_break_between_words():
    """`…công tác năm<br>Dòng thứ hai…` was stored as `nămDòng` by the profile layer."""
    replica = build_replica()
    site = replica.sites["city"]
    article = site.articles[0]
    html = article_page(site, article, [])
    first = article.body[0]
    assert first in html
    html = html.replace(first, first + "<br>Dòng thứ hai của đoạn văn", 1)
    profile = load_registry().get("replica-city")
    record = extract_page(html.encode("utf-8"), f"{profile.base_url}/{article.slug}.html", profile)
    assert record.layers["body"] == "profile"
    assert any(f"{first} Dòng thứ hai" in paragraph for paragraph in record.body)
    assert not any("Dòng thứ hai" in p and f"{first}Dòng" in p for p in record.body)
