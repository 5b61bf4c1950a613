"""crawler.dedup.similarity: syndicated copies merge, template families stay apart, state persists."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from crawler.replica import build_replica
from crawler.text.orthography import NEW, normalize_tones
from crawler.dedup import similarity
from crawler.dedup.similarity import (
    MinHasher,
    StoryIndex,
    content_hash,
    day_number,
    estimated_jaccard,
    fact_pairs,
    facts_conflict,
    typo_near,
    normalize_text,
    pairs_from_groups,
    score_grouping,
    shingle_hashes,
)


ARTICLE = """Ngày 21/6, 130 đại biểu là các thành viên Ban Chỉ đạo, Tổ Thư ký, Nhóm cộng tác viên, Bí thư Đảng ủy phường, cộng tác viên dư luận xã hội thuộc quận Ngô Quyền tham gia Tập huấn công tác bảo vệ nền tảng tư tưởng của Đảng năm 2022.

Phát biểu khai mạc Hội nghị tập huấn, đồng chí Trịnh Quang Trường Phó Bí thư Thường trực Quận ủy, Chủ tịch HĐND quận nêu rõ, trong bối cảnh tình hình hiện nay, các thế lực thù địch vẫn ra sức chống phá, tung thông tin giả, sai lệch, phiến diện bằng các phương thức, thủ đoạn ngày càng tinh vi, nhất là trên không gian mạng.

Quang cảnh Hội nghị Tập huấn.

Trưởng ban Ban Chỉ đạo 35 quận Ngô Quyền nhấn mạnh việc tăng cường thông tin chính thống trên các trang mạng xã hội, đẩy mạnh công tác dự báo tình hình, phối hợp trong nắm bắt, xử lý thông tin, góp phần nâng cao nhận thức cho cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân.

Các đại biểu tham dự tập huấn.

Tại Hội nghị, các đại biểu được lãnh đạo Sở Thông tin và Truyền thông, Báo Hải Phòng và Ban Tuyên giáo Quận ủy chia sẻ kinh nghiệm thực tiễn, bồi dưỡng kiến thức, kỹ năng viết tin, bài và nhận diện âm mưu, thủ đoạn chống phá trong tình hình mới thông qua 3 chuyên đề.

