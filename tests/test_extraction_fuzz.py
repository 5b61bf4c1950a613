"""Property tests: any bytes, any mutated HTML, the profile-free layers never crash and stay fast."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction.generic import extract_generic
from crawler.extraction.html import NotHTML, decode_html, parse_html
from crawler.extraction.record import Context
from crawler.extraction.structured import extract_structured

CTX = Context(url="https://portal.example.vn/a/b.html", languages=("vi",), timezone="Asia/Ho_Chi_Minh")
SECONDS_PER_PAGE = 10.0  # a hang guard (the per-document limit), not a speed measurement

TAGS = ["p", "div", "span", "h1", "h2", "figure", "figcaption", "table", "tr", "td", "img", "em",
        "article", "time", "script", "a", "ul", "li", "br", "meta", "nav", "footer"]
ATTRS = ['', ' class="caption"', ' class="byline"', ' class="share"', ' class="date"',
         ' src="/x.jpg"', ' data-src="//cdn/x.jpg"', ' srcset="a.jpg 2x, , b.jpg 100w"',
         ' datetime="2022-06-22T07:10"', ' type="application/ld+json"', ' property="og:title" content="T"',
         ' style="display:none"', ' rel="author"', ' itemprop="author"']
TEXTS = ["", "Ngày 21/6", "Thứ Tư, 22/06/2022 07:10", "Minh Hảo", "Theo TTXVN", "By Jane Doe",
         '{"@type": "NewsArticle", "author": {"name": 5}, "headline": ["x"]}', '{"@graph": [null, 1, "x"]}',
         "Ảnh: TTXVN", "32/13/2022 99:99", "a" * 300, "<", "&amp;", "\x00", "\u200b", "🙂"]


@st.composite
def html_fragments(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            inner = draw(html_fragments(depth=depth + 1))
            closed = draw(st.booleans())
            parts.append(f"<{tag}{draw(st.sampled_from(ATTRS))}>{inner}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(st.one_of(st.sampled_from(TEXTS), st.text(max_size=40))))
    return "".join(parts)


def run_layers(raw: bytes) -> None:
    start = time.perf_counter()
    try:
        tree = parse_html(decode_html(raw))
    except NotHTML:
        return
    structured = extract_structured(tree, CTX)
    generic = extract_generic(tree, CTX)
    assert time.perf_counter() - start < SECONDS_PER_PAGE
    assert isinstance(structured, dict) and isinstance(generic, dict)
    assert all(isinstance(p, str) and p for p in generic.get("body", []))
    assert all(isinstance(name, str) and name for name in generic.get("authors", []) + structured.get("authors", []))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_fragments())
def test_random_html_never_crashes(fragment: str) -> None:
    run_layers(f"<html><head></head><body>{fragment}</body></html>".encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_raise_nothing_but_not_html(raw: bytes) -> None:
    run_layers(raw)


@settings(max_examples=100, deadline=None)
@given(html_fragments(), st.integers(0, 200), st.binary(max_size=8))
def test_mutated_html_never_crashes(fragment: str, position: int, noise: bytes) -> None:
    raw = f"<html><body><article>{fragment}</article></body></html>".encode()
    position = min(position, len(raw))
    run_layers(raw[:position] + noise + raw[position:])
