"""A district portal of a markup no replica theme and no profile knows (the Liferay portlets many
Vietnamese e-government portals run: the headline an <h2> in a journal-content portlet, the date a
"Ngày cập nhật" line, the photo in a table with its caption cell, co-authors right-aligned at the
end, "Tin khác" and side portlets, a footer naming the agency). Extracted with no profile, every
field must come out as the portal published it."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_page

SITE = "Cổng thông tin điện tử huyện Thủy Nguyên"
URL = "https://thuynguyen.haiphong.gov.vn/tin-tuc/-/asset_publisher/abc/content/bai-{n}"

ARTICLES = [
    {
        "title": "Huyện Thủy Nguyên tổng kết công tác xây dựng nông thôn mới năm 2026",
        "date": "03/12/2026 08:15", "published": "2026-12-03T08:15:00+07:00",
        "paragraphs": [
            "Sáng ngày 02/12, Ủy ban nhân dân huyện Thủy Nguyên tổ chức hội nghị tổng kết công tác xây dựng "
            "nông thôn mới năm 2026 và triển khai nhiệm vụ năm 2027.",
            "Năm 2026, toàn huyện có thêm 5 xã đạt chuẩn nông thôn mới nâng cao, 2 xã đạt chuẩn nông thôn mới "
            "kiểu mẫu; thu nhập bình quân đầu người đạt 82 triệu đồng.",
            "Phát biểu tại hội nghị, đồng chí Chủ tịch Ủy ban nhân dân huyện đề nghị các xã tiếp tục huy động "
            "nguồn lực, nâng cao chất lượng các tiêu chí đã đạt.",
            "Dịp này, Ủy ban nhân dân huyện đã khen thưởng 12 tập thể và 25 cá nhân có thành tích xuất sắc.",
        ],
        "byline": "Hải Yến - Văn Hưng", "authors": ["Hải Yến", "Văn Hưng"],
        "caption": "Quang cảnh hội nghị tổng kết",
    },
    {
        "title": "Xã Lập Lễ ra quân làm sạch môi trường biển",
        "date": "01/12/2026 16:40", "published": "2026-12-01T16:40:00+07:00",
        "paragraphs": [
            "Hưởng ứng phong trào chống rác thải nhựa, chiều 30/11, Đoàn Thanh niên xã Lập Lễ phối hợp với Hội "
            "Liên hiệp Phụ nữ xã tổ chức ra quân làm sạch bãi biển.",
            "Hơn 300 đoàn viên, hội viên đã thu gom khoảng 3 tấn rác thải các loại dọc bờ biển và khu vực cảng cá.",
            "Các đơn vị đã ký cam kết không sử dụng túi ni lông khó phân hủy trong các hoạt động của mình.",
        ],
        "byline": "Minh Thu", "authors": ["Minh Thu"],
        "caption": "Đoàn viên thanh niên thu gom rác thải trên bãi biển",
    },
]


def liferay_page(n: int, article: dict) -> str:
    body = "\n".join(f"<p style='text-align: justify;'>{text}</p>" for text in article["paragraphs"])
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{article["title"]} - {SITE}</title><meta property="og:site_name" content="{SITE}"></head>
<body class="portal"><div id="banner"><a href="/"><img src="/logo.png" alt="logo"></a><span>{SITE}</span></div>
<nav id="navigation"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li></ul></nav>
<div id="content"><div class="columns-2"><div class="portlet-column portlet-column-first">
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tin-tuc">Tin tức - Sự kiện</a></div>
<div class="portlet-body"><div class="journal-content-article">
<h2 class="header-title">{article["title"]}</h2>
<div class="news-date"><i class="icon-time"></i> Ngày cập nhật {article["date"]}</div>
<div class="news-content">
<table class="image" align="center"><tbody><tr><td><img src="/documents/10/{n}.jpg" width="600"></td></tr>
<tr><td class="image_desc">{article["caption"]}</td></tr></tbody></table>
{body}
<p style="text-align: right;"><strong>{article["byline"]}</strong></p></div>
<div class="share"><span>Chia sẻ:</span><a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#">In bài viết</a></div>
</div></div>
<div class="portlet-body other-news"><h3 class="portlet-title">Tin khác</h3><ul>
<li><a href="/tin-tuc/-/asset_publisher/abc/content/hoi-nghi">Hội nghị Ban Chấp hành Đảng bộ huyện lần thứ 15</a> <span>(02/12/2026)</span></li>
<li><a href="/tin-tuc/-/asset_publisher/abc/content/tiep-dan">Lãnh đạo huyện tiếp công dân định kỳ tháng 11</a> <span>(28/11/2026)</span></li></ul></div>
</div><div class="portlet-column portlet-column-last">
<div class="portlet"><h3>Thông báo</h3><ul><li><a href="/tb1">Lịch tiếp công dân tháng 12/2026</a></li>
<li><a href="/tb2">Thông báo tuyển dụng viên chức năm 2026</a></li></ul></div>
<div class="portlet"><h3>Thống kê truy cập</h3><p>Đang truy cập: 125</p><p>Tổng lượt truy cập: 1.234.567</p></div>
</div></div></div>
<footer id="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Thủy Nguyên</p>
<p>Địa chỉ: Thị trấn Núi Đèo, huyện Thủy Nguyên, thành phố Hải Phòng. Điện thoại: 0225.3874.111</p>
<p>Ghi rõ nguồn "{SITE}" khi phát hành lại thông tin từ website này.</p></footer></body></html>"""


@pytest.mark.parametrize("n", range(len(ARTICLES)))
def test_every_field_of_a_liferay_district_portal_page_with_no_profile(n):
    article = ARTICLES[n]
    record = extract_page(liferay_page(n, article).encode(), URL.format(n=n))
    assert record.title == article["title"], "the site's suffix stays out of the headline"
    assert record.published == article["published"]
    assert record.authors == article["authors"]
    assert record.body == article["paragraphs"], "only the story, every paragraph of it"
    assert [image.caption for image in record.images] == [article["caption"]]
