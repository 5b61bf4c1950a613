"""An unseen district portal: a SharePoint-style Vietnamese e-government site, markup no replica
theme and no profile knows (not part of the product; the stand-in for "a district portal nobody
tuned for").

What makes it unlike the replica: article addresses differ only in their query string
(``/Pages/chi-tiet-tin.aspx?ItemID=…``), the listing pages too (``?Page=2``); no sitemap, no feed,
no JSON API; ``<title>`` names the page type and the site, never the headline (the headline is an
``<h3>`` beside sidebar ``<h3>``s); the date line reads "Ngày đăng: 03/12/2026 08:15"; captions are
centred italic paragraphs under centred image paragraphs; the byline is the last, right-aligned
bold paragraph, co-authors joined by " - ", some with a role ("Bài và ảnh: …"); and several
articles share formulaic sentences that are their text, not the template's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

SITE = "Cổng thông tin điện tử huyện An Lão"
PER_PAGE = 5


@dataclass
class EgovArticle:
    item_id: int
    title: str
    published: datetime  # local time, Asia/Ho_Chi_Minh
    lead: str
    paragraphs: list[str]
    byline: str  # as printed
    authors: list[str]  # the record's authors
    photos: list[tuple[str, str]] = field(default_factory=list)  # (image path, caption)

    @property
    def path(self) -> str:
        return f"/Pages/chi-tiet-tin.aspx?ItemID={self.item_id}&l=TinTucSuKien"

    @property
    def body(self) -> list[str]:
        return [self.lead, *self.paragraphs]


# Formulaic sentences district portals repeat across their own articles: story text all the same.
FORMULA_CLOSE = ("Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị và Ủy ban nhân dân các xã, thị trấn "
                 "tiếp tục quán triệt, triển khai thực hiện nghiêm túc, hiệu quả các nhiệm vụ được giao.")
FORMULA_AWARD = "Dịp này, Chủ tịch Ủy ban nhân dân huyện đã tặng Giấy khen cho các tập thể, cá nhân có thành tích xuất sắc."

TOPICS = [
    ("Hội nghị tổng kết công tác xây dựng nông thôn mới năm 2026", "nông thôn mới",
     "Sáng ngày {d}, Ủy ban nhân dân huyện An Lão tổ chức hội nghị tổng kết công tác xây dựng nông thôn mới năm 2026, "
     "triển khai nhiệm vụ năm 2027.",
     ["Năm 2026, toàn huyện có thêm {n} xã đạt chuẩn nông thôn mới nâng cao; thu nhập bình quân đầu người đạt {m} triệu đồng.",
      "Các xã đã huy động hơn {k} tỷ đồng cho việc cứng hóa đường giao thông nông thôn, cải tạo hệ thống kênh mương nội đồng.",
      FORMULA_AWARD, FORMULA_CLOSE]),
    ("Ra quân làm sạch môi trường, hưởng ứng phong trào chống rác thải nhựa", "môi trường",
     "Chiều ngày {d}, Đoàn Thanh niên xã Quang Trung phối hợp với Hội Liên hiệp Phụ nữ xã tổ chức ra quân làm sạch môi trường.",
     ["Hơn {k} đoàn viên, hội viên đã thu gom khoảng {n} tấn rác thải các loại dọc các tuyến đường liên thôn và khu vực chợ.",
      "Dịp này, các hộ kinh doanh tại chợ đã ký cam kết hạn chế sử dụng túi ni lông khó phân hủy."]),
    ("Tập huấn nghiệp vụ công tác văn thư, lưu trữ năm 2026", "văn thư",
     "Trong hai ngày {d}, Văn phòng HĐND và UBND huyện tổ chức tập huấn nghiệp vụ công tác văn thư, lưu trữ cho {k} học viên.",
     ["Các học viên được hướng dẫn quy trình quản lý văn bản điện tử, lập hồ sơ và nộp lưu hồ sơ vào lưu trữ cơ quan.",
      "Báo cáo viên đã giải đáp {n} câu hỏi về chữ ký số và việc gửi, nhận văn bản trên hệ thống quản lý văn bản.",
      FORMULA_CLOSE]),
    ("Khai mạc Giải bóng đá thiếu niên nhi đồng huyện An Lão năm 2026", "bóng đá",
     "Tối ngày {d}, tại Sân vận động trung tâm huyện, Trung tâm Văn hóa - Thông tin và Thể thao huyện khai mạc giải bóng đá thiếu niên nhi đồng.",
     ["Giải có {n} đội bóng đến từ các xã, thị trấn với hơn {k} cầu thủ tham gia, thi đấu vòng tròn tính điểm.",
      "Trận khai mạc giữa đội xã An Thắng và đội thị trấn Trường Sơn kết thúc với tỷ số {m}-1."]),
    ("Kiểm tra công tác phòng cháy, chữa cháy tại các cơ sở sản xuất", "phòng cháy",
     "Từ ngày {d}, Đoàn kiểm tra liên ngành của huyện kiểm tra công tác phòng cháy, chữa cháy tại {n} cơ sở sản xuất kinh doanh.",
     ["Qua kiểm tra, đoàn đã chỉ ra {m} tồn tại về lối thoát nạn, hệ thống báo cháy và phương tiện chữa cháy ban đầu.",
      "Đoàn yêu cầu các cơ sở khắc phục ngay các tồn tại trong thời hạn {k} ngày và báo cáo kết quả về Công an huyện.",
      FORMULA_CLOSE]),
    ("Trao tặng nhà đại đoàn kết cho hộ nghèo xã Tân Viên", "nhà đại đoàn kết",
     "Ngày {d}, Ủy ban Mặt trận Tổ quốc Việt Nam huyện trao tặng nhà đại đoàn kết cho {n} hộ nghèo xã Tân Viên.",
     ["Mỗi ngôi nhà được hỗ trợ {k} triệu đồng từ Quỹ Vì người nghèo huyện, phần còn lại do gia đình và họ hàng đóng góp.",
      "Bà Nguyễn Thị Lan, một trong những hộ được nhận nhà, xúc động chia sẻ niềm vui khi có nơi ở mới trước Tết.",
      FORMULA_AWARD]),
    ("Hội nghị đối thoại với nông dân về chuyển đổi cơ cấu cây trồng", "đối thoại",
     "Sáng ngày {d}, Chủ tịch Ủy ban nhân dân huyện chủ trì hội nghị đối thoại với hơn {k} hội viên nông dân.",
     ["Tại hội nghị, các hội viên nêu {n} ý kiến về giá vật tư nông nghiệp, tiêu thụ nông sản và chuyển đổi đất lúa kém hiệu quả.",
      "Lãnh đạo các phòng chuyên môn đã trả lời trực tiếp các ý kiến, kiến nghị thuộc thẩm quyền.",
      FORMULA_CLOSE]),
    ("Ngày hội hiến máu tình nguyện đợt cuối năm 2026", "hiến máu",
     "Ngày {d}, Ban Chỉ đạo vận động hiến máu tình nguyện huyện tổ chức ngày hội hiến máu đợt cuối năm.",
     ["Ngày hội đã tiếp nhận {k} đơn vị máu từ cán bộ, công chức, đoàn viên thanh niên và Nhân dân trong huyện.",
      "Nhiều tình nguyện viên đã hiến máu từ {n} lần trở lên, trở thành tấm gương trong phong trào."]),
    ("Triển khai kế hoạch tuyển chọn, gọi công dân nhập ngũ năm 2027", "nhập ngũ",
     "Chiều ngày {d}, Hội đồng nghĩa vụ quân sự huyện triển khai kế hoạch tuyển chọn và gọi công dân nhập ngũ năm 2027.",
     ["Năm 2027, huyện phấn đấu hoàn thành chỉ tiêu giao {k} công dân nhập ngũ, bảo đảm chất lượng và đúng luật.",
      "Các xã, thị trấn tổ chức khám sơ tuyển cho {n} công dân trong độ tuổi gọi nhập ngũ.",
      FORMULA_CLOSE]),
    ("Hội thi bàn tay vàng trong chế biến món ăn truyền thống", "hội thi",
     "Ngày {d}, Hội Liên hiệp Phụ nữ huyện tổ chức hội thi bàn tay vàng chế biến món ăn truyền thống.",
     ["Hội thi thu hút {n} đội thi với hơn {k} hội viên, mỗi đội trình bày hai món ăn đặc trưng của địa phương.",
      "Ban tổ chức trao giải nhất cho đội xã Mỹ Đức với món bánh đa cua và gỏi nhệch.",
      FORMULA_AWARD]),
    ("Khánh thành cầu dân sinh thôn Đông", "khánh thành",
     "Sáng ngày {d}, xã An Thọ tổ chức lễ khánh thành cầu dân sinh thôn Đông với tổng mức đầu tư {k} tỷ đồng.",
     ["Cây cầu dài {n} mét, rộng 5 mét, thay thế cây cầu cũ đã xuống cấp, phục vụ đi lại của hơn {m} nghìn người dân.",
      "Công trình được khởi công từ tháng 3/2026, hoàn thành vượt tiến độ hai tháng."]),
    ("Sơ kết công tác cải cách hành chính 9 tháng năm 2026", "cải cách hành chính",
     "Ngày {d}, Ban Chỉ đạo cải cách hành chính huyện sơ kết công tác cải cách hành chính 9 tháng năm 2026.",
     ["Trong 9 tháng, bộ phận một cửa các cấp tiếp nhận {k} hồ sơ, tỷ lệ giải quyết đúng hạn đạt {n} phần trăm.",
      "Tỷ lệ hồ sơ nộp trực tuyến toàn trình tăng {m} phần trăm so với cùng kỳ năm trước.",
      FORMULA_CLOSE]),
]

BYLINES = [("Thu Hà", ["Thu Hà"]), ("Minh Đức - Thanh Tâm", ["Minh Đức", "Thanh Tâm"]),
           ("Bài và ảnh: Hoàng Anh", ["Hoàng Anh"]), ("Văn Khánh", ["Văn Khánh"]),
           ("Phạm Hương (Trung tâm VH-TT&TT huyện)", ["Phạm Hương"]), ("Ngọc Lan, Quốc Việt", ["Ngọc Lan", "Quốc Việt"])]


def build_articles(count: int = 12, newest: datetime = datetime(2026, 12, 3, 8, 15)) -> list[EgovArticle]:
    """``count`` articles, newest first, a day and some hours apart."""
    articles = []
    for i in range(count):
        title, subject, lead, paragraphs = TOPICS[i % len(TOPICS)]
        when = newest - timedelta(days=i, hours=(i * 5) % 9, minutes=(i * 17) % 60)
        day = f"{when.day}/{when.month}"
        values = {"d": day, "n": 3 + i, "k": 120 + 37 * i, "m": 2 + i % 4}
        byline, authors = BYLINES[i % len(BYLINES)]
        photos = [(f"/PublishingImages/2026/{when.month:02d}/{1000 + i}-{j}.jpg",
                   f"{['Quang cảnh', 'Các đại biểu tại', 'Hoạt động trong khuôn khổ'][j]} {subject} ngày {day}")
                  for j in range(1 + i % 3)]
        articles.append(EgovArticle(4000 + 7 * i, title, when, lead.format(**values),
                                    [p.format(**values) for p in paragraphs], byline, authors, photos))
    return articles


def _page(title: str, main: str, sidebar: list[EgovArticle]) -> str:
    newest = "".join(f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in sidebar[:5])
    return f"""<!DOCTYPE html><html dir="ltr" lang="vi-VN"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)} - {SITE}</title>