Minh Hảo"""


def drop_block(text: str, block: str) -> str:
    return text.replace("\n\n" + block, "")


def syndicated_variants(text: str) -> list[str]:
    """What district portals really do to a city story."""
    return [
        drop_block(text, "Quang cảnh Hội nghị Tập huấn."),  # a caption less
        text + "\n\nTheo Cổng TTĐT quận Ngô Quyền",  # a source line added
        drop_block(drop_block(text, "Các đại biểu tham dự tập huấn."), "Quang cảnh Hội nghị Tập huấn.")
        + "\n\n(Theo Báo Hải Phòng)",
        unicodedata.normalize("NFD", text).replace("\n\n", "\n"),  # decomposed, reflowed
        text.replace("21/6", "21-6"),  # the same date spelled differently
    ]


def weekly_schedule(week_start: int) -> str:
    lines = [f"Lịch công tác tuần của Thường trực UBND quận Ngô Quyền từ ngày {week_start}/6 đến ngày {week_start + 4}/6/2023."]
    for offset, weekday in enumerate(["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"]):
        lines.append(f"{weekday}, ngày {week_start + offset}/6:")
        lines.append("8h00: Chủ tịch UBND quận dự họp giao ban công tác tuần tại phòng họp số 1.")
        lines.append("14h00: Phó Chủ tịch UBND quận kiểm tra tiến độ các công trình xây dựng cơ bản trên địa bàn.")
    lines.append("Văn phòng HĐND và UBND quận trân trọng thông báo.")
    return "\n".join(lines)


def weather(day: int, low: int, high: int) -> str:
    return "\n".join(
        [
            f"Bản tin dự báo thời tiết thành phố Hải Phòng ngày {day}/7/2023.",
            f"Đêm {day} ngày {day + 1}/7 có mây, đêm không mưa, ngày nắng; gió đông nam cấp 3.",
            f"Nhiệt độ thấp nhất từ {low} đến {low + 2} độ C, nhiệt độ cao nhất từ {high} đến {high + 2} độ C.",
            "Vùng biển Hải Phòng có mưa rào và dông rải rác, trong mưa dông đề phòng lốc xoáy và gió giật mạnh.",
            "Tầm nhìn xa trên 10 km, giảm xuống 4 đến 10 km trong mưa. Biển động nhẹ, sóng cao 0,5 đến 1,0 m.",
            "Trung tâm Khí tượng Thủy văn thành phố Hải Phòng.",
        ]
    )


def appointment(person: str, decision: int) -> str:
    return "\n\n".join(
        [
            "Chiều ngày 12/5, UBND quận tổ chức Hội nghị công bố và trao Quyết định về công tác cán bộ.",
            f"Tại Hội nghị, lãnh đạo Phòng Nội vụ quận đã công bố Quyết định số {decision}/QĐ-UBND của Chủ tịch UBND quận "
            f"về việc bổ nhiệm ông {person} giữ chức vụ Phó Chủ tịch UBND phường Máy Chai, thời hạn 5 năm kể từ ngày ký.",
            "Phát biểu giao nhiệm vụ, đồng chí Chủ tịch UBND quận chúc mừng và đề nghị cán bộ được bổ nhiệm tiếp tục phát huy "
            "năng lực, trình độ chuyên môn, đoàn kết, cùng tập thể lãnh đạo đơn vị hoàn thành tốt nhiệm vụ được giao.",
            f"Thay mặt cán bộ được bổ nhiệm, ông {person} cảm ơn sự tin tưởng của lãnh đạo quận và hứa sẽ nỗ lực hết mình.",
        ]
    )


@pytest.fixture()
def index() -> StoryIndex:
    conn = sqlite3.connect(":memory:")
    story_index = StoryIndex(conn)
    story_index.ensure_schema()
    return story_index


# --- normalisation and exact duplicates ------------------------------------------------------


def test_normalize_text_nfc_casefold_whitespace() -> None:
    decomposed = unicodedata.normalize("NFD", "  Quận  NGÔ\tQuyền\n\n")
    assert normalize_text(decomposed) == "quận ngô quyền"


def test_content_hash_ignores_form_not_content() -> None:
    assert content_hash(ARTICLE) == content_hash(unicodedata.normalize("NFD", ARTICLE.upper()).replace(" ", "  "))
    assert content_hash(ARTICLE) != content_hash(ARTICLE.replace("130", "131"))
    assert len(content_hash(ARTICLE)) == 40


def test_exact_duplicate_found_by_hash_with_similarity_one(index: StoryIndex) -> None:
    index.add(1, 1, ARTICLE)
    assert index.match(unicodedata.normalize("NFD", ARTICLE)) == [(1, 1.0)]


# --- MinHash ---------------------------------------------------------------------------------


def test_minhash_estimate_tracks_exact_jaccard() -> None:
    rng = np.random.default_rng(3)
    hasher = MinHasher(128)
    errors = []
    for _ in range(200):
        universe = rng.integers(0, 2**63, size=800, dtype=np.uint64)
        overlap = int(rng.integers(0, 400))
        a, b = universe[:400], np.concatenate([universe[:overlap], universe[400 : 800 - overlap]])
        exact = np.intersect1d(a, b).size / np.union1d(a, b).size
        errors.append(estimated_jaccard(hasher.signature(a), hasher.signature(b)) - exact)
    assert abs(np.mean(errors)) < 0.01  # unbiased
    assert np.mean(np.abs(errors)) < 0.04  # theory for 128 permutations: <= 0.035


def test_shingles_of_short_and_empty_texts() -> None:
    assert shingle_hashes("", 4).size == 0
    assert shingle_hashes("Thông báo", 4).size == 1


# --- facts -----------------------------------------------------------------------------------


def test_template_siblings_conflict_on_facts() -> None:
    assert facts_conflict(fact_pairs(weekly_schedule(5)), fact_pairs(weekly_schedule(12)))
    assert facts_conflict(fact_pairs(weather(3, 24, 31)), fact_pairs(weather(3, 25, 31)))
    assert facts_conflict(fact_pairs(appointment("Nguyễn Văn An", 1234)), fact_pairs(appointment("Trần Quang Hùng", 1234)))


def test_syndicated_variants_do_not_conflict() -> None:
    original = fact_pairs(ARTICLE)
    for variant in syndicated_variants(ARTICLE):
        assert not facts_conflict(original, fact_pairs(variant))


# --- the index -------------------------------------------------------------------------------


def test_syndicated_variants_join_the_story(index: StoryIndex) -> None:
    assert index.assign(10, ARTICLE) == 10
    for article_id, variant in enumerate(syndicated_variants(ARTICLE), start=11):
        assert index.assign(article_id, variant) == 10, f"variant {article_id} split off"


def test_replica_article_copy_with_a_paragraph_less_and_a_source_line_merges(index: StoryIndex) -> None:
    """A copy as district portals make them: the last paragraph dropped, a source line added.
    (Runs on a replica article, so it never depends on files outside the project.)"""
    article = build_replica().sites["city"].articles[0]
    body = "\n\n".join(article.body)
    index.assign(1, body)
    copy = "\n\n".join(article.body[:-1]) + "\n\nTheo Cổng TTĐT thành phố Hải Phòng"
    assert index.assign(2, copy) == 1


@pytest.mark.parametrize(
    "family",
    [
        [weekly_schedule(week) for week in (5, 12, 19, 26)],
        [weather(day, low, high) for day, low, high in ((3, 24, 31), (4, 25, 32), (5, 24, 33), (6, 26, 31))],
        [appointment(person, 1234 + n) for n, person in enumerate(["Nguyễn Văn An", "Trần Quang Hùng", "Lê Thị Hoa"])],
    ],
    ids=["weekly-schedule", "weather", "appointment"],
)
def test_template_families_stay_apart(index: StoryIndex, family: list[str]) -> None:
    stories = [index.assign(article_id, text) for article_id, text in enumerate(family, start=100)]
    assert len(set(stories)) == len(family)


def test_template_instance_syndicated_merges_with_its_own_instance(index: StoryIndex) -> None:
    for article_id, week in enumerate((5, 12, 19), start=1):
        index.assign(article_id, weekly_schedule(week))
    copy = weekly_schedule(12) + "\n\nTheo Cổng TTĐT quận Lê Chân"
    assert index.assign(4, copy) == 2


def test_template_family_is_jaccard_close_but_apart() -> None:
    """The reason for the fact check: Jaccard alone cannot tell these apart."""
    hasher = MinHasher(128)
    a, b = (hasher.signature(shingle_hashes(weather(3, 24, 31), 4)), hasher.signature(shingle_hashes(weather(3, 25, 31), 4)))
    assert estimated_jaccard(a, b) > 0.6


def test_unrelated_article_is_a_new_story(index: StoryIndex) -> None:
    index.assign(1, ARTICLE)
    assert index.assign(2, weather(3, 24, 31)) == 2
    assert index.match("") == []


def test_state_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    conn = sqlite3.connect(path)
    first = StoryIndex(conn)
    first.ensure_schema()
    first.assign(1, ARTICLE)
    first.assign(2, weekly_schedule(5))
    conn.commit()
    conn.close()

    conn = sqlite3.connect(path)
    second = StoryIndex(conn)
    second.ensure_schema()
    assert second.assign(3, syndicated_variants(ARTICLE)[1]) == 1
    assert second.assign(4, weekly_schedule(12)) == 4
    assert second.story_of(3) == 1
    conn.close()


def test_index_does_not_commit(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    conn = sqlite3.connect(path)
    index = StoryIndex(conn)
    index.ensure_schema()
    conn.commit()
    index.assign(1, ARTICLE)
    conn.rollback()
    assert index.story_of(1) is None


def test_reopening_with_other_lsh_parameters_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "dedup.sqlite")
    StoryIndex(conn).ensure_schema()
    with pytest.raises(ValueError, match="rebuild"):
        StoryIndex(conn, num_perm=64).ensure_schema()


def test_re_adding_an_article_replaces_it(index: StoryIndex) -> None:
    index.add(1, 1, ARTICLE)
    index.add(1, 1, weather(3, 24, 31))
    assert index.match(ARTICLE) == []
    assert index.conn.execute("SELECT COUNT(*) FROM dedup_bands WHERE article_id = 1").fetchone()[0] == index.bands


def test_candidate_lookup_is_bounded_by_bands_and_cap(index: StoryIndex) -> None:
    for article_id in range(1, 201):
        index.add(article_id, article_id, ARTICLE + f"\n\nSố {article_id}")
    candidates = index._candidates(index.fingerprint(ARTICLE), day_number(None), exclude=())
    assert len(candidates) <= index.bands * index.bucket_cap
    assert len(candidates) <= index.bucket_cap * 2  # siblings share buckets: far below the bound


# --- the time window ---------------------------------------------------------------------------


def test_copy_within_the_window_merges_and_one_beyond_it_does_not(index: StoryIndex) -> None:
    day = date(2023, 6, 21)
    index.assign(1, ARTICLE, day)
    variants = syndicated_variants(ARTICLE)
    assert index.assign(2, variants[1], day + timedelta(days=index.window_days)) == 1
    assert index.assign(3, variants[0], day - timedelta(days=index.window_days + 1)) == 3  # near copies: window only
    assert index.assign(4, ARTICLE, date(2030, 1, 1)) == 1  # exact copies: any date


def test_window_reaches_across_an_epoch_boundary(index: StoryIndex) -> None:
    last_of_epoch = date.fromordinal((date(2023, 6, 1).toordinal() // index.epoch_days + 1) * index.epoch_days - 1)
    index.assign(1, ARTICLE, last_of_epoch)
    assert index.assign(2, syndicated_variants(ARTICLE)[0], last_of_epoch + timedelta(days=1)) == 1
    epochs = {row[0] for row in index.conn.execute("SELECT epoch FROM dedup_bands")}
    assert len(epochs) == 2


def test_archive_recrawl_finds_copies_near_its_own_date(index: StoryIndex) -> None:
    """An old article added after years of newer ones still meets its own story."""
    index.assign(1, ARTICLE, "2019-03-04T08:00:00+07:00")
    for article_id, week in enumerate(range(5, 25), start=2):
        index.assign(article_id, weekly_schedule(week % 28 + 1), date(2024, 1, 1) + timedelta(days=7 * week))
    assert index.assign(100, syndicated_variants(ARTICLE)[2], "2019-03-05") == 1


def test_day_number_reads_dates_datetimes_and_portal_local_iso_strings() -> None:
    assert day_number("2023-06-21T23:30:00+07:00") == date(2023, 6, 21).toordinal()
    assert day_number(date(2023, 6, 21)) == day_number("2023-06-21")
    assert day_number(None) == date.today().toordinal()


def test_epoch_length_is_kept_when_the_window_setting_changes(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "dedup.sqlite")
    first = StoryIndex(conn, window_days=30)
    first.ensure_schema()
    first.assign(1, ARTICLE, date(2023, 6, 21))
    wider = StoryIndex(conn, window_days=60)
    wider.ensure_schema()
    assert wider.epoch_days == 30
    assert wider.assign(2, syndicated_variants(ARTICLE)[1], date(2023, 8, 10)) == 1  # 50 days apart


def test_tables_from_before_the_time_partition_are_upgraded(tmp_path: Path) -> None:
    """The layout without epochs (dates not kept): rebuilt in place, articles filed under today."""
    conn = sqlite3.connect(tmp_path / "dedup.sqlite")
    index = StoryIndex(conn)
    old_tables = [
        "CREATE TABLE dedup_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE dedup_signatures (article_id INTEGER PRIMARY KEY, story_id INTEGER NOT NULL, content_hash TEXT "
        "NOT NULL, shingle_count INTEGER NOT NULL, signature BLOB NOT NULL, facts BLOB NOT NULL)",
        "CREATE TABLE dedup_bands (band INTEGER NOT NULL, bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (band, bucket, article_id)) WITHOUT ROWID",
    ]
    for statement in old_tables:
        conn.execute(statement)
    old_meta = {k: v for k, v in index._layout().items() if k != "epoch_days"}
    conn.executemany("INSERT INTO dedup_meta VALUES (?, ?)", old_meta.items())
    fingerprint = index.fingerprint(ARTICLE)
    conn.execute(
        "INSERT INTO dedup_signatures VALUES (7, 7, ?, ?, ?, ?)",
        (fingerprint.content_hash, fingerprint.shingle_count, fingerprint.signature.astype("<u4").tobytes(),
         fingerprint.facts.rows[:, :2].copy().astype("<u8").tobytes()),
    )
    conn.executemany("INSERT INTO dedup_bands VALUES (?, ?, 7)", index._buckets(fingerprint.signature))

    index.ensure_schema()
    assert conn.execute("SELECT COUNT(*) FROM dedup_bands WHERE epoch IS NOT NULL").fetchone()[0] == index.bands
    assert index.assign(8, syndicated_variants(ARTICLE)[1]) == 7
    StoryIndex(conn).ensure_schema()  # and the upgraded layout is accepted from then on


# --- scoring -----------------------------------------------------------------------------------


def test_score_grouping() -> None:
    truth = pairs_from_groups({1: 1, 2: 1, 3: 1, 4: 4})
    assert truth == {(1, 2), (1, 3), (2, 3)}
    predicted = pairs_from_groups({1: 1, 2: 1, 3: 3, 4: 1})
    precision, recall = score_grouping(truth, predicted)
    assert precision == pytest.approx(1 / 3)
    assert recall == pytest.approx(1 / 3)
    assert score_grouping(set(), set()) == (1.0, 1.0)


# --- Vietnamese spelling variants, host furniture, order independence ---------------------------

VENUE = [
    "Nhà Văn hóa quận Ngô Quyền tọa lạc tại số 12 đường Lê Lợi, là thiết chế văn hóa trung tâm của quận với hội trường "
    "600 chỗ ngồi, phòng triển lãm, thư viện và sân khấu ngoài trời, thường xuyên phục vụ các hoạt động văn hóa, "
    "văn nghệ, thể dục thể thao của cán bộ và Nhân dân trên địa bàn.",
    "Trong năm qua, Nhà Văn hóa quận đã tổ chức hơn 120 chương trình, thu hút trên 35 nghìn lượt người tham gia; "
    "các câu lạc bộ thơ, dưỡng sinh, cờ tướng, khiêu vũ và võ thuật duy trì sinh hoạt đều đặn, góp phần xây dựng "
    "đời sống văn hóa cơ sở, nâng cao chất lượng phong trào toàn dân đoàn kết xây dựng đời sống văn hóa.",
]
EXHIBITION = "Sáng 12/3, Phòng Văn hóa và Thông tin quận khai mạc Triển lãm ảnh Ngô Quyền 55 năm xây dựng và phát triển với 150 bức ảnh tư liệu."
CHESS = "Ngày 20/3, Hội Người cao tuổi quận tổ chức Giải cờ tướng người cao tuổi quận năm 2024 với 64 kỳ thủ đến từ 13 phường."


def venue_item(own: str, extra: str | None = None) -> str:
    return "\n\n".join([own, *VENUE] + ([extra] if extra else []))


def test_old_and_new_tone_placement_are_one_story(index: StoryIndex) -> None:
    new_style = normalize_tones(ARTICLE, style=NEW)
    assert new_style != ARTICLE and "uỷ" in new_style  # "Đảng ủy" -> "Đảng uỷ": a real difference
    assert not facts_conflict(fact_pairs(ARTICLE), fact_pairs(new_style))
    index.assign(1, ARTICLE)
    assert index.assign(2, new_style) == 1


def test_same_venue_items_of_one_host_stay_apart_and_their_copies_join_them(index: StoryIndex) -> None:
    exhibition, chess = venue_item(EXHIBITION), venue_item(CHESS)
    index.assign(1, exhibition, host="ngoquyen")
    assert index.assign(2, chess, host="ngoquyen") == 2
    assert index.story_of(1) == 1
    assert index.assign(3, venue_item(EXHIBITION, "Theo Cổng TTĐT quận Ngô Quyền"), host="city") == 1
    assert index.assign(4, unicodedata.normalize("NFD", chess), host="lechan") == 2


def test_same_venue_items_on_portals_that_never_saw_two_of_them_stay_apart(index: StoryIndex) -> None:
    """No furniture is known (no host printed two of them); each item's own lead is found nowhere in
    the other, so the venue's paragraphs alone make no story. Their copies still join them."""
    exhibition, chess = venue_item(EXHIBITION), venue_item(CHESS)
    assert similarity.estimated_jaccard(index.fingerprint(exhibition).signature, index.fingerprint(chess).signature) > 0.5
    assert index.assign(1, exhibition, host="ngoquyen") == 1
    assert index.assign(2, chess, host="lechan") == 2
    assert index.assign(3, exhibition + "\n\nTheo Cổng TTĐT quận Ngô Quyền", host="city") == 1
    assert index.assign(4, unicodedata.normalize("NFD", chess), host="haian") == 2
    assert index.conn.execute("SELECT COUNT(*) FROM dedup_furniture").fetchone()[0] == 0


