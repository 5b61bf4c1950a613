"""Profile-free layers on small hand-written pages (never the evaluation corpus)."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import extract_page
from crawler.extraction.generic import Block, _split_trailing_byline, extract_generic
from crawler.extraction.html import parse_html
from crawler.extraction.record import Context
from crawler.extraction.structured import extract_structured
from crawler.extraction.titles import strip_site_name

VI = Context(url="https://portal.example.vn/tin-tuc/bai-viet.html", languages=("vi",), timezone="Asia/Ho_Chi_Minh")
EN = Context(url="https://news.example.com/2023/06/13/story", languages=("en",), timezone="UTC", date_order="MDY")

PARAGRAPHS_VI = [
    "Ngày 21/6, 130 đại biểu là các thành viên Ban Chỉ đạo, Tổ Thư ký, Nhóm cộng tác viên tham gia "
    "Tập huấn công tác bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái.",
    "Phát biểu khai mạc Hội nghị tập huấn, đồng chí Phó Bí thư Thường trực Quận ủy nêu rõ, trong bối "
    "cảnh, tình hình hiện nay, các thế lực thù địch vẫn ra sức chống phá bằng nhiều thủ đoạn.",
    "Tại Hội nghị Tập huấn, các đại biểu được chia sẻ các kinh nghiệm thực tiễn, truyền đạt, cung cấp, "
    "bồi dưỡng kiến thức, nghiệp vụ về phương pháp, kỹ năng viết tin, bài trong thời gian tới.",
]


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def story(before: str = "", after: str = "") -> str:
    """An <article> with a headline and PARAGRAPHS_VI, ``before`` and ``after`` around them."""
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI)
    return page(f"<article><h1>Tiêu đề bài viết đủ dài</h1>{before}{paragraphs}{after}</article>")


def vi_article(middle: str = "", end: str = "<p>Minh Hảo</p>") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI)
    return page(
        '<div class="menu"><a href="/">Trang chủ</a><a href="/a">Tin tức</a></div>'
        '<div class="article">'
        "<h1>Ban Chỉ đạo 35 quận Ngô Quyền: Tập huấn về đấu tranh</h1>"
        '<div class="post-date">Print Thứ Tư, 22/06/2022 07:10 Gốc</div>'
        f'<div class="entry-content">{paragraphs}{middle}{end}</div>'
        "</div>"
        '<div class="tin-khac"><h3>Tin khác</h3><ul><li><a href="/x">Một tin khác rất dài về hội nghị</a></li></ul></div>'
        '<div class="qr-code">QR CODE: Ban Chỉ đạo 35 quận Ngô Quyền</div>'
        "<footer>Cổng tin tức Thành phố Hải Phòng</footer>",
        head="<title>Ban Chỉ đạo 35 quận Ngô Quyền: Tập huấn về đấu tranh | Cổng tin tức Hải Phòng</title>"
        '<meta property="og:site_name" content="Cổng tin tức Hải Phòng">',
    )


def generic(html: str, ctx: Context = VI) -> dict:
    return extract_generic(parse_html(html), ctx)


class TestGenericBody:
    def test_body_is_the_paragraphs_in_order(self):
        result = generic(vi_article())
        assert result["body"] == PARAGRAPHS_VI

    def test_boilerplate_is_excluded(self):
        text = "\n".join(generic(vi_article())["body"])
        for furniture in ("Tin khác", "QR CODE", "Trang chủ", "Cổng tin tức Thành phố", "Print"):
            assert furniture not in text

    def test_end_of_article_byline_goes_to_authors_not_body(self):
        result = generic(vi_article())
        assert result["authors"] == ["Minh Hảo"]
        assert "Minh Hảo" not in result["body"]

    def test_agency_goes_to_source(self):
        result = generic(vi_article(end="<p>Theo TTXVN</p>"))
        assert result["source"] == "TTXVN"
        assert "authors" not in result
        assert all("TTXVN" not in paragraph for paragraph in result["body"])

    def test_published_from_date_line_not_from_body(self):
        assert generic(vi_article())["published"] == "2022-06-22T07:10:00+07:00"

    def test_no_date_line_does_not_take_a_body_date(self):
        html = vi_article().replace("Print Thứ Tư, 22/06/2022 07:10 Gốc", "")
        html = html.replace("Ngày 21/6,", "Ngày 21/06/2021,")
        assert "published" not in generic(html)

    def test_title_strips_site_name(self):
        assert generic(vi_article())["title"] == "Ban Chỉ đạo 35 quận Ngô Quyền: Tập huấn về đấu tranh"

    def test_english_byline_at_top(self):
        body = "".join(f"<p>{t}</p>" for t in (
            "The city council approved the new budget on Tuesday, after a long debate about schools, roads and parks.",
            "Critics said the plan, which raises fees for parking, would hurt small shops in the old town centre.",
            "The mayor, speaking after the vote, promised a review of the fees within twelve months of the start.",
        ))
        html = page(f'<article><h1>Council approves budget</h1><p class="byline">By Jane Doe and John Roe, Staff Writers</p>{body}</article>')
        result = generic(html, EN)
        assert result["authors"] == ["Jane Doe", "John Roe"]
        assert not any("Jane Doe" in p for p in result["body"])


class TestCaptions:
    IMAGE = "https://portal.example.vn/wp-content/uploads/2022/06/hoi-nghi.jpg"

    @pytest.mark.parametrize(
        "markup",
        [
            '<figure><img src="/wp-content/uploads/2022/06/hoi-nghi.jpg"><figcaption>Quang cảnh Hội nghị Tập huấn.</figcaption></figure>',
            '<div class="wp-caption"><img src="/wp-content/uploads/2022/06/hoi-nghi.jpg"><p class="wp-caption-text">Quang cảnh Hội nghị Tập huấn.</p></div>',
            '<table class="image"><tr><td><img src="/wp-content/uploads/2022/06/hoi-nghi.jpg"></td></tr><tr><td class="image_desc">Quang cảnh Hội nghị Tập huấn.</td></tr></table>',
            '<p><img src="/wp-content/uploads/2022/06/hoi-nghi.jpg"></p><p><em>Quang cảnh Hội nghị Tập huấn.</em></p>',
        ],
        ids=["figcaption", "wp-caption", "caption-table", "italic-line"],
    )
    def test_caption_markups(self, markup):
        result = generic(vi_article(middle=markup))
        assert [(i.url, i.caption) for i in result["images"]] == [(self.IMAGE, "Quang cảnh Hội nghị Tập huấn.")]
        assert not any("Quang cảnh" in p for p in result["body"])
        assert result["body"] == PARAGRAPHS_VI

    def test_lazy_image_and_credit(self):
        markup = ('<figure><img src="data:image/gif;base64,R0lGOD" data-src="/img/a.jpg">'
                  '<figcaption>Các đại biểu tham dự. <span class="credit">Ảnh: Minh Hảo</span></figcaption></figure>')
        image = generic(vi_article(middle=markup))["images"][0]
        assert image.url == "https://portal.example.vn/img/a.jpg"
        assert image.caption == "Các đại biểu tham dự."
        assert image.credit == "Ảnh: Minh Hảo"

    def test_srcset_takes_largest(self):
        markup = '<figure><img srcset="/s.jpg 320w, /l.jpg 1280w, /m.jpg 640w"><figcaption>Large one.</figcaption></figure>'
        assert generic(vi_article(middle=markup))["images"][0].url == "https://portal.example.vn/l.jpg"


class TestStructured:
    def test_json_ld_graph_with_nested_authors(self):
        data = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {"@type": ["NewsArticle"], "headline": "Council approves budget",
             "datePublished": "2023-06-13T09:30:00+02:00", "dateModified": "2023-06-14T10:00:00+02:00",
             "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}]},
        ]}
        html = page("<h1>Council approves budget</h1>",
                    head=f'<script type="application/ld+json">{json.dumps(data)}</script>')
        result = extract_structured(parse_html(html), EN)
        assert result == {
            "title": "Council approves budget",
            "published": "2023-06-13T09:30:00+02:00",
            "modified": "2023-06-14T10:00:00+02:00",
            "authors": ["Jane Doe", "John Roe"],
        }

    def test_open_graph_and_meta(self):
        head = ('<meta property="og:title" content="Council approves budget – DW – 13.06.2023">'
                '<meta property="og:site_name" content="DW">'
                '<meta property="article:published_time" content="2023-06-13T07:10:00Z">'
                '<meta name="author" content="By Jane Doe">')
        result = extract_structured(parse_html(page("<p>x</p>", head)), EN)
        assert result["title"] == "Council approves budget"
        assert result["published"] == "2023-06-13T07:10:00+00:00"
        assert result["authors"] == ["Jane Doe"]

    def test_broken_json_ld_is_ignored(self):
        html = page("<p>x</p>", head='<script type="application/ld+json">{"@type": "NewsArticle", </script>')
        assert extract_structured(parse_html(html), EN) == {}

    def test_time_element_with_pubdate(self):
        html = page('<article><time pubdate datetime="2022-06-22T07:10:00+07:00">22/6</time></article>')
        assert extract_structured(parse_html(html), VI)["published"] == "2022-06-22T07:10:00+07:00"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tập huấn về đấu tranh | Báo Hải Phòng", "Tập huấn về đấu tranh"),
        ("Council approves budget – DW – 13.06.2023", "Council approves budget"),
        ("Nothing to strip here", "Nothing to strip here"),
    ],
)
def test_strip_site_name(raw, expected):
    assert strip_site_name(raw, {"báo hải phòng", "dw"}) == expected


class TestArticleBlock:
    """Widening the article block sibling by sibling; layout forms; titles on a tie."""

    WIDGET = "".join(f"<p>Line {n}: trains run late between the two stations tonight, check again.</p>" for n in range(2))

    def test_body_split_by_an_ad_comes_back_together_without_the_widget_beside_it(self):
        first = "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI[:2])
        html = page(
            f'<div class="wrap"><header class="top">{self.WIDGET}</header>'
            f'<div class="story"><div class="part">{first}</div>'
            '<div class="slot"><a href="/x">Advertisement link strip here</a></div>'
            f'<div class="part2"><p>{PARAGRAPHS_VI[2]}</p></div></div></div>'
        )
        assert generic(html)["body"] == PARAGRAPHS_VI

    def test_a_form_wrapping_the_whole_page_is_layout(self):
        divs = "".join(f"<div>{text}</div>" for text in PARAGRAPHS_VI)
        html = page(f'<form id="aspnetForm"><h1>Tập huấn về đấu tranh</h1><div class="LongDesc">{divs}</div></form>')
        assert "\n".join(generic(html)["body"]) == "\n".join(PARAGRAPHS_VI)

    def test_the_visible_headline_wins_a_tie_with_the_seo_headline(self):
        head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Short SEO line"}</script>'
                '<meta property="og:title" content="The long headline readers see on the page">'
                "<title>Short SEO line | Example News</title>")
        html = page(f"<h1>The long headline readers see on the page</h1><p>{PARAGRAPHS_VI[0]}</p>", head)
        assert extract_structured(parse_html(html), EN)["title"] == "The long headline readers see on the page"


# --- loose text, expanders, credit lines, paywalls ----------------------------------------------


def test_text_held_directly_in_a_div_between_br_is_the_body():
    loose = "<br><br>".join(PARAGRAPHS_VI)
    html = page(
        '<div class="menu"><div><a href="/a">Tin tức một</a></div><div><a href="/b">Tin tức hai</a></div></div>'
        f'<div class="article"><h1>Tiêu đề bài viết đủ dài</h1><div class="content">{loose}'
        '<center><em>Ảnh minh họa</em></center><br>Đoạn cuối của bài viết, có <a href="/x">một liên kết</a> '
        "ở giữa câu, vẫn là một đoạn văn trọn vẹn của bài.</div></div>"
    )
    body = extract_generic(parse_html(html), VI)["body"]
    assert body[:3] == PARAGRAPHS_VI
    assert body[-1] == ("Đoạn cuối của bài viết, có một liên kết ở giữa câu, vẫn là một đoạn văn trọn vẹn của bài.")
    assert not any("Tin tức" in text for text in body)


def test_caption_in_a_read_more_expander_is_kept_and_a_gallery_counter_is_not_body():
    slide = ('<div class="slide"><div class="slide-media"><img src="/p/1.jpg"></div>'
             '<div class="slide-info"><div class="ReadMore"><span>2 of 5 | </span>'
             '<span class="slide-description">Người dân xếp hàng chờ làm thủ tục tại phường</span>'
             "</div></div></div>")
    html = page(f'<article><h1>Tiêu đề bài viết đủ dài</h1>{slide}'
                + "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI) + "</article>")
    found = extract_generic(parse_html(html), VI)
    assert [image.caption for image in found["images"]] == ["Người dân xếp hàng chờ làm thủ tục tại phường"]
    assert found["body"] == PARAGRAPHS_VI


def test_caption_followed_by_a_credit_line_in_a_widget():
    widget = ('<div class="image-widget"><span><picture><img src="/p/2.jpg"></picture></span>'
              "<p>Pictured are readers meeting the novelists at the bookshop.</p><p>Image: Jane Doe</p></div>")
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI)
    html = page(f"<article><h1>A headline long enough</h1>{widget}{paragraphs}</article>")
    found = extract_generic(parse_html(html), EN)
    image = found["images"][0]
    assert (image.caption, image.credit) == ("Pictured are readers meeting the novelists at the bookshop.", "Image: Jane Doe")
    assert found["body"] == PARAGRAPHS_VI


def test_bare_agency_credit_is_no_caption():
    html = page('<article><h1>A headline long enough</h1><figure><img src="/p/3.jpg">'
                "<figcaption>Getty Images/iStockphoto</figcaption></figure>"
                + "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI) + "</article>")
    image = extract_generic(parse_html(html), EN)["images"][0]
    assert image.caption is None and image.credit == "Getty Images/iStockphoto"


def test_paywalled_teaser_is_completed_from_json_ld_article_body():
    full = "\n".join(PARAGRAPHS_VI * 2)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tiêu đề", "articleBody": full}, ensure_ascii=False)
    html = page(f'<article><h1>Tiêu đề bài viết đủ dài</h1><p>{PARAGRAPHS_VI[0]}</p>'
                '<div class="paywall">Đăng ký để đọc tiếp</div></article>',
                head=f'<script type="application/ld+json">{ld}</script>')
    assert extract_generic(parse_html(html), VI)["body"] == PARAGRAPHS_VI * 2


def test_reader_comments_are_not_body():
    html = vi_article(middle='<div id="box-binh-luan"><h3>12 bình luận</h3>'
                             '<div class="item"><p>Bài viết rất hay, cảm ơn tác giả đã chia sẻ thông tin bổ ích '
                             "này cho bà con trong phường, mong có thêm nhiều bài như vậy.</p></div></div>")
    body = extract_generic(parse_html(html), VI)["body"]
    assert body == PARAGRAPHS_VI


NEXT_STORY = ["Một câu chuyện khác hoàn toàn về giao thông đô thị được tải thêm khi người đọc cuộn trang, "
              "với nội dung dài hơn cả bài chính để bộ chấm điểm dễ nhầm lẫn nếu không tách riêng." * 3] * 4


def test_a_next_story_loaded_below_the_article_is_left_out():
    first = ('<article class="story"><h1>Tiêu đề bài viết đủ dài</h1><figure><img src="/p/1.jpg">'
             "<figcaption>Đại biểu dự hội nghị tập huấn</figcaption></figure>"
             + "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI) + "</article>")
    second = ('<article class="story next"><h1>Bài tiếp theo về giao thông</h1><figure><img src="/p/2.jpg">'
              "<figcaption>Xe buýt trên phố Lạch Tray</figcaption></figure>"
              + "".join(f"<p>{text}</p>" for text in NEXT_STORY) + "</article>")
    found = extract_generic(parse_html(page(f"<main>{first}<div class='more'>{second}</div></main>")), VI)
    assert found["body"] == PARAGRAPHS_VI
    assert [image.caption for image in found["images"]] == ["Đại biểu dự hội nghị tập huấn"]


def test_teaser_cards_and_video_posters_are_no_article_photos():
    teaser = ('<a class="card" href="/tin-tuc/bai-khac.html"><img src="/p/teaser.jpg">'
              "<span>Đọc thêm: Hải Phòng khởi công cầu mới</span></a>")
    zoom = '<figure><a href="/p/big.jpg"><img src="/p/photo.jpg"></a><figcaption>Toàn cảnh hội nghị</figcaption></figure>'
    video = ('<div class="media"><div class="cover"><img src="/p/poster.jpg"><figcaption>Clip hiện trường</figcaption>'
             '</div><div class="video-player"><video src="/v/clip.mp4"></video></div></div>')
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI)
    html = page(f"<article><h1>Tiêu đề bài viết đủ dài</h1>{zoom}{paragraphs}{video}{teaser}</article>")
    found = extract_generic(parse_html(html), VI)
    assert [(image.url.rsplit("/", 1)[-1], image.caption) for image in found["images"]] == [("photo.jpg", "Toàn cảnh hội nghị")]
    assert found["body"] == PARAGRAPHS_VI


def test_a_trailing_contact_with_an_e_mail_is_the_credit():
    html = page('<article><h1>A headline long enough</h1><figure><img src="/p/3.jpg"><figcaption>'
                "The lodge reopened after a long restoration. The Lodge: Jane Doe, jane@studio.example</figcaption>"
                "</figure>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI) + "</article>")
    image = extract_generic(parse_html(html), EN)["images"][0]
    assert image.caption == "The lodge reopened after a long restoration."
    assert image.credit == "The Lodge: Jane Doe, jane@studio.example"


def test_the_story_ends_with_its_article_element_and_a_lead_above_it_stays():
    lead = "Tóm tắt: Ban Chỉ đạo 35 quận Ngô Quyền tập huấn công tác bảo vệ nền tảng tư tưởng của Đảng cho 130 đại biểu."
    story = "<article>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS_VI) + "</article>"
    after = ("<div class='more-box'><p>" + "Một đoạn văn dài khác không thuộc bài viết này, nằm ngay sau thẻ article, "
             "được viết như một đoạn văn bình thường với nhiều dấu phẩy, ở đây, ở kia, và ở khắp nơi.</p>" * 2 + "</div>")
    html = page(f"<div class='wrap'><h1>Tiêu đề bài viết đủ dài</h1><p class='sapo'>{lead}</p>{story}{after}</div>")
    assert extract_generic(parse_html(html), VI)["body"] == [lead, *PARAGRAPHS_VI]


def test_reader_comments_and_hidden_promos_are_no_body_however_long():
    comment = ("Tôi thấy bài viết này rất hay, nhưng cần nói thêm rằng, ở phường tôi, việc tập huấn chưa được "
               "tổ chức đều đặn, và nhiều người dân vẫn chưa hiểu rõ quy định mới, mong các cơ quan chú ý.")
    comments = "<ul class='comments-list'>" + f"<li><p>{comment}</p></li>" * 4 + "</ul>"
    promo = "<div class='premium hidden'>" + f"<p>{comment}</p>" * 3 + "</div>"
    html = story(promo, comments)
    assert extract_generic(parse_html(html), VI)["body"] == PARAGRAPHS_VI


def test_a_labelled_tag_list_is_no_body_however_long():
    tags = ", ".join(f'<a href="/tag/{n}">chủ đề số {n} của quận Ngô Quyền</a>' for n in range(12))
    html = story(after=f"<p><strong>Từ khóa:</strong> {tags}</p>")
    assert extract_generic(parse_html(html), VI)["body"] == PARAGRAPHS_VI


def test_a_headline_misfiled_as_site_name_does_not_cut_the_headline():
    headline = "Trí tuệ nhân tạo trong trường học - Học sinh học nhanh hơn và tốt hơn"
    head = (f'<title>{headline}</title><meta property="og:title" content="{headline}">'
            f'<meta name="twitter:site" content="{headline}">')
    html = page(f"<article><h1>{headline}</h1>" + "".join(f"<p>{t}</p>" for t in PARAGRAPHS_VI) + "</article>", head)
    assert extract_structured(parse_html(html), VI)["title"] == headline


def test_an_office_signing_a_bulletin_is_its_author():
    signature = '<p style="text-align: right;"><strong>Trung tâm Khí tượng Thủy văn</strong></p>'
    found = extract_generic(parse_html(vi_article(end=signature)), VI)
    assert found["authors"] == ["Trung tâm Khí tượng Thủy văn"]
    assert found["body"] == PARAGRAPHS_VI


SITE_AUTHOR_HEAD = ('<meta property="og:site_name" content="Báo Phố Cảng">'
                    '<meta name="author" content="Báo Phố Cảng">')


def test_the_site_named_as_author_yields_to_a_byline_that_names_a_person():
    html = vi_article(end='<p style="text-align: right;"><strong>Lê Phương</strong></p>').replace("<head>", "<head>" + SITE_AUTHOR_HEAD)
    record = extract_page(html.encode(), VI.url)
    assert record.authors == ["Lê Phương"] and record.layers["authors"] == "generic"


def test_the_site_is_the_author_when_no_byline_names_anyone():
    html = vi_article(end="").replace("<head>", "<head>" + SITE_AUTHOR_HEAD)
    record = extract_page(html.encode(), VI.url)
    assert record.authors == ["Báo Phố Cảng"] and record.layers["authors"] == "structured"


def test_a_closing_button_is_no_byline_but_a_linked_author_page_is():
    tree = parse_html(page('<div><p>Đoạn văn.</p><a class="home" href="/"><span>Trang Chủ</span></a>'
                           '<a href="/tac-gia/minh-hao"><span>Minh Hảo</span></a></div>'))
    button, author = (Block(span, span.text) for span in tree.iter("span"))
    paragraph = Block(next(tree.iter("p")), "Đoạn văn.")
    assert _split_trailing_byline([paragraph, button])[1] == []
    assert _split_trailing_byline([paragraph, author])[1] == ["Minh Hảo"]


def test_a_web_component_that_draws_the_photo_is_an_image_with_its_caption():
    photo = ('<div class="image-wrap"><photo-viewer><brick-image data-src="/p/9.jpg" data-width="1600"></brick-image>'
             '</photo-viewer><div class="img-caption">Toàn cảnh hội nghị tập huấn. Ảnh: Minh Hảo</div></div>')
    html = story(photo)
    found = extract_generic(parse_html(html), VI)
    image = found["images"][0]
    assert image.url.endswith("/p/9.jpg") and (image.caption, image.credit) == ("Toàn cảnh hội nghị tập huấn.", "Ảnh: Minh Hảo")
    assert found["body"] == PARAGRAPHS_VI


def test_a_credit_line_above_the_photo_and_a_text_line_below_make_a_caption():
    photo = ('<div class="photo"><span class="small">Ảnh: Minh Hảo</span><img src="/p/7.jpg">'
             "<div>Đại biểu dự hội nghị tập huấn tại quận Ngô Quyền</div></div>")
    html = story(photo)
    found = extract_generic(parse_html(html), VI)
    image = found["images"][0]
    assert (image.caption, image.credit) == ("Đại biểu dự hội nghị tập huấn tại quận Ngô Quyền", "Ảnh: Minh Hảo")
    assert found["body"] == PARAGRAPHS_VI


def test_a_figcaption_just_after_its_figure_and_a_lightbox_link_inside_it():
    photo = ('<div class="picture"><figure class="image"><a class="pswp-slides" href="/p/big/8.jpg"><picture>'
             '<source srcset="/p/8-665.jpg 665w"><img src="/p/8.jpg"></picture></a></figure>'
             "<figcaption>Lãnh đạo quận tại buổi tập huấn</figcaption></div>")
    html = story(photo)
    found = extract_generic(parse_html(html), VI)
    assert [image.caption for image in found["images"]] == ["Lãnh đạo quận tại buổi tập huấn"]
    assert found["body"] == PARAGRAPHS_VI


def test_hidden_on_phones_but_shown_on_wider_screens_is_visible():
    paragraphs = "".join(f"<p>{t}</p>" for t in PARAGRAPHS_VI)
    for classes in ("hidden md:block", "d-none d-lg-block"):
        html = page(f'<article><h1>Tiêu đề bài viết đủ dài</h1><div class="{classes}">{paragraphs}</div></article>')
        assert extract_generic(parse_html(html), VI)["body"] == PARAGRAPHS_VI, classes


# --- a story in several blocks: what lies between its parts, tables, sections, code ------------

PARTS_EN = [
    "The council approved the new budget on Tuesday, after a debate that lasted, by most accounts, "
    "well into the evening and touched on roads, schools and the library.",
    "Members who opposed it said the plan, while modest, left too little for repairs, and asked that "
    "the road fund be reviewed again before the end of the year.",
    "The mayor said the city would publish the full figures next week, and invited residents to a "
    "public meeting, where questions about the library would be answered.",
    "Work on the first roads is due to start in the spring, weather permitting, and the schools will "
    "receive their share of the money over the following two years.",
]


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def test_a_subheading_and_a_list_between_two_parts_of_the_story_are_part_of_it():
    html = page(
        "<main><h1>Council approves the budget for next year</h1><div class='story'>"
        f"<div class='part'>{_paragraphs(PARTS_EN[:2])}</div>"
        "<h2>What changes</h2><ul><li>Roads first</li><li>Schools second</li></ul>"
        f"<div class='part'>{_paragraphs(PARTS_EN[2:])}</div>"
        "</div></main>"
    )
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == PARTS_EN[:2] + ["What changes", "Roads first", "Schools second"] + PARTS_EN[2:]


def test_a_link_strip_between_two_parts_of_the_story_stays_out():
    links = "".join(f"<a href='/s/{i}'>Another story headline number {i}</a> " for i in range(4))
    html = page(
        "<main><h1>Council approves the budget for next year</h1><div class='story'>"
        f"<div class='part'>{_paragraphs(PARTS_EN[:2])}</div><div>{links}</div>"
        f"<div class='part'>{_paragraphs(PARTS_EN[2:])}</div></div></main>"
    )
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == PARTS_EN


def test_a_table_in_a_figure_is_read_a_photo_figure_is_not():
    table = ("<figure class='wp-block-table'><table><tr><th>Fund</th><th>Amount</th></tr>"
             "<tr><td>Roads</td><td>4 million</td></tr></table></figure>")
    photo = "<figure><img src='/a.jpg'><figcaption>The council chamber on Tuesday</figcaption></figure>"
    html = story_en(_paragraphs(PARTS_EN[:2]) + table + photo + _paragraphs(PARTS_EN[2:]))
    found = extract_generic(parse_html(html), EN)
    assert found["body"] == PARTS_EN[:2] + ["Fund", "Amount", "Roads", "4 million"] + PARTS_EN[2:]
    assert [image.caption for image in found["images"]] == ["The council chamber on Tuesday"]


@pytest.mark.parametrize("figure", [
    # a notice written as the figure's caption, with a list in it
    "<figure id='x1'><figcaption>Please enable JavaScript.<br>Or read us<ul><li>without ads</li>"
    "<li>with the full feed</li></ul></figcaption></figure>",
    # a video player: an empty playlist <ul>, the clip's title as caption, a "more videos" heading
    "<figure class='player'><div class='video-wrapper'></div><figcaption>Budget vote in pictures</figcaption>"
    "<h2>More videos</h2><ul class='playlist'></ul></figure>",
    # a box of links to other stories
    "<figure class='recirculation'><h3>Trending now</h3><ul>"
    + "".join(f"<li><a href='/s/{i}'>Another story headline number {i}</a></li>" for i in range(4))
    + "</ul></figure>",
])
def test_a_figure_is_text_only_for_its_own_words_not_a_caption_an_empty_list_or_links(figure):
    html = story_en(_paragraphs(PARTS_EN[:2]) + figure + _paragraphs(PARTS_EN[2:]))
    assert extract_generic(parse_html(html), EN)["body"] == PARTS_EN


def test_a_quotation_in_a_figure_is_read_without_its_attribution():
    quote = ("<figure class='wp-block-pullquote'><blockquote><p>We will fix the roads before we build "
             "anything new.</p></blockquote><figcaption>Jane Doe, mayor</figcaption></figure>")
    html = story_en(_paragraphs(PARTS_EN[:2]) + quote + _paragraphs(PARTS_EN[2:]))
    assert extract_generic(parse_html(html), EN)["body"] == (
        PARTS_EN[:2] + ["We will fix the roads before we build anything new."] + PARTS_EN[2:])


def test_a_pull_quote_that_repeats_a_sentence_of_the_story_is_read_once():
    repeated = "before the end of the year"
    pull = f"<figure><blockquote><p>“{PARTS_EN[1][PARTS_EN[1].index('asked'):]}”</p></blockquote></figure>"
    aside = f"<blockquote class='pullquote'>{PARTS_EN[2][:60]}</blockquote>"
    html = story_en(_paragraphs(PARTS_EN[:2]) + pull + aside + _paragraphs(PARTS_EN[2:]))
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == PARTS_EN and sum(repeated in text for text in body) == 1


def test_a_quotation_the_story_does_not_repeat_stays():
    quote = "<blockquote><p>Nobody asked the people who walk to school what they needed.</p></blockquote>"
    html = story_en(_paragraphs(PARTS_EN[:2]) + quote + _paragraphs(PARTS_EN[2:]))
    assert extract_generic(parse_html(html), EN)["body"] == (
        PARTS_EN[:2] + ["Nobody asked the people who walk to school what they needed."] + PARTS_EN[2:])


def story_en(inner: str) -> str:
    return page(f"<article><h1>Council approves the budget for next year</h1>{inner}</article>")


def _wrapped(inner: str, depth: int = 6) -> str:
    return "<div class='wrap'>" * depth + inner + "</div>" * depth


def test_sections_of_a_page_builder_deep_in_wrappers_come_together_but_a_box_of_another_kind_does_not():
    promo = ("Sign up for the weekly letter from the editors, with the week's best reading, our "
             "picks and a few surprises, sent every Friday morning to your inbox.")
    html = page(
        "<main><h1>Council approves the budget for next year</h1><div class='page'>"
        f"<section class='block block-1a2b'>{_wrapped(_paragraphs(PARTS_EN[:3]))}</section>"
        f"<section class='block block-9f8e'>{_wrapped(_paragraphs(PARTS_EN[3:]))}</section>"
        f"<div class='box'>{_wrapped(_paragraphs([promo]))}</div>"
        "</div></main>"
    )
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == PARTS_EN


def test_chapters_named_like_a_table_of_contents_that_hold_the_page_stay():
    chapters = "".join(f"<section class='toc-chapter'><h2>Step {i + 1}</h2><p>{text}</p></section>"
                       for i, text in enumerate(PARTS_EN))
    html = page(f"<main><h1>How to form a company in four steps</h1>{chapters}</main>"
                "<div class='toc'><a href='#1'>Step 1</a> <a href='#2'>Step 2</a></div>")
    body = extract_generic(parse_html(html), EN)["body"]
    assert [line for line in body if not line.startswith("Step")] == PARTS_EN
    assert "Step 1 Step 2" not in " ".join(body)


def test_parts_streamed_in_hidden_boxes_are_shown_but_boxes_hidden_by_class_are_not():
    streamed = "".join(f"<div hidden id='S:{i}'><p>{text}</p></div>" for i, text in enumerate(PARTS_EN))
    html = page(f"<main><h1>Council approves the budget for next year</h1>{streamed}</main>")
    assert extract_generic(parse_html(html), EN)["body"] == PARTS_EN
    hidden = "".join(f"<div class='hidden'><p>{text}</p></div>" for text in PARTS_EN[2:])
    html = page(f"<main><h1>Council approves the budget for next year</h1>{_paragraphs(PARTS_EN[:2])}{hidden}</main>")
    assert extract_generic(parse_html(html), EN)["body"] == PARTS_EN[:2]


def test_table_cells_and_code_tokens_are_never_furniture_by_their_class():
    table = ("<table><tr><td class='font-utility-2'>Week 1</td><td class='font-utility-2'>Run 3 miles</td></tr>"
             "<tr><td class='font-utility-2'>Week 2</td><td class='font-utility-2'>Run 4 miles</td></tr></table>")
    code = "<pre><code><span class='hljs-comment'># make a new repository</span>\ngit init</code></pre>"
    html = story_en(_paragraphs(PARTS_EN[:2]) + table + code + _paragraphs(PARTS_EN[2:]))
    body = extract_generic(parse_html(html), EN)["body"]
    assert ["Week 1", "Run 3 miles", "Week 2", "Run 4 miles"] == body[2:6]
    assert "# make a new repository git init" in body


def test_the_items_of_a_list_article_written_as_articles_come_together_but_not_the_next_story():
    items = "".join(f"<article class='tile'><h2>Item {i + 1}</h2><div class='content'><div class='text'><p>{text}</p>"
                    "</div></div></article>" for i, text in enumerate(PARTS_EN))
    html = page(f"<main><h1>The four best things to do this week</h1><div class='items'>{items}</div></main>")
    body = extract_generic(parse_html(html), EN)["body"]
    assert [line for line in body if not line.startswith("Item")] == PARTS_EN
    next_story = ("<article class='teaser'><h2>Another story</h2><p>The library reopened on Monday after two "
                  "years of work, with a new reading room, longer hours and a larger collection.</p></article>")
    html = page(f"<main><div class='items'><article class='story'><h1>Council approves the budget for next year</h1>"
                f"{_paragraphs(PARTS_EN)}</article>{next_story}</div></main>")
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == PARTS_EN


TEASER_EXCERPTS = [
    "The library reopened on Monday after two years of work, with a new reading room, longer hours, "
    "a café on the ground floor and a larger collection of books in the languages of the city.",
    "Residents of the east bank will vote in March on a new bridge, the third proposal in ten years, "
    "after the last two were turned down over costs, noise and the loss of the riverside park.",
    "The school board named a new superintendent on Thursday, a former teacher who has run the "
    "district's summer programme for six years and who starts, the board said, in August.",
]


def test_a_box_named_for_other_stories_is_furniture_however_long_its_excerpts():
    related = ("<div class='related-reading'><h3>More to read</h3>"
               + "".join(f"<div class='post-summary'><a href='/p{i}'>Story {i}</a><p>{text}</p></div>"
                         for i, text in enumerate(TEASER_EXCERPTS)) + "</div>")
    body = extract_generic(parse_html(story_en(_paragraphs(PARTS_EN) + related)), EN)["body"]
    assert body == PARTS_EN
    # a layout column misnamed for its place still holds the story
    column = page("<h1>Council approves the budget for next year</h1>"
                  f"<div class='sidebar-left'>{_paragraphs(PARTS_EN)}</div>")
    assert extract_generic(parse_html(column), EN)["body"] == PARTS_EN


def test_an_author_bio_and_a_disclaimer_box_are_no_story_text():
    bio = ("<div class='bio'><p>Jane Doe covers the city council for the paper and has written about "
           "local politics, schools and housing for more than ten years.</p></div>")
    disclaimer = ("<div class='post-disclaimer'><p>This post is for general information only and is no "
                  "legal, financial or tax advice; ask a professional before you act on it.</p></div>")
    body = extract_generic(parse_html(story_en(_paragraphs(PARTS_EN) + bio + disclaimer)), EN)["body"]
    assert body == PARTS_EN


def test_streamed_segments_are_read_where_their_placeholders_stand():
    holders = "".join(f"<!--$?--><template id='B:{i}'></template><div>Loading paragraph...</div><!--/$-->"
                      for i in range(len(PARTS_EN)))
    # the segments arrive in another order, and one pair is named by the script call
    segments = (f"<div hidden id='S:2'><p>{PARTS_EN[2]}</p></div>"
                f"<div hidden id='S:0'><p>{PARTS_EN[0]}</p></div>"
                f"<div hidden id='S:9'><p>{PARTS_EN[1]}</p></div>"
                f"<div hidden id='S:3'><p>{PARTS_EN[3]}</p></div>"
                '<script>$RC("B:1","S:9")</script>')
    filler = "".join(f"<p>{text}</p>" for text in TEASER_EXCERPTS)  # the rest of the page outweighs them
    html = page(f"<main><h1>Council approves the budget for next year</h1><div class='story'>{holders}</div>"
                f"<div class='more'><h2>Elsewhere</h2>{filler}</div></main>{segments}")
    body = extract_generic(parse_html(html), EN)["body"]
    assert body[:len(PARTS_EN)] == PARTS_EN
    assert not any("Loading" in line for line in body)


def test_the_heading_of_a_box_of_other_stories_after_the_story_ends_it():
    teasers = "".join(f"<div class='card'><h3><a href='/p{i}'>Story {i}</a></h3><p>{text}</p></div>"
                      for i, text in enumerate(TEASER_EXCERPTS))
    parts = PARTS_EN + PARTS_EN[::-1] + PARTS_EN  # the story is most of the text
    story_parts = _paragraphs(parts)
    html = story_en(f"<div class='text'>{story_parts}<h2>Related Blog Posts</h2>{teasers}</div>")
    body = extract_generic(parse_html(html), EN)["body"]
    assert body == parts
    # the same words as a subheading with the story going on after it stay
    long_part = " ".join(PARTS_EN)
    html = story_en(f"<div class='text'>{story_parts}<h2>More news for residents</h2><p>{long_part}</p></div>")
    body = extract_generic(parse_html(html), EN)["body"]
    assert body[-2:] == ["More news for residents", long_part]


def test_a_spacing_utility_class_naming_the_bottom_edge_is_no_furniture():
    spaced = f"<div class='ct-div-block c-margin-bottom-m'><p>{PARTS_EN[2]}</p></div>"
    html = story_en(_paragraphs(PARTS_EN[:2]) + spaced + _paragraphs(PARTS_EN[3:]))
    assert extract_generic(parse_html(html), EN)["body"] == PARTS_EN
    # a box placed at the bottom is still furniture
    footer_box = "<div class='bottom-box'><p>Read our newest stories every morning, delivered to your inbox.</p></div>"
    body = extract_generic(parse_html(story_en(_paragraphs(PARTS_EN) + footer_box)), EN)["body"]
    assert body == PARTS_EN


# --- author cards: name, job, date and reading time as separate blocks ------------------------

EN_BODY = "".join(f"<p>{t}</p>" for t in (
    "The city council approved the new budget on Tuesday, after a long debate about schools, roads and parks.",
    "Critics said the plan, which raises fees for parking, would hurt small shops in the old town centre.",
    "The mayor, speaking after the vote, promised a review of the fees within twelve months of the start.",
))


def en_authors(header: str, after: str = "") -> list[str]:
    html = page(f"<article><h1>Council approves budget</h1>{header}{EN_BODY}{after}</article>")
    return generic(html, EN).get("authors", [])


@pytest.mark.parametrize("card", [
    # the name and the job in sibling blocks, which element text glues ("Jane DoeAI Writer")
    '<div class="author-wrap"><div>Written By</div><div class="author-name">Jane Doe</div>'
    '<div class="author-name weight">AI Writer, Example Media</div></div>',
    # the name and the date in inner elements of the card ("Jane Doe July 3, 2025")
    '<div class="author-info"><div class="author-details"><span class="author-name">Jane Doe</span>'
    '<span class="published-date">July 3, 2025</span></div></div>',
    # name, date and reading time as blocks without classes
    '<div class="blog_author"><div>Jane Doe</div><div>February 8, 2022</div><div>•</div><div>10</div>'
    '<div>mins read</div></div>',
    # the linked name beside the publication's credit, inside one byline section
    '<div class="byline-section"><span class="author"><a href="/staff/jane-doe/">Jane Doe</a></span>'
    ' <span class="publication">USA TODAY</span></div>',
    # a job line after the name: "Senior Editor", "Founder at …"
    '<div class="post-author"><h4>Jane Doe</h4><p>Founder at Example Studio</p></div>',
])
def test_an_author_card_gives_the_name_alone(card):
    assert en_authors(card) == ["Jane Doe"]


def test_a_reviewer_card_beside_the_author_card_is_no_author():
    cards = ('<div class="meta"><div class="author-card"><div>Written by</div><div>Jane Doe</div></div>'
             '<div class="author-card"><div>Fact checked by</div><div>John Roe</div></div></div>')
    assert en_authors(cards) == ["Jane Doe"]
    assert en_authors('<p class="byline">By Jane Doe | Medically reviewed by John Roe</p>') == ["Jane Doe"]


def test_co_authors_in_sibling_byline_elements_are_all_kept():
    header = ('<div class="meta"><span class="author">Jane Doe</span>, '
              '<span class="author">John Roe</span></div>')
    assert en_authors(header) == ["Jane Doe", "John Roe"]


def test_bylines_elsewhere_on_the_page_are_other_stories_or_quotes():
    quote = ('<figure class="wp-block-pullquote"><blockquote><p>Best service in town.</p>'
             '<cite class="testimonial-author">Mary Major</cite></blockquote></figure>')
    related = '<aside><ul><li><a href="/x">Other story</a><span class="author">Peter Poe</span></li></ul></aside>'
    assert en_authors('<p class="byline">By Jane Doe</p>', quote + related) == ["Jane Doe"]
    assert en_authors("", quote) == []


def test_a_card_ending_in_links_and_labels_keeps_the_name():
    card = ('<div class="author-block"><div class="author-byline"><a href="/author/jane/">Jane Doe</a></div>'
            '<div><span class="tag">Sponsored</span></div>'
            '<div><a href="/author/jane/">More about this author</a></div>'
            '<div><a href="/author/jane/">View all posts by Jane Doe</a></div></div>')
    assert en_authors(card) == ["Jane Doe"]


def test_a_vietnamese_byline_in_two_blocks_keeps_its_roles():
    card = '<div class="tac-gia"><div>Bài và ảnh:</div><div>Minh Hảo</div></div>'
    found = extract_generic(parse_html(page(f"<article><h1>Tiêu đề bài viết đủ dài</h1>{card}"
                                            + "".join(f"<p>{t}</p>" for t in PARAGRAPHS_VI) + "</article>")), VI)
    assert found["authors"] == ["Minh Hảo"]


def test_a_card_line_that_starts_in_lower_case_continues_the_line_before():
    card = '<div class="reporter-line"><p>Jane Doe</p><p>writes from the court in Oslo</p></div>'
    assert en_authors(card) == []  # one sentence of seven words: no name

