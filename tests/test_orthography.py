"""crawler.text.orthography: one tone placement for comparison, whatever style a portal types."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.text.orthography import NEW, normalize_tones, syllable_tones


@pytest.mark.parametrize(
    ("new_style", "traditional"),
    [("hoà", "hòa"), ("hoá", "hóa"), ("hoả", "hỏa"), ("hoã", "hõa"), ("hoạ", "họa"), ("khoẻ", "khỏe"),
     ("xoè", "xòe"), ("thuỷ", "thủy"), ("tuỳ", "tùy"), ("Uỷ", "Ủy"), ("uý", "úy"), ("luỹ", "lũy"), ("truỵ", "trụy")],
)
def test_open_oa_oe_uy_map_to_one_placement(new_style: str, traditional: str) -> None:
    assert normalize_tones(new_style) == normalize_tones(traditional) == traditional
    assert normalize_tones(traditional, style=NEW) == new_style


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("qủa", "quả"), ("qúy", "quý"), ("quỳnh", "quỳnh"), ("quốc", "quốc"),  # qu- is the initial
        ("gìa", "già"), ("giữa", "giữa"), ("gì", "gì"), ("gìn", "gìn"),  # gi- too, unless i is the only vowel
        ("hòan", "hoàn"), ("tóan", "toán"), ("húynh", "huýnh"),  # a final consonant: last vowel
        ("hoài", "hoài"), ("khuỷu", "khuỷu"), ("ngoéo", "ngoéo"),  # three vowels: the middle one
        ("tiếng", "tiếng"), ("người", "người"), ("thuở", "thuở"),  # a modified vowel takes it
        ("mía", "mía"), ("múa", "múa"), ("túi", "túi"),  # other open pairs: the first vowel
    ],
)
def test_placement_follows_the_syllable(written: str, canonical: str) -> None:
    assert syllable_tones(written) == canonical


def test_words_that_are_no_vietnamese_syllable_are_left_alone() -> None:
    text = "Café José voilà Müller Straße résumé naïve"
    assert normalize_tones(text) == text


def test_nfc_first_case_kept_and_text_around_untouched() -> None:
    decomposed = unicodedata.normalize("NFD", "UỶ BAN nhân dân quận, hoà giải 12/6.")
    assert normalize_tones(decomposed) == "ỦY BAN nhân dân quận, hòa giải 12/6."


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        normalize_tones("hoà", style="modern")