#: One-sentence events at the venue: each about an eighth of its item's shingles, too little of its own
#: for the pair rule (15%), with no fact in a shared context that tells them apart.
SHORT_EVENTS = [
    "Hội Người cao tuổi quận tổ chức giải cờ tướng người cao tuổi với sự tham gia của nhiều kỳ thủ.",
    "Quận đoàn tổ chức ngày hội đọc sách cho thiếu nhi với sự tham gia của nhiều em học sinh.",
    "Liên đoàn Lao động quận tổ chức giải bóng bàn công nhân viên chức với sự tham gia của nhiều đội.",
]


def test_one_sentence_venue_items_of_one_host_stay_apart_in_any_order() -> None:
    """Three items of one host whose own text is one sentence share the venue's two paragraphs: a
    pair alone is no evidence of furniture (each keeps under 15% of its own), but three articles of
    one host that each keep something the others do not hold are three items: the paragraphs are the
    host's furniture and the items stay apart, whatever order they arrive in. Their copies on another
    portal still join them."""
    items = [("ngoquyen", venue_item(own)) for own in SHORT_EVENTS]
    items += [("city", venue_item(SHORT_EVENTS[0], "Theo Cổng TTĐT quận Ngô Quyền"))]
    first, second = (StoryIndex(None).fingerprint(text) for _, text in items[:2])
    shared = int(similarity._shared_paragraphs(first.paragraphs, second.paragraphs)[1].sum())
    own_shares = [(f.shingle_count - shared) / f.shingle_count for f in (first, second)]
    assert all(share < similarity.FURNITURE_MIN_OWN_SHARE for share in own_shares)
    rng = random.Random(19)
    orders = [list(range(len(items)))] + [rng.sample(range(len(items)), len(items)) for _ in range(9)]
    answers = {grouping(items, order) for order in orders}
    assert answers == {frozenset({frozenset({0, 3}), frozenset({1}), frozenset({2})})}


