"""Deterministic article generation for the replica portal family.

Every article is drawn from a seeded ``random.Random``, so the same seed always yields the same
portal; tests compare what the crawler stored with ``TrueArticle`` records, the ground truth.
Stories are syndicated from the city portal to districts (sometimes retitled, a photo fewer, a
day earlier or later), and each site carries templated families (weekly schedules) that share most
words but are distinct stories: the cases deduplication must get right.

``build_replica(story_cases=True)`` adds two harder cases for the story index, drawn from their own
random stream (the rest of the family is unchanged): short items about different events at one
venue that print the same two paragraphs about the venue (and some reach another portal), and
copies of city stories written with the other tone-mark placement ("hoà", "Uỷ ban" for "hòa",
"Ủy ban").
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.replica import vocabulary as V
from crawler.text.orthography import NEW, normalize_tones

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CAPTION_MARKUPS = ("figure", "wp-caption", "table", "em-line")
ALL_SOURCES = ("wpjson", "sitemap", "feed", "listing")


@dataclass(frozen=True)
class Photo:
    path: str
    caption: str
    markup: str  # one of CAPTION_MARKUPS
    lazy: bool = False


@dataclass
class TrueArticle:
    """The ground truth of one article as the portal published it."""

    site: str
    number: int
    slug: str
    title: str
    published: datetime
    category: str
    body: list[str]  # paragraphs; subheadings are entries too (see ``subheadings``)
    subheadings: set[int]  # indexes into body that are rendered as <h3>
    photos: list[Photo]
    author: str
    story: str  # the story key: syndicated copies share it
    family: str | None = None  # templated family name, if any
    related: list[str] = field(default_factory=list)  # slugs of "Tin khác"
    case: str | None = None  # a story-index case: "venue:<site>" or "tone-variant"
    modified: datetime | None = None  # set when the portal edits the article after publishing

    @property
    def last_change(self) -> datetime:
        return self.modified or self.published

    @property
    def path(self) -> str:
        return f"/{self.slug}.html"

    def record(self, base_url: str) -> dict:
        """The record muninews must produce for this article when served at ``base_url``."""
        return {
            "url": base_url + self.path,
            "title": self.title,
            "published": self.published.isoformat(timespec="seconds"),
            "authors": [self.author],
            "body": list(self.body),
            "images": [{"url": base_url + p.path, "caption": p.caption} for p in self.photos],
            "captions": [p.caption for p in self.photos],
        }


@dataclass
class Site:
    """One portal host of the family (the city portal or a district sub-site)."""

    key: str
    name: str
    district: str | None
    articles: list[TrueArticle] = field(default_factory=list)
    # Discovery endpoints this host offers: "wpjson", "sitemap", "feed", "listing".
    sources: frozenset[str] = frozenset(ALL_SOURCES)
    removed: set[str] = field(default_factory=set)  # slugs the portal deleted (now 404)
    disallowed: tuple[str, ...] = ()  # extra robots.txt Disallow paths
    revision: int = 0  # bumped on every change, so servers can drop cached indexes

    @property
    def live(self) -> list[TrueArticle]:
        return [a for a in self.articles if a.slug not in self.removed]

    def newest_first(self, category: str | None = None) -> list[TrueArticle]:
        chosen = [a for a in self.live if category is None or a.category == category]
        return sorted(chosen, key=lambda a: (a.published, a.number), reverse=True)

    def by_slug(self) -> dict[str, TrueArticle]:
        return {a.slug: a for a in self.live}


@dataclass
class Replica:
    seed: int
    sites: dict[str, Site]

    def all_articles(self) -> list[TrueArticle]:
        return [a for site in self.sites.values() for a in site.live]

    def truth(self, base_urls: dict[str, str]) -> dict[str, dict]:
        """True records of the live articles keyed by URL, for the hosts as they are served."""
        return {
            record["url"]: record
            for site in self.sites.values()
            for record in (a.record(base_urls[site.key]) for a in site.live)
        }

    def stories(self, base_urls: dict[str, str]) -> dict[str, str]:
        """URL -> story key, the true grouping of syndicated copies."""
        return {base_urls[a.site] + a.path: a.story for a in self.all_articles()}

    # --- a portal's life between two crawls ---------------------------------------------------
    def publish(self, site_key: str, count: int, seed: int = 1) -> list[TrueArticle]:
        """New articles, published just now, at the top of every listing and feed."""
        rng = random.Random(f"{self.seed}-{site_key}-{seed}")
        site = self.sites[site_key]
        now = datetime.now(ZONE).replace(microsecond=0, second=0)
        new = []
        for index in range(count):
            article = _article(rng, site, now - timedelta(minutes=count - index))
            article.related = [a.slug for a in site.live[:5]]
            site.articles.append(article)
            new.append(article)
        site.revision += 1
        return new

    def edit(self, site_key: str, slug: str) -> TrueArticle:
        """The portal corrects an article: a new last paragraph and a modified time."""
        site = self.sites[site_key]
        article = site.by_slug()[slug]
        article.body = [*article.body, f"Cập nhật: {article.title} đã được đính chính lần {len(article.body)}."]
        article.modified = datetime.now(ZONE).replace(microsecond=0)
        site.revision += 1
        return article

    def remove(self, site_key: str, slug: str) -> None:
        """The portal deletes an article: it answers 404 and leaves every listing."""
        site = self.sites[site_key]
        site.removed.add(slug)
        site.revision += 1


SITES = (
    ("city", "Cổng tin tức Thành phố Hải Phòng", None),
    ("ngoquyen", "Cổng thông tin điện tử quận Ngô Quyền", "Ngô Quyền"),
    ("lechan", "Cổng thông tin điện tử quận Lê Chân", "Lê Chân"),
    ("hongbang", "Cổng thông tin điện tử quận Hồng Bàng", "Hồng Bàng"),
)


def build_replica(
    seed: int = 2022, city_articles: int = 150, district_articles: int = 70, syndicated: int = 30,
    schedules_per_site: int = 5, weather_bulletins: int = 8, story_cases: bool = False,
) -> Replica:
    """Generate the whole family; defaults give 150 + 3×70 + 36 syndicated copies + 4×5 + 8 = 424 articles.

    ``story_cases``: add the same-venue items and the tone-placement copies (module docstring)."""
    rng = random.Random(seed)
    sites = {key: Site(key, name, district) for key, name, district in SITES}
    start = datetime(2024, 1, 2, 7, 30, tzinfo=ZONE)
    for site in sites.values():
        count = city_articles if site.district is None else district_articles
        moment = start
        for _ in range(count):
            moment += timedelta(hours=rng.randint(6, 40), minutes=rng.randint(0, 59))
            site.articles.append(_article(rng, site, moment))
        for week in range(schedules_per_site):
            site.articles.append(_weekly_schedule(rng, site, start + timedelta(weeks=week * 3 + 1), week))
        if site.district is None:
            for day in range(weather_bulletins):
                site.articles.append(_weather_bulletin(rng, site, start + timedelta(days=day * 9 + 4)))
    _syndicate(rng, sites, syndicated)
    if story_cases:
        _story_cases(random.Random(f"{seed}-story-cases"), sites)
    for site in sites.values():
        _link_related(rng, site)
    sites["hongbang"].sources = frozenset({"listing"})  # one district offers listings only
    return Replica(seed, sites)


def _article(rng: random.Random, site: Site, moment: datetime) -> TrueArticle:
    number = len(site.articles) + 1
    org = rng.choice(V.ORGANISATIONS)
    place_name = site.district or "Hải Phòng"
    title = f"{org} {place_name}: {rng.choice(V.ACTIONS).capitalize()} {rng.choice(V.TOPICS)} năm {moment.year}"
    title = title[0].upper() + title[1:]
    body, subheadings = _body(rng, moment, org, place_name)
    photos = _photos(rng, site, moment, number)
    return TrueArticle(
        site=site.key, number=number, slug=f"{slugify(title)}-{number}", title=title, published=moment,
        category=rng.choice(V.CATEGORIES)[0], body=body, subheadings=subheadings, photos=photos,
        author=_person(rng), story=f"{site.key}-{number}",
    )


def _body(rng: random.Random, moment: datetime, org: str, place: str) -> tuple[list[str], set[int]]:
    event_day = moment - timedelta(days=1)
    lead = (
        f"Ngày {event_day.day}/{event_day.month}, {org} {place} {rng.choice(V.ACTIONS)} "
        f"{rng.choice(V.TOPICS)} tại {rng.choice(V.PLACES)}, {rng.choice(V.CLAUSES)}."
    )
    paragraphs = [_fill(rng, lead)]
    for _ in range(rng.randint(2, 4)):
        paragraphs.append(_paragraph(rng))
    subheading_at = len(paragraphs)
    paragraphs.append(rng.choice(V.SUBHEADINGS))
    for _ in range(rng.randint(1, 3)):
        paragraphs.append(_paragraph(rng))
    return paragraphs, {subheading_at}


def _paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        if rng.random() < 0.35:
            sentence = (
                f"Đồng chí {_person(rng)}, {rng.choice(V.ROLES)} {rng.choice(V.SPEECH)} "
                f"{rng.choice(V.TOPICS)} {rng.choice(V.CLAUSES)}."
            )
        else:
            sentence = (
                f"{rng.choice(V.ORGANISATIONS)} {rng.choice(V.ACTIONS)} {rng.choice(V.TOPICS)} "
                f"tại {rng.choice(V.PLACES)}, {rng.choice(V.CLAUSES)}."
            )
        sentences.append(_fill(rng, sentence))
    return " ".join(sentences)


def _fill(rng: random.Random, text: str) -> str:
    return text.replace("{n}", str(rng.randint(12, 980)))


def _photos(rng: random.Random, site: Site, moment: datetime, number: int) -> list[Photo]:
    photos = []
    for index in range(rng.randint(1, 4)):
        caption = rng.choice(V.CAPTIONS).format(
            event=rng.choice(V.EVENTS), person=_person(rng), role=rng.choice(V.ROLES), place=rng.choice(V.PLACES)
        )
        path = f"/wp-content/uploads/{moment:%Y/%m}/{site.key}-{number}-{index + 1}.jpg"
        photos.append(Photo(path, caption, CAPTION_MARKUPS[(number + index) % 4], lazy=rng.random() < 0.3))
    return photos


def _person(rng: random.Random) -> str:
    return f"{rng.choice(V.FAMILY_NAMES)} {rng.choice(V.MIDDLE_NAMES)} {rng.choice(V.GIVEN_NAMES)}"


def _weekly_schedule(rng: random.Random, site: Site, monday: datetime, week: int) -> TrueArticle:
    """A templated notice: the same wording every week, only dates and names change."""
    number = len(site.articles) + 1
    end = monday + timedelta(days=6)
    body_owner = f"UBND {'quận ' + site.district if site.district else 'thành phố'}"
    title = f"Lịch công tác tuần của {body_owner} (từ {monday:%d/%m} đến {end:%d/%m/%Y})"
    body = [f"{body_owner} thông báo lịch công tác tuần từ ngày {monday:%d/%m} đến ngày {end:%d/%m/%Y} như sau:"]
    for offset, weekday in enumerate(V.WEEKDAYS[:5]):
        day = monday + timedelta(days=offset)
        body.append(
            f"{weekday} ngày {day:%d/%m}: Buổi sáng, đồng chí {_person(rng)} chủ trì họp giao ban tại phòng họp số "
            f"{rng.randint(1, 4)}. Buổi chiều, đồng chí {_person(rng)} làm việc với {rng.choice(V.ORGANISATIONS).lower()}."
        )
    body.append("Lịch công tác có thể thay đổi, đề nghị các cơ quan, đơn vị theo dõi thông báo chính thức.")
    moment = monday - timedelta(days=2) + timedelta(hours=9)
    return TrueArticle(
        site=site.key, number=number, slug=f"{slugify(title)}-{number}", title=title, published=moment,
        category="chinh-tri", body=body, subheadings=set(), photos=[], author="Văn phòng HĐND và UBND",
        story=f"{site.key}-{number}", family=f"{site.key}-weekly-schedule",
    )


def _weather_bulletin(rng: random.Random, site: Site, day: datetime) -> TrueArticle:
    """Another templated family: the same bulletin every few days, only the figures change."""
    number = len(site.articles) + 1
    title = f"Bản tin dự báo thời tiết thành phố Hải Phòng ngày {day:%d/%m/%Y}"
    low, high = rng.randint(14, 24), rng.randint(25, 36)
    body = [
        f"Trung tâm Khí tượng Thủy văn thành phố Hải Phòng thông báo dự báo thời tiết ngày {day:%d/%m/%Y} như sau:",
        f"Khu vực nội thành: Có mây, ngày nắng, đêm không mưa. Gió {rng.choice(['Đông', 'Đông Nam', 'Đông Bắc'])} "
        f"cấp {rng.randint(2, 4)}. Nhiệt độ thấp nhất từ {low} đến {low + 2} độ C, cao nhất từ {high} đến {high + 2} độ C.",
        f"Vùng biển ven bờ: Gió cấp {rng.randint(3, 5)}, giật cấp {rng.randint(5, 7)}, sóng cao {rng.randint(1, 2)}"
        f",{rng.randint(0, 9)} mét. Tầm nhìn xa trên {rng.randint(4, 10)} km.",
        "Đề nghị các cơ quan, đơn vị và Nhân dân chủ động theo dõi các bản tin tiếp theo.",
    ]
    return TrueArticle(
        site=site.key, number=number, slug=f"{slugify(title)}-{number}", title=title, published=day.replace(hour=6),
        category="kinh-te-xa-hoi", body=body, subheadings=set(), photos=[], author="Trung tâm Khí tượng Thủy văn",
        story=f"{site.key}-{number}", family=f"{site.key}-weather",
    )


def _syndicate(rng: random.Random, sites: dict[str, Site], count: int) -> None:
    """Copy city stories to districts the way portals do: retitled, a photo fewer, a day apart."""
    districts = [s for s in sites.values() if s.district]
    originals = rng.sample([a for a in sites["city"].articles if a.family is None], count)
    for index, original in enumerate(originals):
        # every fifth story reaches two districts, so stories differ in how many portals carry them
        targets = [districts[index % len(districts)]] + ([districts[(index + 1) % len(districts)]] if index % 5 == 0 else [])
        for target in targets:
            target.articles.append(_syndicated_copy(rng, original, target, index))


def _syndicated_copy(rng: random.Random, original: TrueArticle, target: Site, index: int) -> TrueArticle:
    number = len(target.articles) + 1
    title = original.title if index % 3 else f"{target.district}: {original.title}"
    photos = original.photos[:-1] if index % 4 == 1 and len(original.photos) > 1 else original.photos
    photos = [replace(p, path=p.path.replace("/city-", f"/{target.key}-s")) for p in photos]
    body = original.body[:-1] if index % 5 == 2 and len(original.body) > 4 else original.body  # abridged
    shift = timedelta(days=(-1 if index % 2 else 1), minutes=rng.randint(0, 90))
    return replace(
        original, site=target.key, number=number, slug=f"{slugify(title)}-{number}", title=title,
        published=original.published + shift, photos=photos, related=[], body=list(body),
    )


VENUE_EVENTS = 6  # per district with a venue
TONE_VARIANTS = 8


def _story_cases(rng: random.Random, sites: dict[str, Site]) -> None:
    """Same-venue items on two districts (every third reaching the city portal too), and city
    stories copied to a district in the other tone placement."""
    for key in ("ngoquyen", "lechan"):
        site = sites[key]
        venue = _venue(rng, site)
        moment = datetime(2024, 1, 20, 8, 0, tzinfo=ZONE)
        for index in range(VENUE_EVENTS):
            moment += timedelta(days=rng.randint(2, 5), hours=rng.randint(0, 8))
            item = _venue_item(rng, site, venue, moment)
            site.articles.append(item)
            if index % 3 == 0:
                city = sites["city"]
                copy = _syndicated_copy(rng, item, city, index + 1)  # index + 1: keeps the title (the city has no district)
                copy.body.append(f"Theo Cổng thông tin điện tử quận {site.district}")
                city.articles.append(copy)
    districts = [s for s in sites.values() if s.district]
    city = sites["city"]
    moment = datetime(2024, 2, 3, 9, 0, tzinfo=ZONE)
    for index in range(TONE_VARIANTS):
        moment += timedelta(days=rng.randint(3, 7), hours=rng.randint(0, 8))
        original = _article(rng, city, moment)
        original.body.insert(1, rng.choice(TONE_SENTENCES).format(person=_person(rng), n=rng.randint(12, 980)))
        city.articles.append(original)
        target = districts[index % len(districts)]
        copy = _syndicated_copy(rng, original, target, index)
        copy.body = [normalize_tones(p, style=NEW) for p in copy.body]
        copy.title = normalize_tones(copy.title, style=NEW)
        copy.case = "tone-variant"
        target.articles.append(copy)


#: Sentences holding capitalised words whose tone placement varies ("Ủy ban", "Hòa", "Thủy"): the
#: fact check reads those as names, so a copy in the other placement once looked like a substitution.
TONE_SENTENCES = [
    "Đồng chí {person}, Phó Chủ tịch Ủy ban nhân dân quận, cho biết năm nay quận dành {n} triệu đồng hỗ trợ "
    "các hộ gia đình ở phường Hòa Nghĩa và xã Thủy Sơn, huyện Thủy Nguyên.",
    "Theo Ủy ban Mặt trận Tổ quốc quận, đã có {n} hộ gia đình tại phường Hòa Nghĩa được hỗ trợ sửa chữa nhà ở, "
    "vượt chỉ tiêu Ủy ban nhân dân thành phố giao.",
    "Đoàn công tác của Ủy ban Kiểm tra Quận ủy do đồng chí {person} làm trưởng đoàn đã làm việc với {n} tổ chức "
    "cơ sở đảng tại xã Hòa Bình, huyện Thủy Nguyên.",
]


def _venue(rng: random.Random, site: Site) -> tuple[str, list[str]]:
    """A district's cultural house and the two paragraphs its portal prints under every event there."""
    name = f"Nhà Văn hóa quận {site.district}"
    return name, [
        f"{name} tọa lạc tại số {rng.randint(2, 90)} {rng.choice(VENUE_STREETS)}, là thiết chế văn hóa trung tâm của quận "
        f"với hội trường {rng.randint(3, 9)}00 chỗ ngồi, phòng triển lãm, thư viện và sân khấu ngoài trời, thường xuyên "
        "phục vụ các hoạt động văn hóa, văn nghệ, thể dục thể thao của cán bộ và Nhân dân trên địa bàn.",
        f"Trong năm qua, {name} đã tổ chức hơn {rng.randint(60, 150)} chương trình, thu hút trên {rng.randint(12, 40)} "
        "nghìn lượt người tham gia; các câu lạc bộ thơ, dưỡng sinh, cờ tướng, khiêu vũ và võ thuật duy trì sinh hoạt "
        "đều đặn, góp phần xây dựng đời sống văn hóa cơ sở.",
    ]


