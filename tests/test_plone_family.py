"""The Plone family module and the generic pieces issue 18 added, without a running Plone: the REST
reader, content types, the family extraction layer (byline authors, days, lead, body), RSS 1.0 and
guid-only RSS 2.0, the date precision and a source's time preferred on the same day."""

from __future__ import annotations

import json

from crawler.extraction import extract_page
from crawler.extraction.dates import listed_modified, listed_published, parse_date, precision_of
from crawler.extraction.record import Record
from crawler.families import plone
from spiders.sources.parsers import feed_links

BASE = "http://h/ngoquyen"
PARAGRAPHS = ["Sáng nay, phường Lê Lợi tổ chức hội nghị với sự tham gia của đông đảo nhân dân trong phường.",
              "Các đại biểu cũng thảo luận, đóng góp ý kiến để hoàn thiện kế hoạch triển khai.",
              "Dịp này, phường phát động phong trào thi đua với nhiều nội dung thiết thực."]


def page(kind: str = "news-item", byline: bool = True, modified: bool = True, schema: str = "") -> bytes:
    by = ('<section id="section-byline"><span class="label-by-author">by '
          f'<a href="{BASE}/author/thuha">Trần Thu Hà</a>, <a href="{BASE}/author/minhquan">Nguyễn Minh Quân</a>'
          ' &mdash;</span><span class="documentPublished"><span>published</span> <span>22/09/2026</span>,</span>'
          + ('<span class="documentModified"><span>cập nhật lần cuối</span> <span>17/10/2026</span></span>'
             if modified else "") + "</section>") if byline else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    body += ('<figure><img src="x.jpg"><figcaption>Lãnh đạo phường phát biểu.</figcaption></figure>'
             f"<p>{PARAGRAPHS[2]}</p>")
    return (f'<html lang="vi"><head><meta name="generator" content="Plone - https://plone.org/"></head>'
            f'<body class="portaltype-{kind} site-ngoquyen"{schema}><article id="content"><header>'
            f"<h1>Hội nghị phường Lê Lợi</h1>{by}"
            '<p class="lead">Ngày 22/09/2026, phường Lê Lợi tổ chức hội nghị.</p></header>'
            f'<div id="content-core"><div id="parent-fieldname-text">{body}</div></div></article>'
            "</body></html>").encode()


def test_the_family_layer_reads_plones_byline_lead_and_text_field():
    record = extract_page(page(), f"{BASE}/tin-tuc/hoi-nghi")
    assert record.authors == ["Trần Thu Hà", "Nguyễn Minh Quân"]
    assert record.published == "2026-09-22T00:00:00+07:00" and record.published_precision == "day"
    assert record.modified == "2026-10-17T00:00:00+07:00" and record.modified_precision == "day"
    assert record.lead == "Ngày 22/09/2026, phường Lê Lợi tổ chức hội nghị."
    assert record.body == PARAGRAPHS, "every paragraph, no caption, no lead"
    assert {record.layers[f] for f in ("authors", "published", "lead", "body")} == {"family"}
    assert type(record.published) is str, "stored as plain text"


def test_without_the_byline_nothing_is_made_up():
    record = extract_page(page(byline=False), f"{BASE}/tin-tuc/hoi-nghi")
    assert record.authors == [] and record.published is None and record.published_precision is None
    assert record.body == PARAGRAPHS


def test_content_types_that_are_never_articles():
    assert plone.never_an_article(page()) is None
    for kind, name in (("event", "Event"), ("document", "Page"), ("folder", "Folder"), ("collection", "Collection")):
        assert name in plone.never_an_article(page(kind))
    assert "Event" in plone.never_an_article(page(schema=' itemtype="https://schema.org/Event"'))
    assert plone.never_an_article(b"<html><body class='portaltype-event'>no generator</body></html>") is None


def test_the_rest_reader_pages_and_refuses_garbage():
    answer = {"batching": {"next": f"{BASE}/++api++/@search?b_start=100"},
              "items": [{"@id": f"{BASE}/tin-tuc/a", "effective": "2026-09-22T08:55:00+00:00",
                         "modified": "2026-09-22T09:11:00+00:00", "listCreators": ["thuha", "minhquan"]},
                        {"@id": f"{BASE}/tin-tuc/b", "effective": "1969-12-31T00:00:00+00:00", "modified": None,
                         "listCreators": "not a list"},
                        {"title": "no id"}]}
    items, following, problem = plone.rest_page(json.dumps(answer).encode())
    assert items == [(f"{BASE}/tin-tuc/a", "2026-09-22T09:11:00+00:00", "2026-09-22T08:55:00+00:00",
                      ("thuha", "minhquan")),
                     (f"{BASE}/tin-tuc/b", None, None, ())]
    assert following.endswith("b_start=100") and problem is None
    for garbage in (b"<html>", b"[]", b'{"items": 3}', b"\xff\xfe"):
        assert plone.rest_page(garbage)[0] == [] and plone.rest_page(garbage)[2]