def test_a_dated_lead_is_a_fact_of_its_item() -> None:
    """The first words of a text are a fact context too (padded like a paragraph start): two notices
    of one template that differ in the date of their opening words conflict."""
    first = "Am 24. März veranstaltet der Heimatverein einen Vortrag mit vielen Gästen im großen Saal der Stadthalle."
    assert facts_conflict(fact_pairs(first), fact_pairs(first.replace("24.", "10.")))
    assert not facts_conflict(fact_pairs(first), fact_pairs("BERLIN (dpa) – " + first))


def test_a_host_reposting_its_own_story_learns_no_furniture(index: StoryIndex) -> None:
    index.assign(1, ARTICLE, host="city")
    index.assign(2, ARTICLE.replace("Các đại biểu tham dự tập huấn.", "Các đại biểu dự tập huấn."), host="city")
    assert index.conn.execute("SELECT COUNT(*) FROM dedup_furniture").fetchone()[0] == 0
    assert index.assign(3, syndicated_variants(ARTICLE)[2], host="lechan") == 1


def test_an_article_matching_two_stories_joins_them(index: StoryIndex) -> None:
    paragraphs = ARTICLE.split("\n\n")
    trimmed = "\n\n".join(paragraphs[:5])  # the end dropped
    extended = "\n\n".join(paragraphs[1:])  # the lead dropped
    assert index.assign(1, trimmed) == 1
    assert index.assign(2, extended) == 2, "the two abridged copies alone are not one story"
    assert index.assign(3, ARTICLE) == 1
    assert index.moved == {2: 1}
    assert index.story_of(2) == 1


