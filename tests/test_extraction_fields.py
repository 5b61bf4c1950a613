"""Titles, authors and dates on small hand-written pages of the shapes many sites share (issue 14):
a <title> that is headline plus site name, a blog whose <h1> is its own name, co-authors joined by
a dash, roles in a byline, the htmldate layer after structured data and the generic date line."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_page
from crawler.extraction.authors import byline_parts, clean_authors
from crawler.extraction.html import parse_html
from crawler.extraction.structured import first_article, json_ld_objects
from crawler.extraction.titles import best_title, visible_headline

STORY = "".join(
    f"<p>{text}</p>"
    for text in (
        "Ngày 21/6, 130 đại biểu là các thành viên Ban Chỉ đạo, Tổ Thư ký, Nhóm cộng tác viên tham gia "
        "Tập huấn công tác bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái.",
        "Phát biểu khai mạc Hội nghị tập huấn, đồng chí Phó Bí thư Thường trực Quận ủy nêu rõ, trong bối "
        "cảnh, tình hình hiện nay, các thế lực thù địch vẫn ra sức chống phá bằng nhiều thủ đoạn.",
    )
)


def title_of(head: str, body: str, url: str = "https://portal.example.vn/tin/bai-1.html") -> str | None:
    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    headline = json_ld_headline(tree)
    return best_title(tree, url, headline)


def json_ld_headline(tree) -> str | None:
    article = first_article(json_ld_objects(tree))
    return article.get("headline") if article else None


class TestTitles:
    def test_an_h2_headline_with_no_h1_drops_the_portals_suffix(self):
        head = "<title>Huyện tổ chức hội nghị tổng kết năm 2024 - Cổng thông tin điện tử huyện Vĩnh Bảo</title>"
        body = f'<div class="news"><h2>Huyện tổ chức hội nghị tổng kết năm 2024</h2>{STORY}</div>'
        assert title_of(head, body) == "Huyện tổ chức hội nghị tổng kết năm 2024"

    def test_the_visible_h1_that_starts_the_title_beats_a_suffix_no_tag_names(self):
        head = ('<title>What a certificate is | UVA SCPS</title>'
                '<meta property="og:title" content="What a certificate is | UVA SCPS">')
        assert title_of(head, f"<h1>What a certificate is</h1>{STORY}", "https://scps.example.edu/x") == "What a certificate is"

    def test_a_kicker_before_the_headline_in_the_h1_is_not_taken_for_the_headline(self):
        head = ('<title>Ehrengast der Buchmesse: Was lesen die Philippinen? — der Freitag</title>'
                '<script type="application/ld+json">{"@type": "NewsArticle",'
                ' "headline": "Ehrengast der Buchmesse: Was lesen die Philippinen?"}</script>')
        body = f"<h1>Kultur : Ehrengast der Buchmesse: Was lesen die Philippinen?</h1>{STORY}"
        assert title_of(head, body, "https://www.freitag.example/x") == "Ehrengast der Buchmesse: Was lesen die Philippinen?"

    def test_a_blog_whose_h1_is_its_name_takes_the_headline_from_the_title(self):
        head = "<title>A brief intro to git • Cory Example</title>"
        body = f"<header><h1>Cory Example</h1></header><article><h2>A brief intro to git</h2>{STORY}</article>"
        assert title_of(head, body, "https://cory.example.net/posts/git/") == "A brief intro to git"

    def test_a_one_word_section_heading_before_a_separator_is_no_visible_headline(self):
        tree = parse_html(f"<html><body><h1>News</h1>{STORY}</body></html>")
        assert visible_headline(tree, ["News"], ["News | The real headline of the day - Example Times"]) is None
        assert visible_headline(tree, ["The real headline"], ["The real headline | Example Times"]) == "The real headline"


@pytest.mark.parametrize(
    ("byline", "authors", "credits", "source"),
    [
        ("Hải Yến - Văn Hưng", ["Hải Yến", "Văn Hưng"], [], None),
        ("Hải Yến – Văn Hưng", ["Hải Yến", "Văn Hưng"], [], None),
        ("Hải Yến và Văn Hưng", ["Hải Yến", "Văn Hưng"], [], None),
        ("Jane Doe and John Roe & Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"], [], None),
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"], [], None),
        ("Jean-Pierre Dupont", ["Jean-Pierre Dupont"], [], None),
        ("Bài và ảnh: Minh Hảo", ["Minh Hảo"], [], None),
        ("Bài: Minh Hảo - Ảnh: Văn Hưng", ["Minh Hảo"], ["Văn Hưng"], None),
        ("Minh Hảo; Ảnh: Văn Hưng, Thu Hà", ["Minh Hảo"], ["Văn Hưng", "Thu Hà"], None),
        ("Minh Hảo - Theo TTXVN", ["Minh Hảo"], [], "TTXVN"),
        ("Theo Báo Hải Phòng", [], [], "Báo Hải Phòng"),
        ("By Jane Doe - Staff Writer", ["Jane Doe"], [], None),
        ("Dylan Bailey, MS, RD", ["Dylan Bailey"], [], None),
        ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton"], [], None),
        ("Maria &amp; Katerina", ["Maria", "Katerina"], [], None),
        ("By", [], [], None),
        ("The Author", [], [], None),
        ("5 mins read", [], [], None),
        ("Written bySir Nuno", ["Sir Nuno"], [], None),
        ("ByAmy Roeder", ["Amy Roeder"], [], None),
        ("Posted by:Idle Cartulary", ["Idle Cartulary"], [], None),
        ("DiCaprio Leonardo", ["DiCaprio Leonardo"], [], None),
        ("Byron Smith", ["Byron Smith"], [], None),
    ],
)
def test_byline_parts(byline, authors, credits, source):
    assert byline_parts(byline) == (authors, credits, source)
    assert clean_authors(byline) == authors


def test_a_byline_that_names_its_source_gives_the_record_its_source():
    html = ('<html><head><title>Tập huấn về đấu tranh</title></head><body><article><h1>Tập huấn về đấu tranh</h1>'
            '<div class="post-date">22/06/2022 07:10</div><div class="author">Minh Hảo - Theo TTXVN</div>'
            f"{STORY}</article></body></html>")
    record = extract_page(html.encode(), "https://portal.example.vn/tin/bai-1.html")
    assert record.authors == ["Minh Hảo"] and record.source == "TTXVN"


def test_a_by_line_no_markup_names_is_the_byline_and_a_comment_by_line_is_not():
    html = ('<html lang="en"><head><title>Council approves the budget</title></head><body><article>'
            '<h1>Council approves the budget</h1><div><span>By</span> <a href="/people/jane">Jane Doe</a></div>'
            f'{STORY}</article><div class="comments"><p>By Troll McTroll</p></div></body></html>')
    record = extract_page(html.encode(), "https://news.example.com/2024/03/05/council-budget/")
    assert record.authors == ["Jane Doe"]
    without = html.replace('<div><span>By</span> <a href="/people/jane">Jane Doe</a></div>', "")
    assert extract_page(without.encode(), "https://news.example.com/2024/03/05/council-budget/").authors == []


class TestHtmldateLayer:
    def page(self, head: str, body: str) -> bytes:
        return f"<html lang='en'><head>{head}</head><body><article><h1>Council approves the budget</h1>{body}{STORY}</article></body></html>".encode()

    def test_a_day_only_the_url_gives_comes_from_htmldate_after_the_other_layers(self):
        record = extract_page(self.page("", ""), "https://news.example.com/2024/03/05/council-budget/")
        assert record.published.startswith("2024-03-05") and record.layers["published"] in ("generic", "htmldate")

    def test_a_meta_date_htmldate_reads_when_structured_data_and_date_lines_have_none(self):
        head = '<meta name="dc.date" content="2023-11-02">'
        record = extract_page(self.page(head, ""), "https://news.example.com/council-budget")
        assert record.published == "2023-11-02T00:00:00+00:00"

    def test_structured_data_still_wins_over_htmldate(self):
        head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves the budget",'
                ' "datePublished": "2023-11-01T09:30:00+01:00"}</script><meta name="dc.date" content="2023-11-02">')
        record = extract_page(self.page(head, ""), "https://news.example.com/council-budget")
        assert record.published == "2023-11-01T09:30:00+01:00" and record.layers["published"] == "structured"

    def test_the_webpage_of_a_schema_graph_dates_a_post_that_declares_no_article(self):
        # Yoast's graph: the WebPage carries the dates; meta article:modified_time alone would
        # have made htmldate give the last change
        graph = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
                 '{"@type": "WebPage", "name": "Council approves the budget", "datePublished": "2024-03-17T19:47:39+00:00",'
                 ' "dateModified": "2024-05-03T10:57:58+00:00"}, {"@type": "WebSite", "name": "Example"}]}</script>'
                 '<meta property="article:modified_time" content="2024-05-03T10:57:58+00:00">')
        record = extract_page(self.page(graph, ""), "https://news.example.com/council-budget")
        assert record.published == "2024-03-17T19:47:39+00:00" and record.layers["published"] == "structured"
        assert record.modified == "2024-05-03T10:57:58+00:00"

    @pytest.mark.parametrize("meta", [
        '<meta name="published" content="July 17, 2025">',
        '<meta name="citation_publication_date" content="2025/7/17">',
        '<meta property="article:published_date" content="2025-07-17">',
    ])
    def test_publication_meta_tags_beyond_the_common_ones(self, meta):
        record = extract_page(self.page(meta, ""), "https://news.example.com/council-budget")
        assert record.published.startswith("2025-07-17") and record.layers["published"] == "structured"

    def test_an_articles_own_date_beats_its_webpages(self):
        graph = ('<script type="application/ld+json">{"@graph": ['
                 '{"@type": "WebPage", "datePublished": "2024-03-18T04:39:05+00:00"},'
                 '{"@type": "Article", "headline": "Council approves the budget", "datePublished": "2024-03-17T08:00:00+00:00"}]}</script>')
        record = extract_page(self.page(graph, ""), "https://news.example.com/council-budget")
        assert record.published == "2024-03-17T08:00:00+00:00"

    def test_no_date_anywhere_stays_no_date(self):
        record = extract_page(self.page("", ""), "https://news.example.com/council-budget")
        assert record.published is None


class TestNotAnArticle:
    """Pages that declare themselves no story, and listing URLs, never become articles (generic
    layers only; a profile's body is believed)."""

    def page(self, head: str = "") -> bytes:
        return (f"<html lang='vi'><head><title>Tập huấn về đấu tranh</title>{head}</head><body><article>"
                f"<h1>Tập huấn về đấu tranh</h1><div class='post-date'>22/06/2022 07:10</div>{STORY}</article></body></html>").encode()

    def test_an_article_page_is_an_article(self):
        assert extract_page(self.page(), "https://portal.example.vn/tin/bai-1.html").is_article()

    @pytest.mark.parametrize("kind", ["Product", "QAPage", "DiscussionForumPosting", "CollectionPage", "ItemList"])
    def test_a_page_declaring_a_non_story_type_is_no_article(self, kind):
        head = f'<script type="application/ld+json">{{"@type": "{kind}", "name": "Tập huấn"}}</script>'
        assert not extract_page(self.page(head), "https://shop.example.com/p/123").is_article()

    def test_a_story_that_also_lists_products_is_an_article(self):
        head = ('<script type="application/ld+json">[{"@type": "NewsArticle", "headline": "Tập huấn về đấu tranh"},'
                ' {"@type": "Product", "name": "Sách"}]</script>')
        assert extract_page(self.page(head), "https://portal.example.vn/tin/bai-1.html").is_article()

    def test_a_shop_page_by_its_og_type_is_no_article(self):
        head = '<meta property="og:type" content="product.group">'
        assert not extract_page(self.page(head), "https://shop.example.com/p/123").is_article()

    @pytest.mark.parametrize("url", ["https://portal.example.vn/", "https://portal.example.vn/category/tin-tuc/",
                                     "https://portal.example.vn/tag/hoi-nghi", "https://portal.example.vn/page/3/",
                                     "https://portal.example.vn/tin-tuc/page/2", "https://portal.example.vn/news",
                                     "https://portal.example.vn/author/minh-hao/"])
    def test_front_section_category_tag_author_and_paged_listing_urls_are_no_article(self, url):
        assert not extract_page(self.page(), url).is_article()

    @pytest.mark.parametrize("url", ["https://portal.example.vn/news/2024/03/05/council-budget",
                                     "https://portal.example.vn/category/tin-tuc/2024/bai-1.html",
                                     "https://portal.example.vn/page-about-the-budget"])
    def test_story_urls_under_such_folders_are_articles(self, url):
        assert extract_page(self.page(), url).is_article()


class TestBodiesShapesManySitesShare:
    """Markup that hid whole stories from the generic layer: streamed HTML in a hidden holder,
    page builders that call every block a widget, a furniture box left open around the story."""

    ARTICLE_TEXT = STORY * 3

    def body_of(self, inner: str, url: str = "https://blog.example.com/2024/05/story") -> str:
        html = (f"<html lang='vi'><head><title>Tập huấn về đấu tranh</title></head><body>"
                f"<aside class='sidebar widget-area'><div class='widget'><a href='/a'>Tin khác một</a> "
                f"<a href='/b'>Tin khác hai</a></div></aside>{inner}</body></html>")
        return extract_page(html.encode(), url).body_text

    def test_streamed_html_in_a_hidden_holder_is_the_story(self):
        body = self.body_of(f'<div hidden id="S:0"><article><h1>Tập huấn về đấu tranh</h1>{self.ARTICLE_TEXT}</article></div>')
        assert "Phát biểu khai mạc Hội nghị tập huấn" in body

    def test_a_small_hidden_box_still_goes(self):
        body = self.body_of(f'<article><h1>Tập huấn về đấu tranh</h1>{self.ARTICLE_TEXT}'
                            '<div hidden><p>Nội dung ẩn dành cho trình đọc, không phải bài viết này.</p></div></article>')
        assert "Nội dung ẩn" not in body and "Phát biểu khai mạc" in body

    def test_a_page_builders_text_widgets_are_the_story_but_a_sidebar_widget_is_not(self):
        widgets = "".join(f'<div class="elementor-widget elementor-widget-text-editor"><div class="elementor-widget-container">'
                          f'<p>{text}</p></div></div>' for text in (STORY, STORY, STORY))
        body = self.body_of(f'<div class="elementor-section"><h1>Tập huấn về đấu tranh</h1>{widgets}</div>')
        assert "Phát biểu khai mạc Hội nghị tập huấn" in body and "Tin khác" not in body

    def test_an_unclosed_nav_around_the_story_does_not_take_it_away(self):
        body = self.body_of(f'<nav class="navbar"><ul><li><a href="/">Trang chủ</a></li></ul>'
                            f'<div class="navbar-collapse"><article><h1>Tập huấn về đấu tranh</h1>{STORY}</article></div></nav>')
        assert "Phát biểu khai mạc Hội nghị tập huấn" in body
