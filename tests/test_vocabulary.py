"""The generic word lists (crawler/text/vocabulary.py) hold what many sites share and no portal's
furniture; one portal family's own rule lives in its module (crawler/families/haiphong_vocabulary.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crawler.extraction import extract_page
from crawler.extraction.generic import extract_generic
from crawler.extraction.html import parse_html
from crawler.extraction.record import Context
from crawler.families import haiphong_vocabulary
from crawler.replica import build_replica
from crawler.replica.templates import article_page
from crawler.text import vocabulary
from crawler.text.counters import has_slide_counter, strip_slide_counter

ROOT = Path(__file__).resolve().parent.parent
VI = Context(url="https://portal.example.vn/tin-tuc/bai-viet.html", languages=("vi",), timezone="Asia/Ho_Chi_Minh")
PARAGRAPHS = [
    "Ngày 21/6, 130 đại biểu là các thành viên Ban Chỉ đạo, Tổ Thư ký, Nhóm cộng tác viên tham gia tập huấn.",
    ("Phát biểu khai mạc Hội nghị, đồng chí Phó Bí thư Thường trực Quận ủy nêu rõ, trong bối cảnh hiện nay, "
     "các thế lực thù địch vẫn ra sức chống phá bằng nhiều thủ đoạn."),
    "Tại Hội nghị, các đại biểu được chia sẻ các kinh nghiệm thực tiễn, truyền đạt, cung cấp kiến thức, nghiệp vụ.",
]
# The replica's sidebar widgets: the Hai Phong theme's furniture, printed on no other site.
PORTAL_FURNITURE = ("Tiện ích thông tin", "Nguồn tin", "QR Code", "Mã QR Code truy cập vào Fanpage",
                    "Chúng tôi trên Mạng Xã hội")


def article(closing: str) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f"<html><body><article><h1>Tiêu đề bài viết đủ dài</h1>{paragraphs}{closing}</article></body></html>"


def test_every_generic_word_list_says_what_many_sites_share():
    """Each list of the vocabulary module is introduced by a comment (the pattern it stands for)."""
    source = (ROOT / "crawler/text/vocabulary.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    names = [node.targets[0].id for node in ast.parse(source).body
             if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)]
    assert len(names) >= 25
    uncommented = [name for name in names
                   if not lines[next(i for i, line in enumerate(lines) if line.startswith(f"{name} = ")) - 1].startswith("#")]
    assert uncommented == []


@pytest.mark.parametrize("line", PORTAL_FURNITURE)
def test_no_portal_furniture_in_the_generic_line_list(line):
    assert not vocabulary.BOILERPLATE_LINE.match(line)


def test_generic_furniture_lines_still_go():
    for line in ("Tin khác", "Xem thêm", "Chia sẻ", "Read more", "Lesen Sie auch", "© 2024 Báo Hải Phòng"):
        assert vocabulary.BOILERPLATE_LINE.match(line), line


def test_the_replica_read_without_its_profile_shows_none_of_its_widgets():
    site = build_replica().sites["ngoquyen"]
    for item in site.articles[:12]:
        record = extract_page(article_page(site, item, []).encode("utf-8"), "http://127.0.0.1:8765" + item.path)
        assert record.body == item.body
        assert not any(widget.casefold() in record.body_text.casefold() for widget in PORTAL_FURNITURE)


# --- the Hai Phong family's signature line ---------------------------------------------------------

OFFICE = "Trung tâm Khí tượng Thủy văn"


@pytest.mark.parametrize("closing, signs", [
    (f'<p style="text-align: right;"><strong>{OFFICE}</strong></p>', True),
    (f'<div style="TEXT-ALIGN:RIGHT"><p><b>{OFFICE}</b></p></div>', True),
    (f"<p><strong>{OFFICE}</strong></p>", False),  # bold alone: a heading, a call to action
    (f'<p style="text-align: right;">{OFFICE}</p>', False),  # right-aligned alone
    ('<p style="text-align: right;"><strong>Xem thêm:</strong></p>', False),
    ('<p style="text-align: right;"><strong>Hải Phòng, ngày 21/6/2024</strong></p>', False),
])
def test_the_family_signature_is_right_aligned_bold_and_short(closing, signs):
    tree = parse_html(article(closing))
    element = tree.findall(".//p")[-1]
    text = " ".join("".join(element.itertext()).split())
    assert haiphong_vocabulary.is_signature(element, text) is signs


def test_an_office_signs_through_the_family_rule_and_leaves_the_body():
    found = extract_generic(parse_html(article(f'<p style="text-align: right;"><strong>{OFFICE}</strong></p>')), VI)
    assert found["authors"] == [OFFICE]
    assert found["body"] == PARAGRAPHS


# --- slide counters: one pattern for body lines and captions -------------------------------------------

@pytest.mark.parametrize("word", vocabulary.SLIDE_COUNTER_WORDS)
def test_a_slide_counter_in_any_listed_language_is_found_in_lines_and_captions(word):
    assert has_slide_counter(f"Toàn cảnh hội nghị 3 {word} 12 | Ảnh: Minh Hảo")
    assert strip_slide_counter(f"3 {word} 12 | Toàn cảnh hội nghị") == "Toàn cảnh hội nghị"


def test_numbers_that_are_no_counter_stay():
    assert not has_slide_counter("Ngày 21/6, 130 đại biểu tham gia tập huấn")
    assert strip_slide_counter("130 đại biểu tham gia tập huấn") == "130 đại biểu tham gia tập huấn"
    assert strip_slide_counter("2024 of 12") == "2024 of 12"


@pytest.mark.parametrize("counter", ["2 di 12 |", "2 av 12 |", "2 of 12 |", "2/12"])
def test_a_caption_loses_its_leading_slide_counter(counter):
    """Captions used a shorter word list than body lines ("di", "av" were missing)."""
    photo = f'<figure><img src="/p/1.jpg"><figcaption>{counter} Toàn cảnh hội nghị tập huấn</figcaption></figure>'
    found = extract_generic(parse_html(article(photo)), VI)
    assert [image.caption for image in found["images"]] == ["Toàn cảnh hội nghị tập huấn"]