def order_fixture() -> list[tuple[str, str]]:
    """(host, text): stories and copies, tone variants, a template family, same-venue items."""
    items = [("city", ARTICLE)] + [(host, v) for host, v in zip(["lechan", "ngoquyen", "hongbang", "lechan", "ngoquyen"],
                                                                 syndicated_variants(ARTICLE))]
    items.append(("hongbang", normalize_tones(ARTICLE, style=NEW)))
    paragraphs = ARTICLE.split("\n\n")
    items += [("lechan", "\n\n".join(paragraphs[:5])), ("hongbang", "\n\n".join(paragraphs[1:]))]
    items += [("ngoquyen", weekly_schedule(week)) for week in (5, 12, 19)]
    items += [("lechan", weekly_schedule(12) + "\n\nTheo Cổng TTĐT quận Ngô Quyền")]
    items += [("ngoquyen", venue_item(EXHIBITION)), ("ngoquyen", venue_item(CHESS)),
              ("city", venue_item(EXHIBITION, "Theo Cổng TTĐT quận Ngô Quyền")), ("lechan", venue_item(CHESS))]
    items += [("city", weather(day, low, high)) for day, low, high in ((3, 24, 31), (4, 25, 32))]
    return items


def grouping(items: list[tuple[str, str]], order: list[int]) -> frozenset[frozenset[int]]:
    index = StoryIndex(sqlite3.connect(":memory:"))
    index.ensure_schema()
    for article_id, item in enumerate(order, start=1):
        host, text = items[item]
        index.assign(article_id, text, date(2023, 6, 21), host=host)
    stories: dict[int, set[int]] = {}
    for article_id, item in enumerate(order, start=1):
        stories.setdefault(index.story_of(article_id), set()).add(item)
    return frozenset(frozenset(members) for members in stories.values())