<link rel="stylesheet" href="/_layouts/15/1033/styles/corev15.css">
</head><body><form method="post" action="./chi-tiet-tin.aspx" id="aspnetForm">
<div id="s4-workspace"><div id="header"><a href="/Pages/default.aspx"><img src="/Style%20Library/images/banner.jpg" alt="{SITE}"></a>
<div class="top-links"><a href="/Pages/lien-he.aspx">Liên hệ</a> | <a href="/Pages/so-do-site.aspx">Sơ đồ cổng</a></div></div>
<div id="menu"><ul><li><a href="/Pages/default.aspx">Trang chủ</a></li><li><a href="/Pages/gioi-thieu.aspx">Giới thiệu</a></li>
<li><a href="/Pages/tin-tuc.aspx">Tin tức - Sự kiện</a></li><li><a href="/Pages/van-ban.aspx">Văn bản chỉ đạo điều hành</a></li>
<li><a href="/Pages/thu-tuc-hanh-chinh.aspx">Thủ tục hành chính</a></li></ul></div>
<div id="contentBox"><div class="left-col">{main}</div>
<div class="right-col"><div class="box"><h3 class="box-title">Tin mới</h3><ul>{newest}</ul></div>
<div class="box"><h3 class="box-title">Liên kết website</h3><select><option>Cổng thông tin điện tử thành phố Hải Phòng</option>
<option>Cổng Dịch vụ công quốc gia</option></select></div>
<div class="box"><h3 class="box-title">Thống kê truy cập</h3><p>Đang trực tuyến: 37</p><p>Tổng lượt truy cập: 2.415.337</p></div></div></div>
<div id="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện An Lão, thành phố Hải Phòng</p>
<p>Địa chỉ: Thị trấn An Lão, huyện An Lão, thành phố Hải Phòng - Điện thoại: 0225.3871.201</p>
<p>Ghi rõ nguồn "{SITE}" khi phát hành lại thông tin từ Cổng thông tin điện tử này.</p></div>
</div></form></body></html>"""


def article_page(article: EgovArticle, others: list[EgovArticle]) -> str:
    last = len(article.paragraphs) - 1
    after: dict[int, list[tuple[str, str]]] = {}
    for j, photo in enumerate(article.photos):  # after paragraphs 1, 3, 5 (or the last)
        after.setdefault(min(2 * j, last), []).append(photo)
    blocks = []
    for position, paragraph in enumerate(article.paragraphs):
        blocks.append(f'<p style="text-align: justify;">{escape(paragraph)}</p>')
        for src, caption in after.get(position, []):
            blocks.append(f'<p style="text-align: center;"><img alt="" src="{src}" style="width: 600px;"></p>'
                          f'<p style="text-align: center;"><em>{escape(caption)}</em></p>')
    related = "".join([f'<li><a href="{escape(o.path)}">{escape(o.title)}</a> <span class="date">'
                       f'({o.published:%d/%m/%Y})</span></li>' for o in others if o is not article][:6])
    main = f"""<div class="breadcrumb"><a href="/Pages/default.aspx">Trang chủ</a> &gt; <a href="/Pages/tin-tuc.aspx">Tin tức - Sự kiện</a></div>
