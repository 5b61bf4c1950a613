"""What the test WordPress site is built from: a seeded, deterministic plan in plain data.

``site_plan(seed)`` returns users, terms, images and posts as JSON-ready dicts; ``php/build.php``
turns them into a site through WordPress's own API. Post content is real editor markup (classic
editor HTML with ``[caption]``/``[gallery]`` shortcodes, or block markup) with placeholders for
what only WordPress knows: ``{{id:KEY}}``, ``{{url:KEY}}``, ``{{url:KEY:SIZE}}``, ``{{w:KEY}}``,
``{{h:KEY}}`` and ``{{link:POST_KEY}}``.

Nothing here is the truth the tests compare with: that comes from WordPress afterwards
(``WordPressSite.truth()``); this module only decides what to type into WordPress.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

SITE_TITLE = "Cổng thông tin điện tử quận Lê Chân"
SITE_TAGLINE = "Thành phố Hải Phòng"
TIMEZONE = "Asia/Ho_Chi_Minh"
PERMALINKS = "/%postname%.html"
EDITORIAL = "Ban Biên tập"

# 18 months of posts, in the past whatever the clock says (a date after "now" would make WordPress schedule it).
FIRST_DAY = datetime(2024, 1, 3)
LAST_DAY = datetime(2025, 6, 27)

PUBLISHED = 57
EDITED = 13           # published posts changed after publishing (post_modified later than post_date)
FEATURED_REUSED = 11  # featured image shown again, captioned, inside the body

AUTHORS = [
    # login, display name, first, last, role
    ("nguyenvanan", "Nguyễn Văn An", "An", "Nguyễn Văn", "author"),
    ("lethibinh", "Lê Thị Bình", "Bình", "Lê Thị", "author"),
    ("phamminhcuong", "Phạm Minh Cường", "Cường", "Phạm Minh", "author"),
    ("hoangthudung", "Hoàng Thu Dung", "Dung", "Hoàng Thu", "editor"),
]
EDITORIAL_LOGIN = "banbientap"
ADMIN_LOGIN = "quantri"
# Closing person bylines planted at the end of some posts filed by the editorial account.
CLOSING_BYLINES = ["Trần Thu Hà", "Vũ Đức Thắng", "Đặng Minh Châu"]

CATEGORIES = [
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("chinh-quyen", "Chính quyền"),
    ("kinh-te", "Kinh tế"),
    ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
    ("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
    ("thong-bao", "Thông báo"),
]
TAGS = [
    "cải cách hành chính", "chuyển đổi số", "an sinh xã hội", "đô thị văn minh", "môi trường",
    "giao thông", "giáo dục", "y tế", "thanh niên", "người cao tuổi", "phòng cháy chữa cháy", "lễ hội",
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lương", "Phan", "Trịnh"]
MIDDLE = ["Văn", "Thị", "Quang", "Minh", "Đức", "Thu", "Hữu", "Thanh", "Ngọc", "Xuân", "Hồng", "Kim"]
GIVEN = ["Hảo", "Trường", "Hùng", "Lan", "Hương", "Dũng", "Tuấn", "Phương", "Nga", "Long", "Đạt", "Huyền",
         "Sơn", "Yến", "Khánh", "Quý", "Tâm", "Vinh"]
WARDS = ["phường Trại Cau", "phường Dư Hàng Kênh", "phường Cát Dài", "phường An Biên", "phường Vĩnh Niệm",
         "phường Kênh Dương", "phường Hàng Kênh", "phường Nghĩa Xá", "phường Trần Nguyên Hãn", "phường An Dương",
         "phường Niệm Nghĩa", "phường Dư Hàng", "phường Đông Hải"]
VENUES = ["hội trường UBND quận", "nhà văn hóa tổ dân phố số 5", "Trung tâm Văn hóa - Thể thao quận",
          "sân vận động Lạch Tray", "trụ sở Quận ủy", "công viên An Biên", "chợ Hàng", "trường THCS Trần Phú",
          "khu tái định cư Đồng Xá", "Trung tâm Hội nghị thành phố"]
ORGS = ["UBND quận", "Quận ủy", "HĐND quận", "Ủy ban MTTQ Việt Nam quận", "Hội Liên hiệp Phụ nữ quận",
        "Quận đoàn", "Hội Cựu chiến binh quận", "Công an quận", "Phòng Văn hóa và Thông tin quận",
        "Phòng Giáo dục và Đào tạo", "Trung tâm Y tế quận", "Ban Chỉ huy Quân sự quận", "Phòng Tài nguyên và Môi trường",
        "Liên đoàn Lao động quận", "Đội Quản lý trật tự đô thị"]
TOPICS = ["cải cách hành chính", "chuyển đổi số", "xây dựng đô thị văn minh", "phòng, chống thiên tai",
          "bảo đảm trật tự an toàn giao thông", "phòng cháy, chữa cháy", "bảo vệ môi trường", "an toàn vệ sinh thực phẩm",
          "thu ngân sách nhà nước", "giải phóng mặt bằng", "phổ biến, giáo dục pháp luật", "dân số và phát triển",
          "chăm sóc sức khỏe ban đầu", "tuyển chọn, gọi công dân nhập ngũ", "khuyến học, khuyến tài",
          "phát triển kinh tế tư nhân", "giảm nghèo bền vững", "quản lý trật tự xây dựng"]
PROJECTS = ["tuyến đường Hồ Sen - Cầu Rào 2", "trường Tiểu học Dư Hàng Kênh", "công viên ven sông Lạch Tray",
            "nhà văn hóa phường Kênh Dương", "dự án cải tạo chung cư cũ An Dương", "tuyến kè sông Tam Bạc",
            "trạm y tế phường Cát Dài", "hệ thống thoát nước đường Tô Hiệu", "khu tái định cư Đồng Xá",
            "trường Mầm non Hoa Sen", "tuyến phố đi bộ Trại Cau", "bãi đỗ xe ngầm Nghĩa Xá"]
BENEFICIARIES = ["hộ nghèo, hộ cận nghèo", "gia đình chính sách", "học sinh có hoàn cảnh khó khăn",
                 "người cao tuổi neo đơn", "công nhân lao động", "trẻ em mồ côi", "người khuyết tật"]
FESTIVALS = ["Lễ hội Hoa Phượng Đỏ", "Hội chợ Xuân", "Giải chạy vì sức khỏe cộng đồng", "Hội thi tiếng hát công nhân",
             "Ngày hội văn hóa các dân tộc", "Liên hoan tuyên truyền ca khúc cách mạng"]
MOVEMENTS = ["Toàn dân đoàn kết xây dựng đời sống văn hóa", "Ngày Chủ nhật xanh", "Chung tay vì người nghèo",
             "Tuổi trẻ sáng tạo", "Dân vận khéo", "Phụ nữ tích cực học tập, lao động sáng tạo"]
ROLES = ["Bí thư Quận ủy", "Chủ tịch UBND quận", "Phó Chủ tịch UBND quận", "Phó Chủ tịch HĐND quận",
         "Trưởng Ban Dân vận Quận ủy", "Chủ tịch Ủy ban MTTQ Việt Nam quận", "Trưởng Công an quận"]
CLAUSES = ["nhằm nâng cao nhận thức của cán bộ, đảng viên và Nhân dân",
           "góp phần thực hiện thắng lợi các nhiệm vụ chính trị của địa phương",
           "với sự tham gia của đông đảo đoàn viên, hội viên", "theo đúng kế hoạch đã đề ra từ đầu năm",
           "bảo đảm an toàn, tiết kiệm và hiệu quả", "qua đó tạo sự đồng thuận trong các tầng lớp Nhân dân",
           "trong bối cảnh thời tiết diễn biến phức tạp", "đáp ứng yêu cầu phát triển bền vững của thành phố",
           "trên cơ sở kết quả khảo sát thực tế tại cơ sở", "với tổng kinh phí hơn {n} triệu đồng",
           "thu hút hơn {n} lượt người tham gia", "đồng thời chỉ ra những tồn tại, hạn chế cần khắc phục",
           "kết hợp giữa tuyên truyền trực tiếp và trên không gian mạng", "dưới sự chỉ đạo sát sao của Thường trực Quận ủy"]
ACTIONS = ["tổ chức", "triển khai", "kiểm tra", "tổng kết", "phát động", "sơ kết", "hướng dẫn", "đánh giá",
           "tập huấn về", "giám sát", "đối thoại về", "rà soát"]
CAPTIONS = ["Quang cảnh {event}.", "Đồng chí {person}, {role} phát biểu tại {event}.",
            "Các đại biểu tham dự {event} tại {venue}.", "Lãnh đạo quận trao quà cho {beneficiary}.",
            "Đoàn công tác kiểm tra thực tế tại {ward}.", "Đại biểu biểu quyết thông qua nghị quyết.",
            "Toàn cảnh buổi lễ tại {venue}.", "Người dân {ward} tham gia {event}.",
            "Các lực lượng ra quân tại {venue}. (Ảnh: {photographer})"]
EVENTS = ["hội nghị", "buổi làm việc", "lễ ra quân", "buổi tập huấn", "chương trình", "hội thi", "lễ khởi công"]


def site_plan(seed: int = 13) -> dict:
    """The whole site as data: same seed, same site (apart from what WordPress itself randomises)."""
    return _Planner(random.Random(seed)).plan()


class _Planner:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.images: list[dict] = []
        self.titles: set[str] = set()

    # --- text ---------------------------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def fill(self, text: str) -> str:
        r = self.rng
        return text.format(
            n=r.randint(12, 980), person=self.person(), role=r.choice(ROLES), event=r.choice(EVENTS),
            venue=r.choice(VENUES), ward=r.choice(WARDS), beneficiary=r.choice(BENEFICIARIES),
            photographer=self.person(), topic=r.choice(TOPICS), org=r.choice(ORGS),
        )

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.25:
            s = (f"Đồng chí {self.person()}, {r.choice(ROLES)} đề nghị các cơ quan, đơn vị tiếp tục làm tốt "
                 f"công tác {r.choice(TOPICS)}, {r.choice(CLAUSES)}.")
        elif kind < 0.35:
            s = (f"Đến nay, {r.randint(61, 99)}% hồ sơ về {r.choice(TOPICS)} được giải quyết đúng hạn, "
                 f"tăng {r.randint(2, 19)}% so với cùng kỳ năm trước.")
        elif kind < 0.45:
            s = (f"Ông {self.person()}, {r.randint(45, 82)} tuổi, ở {r.choice(WARDS)}, chia sẻ: \"Chúng tôi rất "
                 f"phấn khởi khi {r.choice(PROJECTS)} sớm hoàn thành, bà con đi lại thuận tiện hơn nhiều.\"")
        elif kind < 0.55:
            s = (f"Lực lượng chức năng đã kiểm tra {r.randint(12, 240)} cơ sở, phát hiện và xử lý "
                 f"{r.randint(3, 40)} trường hợp vi phạm, phạt tiền hơn {r.randint(20, 900)} triệu đồng.")
        else:
            s = (f"{r.choice(ORGS)} {r.choice(ACTIONS)} {r.choice(TOPICS)} tại {r.choice(WARDS)}, "
                 f"{r.choice(CLAUSES)}.")
        return self.fill(s)

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def lead(self, when: datetime, place: str) -> str:
        r = self.rng
        day = when - timedelta(days=r.randint(0, 2))
        return self.fill(f"Ngày {day.day}/{day.month}/{day.year}, {r.choice(ORGS)} {r.choice(ACTIONS)} "
                         f"{r.choice(TOPICS)} tại {place}, {r.choice(CLAUSES)}.") + " " + self.sentence()

    def title(self, year: int, template: str | None = None) -> str:
        r = self.rng
        for _ in range(200):
            template = template or r.choice([
                "Quận Lê Chân tổng kết công tác {topic} năm {year}",
                "Khởi công {project}",
                "Đoàn công tác của thành phố kiểm tra tiến độ {project}",
                "{Ward} đẩy mạnh {topic}",
                "Hội nghị triển khai nhiệm vụ {topic} năm {year}",
                "Trao {n} suất quà tặng {beneficiary} {ward}",
                "Khai mạc {festival} năm {year}",
                "{Ward} ra quân {topic}",
                "Tập huấn {topic} cho cán bộ {ward}",
                "Gặp mặt, tuyên dương {beneficiary} tiêu biểu năm {year}",
                "Hoàn thành {project} trước thời hạn",
                "Kinh tế & đầu tư: {ward} thu hút {n} dự án mới",
                "Phát động phong trào \"{movement}\" tại {ward}",
                "Giám sát việc thực hiện {topic} tại {ward}",
            ])
            ward = r.choice(WARDS)
            text = template.format(
                topic=r.choice(TOPICS), year=year, project=r.choice(PROJECTS), Ward=ward[0].upper() + ward[1:],
                ward=ward, n=r.randint(12, 300), beneficiary=r.choice(BENEFICIARIES), festival=r.choice(FESTIVALS),
                movement=r.choice(MOVEMENTS),
            )
            if text not in self.titles:
                self.titles.add(text)
                return text
        raise RuntimeError("could not find a new title")

    # --- images -------------------------------------------------------------------------------
    def image(self, post_key: str, when: datetime, *, caption: str | None, png: bool = False,
              size: tuple[int, int] | None = None) -> str:
        """Plan an upload; ``caption`` is the attachment's own caption (what the media library holds).

        Sizes are modest (WordPress's resizing dominates the build's time): 760x507 mostly (thumbnail and
        medium sizes only), 1280x853 for one in five (those also have 768- and 1024-wide sizes), PNGs 640x480."""
        if size is None:
            size = (640, 480) if png else (1280, 853) if self.rng.random() < 0.2 else (760, 507)
        key = f"img{len(self.images) + 1:03d}"
        number = 4000 + len(self.images) * 7
        self.images.append({
            "key": key, "post": post_key, "file": f"DSC_{number:04d}.{'png' if png else 'jpg'}",
            "type": "png" if png else "jpeg", "width": size[0], "height": size[1], "seed": number,
            "month": f"{when:%Y/%m}", "title": f"DSC_{number:04d}", "alt": self.fill("Ảnh {event} tại {venue}"),
            "caption": caption or "",
        })
        return key

    def caption(self) -> str:
        return self.fill(self.rng.choice(CAPTIONS))

    # --- the site -----------------------------------------------------------------------------
    def plan(self) -> dict:
        r = self.rng
        posts: list[dict] = []
        span = (LAST_DAY - FIRST_DAY).total_seconds()
        logins = [a[0] for a in AUTHORS]
        # Who files each published post: the editorial account files 14, 8 of them with a closing byline.
        accounts = [logins[i % 4] for i in range(PUBLISHED - 14)] + [EDITORIAL_LOGIN] * 14
        r.shuffle(accounts)
        editorial_indexes = [i for i, a in enumerate(accounts) if a == EDITORIAL_LOGIN]
        with_byline = set(r.sample(editorial_indexes, 8))
        layouts = (["classic_caption"] * 10 + ["block_caption"] * 12 + ["block_plain"] * 8
                   + ["featured_reused"] * FEATURED_REUSED + ["gallery"] * 3 + ["classic_gallery"] * 2
                   + ["text_only"] * (PUBLISHED - 46))
        r.shuffle(layouts)
        edited = set(r.sample(range(PUBLISHED), EDITED))
        for i in range(PUBLISHED):
            base = FIRST_DAY + timedelta(seconds=span * i / (PUBLISHED - 1))
            when = base.replace(hour=r.randint(7, 17), minute=r.randint(0, 59), second=r.randint(0, 59))
            post = self.post(f"p{i + 1:02d}", when, accounts[i], layouts[i],
                             byline=CLOSING_BYLINES[len([j for j in with_byline if j < i]) % 3] if i in with_byline else None,
                             # titles that WordPress's texturize changes: an ampersand, straight quotes
                             title_template={20: "Kinh tế & đầu tư: {Ward} thu hút {n} dự án mới",
                                             41: "Phát động phong trào \"{movement}\" tại {ward}"}.get(i))
            if i in edited:
                addition = _paragraph(self.fill("Cập nhật: {org} cho biết sẽ tiếp tục theo dõi, đôn đốc việc "
                                                "thực hiện và thông tin kết quả tới Nhân dân."), post["classic"])
                post["edit"] = {
                    "modified": (when + timedelta(days=r.randint(1, 40), hours=r.randint(0, 6),
                                                  minutes=r.randint(1, 59))).strftime("%Y-%m-%d %H:%M:%S"),
                    "addition": addition,
                }
            posts.append(post)
        # A few internal links to earlier posts (as editors do), resolved to permalinks by build.php.
        for post in r.sample(posts[10:], 6):
            target = r.choice(posts[: posts.index(post)])
            post["content"] = post["content"].replace(
                "{{related}}", f'Xem thêm: <a href="{{{{link:{target["key"]}}}}}">bài viết liên quan</a>.', 1)
        for post in posts:
            post["content"] = post["content"].replace("{{related}}", "")
        # Comments, open everywhere; some posts have approved comments (names that are not bylines).
        for post in r.sample(posts, 12):
            post["comments"] = [
                {"author": self.person(), "email": f"bandoc{k}@example.invalid",
                 "content": self.fill("Cảm ơn {org} đã thông tin kịp thời. Mong {topic} được quan tâm hơn nữa."),
                 "hours_after": r.randint(2, 72)}
                for k in range(r.randint(1, 3))
            ]
        # Not articles: drafts, private, password-protected and scheduled posts, Pages.
        hidden = []
        for i, status in enumerate(["draft"] * 3 + ["private"] * 2 + ["password"] * 2 + ["future"] * 2):
            when = FIRST_DAY + timedelta(days=40 + 53 * i, hours=9)
            post = self.post(f"h{i + 1:02d}", when, logins[i % 4], "block_plain" if i == 3 else "text_only", byline=None)
            post["content"] = post["content"].replace("{{related}}", "")
            post["status"] = status
            if status == "future":
                post["days_ahead"] = 10 + 7 * i  # relative to the build's clock, or WordPress publishes it
            hidden.append(post)
        pages = [
            self.page("gioi-thieu", "Giới thiệu chung", [("Quận Lê Chân được thành lập năm 1961, là một trong những "
                      "quận nội thành trung tâm của thành phố Hải Phòng."), self.paragraph(), self.paragraph()]),
            self.page("lien-he", "Liên hệ", ["Địa chỉ: Số 1 đường Hồ Sen, quận Lê Chân, thành phố Hải Phòng.",
                      "Điện thoại: 0225.3xxx.xxx. Thư điện tử: ubnd@lechan.example.invalid"]),
            self.page("so-do-co-cau-to-chuc", "Sơ đồ cơ cấu tổ chức", [self.paragraph(), self.paragraph()]),
        ]
        return {
            "site": {"title": SITE_TITLE, "tagline": SITE_TAGLINE, "timezone": TIMEZONE, "permalinks": PERMALINKS,
                     "admin": ADMIN_LOGIN, "admin_email": "quantri@example.invalid"},
            "users": [{"login": a[0], "display_name": a[1], "first_name": a[2], "last_name": a[3], "role": a[4]}
                      for a in AUTHORS]
            + [{"login": EDITORIAL_LOGIN, "display_name": EDITORIAL, "first_name": "", "last_name": "", "role": "editor"}],
            "categories": [{"slug": s, "name": n} for s, n in CATEGORIES],
            "tags": TAGS,
            "images": self.images,
            "posts": posts + hidden + pages,
        }

    def post(self, key: str, when: datetime, login: str, layout: str, byline: str | None,
             title_template: str | None = None) -> dict:
        r = self.rng
        place = r.choice(VENUES + WARDS)
        paragraphs = [self.lead(when, place)] + [self.paragraph() for _ in range(r.randint(2, 6))]
        classic = layout in ("classic_caption", "classic_gallery") or (layout == "text_only" and r.random() < 0.5) \
            or (layout == "featured_reused" and r.random() < 0.4)
        featured = None
        figures: list[tuple[int, str]] = []  # (after paragraph index, markup)

        def spot() -> int:
            return r.randint(0, len(paragraphs) - 1)

        if layout == "classic_caption":
            for _ in range(r.randint(1, 2)):
                caption = self.caption()
                figures.append((spot(), _caption_shortcode(self.image(key, when, caption=caption), caption)))
            if r.random() < 0.5:
                featured = self.image(key, when, caption=None)
        elif layout == "block_caption":
            for _ in range(r.randint(1, 2)):
                caption = self.caption()
                size = r.choice(["full", "large"])
                figures.append((spot(), _block_image(self.image(key, when, caption=caption, png=r.random() < 0.15),
                                                     caption, size)))
            if r.random() < 0.4:
                featured = self.image(key, when, caption=None)
        elif layout == "block_plain":
            figures.append((spot(), _block_image(self.image(key, when, caption=None), None, "large")))
            if r.random() < 0.5:
                caption = self.caption()
                figures.append((spot(), _block_image(self.image(key, when, caption=caption), caption, "full")))
            if r.random() < 0.5:
                featured = self.image(key, when, caption=None)
        elif layout == "featured_reused":
            caption = self.caption()
            featured = self.image(key, when, caption=caption)
            markup = _caption_shortcode(featured, caption) if classic else _block_image(featured, caption, "full")
            figures.append((0, markup))
            if r.random() < 0.5:
                caption = self.caption()
                other = self.image(key, when, caption=caption)
                figures.append((spot(), _caption_shortcode(other, caption) if classic
                                else _block_image(other, caption, "large")))
        elif layout == "gallery":
            shots = []
            for _ in range(3):
                caption = self.caption() if r.random() < 0.6 else None
                shots.append((self.image(key, when, caption=caption), caption))
            figures.append((spot(), _block_gallery(shots)))
            if r.random() < 0.5:
                featured = self.image(key, when, caption=None)
        elif layout == "classic_gallery":
            shots = [self.image(key, when, caption=self.caption(), size=(720, 540)) for _ in range(3)]
            ids = ",".join(f"{{{{id:{s}}}}}" for s in shots)
            figures.append((spot(), f'[gallery link="file" columns="3" size="medium" ids="{ids}"]'))
            featured = self.image(key, when, caption=None)
        elif layout == "text_only" and r.random() < 0.5:
            featured = self.image(key, when, caption=None, png=r.random() < 0.3)

        parts: list[str] = []
        for index, text in enumerate(paragraphs):
            if index == len(paragraphs) - 1:
                text = text + " {{related}}"
            parts.append(_paragraph(text, classic))
            parts.extend(markup for at, markup in figures if at == index)
        if byline:
            parts.append(_byline(byline, classic))
        content = "\n\n".join(parts)
        post = {
            "key": key, "type": "post", "status": "publish", "title": self.title(when.year, title_template), "author": login,
            "date": when.strftime("%Y-%m-%d %H:%M:%S"), "content": content, "featured": featured,
            "categories": r.sample([s for s, _ in CATEGORIES[:5]], r.randint(1, 2))
            + (["thong-bao"] if r.random() < 0.1 else []),
            "tags": r.sample(TAGS, r.randint(0, 3)), "byline": byline, "layout": layout, "classic": classic,
            "excerpt": self.sentence() if r.random() < 0.2 else "",
        }
        return post

    def page(self, slug: str, title: str, paragraphs: list[str]) -> dict:
        return {"key": f"page-{slug}", "type": "page", "status": "publish", "slug": slug, "title": title,
                "author": EDITORIAL_LOGIN, "date": "2024-01-02 08:00:00", "featured": None, "categories": [],
                "tags": [], "byline": None, "excerpt": "",
                "content": "\n\n".join(_paragraph(p, classic=False) for p in paragraphs)}


def _paragraph(text: str, classic: bool) -> str:
    text = text.strip()
    return text if classic else f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"


def _byline(name: str, classic: bool) -> str:
    if classic:
        return f'<p style="text-align: right;"><strong>{name}</strong></p>'
    return (f'<!-- wp:paragraph {{"align":"right"}} -->\n<p class="has-text-align-right"><strong>{name}</strong></p>\n'
            f"<!-- /wp:paragraph -->")


def _caption_shortcode(key: str, caption: str) -> str:
    return (f'[caption id="attachment_{{{{id:{key}}}}}" align="aligncenter" width="{{{{w:{key}}}}}"]'
            f'<img class="size-full wp-image-{{{{id:{key}}}}}" src="{{{{url:{key}}}}}" alt="{{{{alt:{key}}}}}" '
            f'width="{{{{w:{key}}}}}" height="{{{{h:{key}}}}}" /> {caption}[/caption]')


def _block_image(key: str, caption: str | None, size: str) -> str:
    url = f"{{{{url:{key}}}}}" if size == "full" else f"{{{{url:{key}:{size}}}}}"
    figcaption = f'<figcaption class="wp-element-caption">{caption}</figcaption>' if caption else ""
    return (f'<!-- wp:image {{"id":{{{{id:{key}}}}},"sizeSlug":"{size}","linkDestination":"none"}} -->\n'
            f'<figure class="wp-block-image size-{size}"><img src="{url}" alt="{{{{alt:{key}}}}}" '
            f'class="wp-image-{{{{id:{key}}}}}"/>{figcaption}</figure>\n<!-- /wp:image -->')


def _block_gallery(shots: list[tuple[str, str | None]]) -> str:
    inner = "\n\n".join(_block_image(key, caption, "large") for key, caption in shots)
    return ('<!-- wp:gallery {"linkTo":"none"} -->\n'
            '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
            f"{inner}</figure>\n<!-- /wp:gallery -->")


def new_posts_plan(seed: int, count: int, existing_titles: set[str], now: datetime) -> dict:
    """Posts added by ``WordPressSite.add_posts``: published just before ``now`` (the site's local time)."""
    planner = _Planner(random.Random(seed))
    planner.titles = set(existing_titles)
    logins = [a[0] for a in AUTHORS]
    posts = []
    for i in range(count):
        when = now - timedelta(minutes=5 * (count - i))
        post = planner.post(f"n{seed}-{i + 1}", when, logins[i % 4], ["block_caption", "classic_caption", "text_only"][i % 3],
                            byline=None)
        post["content"] = post["content"].replace("{{related}}", "")
        posts.append(post)
    return {"images": planner.images, "posts": posts}