def test_grouping_is_the_same_in_any_arrival_order() -> None:
    items = order_fixture()
    rng = random.Random(19)
    orders = [list(range(len(items)))]
    for _ in range(9):
        orders.append(rng.sample(range(len(items)), len(items)))
    answers = {grouping(items, order) for order in orders}
    assert len(answers) == 1
    (answer,) = answers
    story_of = {item: members for members in answer for item in members}
    assert story_of[0] == frozenset(range(9))  # the article, its copies, its tone variant, both abridged copies
    assert story_of[10] == frozenset({10, 12})  # the schedule of week 12 and its copy; other weeks apart
    assert len(story_of[9]) == len(story_of[11]) == 1
    assert story_of[13] == frozenset({13, 15}) and story_of[14] == frozenset({14, 16})  # venue items apart


def test_one_text_on_very_many_pages_stays_one_story_without_recomputing_it(index: StoryIndex, monkeypatch) -> None:
    monkeypatch.setattr(similarity, "COMPONENT_CAP", 5)
    stories = {index.assign(article_id, ARTICLE + ("\n\nTheo Báo Hải Phòng" if article_id % 2 else "")) for article_id in range(1, 12)}
    assert stories == {1}


def test_a_typo_in_a_name_is_no_substitution_but_a_changed_date_or_name_is() -> None:
    """One slip of the keyboard in a word (swapped, mistyped, doubled or dropped letter) keeps a name;
    other words, numbers, dates and letters with other diacritics are other facts."""
    typo = ARTICLE.replace("Trịnh Quang Trường", "Trịnh Quang Tưrờng").replace("Truyền thông", "Tryuền thông")
    assert not facts_conflict(fact_pairs(ARTICLE), fact_pairs(typo))
    assert facts_conflict(fact_pairs(ARTICLE), fact_pairs(ARTICLE.replace("Trịnh Quang Trường", "Lê Văn Hùng")))
    assert facts_conflict(fact_pairs(weather(3, 24, 31)), fact_pairs(weather(3, 25, 31)))
    short = "Ngày 12/5, ông Lê Văn An phát biểu tại hội nghị. Ông An nhấn mạnh."
    assert facts_conflict(fact_pairs(short), fact_pairs(short.replace("Lê Văn An", "Lê Văn Ân")))