<div class="news-detail"><h3 class="TieuDe">{escape(article.title)}</h3>
<div class="NgayDang">Ngày đăng: {article.published:%d/%m/%Y %H:%M} <span class="LuotXem">| Lượt xem: {200 + article.item_id % 97}</span></div>
<div class="TomTat"><p><strong>{escape(article.lead)}</strong></p></div>
<div class="NoiDung ms-rtestate-field">{''.join(blocks)}
<p style="text-align: right;"><strong>{escape(article.byline)}</strong></p></div>
<div class="tien-ich"><a href="javascript:window.print()">In trang</a> | <a href="mailto:?subject=tin">Gửi email</a> | <a href="#top">Về đầu trang</a></div>
<div class="TinKhac"><h4>Các tin khác</h4><ul>{related}</ul></div></div>"""
    return _page("Tin chi tiết", main, others)


def listing_page(articles: list[EgovArticle], number: int) -> str:
    chunk = articles[(number - 1) * PER_PAGE:number * PER_PAGE]
    pages = (len(articles) + PER_PAGE - 1) // PER_PAGE
    items = "".join(f"""<div class="news-item"><img src="{a.photos[0][0]}" class="thumb" alt="">
<a class="title" href="{escape(a.path)}">{escape(a.title)}</a><span class="date">{a.published:%d/%m/%Y}</span>
<p class="summary">{escape(a.lead[:120])}...</p></div>""" for a in chunk)
    pager = " ".join(f'<a href="/Pages/tin-tuc.aspx?Page={n}">{n}</a>' if n != number else f"<span>{n}</span>"
                     for n in range(1, pages + 1))
    main = f'<h2 class="cat-title">Tin tức - Sự kiện</h2>{items}<div class="pager">{pager}</div>'
    return _page("Tin tức - Sự kiện", main, articles)


def routes(articles: list[EgovArticle]) -> dict[str, tuple[int, dict, bytes]]:
    """ProbeSite routes for the whole site (``tests/harness/probe_sites.py``)."""
    def ok(text: str) -> tuple[int, dict, bytes]:
        return 200, {}, text.encode()
    pages = (len(articles) + PER_PAGE - 1) // PER_PAGE
    table = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /_layouts/\n"),
             "/": (302, {"Location": "/Pages/default.aspx"}, b""),
             "/Pages/default.aspx": ok(listing_page(articles, 1)),
             "/Pages/tin-tuc.aspx": ok(listing_page(articles, 1))}
    table.update({f"/Pages/tin-tuc.aspx?Page={n}": ok(listing_page(articles, n)) for n in range(1, pages + 1)})
    table.update({a.path: ok(article_page(a, articles)) for a in articles})
    for a in articles:
        for src, _ in a.photos:
            table[src] = (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\0" * 64)
    return table


# --- a Drupal 7 district portal: the same stories, the CMS many provincial portals run ---------
# Clean URLs (/node/N), <h1 class="page-title"> and "Headline | Site" titles, the date in
# Drupal's "submitted" line ("Thứ Tư, 03/12/2026 - 08:15"), the author in a field after the body,
# images in the body with a caption <div> under each, its pager (``li.pager-current``,
# ``li.pager-next`` with no "next" class word, ``?page=N`` from 0) and /rss.xml of the 10 newest.
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
DRUPAL_SITE = "Cổng thông tin điện tử quận Dương Kinh"


def drupal_path(article: EgovArticle) -> str:
    return f"/node/{article.item_id}"


def _drupal_page(title: str, main: str, articles: list[EgovArticle]) -> str:
    newest = "".join(f'<li class="views-row"><a href="{drupal_path(a)}">{escape(a.title)}</a></li>' for a in articles[:5])
    return f"""<!DOCTYPE html><html lang="vi" dir="ltr"><head><meta charset="utf-8">