VENUE_STREETS = ["đường Lạch Tray", "đường Lê Lợi", "đường Tô Hiệu", "đường Cầu Đất", "đường Hai Bà Trưng"]
VENUE_EVENTS_KINDS = [
    "Triển lãm ảnh “{district} - 55 năm xây dựng và phát triển”", "Giải cờ tướng người cao tuổi quận năm 2024",
    "Hội thi tiếng hát Mãi mãi tuổi 20", "Liên hoan văn nghệ quần chúng chào mừng ngày thành lập quận",
    "Ngày hội đọc sách cho thiếu nhi", "Giải bóng bàn công nhân viên chức lao động quận",
    "Hội diễn nghệ thuật hưởng ứng Tháng hành động vì người cao tuổi", "Chương trình giao lưu thơ mùa xuân",
]


def _venue_item(rng: random.Random, site: Site, venue: tuple[str, list[str]], moment: datetime) -> TrueArticle:
    """A short item of its own (one or two paragraphs) about one event, then the venue's paragraphs."""
    number = len(site.articles) + 1
    name, paragraphs = venue
    event = rng.choice(VENUE_EVENTS_KINDS).format(district=site.district)
    own = [f"Ngày {moment.day}/{moment.month}, tại {name}, {rng.choice(V.ORGANISATIONS)} {site.district} tổ chức "
           f"{event} với sự tham gia của {rng.randint(40, 400)} {rng.choice(['hội viên', 'vận động viên', 'đại biểu', 'em thiếu nhi'])}."]
    if rng.random() < 0.5:
        own.append(_fill(rng, f"Đồng chí {_person(rng)}, {rng.choice(V.ROLES)} {rng.choice(V.SPEECH)} "
                              f"{rng.choice(V.TOPICS)} {rng.choice(V.CLAUSES)}."))
    title = f"{event} tại {name}"
    return TrueArticle(
        site=site.key, number=number, slug=f"{slugify(title)}-{number}", title=title, published=moment,
        category="van-hoa", body=own + list(paragraphs), subheadings=set(), photos=_photos(rng, site, moment, number),
        author=_person(rng), story=f"{site.key}-{number}", case=f"venue:{site.key}",
    )


def _link_related(rng: random.Random, site: Site) -> None:
    slugs = [a.slug for a in site.articles]
    for index, article in enumerate(site.articles):
        picks = {rng.randrange(len(slugs)) for _ in range(6)} - {index}
        article.related = [slugs[i] for i in sorted(picks)[:5]]


def slugify(text: str) -> str:
    """WordPress-style ASCII slug of a Vietnamese title ("Đảng ủy" -> "dang-uy")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")