def test_rss1_and_guid_only_rss2_items_are_read_with_their_dates():
    rss1 = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            b' xmlns="http://purl.org/rss/1.0/"><item rdf:about="http://h/a"><title>A</title>'
            b"<dc:date>2026-10-26T02:49:00Z</dc:date></item></rdf:RDF>")
    rss2 = (b'<rss version="2.0"><channel><item><guid>http://h/b</guid><pubDate>Mon, 26 Oct 2026 09:49:00 +0700'
            b'</pubDate></item><item><guid isPermaLink="false">tag:x</guid></item></channel></rss>')
    assert [(link.url, link.published) for link in feed_links(rss1, "http://h/RSS")] == \
        [("http://h/a", "2026-10-26T02:49:00+00:00")]
    assert [(link.url, link.published) for link in feed_links(rss2, "http://h/rss.xml")] == \
        [("http://h/b", "2026-10-26T02:49:00+00:00")]


def test_precision_says_whether_a_time_was_stated():
    assert precision_of(parse_date("22/09/2026")) == "day"
    assert precision_of(parse_date("2026-09-22")) == "day"
    assert precision_of(parse_date("Thứ Tư, 22/09/2026 07:10")) == "minute"
    assert precision_of(parse_date("2026-09-22T07:10:00+07:00")) == "minute"
    assert precision_of(parse_date("22 tháng 9 năm 2026", languages=("vi",))) == "day"
    assert precision_of(None) is None


def test_a_sources_time_is_preferred_only_on_the_pages_day():
    day = Record(url="u", published="2026-09-22T00:00:00+07:00", published_precision="day")
    listed_published(day, "2026-09-22T08:55:00+00:00", "Asia/Ho_Chi_Minh")
    assert (day.published, day.published_precision, day.layers) == (
        "2026-09-22T15:55:00+07:00", "minute", {"published": "discovery"})
    other = Record(url="u", published="2026-09-22T00:00:00+07:00", published_precision="day")
    listed_published(other, "2026-09-23T08:55:00+00:00", "Asia/Ho_Chi_Minh")
    assert other.published == "2026-09-22T00:00:00+07:00" and other.published_precision == "day"
    exact = Record(url="u", published="2026-09-22T07:10:00+07:00", published_precision="minute")
    listed_published(exact, "2026-09-22T08:55:00+00:00", "Asia/Ho_Chi_Minh")
    assert exact.published == "2026-09-22T07:10:00+07:00", "the page's own time stands"
    undated = Record(url="u")
    listed_published(undated, "2026-09-22T08:55:00+00:00", "Asia/Ho_Chi_Minh")
    assert undated.published == "2026-09-22T15:55:00+07:00"
    edited = Record(url="u", published="2026-09-22T15:55:00+07:00", modified="2026-10-17T00:00:00+07:00",
                    modified_precision="day")
    listed_modified(edited, "2026-10-17T02:30:00+00:00", "Asia/Ho_Chi_Minh")
    assert edited.modified == "2026-10-17T09:30:00+07:00"


def author_page(body_class: str, heading: str) -> bytes:
    return (f'<html><head><meta name="generator" content="Plone - https://plone.org/"></head>'
            f'<body class="{body_class}"><h1 class="documentFirstHeading">{heading}</h1></body></html>').encode()


def test_an_author_page_gives_the_name_and_nothing_else_does():
    """The creator's page (public while the byline is off) heads with the full name; the login
    form a private author page redirects to, or an article, gives none."""
    assert plone.author_page_url(BASE, "thu ha") == f"{BASE}/author/thu%20ha"
    assert plone.author_page_name(author_page("portaltype-plone-site template-author", "Trần Thu Hà")) == "Trần Thu Hà"
    assert plone.author_page_name(author_page("portaltype-plone-site template-login_form", "Đăng nhập")) is None
    assert plone.author_page_name(author_page("portaltype-news-item template-newsitem_view", "Tin")) is None
    assert plone.author_page_name(author_page("portaltype-plone-site template-author", "")) is None
    assert plone.author_page_name(b"\xff\xfe garbage") is None