<title>{escape(title)} | {DRUPAL_SITE}</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
</head><body class="html not-front page-node"><div id="page-wrapper"><div id="header" class="clearfix">
<a href="/" id="logo" rel="home"><img src="/sites/all/themes/duongkinh/logo.png" alt="Trang chủ"></a>
<div id="site-name"><a href="/">{DRUPAL_SITE}</a></div></div>
<div id="main-menu" class="navigation"><ul class="menu"><li class="first leaf"><a href="/">Trang chủ</a></li>
<li class="leaf"><a href="/tin-tuc">Tin tức</a></li><li class="leaf"><a href="/thong-bao">Thông báo</a></li>
<li class="last leaf"><a href="/lien-he">Liên hệ</a></li></ul></div>
<div id="main" class="clearfix"><div id="content" class="column"><div class="section">{main}</div></div>
<div id="sidebar-second" class="column sidebar"><div class="block block-views"><h2>Tin mới nhất</h2>
<div class="view-content"><ul>{newest}</ul></div></div>
<div class="block"><h2>Lịch công tác</h2><p>Lịch công tác tuần 49 của Thường trực Quận ủy.</p></div></div></div>
<div id="footer"><div class="region region-footer"><p>Bản quyền thuộc {DRUPAL_SITE}. Địa chỉ: phường Hải Thành,
quận Dương Kinh, thành phố Hải Phòng.</p></div></div></div></body></html>"""


def drupal_article_page(article: EgovArticle, others: list[EgovArticle]) -> str:
    when = article.published
    images = []
    for src, caption in article.photos:
        images.append(f'<p><img src="{src}" alt="" width="640" height="427"></p>'
                      f'<div class="image-caption">{escape(caption)}</div>')
    paragraphs = [f"<p>{escape(article.lead)}</p>"]
    for position, paragraph in enumerate(article.paragraphs):
        paragraphs.append(f"<p>{escape(paragraph)}</p>")
        if position == 0:
            paragraphs.extend(images)
    main = f"""<h1 class="title" id="page-title">{escape(article.title)}</h1>
