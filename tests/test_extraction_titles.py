"""The headline (crawler/extraction/titles.py) on small hand-written pages (never the evaluation
corpus): the lone <h1> of a page that declares a non-news story, site-name headings, and title
segments that name the host."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import extract_page
from crawler.extraction.html import parse_html
from crawler.extraction.titles import best_title, site_names, strip_site_name

TEXT = " ".join(["The guide walks through each step with examples and the costs to expect."] * 4)


def page(h1s: list[str], title: str, og: str | None = None, ld_type: str | None = None,
         ld_headline: str | None = None, site: str | None = None) -> str:
    head = f"<title>{title}</title>"
    if og:
        head += f'<meta property="og:title" content="{og}">'
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    if ld_type:
        data = {"@context": "https://schema.org", "@type": ld_type, "headline": ld_headline or og or title}
        head += f'<script type="application/ld+json">{json.dumps(data)}</script>'
    headings = "".join(f"<h1>{h}</h1>" for h in h1s)
    return f"<html><head>{head}</head><body><main>{headings}<p>{TEXT}</p><p>{TEXT}</p></main></body></html>"


URL = "https://www.example-guides.com/blog/a-guide/"
SEO = "Top 11 SEO Strategies for 2025 | LuccaAM"
SHOWN = "11 SEO Strategies for 2025 to Boost Rankings and Stay Ahead"


@pytest.mark.parametrize("kind", ["Article", "BlogPosting"])
def test_the_lone_h1_of_a_declared_non_news_story_is_its_headline(kind):
    html = page([SHOWN], SEO, og=SEO, ld_type=kind, ld_headline="Top 11 SEO Strategies for 2025", site="LuccaAM")
    assert extract_page(html, URL).title == SHOWN


@pytest.mark.parametrize("h1s, kind", [
    ([SHOWN], "NewsArticle"),  # a news publisher's declared headline is the editorial one
    ([SHOWN], None),  # no story declared: the vote decides
    ([SHOWN, "Another heading of the page"], "Article"),  # two <h1>: the vote decides
    (["Our Blog"], "Article"),  # a section's name
])
def test_otherwise_the_agreeing_sources_decide(h1s, kind):
    html = page(h1s, SEO, og=SEO, ld_type=kind, ld_headline="Top 11 SEO Strategies for 2025", site="LuccaAM")
    assert extract_page(html, URL).title == "Top 11 SEO Strategies for 2025"


def test_a_description_in_the_h1_is_no_headline():
    long_h1 = " ".join(["Learn which home renovations have the best return and how to count it"] * 3)
    html = page([long_h1], SEO, og=SEO, ld_type="Article", ld_headline="Top 11 SEO Strategies for 2025", site="LuccaAM")
    assert extract_page(html, URL).title == "Top 11 SEO Strategies for 2025"


def test_an_h1_that_is_the_site_name_leaves_the_headings():
    html = page(["RogerBW's Blog", "Day 7"], "RogerBW's Blog: Advent of Code 2025 week 2",
                og="Advent of Code 2025 week 2", site="RogerBW's Blog")
    assert extract_page(html, URL).title == "Advent of Code 2025 week 2"


def test_an_h1_that_opens_the_title_before_the_og_title_is_the_site_name():
    html = page(["Engora Data Blog", "Small is the new large"], "Engora Data Blog: Small adventures with small models",
                og="Small adventures with small models")
    assert extract_page(html, URL).title == "Small adventures with small models"


@pytest.mark.parametrize("url, title, headline", [
    ("https://www.getdianahr.com/blog/x", "Top 5 HR Management Software in 2026 | DianaHR", "Top 5 HR Management Software in 2026"),
    ("https://www.newegg.com/x", "GAME CHANGER | Newegg.com", "GAME CHANGER"),
    ("https://www.bridgestonetire.com/x", "The Ultimate Car Maintenance Checklist | Bridgestone Tires", "The Ultimate Car Maintenance Checklist"),
    ("https://investor.vanguard.com/x", "Index Funds: How to Invest | Vanguard", "Index Funds: How to Invest"),
])
def test_a_title_segment_that_names_the_host_is_stripped(url, title, headline):
    tree = parse_html(page([], title))
    assert strip_site_name(title, site_names(tree, url)) == headline


def test_a_segment_that_only_mentions_the_host_stays():
    title = "iPhone 16 review | Apple's best phone in years"
    tree = parse_html(page([], title))
    assert strip_site_name(title, site_names(tree, "https://www.apple.com/x")) == title
    assert best_title(tree, "https://www.apple.com/x") == title


@pytest.mark.parametrize("title, headline", [
    ("How meditation rewires brains and improves physical health | Opinion",
     "How meditation rewires brains and improves physical health"),
    ("Homestead gardening makes rural communities more self-reliant | District",
     "Homestead gardening makes rural communities more self-reliant"),
    ("2025 Top Insurance Company Performance Rankings - Infographic", "2025 Top Insurance Company Performance Rankings"),
    ("2025 Top 100 Blockchain Companies | WFA", "2025 Top 100 Blockchain Companies"),
])
def test_one_word_after_a_headline_is_a_section_or_a_site_name(title, headline):
    tree = parse_html(page([], title))
    assert best_title(tree, "https://www.news.example.org/story/1") == headline


@pytest.mark.parametrize("title", [
    "Reflections on building a UI pipeline - Part 2",  # a word with digits is the headline's own
    "Budget | Approved",  # a headline of fewer than three words keeps its second word
])
def test_a_last_word_that_ends_the_headline_itself_stays(title):
    tree = parse_html(page([], title))
    assert best_title(tree, "https://www.news.example.org/story/1") == title


def test_a_visible_headline_that_ends_with_the_site_name_loses_it():
    title = "Critics’ Choice: Best UK Art Exhibitions 2025 – Artlyst - Artlyst"
    h1 = "Critics’ Choice: Best UK Art Exhibitions 2025 – Artlyst"
    tree = parse_html(page([h1], title, site="Artlyst"))
    assert best_title(tree, "https://artlyst.com/reviews/critics-choice") == "Critics’ Choice: Best UK Art Exhibitions 2025"