def test_typos_at_the_first_or_last_letter_and_in_short_words_are_forgiven() -> None:
    text = ("The council met on Monday. They agreed that Anna Berger will lead the new office for 20 Jahre "
            "and the budget of the office. Your questions go to the clerk of the council.")
    slips = [("They agreed", "Tehy agreed"), ("Your questions", "Yor questions"), ("Anna Berger", "Anna Bergr"),
             ("Anna Berger", "Anna Berrger"), ("Anna Berger", "Anna Gerger"), ("20 Jahre", "20 Jxhre"), ("Monday", "Mondya"),
             ("Anna Berger", "Anna Bregen")]  # a swap and a mistyped letter in six letters: two slips, no other name
    for before, after in slips:
        assert not facts_conflict(fact_pairs(text), fact_pairs(text.replace(before, after))), after
    for before, after in [("20 Jahre", "21 Jahre"), ("Anna Berger", "Anna Bäcker"), ("Anna Berger", "Paul Berger"),
                          ("Anna Berger", "Anne Burger"), ("Anna Berger", "Anna Becker")]:
        assert facts_conflict(fact_pairs(text), fact_pairs(text.replace(before, after))), after


def test_a_label_opening_a_paragraph_is_no_fact_but_what_follows_it_is() -> None:
    """Two portals label one caption or one summary each their own way ("Ảnh:"/"Photo:", "Update:"/"Kurz:"):
    the label is no fact; a name or date after it still is."""
    text = ARTICLE + "\n\nẢnh: Quang cảnh hội nghị tại quận Ngô Quyền sáng nay."
    assert not facts_conflict(fact_pairs(text), fact_pairs(text.replace("Ảnh:", "Photo:")))
    lead = "Summary: The council met on Monday and agreed the budget for the new office.\n\n" + ARTICLE
    assert not facts_conflict(fact_pairs(lead), fact_pairs(lead.replace("Summary:", "Update:")))
    assert facts_conflict(fact_pairs(text), fact_pairs(text.replace("quận Ngô Quyền", "quận Lê Chân")))
    assert facts_conflict(fact_pairs(lead), fact_pairs(lead.replace("on Monday", "on Friday")))


def test_typo_near() -> None:
    assert typo_near("hong\x1fkong", "hong\x1fknog") and typo_near("they", "tehy") and typo_near("trump", "trrump")
    assert typo_near("private\x1fmusic\x1flessons", "privae\x1fmusic\x1flsesons")  # one word of three unchanged
    assert not typo_near("anna\x1fmeier", "anne\x1fmeyer")  # no word unchanged: another person
    assert not typo_near("hùng", "hưng") and not typo_near("lan", "lân") and not typo_near("dũng", "đũng")
    assert not typo_near("12.6", "21.6") and not typo_near("20\x1fjahre", "21\x1fjahre") and not typo_near("abc", "bca")
    assert not typo_near("to", "np") and not typo_near("de", "d")
    assert typo_near("effective", "eefecitve") and not typo_near("tutor", "utotr")  # two slips: words of 6+ letters only
    assert typo_near("gerard", "gearrrd") and typo_near("noting", "zooting") and typo_near("piping", "pipug")
    assert not typo_near("berger", "becker") and not typo_near("jensen", "hansen")  # two letters replaced in place
    assert typo_near("exchange", "hxchynge")  # ... in a word of 8 letters: two slips, as before
    assert not typo_near("theaterbühne", "theaterbuhne") and not typo_near("friedrich", "friederike")


