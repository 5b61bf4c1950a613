"""What the test Plone site is built from: a seeded, deterministic plan in plain data.

``site_plan(seed)`` returns users, folders, images and items as JSON-ready dicts; ``scripts/build_site.py``
(run by ``zconsole run`` in the Plone virtualenv) turns them into a site through Plone's own API.
Body HTML carries placeholders for what only Plone knows: ``{{uid:IMAGE_KEY}}`` (TinyMCE's
``resolveuid/UID`` links, resolved by Plone's output filters when the page is rendered).

Nothing here is the truth the tests compare with: that comes from Plone afterwards
(``PloneSite.truth()``, through plone.restapi); this module only decides what to type into Plone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

SITE_ID = "ngoquyen"
SITE_TITLE = "Cổng thông tin điện tử quận Ngô Quyền"
SITE_DESCRIPTION = "Thành phố Hải Phòng"
LANGUAGE = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"
UTC_OFFSET = "+07:00"

# 18 months of news, in the past whatever the clock says (an effective date after "now" hides an item).
FIRST_DAY = datetime(2025, 5, 5)
LAST_DAY = datetime(2026, 10, 28)

PUBLISHED = 36
PRIVATE = 4
PENDING = 1
EDITED = 3          # published items whose modification date is days after their publication
BATCH = 10          # the news collection's page size (?b_start:int=N)

NEWS_FOLDER = ("tin-tuc", "Tin tức")
NEWS_SUBFOLDER = ("van-hoa-xa-hoi", "Văn hóa - Xã hội")  # inside the news folder: items at depth 3
NOTICE_FOLDER = ("thong-bao", "Thông báo")               # a second folder of news items
IMAGE_FOLDER = ("hinh-anh", "Hình ảnh")
EVENT_FOLDER = ("su-kien", "Sự kiện")
COLLECTION = ("tong-hop", "Tin tức")                     # the news folder's front page

AUTHORS = [
    # user id, full name, email
    ("thuha", "Trần Thu Hà", "thuha@ngoquyen.example"),
    ("minhquan", "Nguyễn Minh Quân", "minhquan@ngoquyen.example"),
    ("lananh", "Phạm Lan Anh", "lananh@ngoquyen.example"),
    ("ducthang", "Lê Đức Thắng", "ducthang@ngoquyen.example"),
    ("hoangyen", "Vũ Hoàng Yến", "hoangyen@ngoquyen.example"),
]

WARDS = ["Lạc Viên", "Máy Chai", "Cầu Đất", "Lê Lợi", "Gia Viên", "Đông Khê", "Lạch Tray", "Đằng Giang",
         "Vạn Mỹ", "Cầu Tre", "Máy Tơ", "Lương Khánh Thiện"]
TOPICS = [
    ("Ra quân tổng vệ sinh môi trường", "môi trường"),
    ("Hội nghị sơ kết công tác cải cách hành chính", "cải cách hành chính"),
    ("Khánh thành nhà văn hóa tổ dân phố", "văn hóa"),
    ("Tập huấn kỹ năng chuyển đổi số cho cán bộ", "chuyển đổi số"),
    ("Trao quà cho gia đình chính sách", "an sinh xã hội"),
    ("Diễn tập phương án phòng cháy chữa cháy", "phòng cháy chữa cháy"),
    ("Khám sức khỏe miễn phí cho người cao tuổi", "y tế"),
    ("Tuyên dương học sinh giỏi năm học", "giáo dục"),
    ("Chỉnh trang vỉa hè và hệ thống chiếu sáng", "đô thị văn minh"),
    ("Đối thoại với nhân dân về giải phóng mặt bằng", "dân vận"),
    ("Hội thao thanh niên chào mừng ngày thành lập Đoàn", "thanh niên"),
    ("Kiểm tra an toàn thực phẩm tại các chợ", "an toàn thực phẩm"),
]
SENTENCES = [
    "Sáng nay, Ủy ban nhân dân phường {ward} phối hợp với các đoàn thể tổ chức chương trình với sự tham gia của đông đảo nhân dân.",
    "Theo báo cáo, trong thời gian qua địa phương đã triển khai đồng bộ nhiều giải pháp về {topic} và đạt kết quả tích cực.",
    "Đồng chí Chủ tịch Ủy ban nhân dân phường {ward} đề nghị các tổ dân phố tiếp tục phát huy vai trò tự quản của cộng đồng.",
    "Chương trình thu hút hơn {n} lượt người tham gia, trong đó có nhiều đoàn viên thanh niên và hội viên phụ nữ.",
    "Qua đó góp phần nâng cao nhận thức của người dân về {topic}, xây dựng nếp sống văn minh đô thị.",
    "Ban tổ chức đã trao {m} phần quà và giấy khen cho các tập thể, cá nhân có thành tích xuất sắc.",
    "Các đại biểu cũng thảo luận, đóng góp ý kiến để hoàn thiện kế hoạch triển khai trong những tháng cuối năm.",
    "Quận Ngô Quyền xác định {topic} là nhiệm vụ trọng tâm, thường xuyên, cần sự vào cuộc của cả hệ thống chính trị.",
    "Dịp này, phường {ward} phát động phong trào thi đua với nhiều nội dung thiết thực, gắn với từng khu dân cư.",
    "Kinh phí thực hiện được huy động từ nguồn xã hội hóa với tổng giá trị khoảng {m}0 triệu đồng.",
    "Người dân tổ dân phố số {m} phấn khởi cho biết những thay đổi tích cực đã mang lại lợi ích thiết thực.",
    "Thời gian tới, địa phương sẽ tiếp tục kiểm tra, giám sát để bảo đảm các nội dung được thực hiện đúng tiến độ.",
]
LEADS = [
    "Ngày {day}, phường {ward} tổ chức {what} với sự tham gia của các ban, ngành, đoàn thể và nhân dân.",
    "Nhằm đẩy mạnh công tác {topic}, phường {ward} vừa tổ chức {what}.",
    "Hoạt động {what} tại phường {ward} nhận được sự hưởng ứng tích cực của người dân.",
]
CAPTIONS = [
    "Quang cảnh {what} tại phường {ward}.",
    "Lãnh đạo phường {ward} phát biểu tại chương trình.",
    "Người dân phường {ward} tham gia hưởng ứng.",
    "Các đại biểu dự {what}.",
]
IMAGE_COLOURS = [(178, 34, 34), (25, 100, 160), (34, 139, 34), (200, 120, 20), (110, 60, 150), (20, 140, 140)]


def _dates(rng: random.Random, count: int) -> list[datetime]:
    """``count`` distinct minutes spread over FIRST_DAY..LAST_DAY, in order, each in office hours."""
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(rng.sample(range(span + 1), count))
    out = []
    for day in days:
        moment = FIRST_DAY + timedelta(days=day, hours=rng.randint(7, 17), minutes=rng.randint(0, 59))
        out.append(moment)
    return out


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00") + UTC_OFFSET


def _paragraphs(rng: random.Random, ward: str, topic: str, count: int) -> list[str]:
    chosen = rng.sample(SENTENCES, count)
    return [s.format(ward=ward, topic=topic, n=rng.randint(2, 9) * 50, m=rng.randint(3, 40)) for s in chosen]


def news_item(rng: random.Random, key: str, index: int, when: datetime, *, state: str = "published",
              images: list[dict], folder: str = NEWS_FOLDER[0]) -> dict:
    """One News Item: title, lead, body HTML (paragraphs and captioned figures), lead image, creators, dates."""
    what, topic = TOPICS[index % len(TOPICS)]
    ward = WARDS[(index * 5) % len(WARDS)]
    title = f"{what} phường {ward}" + ("" if index < len(TOPICS) else f" (đợt {index // len(TOPICS) + 1})")
    lead = rng.choice(LEADS).format(day=when.strftime("%d/%m/%Y"), ward=ward, topic=topic, what=what.lower())
    paragraphs = _paragraphs(rng, ward, topic, rng.randint(3, 6))
    body: list[str] = [f"<p>{p}</p>" for p in paragraphs]
    inline = []
    if index % 4 == 1:   # one captioned inline image after the second paragraph
        inline.append(2)
    if index % 9 == 4:   # a second one, further down
        inline.append(len(body))
    if index % 11 == 7:  # an inline image without a caption (captions precision)
        inline.append(1)
    for position in sorted(inline, reverse=True):
        image = images[(index * 3 + position) % len(images)]
        caption = "" if index % 11 == 7 and position == 1 else rng.choice(CAPTIONS).format(what=what.lower(), ward=ward)
        img = (f'<img class="image-richtext image-inline" src="resolveuid/{{{{uid:{image["key"]}}}}}/@@images/image/large" '
               f'alt="{image["title"]}" data-linktype="image" data-scale="large" data-val="{{{{uid:{image["key"]}}}}}" />')
        figure = (f'<figure class="image-richtext image-inline captioned">{img}<figcaption class="image-caption">'
                  f"{caption}</figcaption></figure>") if caption else f"<p>{img}</p>"
        body.insert(position, figure)
    creators = [AUTHORS[index % len(AUTHORS)][0]]
    if index % 6 == 3:
        creators.append(AUTHORS[(index + 2) % len(AUTHORS)][0])
    lead_image = None
    if index % 6 != 5:
        lead_image = {"colour": IMAGE_COLOURS[index % len(IMAGE_COLOURS)], "filename": f"anh-{key}.jpg",
                      "caption": rng.choice(CAPTIONS).format(what=what.lower(), ward=ward)}
    modified = when + timedelta(minutes=rng.randint(1, 20))
    return {"key": key, "type": "News Item", "folder": folder, "title": title, "description": lead,
            "text": "\n".join(body), "creators": creators, "state": state, "effective": _iso(when),
            "modified": _iso(modified), "lead_image": lead_image, "subjects": [topic]}


def site_plan(seed: int = 18) -> dict:
    rng = random.Random(seed)
    images = [{"key": f"img{n:02d}", "id": f"anh-minh-hoa-{n:02d}.jpg", "title": f"Ảnh minh họa {n:02d}",
               "colour": IMAGE_COLOURS[n % len(IMAGE_COLOURS)], "folder": IMAGE_FOLDER[0]} for n in range(1, 9)]
    total = PUBLISHED + PRIVATE + PENDING
    moments = _dates(rng, total)
    items = []
    # every 9th of the run of dates is not published: the states are spread over the whole period
    hidden = {4: "private", 13: "private", 22: "private", 31: "private", 38: "pending"}
    published = 0
    for position, when in enumerate(moments):
        state = hidden.get(position, "published")
        key = f"news{position + 1:02d}"
        folder = NEWS_FOLDER[0]
        if state == "published":
            published += 1
            if published % 7 == 3:
                folder = f"{NEWS_FOLDER[0]}/{NEWS_SUBFOLDER[0]}"
            elif published % 9 == 5:
                folder = NOTICE_FOLDER[0]
        items.append(news_item(rng, key, position, when, state=state, images=images, folder=folder))
    assert published == PUBLISHED, published
    # a few published items edited days later ("last modified" differs from "published")
    edited = [i for i in items if i["state"] == "published"][5::11][:EDITED]
    for item in edited:
        when = datetime.fromisoformat(item["effective"][:19])
        later = min(when + timedelta(days=rng.randint(3, 40), hours=rng.randint(1, 5)), LAST_DAY + timedelta(days=2))
        item["modified"] = _iso(later)
        item["text"] += "\n<p>Cập nhật: bài viết được bổ sung thông tin mới về kết quả thực hiện.</p>"
    others = [
        {"key": "page-about", "type": "Document", "folder": "", "id": "gioi-thieu", "title": "Giới thiệu quận Ngô Quyền",
         "description": "Thông tin chung về quận Ngô Quyền, thành phố Hải Phòng.",
         "text": "<p>Quận Ngô Quyền là quận nội thành trung tâm của thành phố Hải Phòng.</p>"
                 "<p>Quận có 13 phường với diện tích khoảng 11 km².</p>",
         "state": "published", "effective": _iso(FIRST_DAY - timedelta(days=40)), "creators": ["admin"]},
        {"key": "page-news", "type": "Document", "folder": NEWS_FOLDER[0], "id": "duong-day-nong",
         "title": "Đường dây nóng tiếp nhận phản ánh", "description": "Số điện thoại đường dây nóng của quận.",
         "text": "<p>Người dân có thể phản ánh qua số điện thoại 0225 3000 000.</p><p>Tiếp nhận 24/7.</p>",
         "state": "published", "effective": _iso(FIRST_DAY + timedelta(days=100, hours=9)), "creators": ["thuha"]},
        {"key": "event-news", "type": "Event", "folder": NEWS_FOLDER[0], "id": "le-hoi-hoa-phuong",
         "title": "Lễ hội Hoa Phượng Đỏ quận Ngô Quyền", "description": "Chuỗi hoạt động văn hóa chào mừng Lễ hội Hoa Phượng Đỏ.",
         "text": "<p>Chương trình gồm biểu diễn nghệ thuật, triển lãm ảnh và hội chợ ẩm thực.</p>",
         "start": "2026-05-10T19:00:00", "end": "2026-05-10T22:00:00", "location": "Công viên Lạc Viên",
         "state": "published", "effective": _iso(FIRST_DAY + timedelta(days=300, hours=10)), "creators": ["minhquan"]},
        {"key": "event-1", "type": "Event", "folder": EVENT_FOLDER[0], "id": "hoi-nghi-tiep-xuc-cu-tri",
         "title": "Hội nghị tiếp xúc cử tri", "description": "Đại biểu Hội đồng nhân dân quận tiếp xúc cử tri.",
         "text": "<p>Hội nghị tiếp xúc cử tri trước kỳ họp thường lệ.</p>",
         "start": "2026-06-20T08:00:00", "end": "2026-06-20T11:00:00", "location": "Hội trường Ủy ban nhân dân quận",
         "state": "published", "effective": _iso(FIRST_DAY + timedelta(days=380, hours=8)), "creators": ["lananh"]},
        {"key": "event-2", "type": "Event", "folder": EVENT_FOLDER[0], "id": "giai-chay-vi-cong-dong",
         "title": "Giải chạy vì cộng đồng", "description": "Giải chạy gây quỹ vì người nghèo.",
         "text": "<p>Giải chạy dành cho mọi lứa tuổi, cự ly 5 km và 10 km.</p>",
         "start": "2026-09-02T06:00:00", "end": "2026-09-02T09:00:00", "location": "Đường Lê Hồng Phong",
         "state": "published", "effective": _iso(FIRST_DAY + timedelta(days=420, hours=7)), "creators": ["ducthang"]},
        {"key": "file-news", "type": "File", "folder": NEWS_FOLDER[0], "id": "ke-hoach-cai-cach-hanh-chinh.txt",
         "title": "Kế hoạch cải cách hành chính năm 2026", "description": "Văn bản kế hoạch (tệp đính kèm).",
         "data": "KE HOACH CAI CACH HANH CHINH NAM 2026\n", "state": "published",
         "effective": _iso(FIRST_DAY + timedelta(days=250, hours=14)), "creators": ["hoangyen"]},
    ]
    return {
        "seed": seed, "site": {"id": SITE_ID, "title": SITE_TITLE, "description": SITE_DESCRIPTION,
                               "language": LANGUAGE, "timezone": TIMEZONE},
        "users": [{"id": uid, "fullname": name, "email": email} for uid, name, email in AUTHORS],
        "folders": [
            {"path": NEWS_FOLDER[0], "title": NEWS_FOLDER[1], "collection": {"id": COLLECTION[0], "title": COLLECTION[1],
                                                                            "batch": BATCH}},
            {"path": f"{NEWS_FOLDER[0]}/{NEWS_SUBFOLDER[0]}", "title": NEWS_SUBFOLDER[1]},
            {"path": NOTICE_FOLDER[0], "title": NOTICE_FOLDER[1]},
            {"path": EVENT_FOLDER[0], "title": EVENT_FOLDER[1]},
            {"path": IMAGE_FOLDER[0], "title": IMAGE_FOLDER[1], "exclude_from_nav": True},
        ],
        "images": images, "items": items, "others": others,
    }


def new_items_plan(seed: int, count: int, taken_titles: set[str], now: datetime) -> list[dict]:
    """``count`` new published News Items dated in the hour before ``now`` (naive, site time)."""
    rng = random.Random(seed)
    images = site_plan()["images"]
    out = []
    index = 100 + seed % 50
    while len(out) < count:
        when = now - timedelta(minutes=10 * (count - len(out)) + 5)
        item = news_item(rng, f"new{seed}-{len(out)}", index, when, images=images)
        item["title"] = f"{item['title']} ({when.strftime('%d/%m/%Y %H:%M')})"
        index += 1
        if item["title"] in taken_titles:
            continue
        item["modified"] = None
        out.append(item)
    return out