<div id="node-{article.item_id}" class="node node-article node-full clearfix">
<div class="submitted"><span class="date-display-single">{WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y - %H:%M}</span></div>
<div class="content"><div class="field field-name-body field-type-text-with-summary"><div class="field-items">
<div class="field-item even" property="content:encoded">{''.join(paragraphs)}</div></div></div>
<div class="field field-name-field-tac-gia"><div class="field-label">Tác giả:&nbsp;</div>
<div class="field-items"><div class="field-item even">{escape(article.byline)}</div></div></div></div>
<ul class="links inline"><li class="print_html first"><a href="/print/{article.item_id}">Bản in</a></li>
<li class="service-links-facebook last"><a href="#">Chia sẻ Facebook</a></li></ul></div>"""
    return _drupal_page(article.title, main, others)


def drupal_listing_page(articles: list[EgovArticle], page: int) -> str:
    chunk = articles[page * PER_PAGE:(page + 1) * PER_PAGE]
    pages = (len(articles) + PER_PAGE - 1) // PER_PAGE
    rows = "".join(f"""<div class="views-row"><div class="views-field-title"><a href="{drupal_path(a)}">{escape(a.title)}</a></div>
<div class="views-field-created">{a.published:%d/%m/%Y}</div><div class="views-field-body">{escape(a.lead[:150])}…</div></div>""" for a in chunk)
    items = []
    for n in range(pages):
        if n == page:
            items.append(f'<li class="pager-current">{n + 1}</li>')
        else:
            items.append(f'<li class="pager-item"><a title="Đến trang {n + 1}" href="/tin-tuc?page={n}">{n + 1}</a></li>')
    if page + 1 < pages:
        items.append(f'<li class="pager-next"><a title="Đến trang sau" href="/tin-tuc?page={page + 1}">sau ›</a></li>')
    main = f'<h1 class="title" id="page-title">Tin tức</h1><div class="view view-tin-tuc"><div class="view-content">{rows}</div>' \
           f'<h2 class="element-invisible">Trang</h2><div class="item-list"><ul class="pager">{"".join(items)}</ul></div></div>'
    return _drupal_page("Tin tức", main, articles)


def drupal_feed(articles: list[EgovArticle], base: str = "{base}") -> str:
    items = "".join(f"<item><title>{escape(a.title)}</title><link>{base}{drupal_path(a)}</link>"
                    f"<description>{escape(a.lead)}</description>"
                    f"<pubDate>{a.published - timedelta(hours=7):%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
                    f"<guid isPermaLink=\"false\">{a.item_id} at {base}</guid></item>" for a in articles[:10])
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xml:base="{base}"><channel>'
            f"<title>{escape(DRUPAL_SITE)}</title><link>{base}</link><description></description>"
            f"<language>vi</language>{items}</channel></rss>")


def drupal_routes(articles: list[EgovArticle]) -> dict[str, tuple[int, dict, bytes]]:
    def ok(text: str) -> tuple[int, dict, bytes]:
        return 200, {}, text.encode()
    pages = (len(articles) + PER_PAGE - 1) // PER_PAGE
    table = {"/robots.txt": (200, {"Content-Type": "text/plain"},
                             b"User-agent: *\nCrawl-delay: 1\nDisallow: /admin/\nDisallow: /user/\nDisallow: /print/\n"),
             "/": ok(drupal_listing_page(articles, 0)),
             "/tin-tuc": ok(drupal_listing_page(articles, 0)),
             "/rss.xml": (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, drupal_feed(articles).encode())}
    table.update({f"/tin-tuc?page={n}": ok(drupal_listing_page(articles, n)) for n in range(pages)})
    table.update({drupal_path(a): ok(drupal_article_page(a, articles)) for a in articles})
    for a in articles:
        for src, _ in a.photos:
            table[src] = (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\0" * 64)
    return table