def test_moving_paragraphs_changes_no_fact_context() -> None:
    paragraphs = ARTICLE.split("\n\n")
    moved = paragraphs[:1] + paragraphs[3:5] + paragraphs[1:3] + paragraphs[5:]
    assert not facts_conflict(fact_pairs(ARTICLE), fact_pairs("\n\n".join(moved)))


def test_tables_of_an_older_text_form_are_marked_stale(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "dedup.sqlite")
    StoryIndex(conn).ensure_schema()
    conn.execute("UPDATE dedup_meta SET value = '2' WHERE name = 'text_form'")
    reopened = StoryIndex(conn)
    reopened.ensure_schema()
    assert reopened.stale
    again = StoryIndex(conn)
    again.ensure_schema()
    assert not again.stale


def test_candidates_rejected_before_decoding_are_those_the_full_checks_reject() -> None:
    """_verified skips a candidate on its signature and paragraph hashes alone; on every pair of a
    mixed set (copies, template siblings, same-venue items with furniture, unrelated replica
    articles) that must give exactly the matches the full checks give."""
    items = order_fixture()
    replica = build_replica()
    items += [(article.site, "\n\n".join(article.body)) for article in replica.all_articles()[:40]]
    index = StoryIndex(sqlite3.connect(":memory:"))
    index.ensure_schema()
    for article_id, (host, text) in enumerate(items, start=1):
        index.assign(article_id, text, date(2023, 6, 21), host=host)
    assert index.conn.execute("SELECT COUNT(*) FROM dedup_furniture").fetchone()[0] > 0
    everyone = list(range(1, len(items) + 1))
    stored = index._load(everyone)
    rng = np.random.default_rng(17)
    skipped = low_but_passed = 0
    for article_id, (_, text) in enumerate(items, start=1):
        exact = index.fingerprint(text)
        # the same paragraphs with most signature positions redrawn: a low estimate that only the
        # exactly shared (non-furniture) paragraphs can still carry past the threshold
        noisy = replace(exact, signature=np.where(rng.random(exact.signature.size) < 0.7,
                                                  rng.integers(0, 2**32, exact.signature.size, dtype=np.uint32),
                                                  exact.signature).astype(np.uint32))
        others = [other for other in everyone if other != article_id]
        for fingerprint in (exact, noisy):
            full = {other: index._verify(fingerprint, stored[other]) for other in others}
            quick = {m.article_id: m.similarity for m in index._verified(fingerprint, others)}
            assert quick == {other: value for other, value in full.items() if value is not None}
            skipped += sum(1 for value in full.values() if value is None)
            low_but_passed += sum(1 for other, value in full.items() if value is not None and
                                  estimated_jaccard(fingerprint.signature, stored[other].signature) < index.threshold)
    assert skipped > len(items)  # most pairs are rejections: the quick path was exercised
    assert low_but_passed  # and some matches pass on their shared paragraphs with a low estimate


def test_a_word_opening_a_sentence_is_forgiven_more_typing_errors_than_a_name() -> None:
    """A lone capitalised word after a sentence's end carries the sentence's capital: a copy's two or
    three typing errors in it ("Start" -> "Stxa", "Money" -> "Mhy") are no substituted name. A name the
    text also capitalises inside a sentence keeps the strict rule where it opens one."""
    text = ("The council met on Monday and agreed the budget of the new office. Start by reading the plan "
            "online before the meeting. Money for the office comes from the district budget of 2024.")
    for before, after in [("Start by", "Stxa by"), ("Money for", "Mhy for")]:
        assert not facts_conflict(fact_pairs(text), fact_pairs(text.replace(before, after))), after
    named = ("The council appointed Becker as head of the office on Monday. Becker said the plan will be "
             "read online before the meeting of the district council in May.")
    assert facts_conflict(fact_pairs(named), fact_pairs(named.replace("Becker said", "Berger said")))
    assert facts_conflict(fact_pairs(text), fact_pairs(text.replace("on Monday", "on Friday")))
