"""The date line beside the headline (crawler/extraction/dateline.py) and how it meets the other
date sources, on small hand-written pages (never the evaluation corpus)."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import extract_page
from crawler.extraction.dateline import headline_date
from crawler.extraction.html import parse_html
from crawler.extraction.record import Context

EN = Context(url="https://blog.example.com/posts/a-story", languages=("en",), timezone="UTC", date_order="MDY")
DE = Context(url="https://zeitung.example.de/artikel/a", languages=("de",), timezone="Europe/Berlin", date_order="DMY")

MENU = "".join(f'<a href="/s{n}">Section number {n}</a>' for n in range(20))  # 360 characters
TEXT = " ".join(["The council met on a quiet evening and agreed on the new plan for the river bank."] * 4)


def page(top: str, head: str = "", url_path: str = "") -> str:
    paragraphs = "".join(f"<p>{TEXT}</p>" for _ in range(3))
    return (f"<html><head><title>A story worth reading | Example Blog</title>{head}</head><body>"
            f'<nav><a href="/">Home</a> <span>Jan 2, 2020</span>{MENU}</nav>'
            f"<main>{top}<div class=\"prose\">{paragraphs}</div></main></body></html>")


def shown(html: str, ctx: Context = EN):
    return headline_date(parse_html(html), ctx)


@pytest.mark.parametrize("line, day", [
    ('<div class="text-200 bold">October 3, 2024</div>', "2024-10-03"),
    ('<div class="flex"><span>By</span> <span>Jane Doe</span> on <span>Jan 22, 2025</span></div>', "2025-01-22"),
    ('<p class="m_0 fw_medium">Published on Oct 21, 2025</p>', "2025-10-21"),
    ('<div><svg><use href="#calendar"></use></svg> Dec 12, 2025 </div>', "2025-12-12"),
    ('<span class="_1zZc h5">17.05.2021</span>', "2021-05-17"),
])
def test_the_short_date_text_under_the_headline_is_the_date_line(line, day):
    found = shown(page(f"<h1>A story worth reading</h1>{line}"))
    assert found is not None and found.value.startswith(day) and not found.updated


def test_a_date_line_just_above_the_headline_counts_and_the_menu_far_above_does_not():
    found = shown(page('<div class="kicker">Travel · September 8, 2021</div><h1>A story worth reading</h1>'))
    assert found is not None and found.value.startswith("2021-09-08")
    assert shown(page("<h1>A story worth reading</h1>")) is None  # the nav's "Jan 2, 2020" is too far


def test_a_sentence_that_holds_a_date_is_no_date_line():
    line = "<p>The offer is valid from November 26 until December 3, 2025.</p>"
    assert shown(page(f"<h1>A story worth reading</h1>{line}")) is None


def test_a_date_in_a_script_is_not_shown():
    assert shown(page('<h1>A story worth reading</h1><script>var d = "Dec 12, 2025";</script>')) is None


def test_an_updated_line_is_marked_and_the_publication_line_beside_it_preferred():
    only = shown(page("<h1>A story worth reading</h1><span>Updated May 6, 2025</span>"))
    assert only is not None and only.updated and only.value.startswith("2025-05-06")
    both = shown(page("<h1>A story worth reading</h1><span>Last updated: Jan 2, 2026</span><span>March 1, 2024</span>"))
    assert both is not None and not both.updated and both.value.startswith("2024-03-01")
    named = shown(page('<h1>A story worth reading</h1><span class="dateline updated">JANUARY 02, 2026</span>'))
    assert named is not None and named.updated


def test_wordpress_s_published_updated_date_of_a_post_never_edited_is_the_publication():
    """Every WordPress theme prints ``entry-date published updated`` on the one date of a post
    never edited; twentytwentyone prints it in the footer, after a short story, with comments after it."""
    html = page('<h1>A story worth reading</h1><p>Short.</p><footer><span class="posted-on">Published '
                '<time class="entry-date published updated" datetime="2025-01-23T17:19:28+07:00">23.01.2025</time>'
                '</span></footer><ol class="comment-list"><li class="comment"><div class="comment-metadata">'
                '<a href="#comment-16"><time datetime="2025-01-24T05:19:28+07:00">24.01.2025 at 05:19</time></a>'
                '</div></li></ol>')
    found = shown(html)
    assert found is not None and not found.updated and found.value.startswith("2025-01-23")


def test_a_comment_s_date_is_no_date_line():
    html = page('<h1>A story worth reading</h1><p>Short.</p><div id="comments"><div class="comment-meta">'
                '<time datetime="2025-01-24T05:19:28+07:00">24.01.2025 at 05:19</time></div></div>')
    assert shown(html) is None


def test_the_time_elements_declared_value_beats_its_shown_text():
    found = shown(page('<h1>A story worth reading</h1><time datetime="2024-12-20">August 28, 2024</time>'))
    assert found is not None and found.value.startswith("2024-12-20")


def test_month_names_of_the_pages_language():
    found = shown(page("<h1>Ein Artikel</h1><span>18. Juli 2024</span>"), DE)
    assert found is not None and found.value.startswith("2024-07-18")


def test_no_headline_no_date_line():
    assert shown("<html><body><div>Dec 12, 2025</div></body></html>") is None


# --- against the other sources (crawler.extraction.extract_tree) --------------------------------


def ld(published: str, modified: str | None = None) -> str:
    data = {"@context": "https://schema.org", "@type": "Article", "headline": "A story worth reading",
            "datePublished": published}
    if modified:
        data["dateModified"] = modified
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_the_shown_date_beats_a_stale_structured_date_days_apart():
    html = page("<h1>A story worth reading</h1><div>Nov 2, 2022</div>", head=ld("2025-06-12T08:00:00Z"))
    record = extract_page(html, EN.url)
    assert record.published.startswith("2022-11-02") and record.layers["published"] == "generic"


@pytest.mark.parametrize("line, head, url", [
    ("<div>Nov 2, 2022</div>", ld("2022-11-03T01:30:00Z"), EN.url),  # a day apart: a time zone
    ("<div>Nov 2, 2022</div>", ld("2019-01-05T08:00:00Z", "2022-11-02T10:00:00Z"), EN.url),  # the modification day
    ("<div>Updated Nov 2, 2022</div>", ld("2019-01-05T08:00:00Z"), EN.url),  # a change, not the publication
    ("<div>Nov 2, 2022</div>", ld("2019-01-05T08:00:00Z"), "https://blog.example.com/2019/01/05/a-story/"),  # the URL seconds it
])
def test_the_structured_date_stands(line, head, url):
    record = extract_page(page(f"<h1>A story worth reading</h1>{line}", head=head), url)
    assert record.layers["published"] == "structured"


def test_without_structured_data_the_line_beside_the_headline_beats_an_earlier_time_element():
    related = '<aside class="x"></aside><div class="card"><time datetime="2025-12-19">Dec 19, 2025</time></div>'
    html = page(f"{related}<h1>A story worth reading</h1><div>Dec 12, 2025</div>")
    record = extract_page(html, EN.url)
    assert record.published.startswith("2025-12-12") and record.published_precision == "day"


def test_a_time_element_of_the_same_day_keeps_its_time_of_day():
    html = page('<h1>A story worth reading</h1><div>Dec 12, 2025</div><time datetime="2025-12-12T09:30:00+01:00">9:30</time>')
    record = extract_page(html, EN.url)
    assert record.published == "2025-12-12T09:30:00+01:00" and record.published_precision == "minute"


def test_a_day_apart_the_line_wins_where_the_url_gives_its_day():
    # a UTC timestamp past midnight on a site west of Greenwich; the permalink carries the local day
    html = page("<h1>A story worth reading</h1><div>Dec 18, 2025</div>", head=ld("2025-12-19T02:41:41+00:00"))
    record = extract_page(html, "https://blog.example.com/2025/12/18/a-story/")
    assert record.published.startswith("2025-12-18") and record.layers["published"] == "generic"


def test_a_day_apart_the_lines_time_of_day_gives_the_offset_of_the_declared_instant():
    # <time datetime> in the site's local time without its offset
    html = page('<h1>A story worth reading</h1><div><time datetime="2025-12-18T19:05">December 18, 2025</time></div>',
                head=ld("2025-12-19T03:05:00+00:00"))
    record = extract_page(html, "https://blog.example.com/2025/12/18/a-story/")
    assert record.published == "2025-12-18T19:05:00-08:00" and record.published_precision == "minute"


def test_a_day_apart_the_line_wins_where_the_declared_publication_is_the_last_save():
    html = page("<h1>A story worth reading</h1><div>Nov 12, 2025</div>",
                head=ld("2025-11-13T09:21:40+00:00", "2025-11-13T09:21:40+00:00"))
    record = extract_page(html, EN.url)
    assert record.published.startswith("2025-11-12") and record.layers["published"] == "generic"


def test_a_day_apart_an_updated_line_never_wins():
    html = page("<h1>A story worth reading</h1><div>Updated Dec 18, 2025</div>", head=ld("2025-12-19T02:41:41+00:00"))
    record = extract_page(html, "https://blog.example.com/2025/12/18/a-story/")
    assert record.published.startswith("2025-12-19") and record.layers["published"] == "structured"


@pytest.mark.parametrize("lang, day", [
    ("en", "2023-03-10"), ("en-US", "2023-03-10"),  # month first: "en" alone is taken for American
    ("en-GB", "2023-10-03"), ("en-AU", "2023-10-03"), ("en_IN", "2023-10-03"), ("fr-FR", "2023-10-03"),
])
def test_a_numeric_date_is_read_in_the_order_of_the_pages_locale(lang, day):
    html = page('<h1>A story worth reading</h1><div class="meta">03/10/2023</div>').replace("<html>", f'<html lang="{lang}">')
    record = extract_page(html.encode(), "https://blog.example.com/posts/a-story")
    assert record.published[:10] == day
