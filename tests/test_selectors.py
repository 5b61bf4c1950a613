"""Profile selectors matched from the class index must find exactly what their XPath finds,
in the same (document) order: the index is a speed-up, never a second meaning of a selector."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction.html import parse_html
from crawler.extraction.selectors import PageIndex, _chain, compile_profile_selector
from crawler.registry import compile_selector, load_registry
from crawler.replica import build_replica
from crawler.replica.templates import article_page

TRICKY_PAGE = """<html><body class="home">
<div id="main" class="wrap  outer">
  <div class="entry-content\tpost">
    <p class="lead lead">One</p>
    <div class="inner"><p>Two <a href="/x" class="more">more</a></p></div>
    <p style="text-align:right">Byline</p>
  </div>
  <section class="entry-content"><p>Three</p><img data-src="/a.jpg" class="lazy"></section>
</div>
<div class="outer"><span class="inner"><p class="lead">Four</p></span></div>
</body></html>"""

SELECTORS = [
    ".entry-content p", "div.entry-content > p", "#main p", "div#main .inner p", ".outer .inner p.lead",
    "p.lead", ".lead.lead", "body .wrap > div > p", "img[data-src]", "a[href='/x']", "section p", "html p",
    ".home .outer", "div", "p", ".missing p", "div > .inner > p", ".post", "body > div.outer span",
]


def _same_as_xpath(tree, selector: str) -> None:
    index = PageIndex(tree)
    assert compile_profile_selector(selector)(tree, index) == compile_selector(selector)(tree), selector


def test_every_supported_selector_is_matched_from_the_index() -> None:
    for selector in SELECTORS:
        assert _chain(selector) is not None, f"{selector} should take the fast path"


def test_tricky_page_matches_xpath_exactly() -> None:
    tree = parse_html(TRICKY_PAGE)
    for selector in SELECTORS:
        _same_as_xpath(tree, selector)
    found = compile_profile_selector(".outer .inner p.lead")(tree, PageIndex(tree))
    assert [p.text for p in found] == ["Four"]  # the descendant combinator backtracks past .wrap


def test_unsupported_selectors_fall_back_to_xpath() -> None:
    tree = parse_html(TRICKY_PAGE)
    for selector in ("p:first-child", "p + p", "p, a", "*", "xpath:.//p[last()]", "a[href^='/']"):
        assert compile_profile_selector(selector)(tree, PageIndex(tree)) == compile_selector(selector)(tree)


def test_replica_profile_selectors_match_xpath_on_every_template() -> None:
    replica = build_replica()
    parsers = [p.parser_for(None) for p in load_registry().family("haiphong-replica")]
    selectors = {s for parser in parsers for s in (parser.title, parser.published, parser.images, *parser.exclude) if s}
    selectors |= {rule.container for parser in parsers for rule in parser.captions}
    for site in replica.sites.values():
        slugs = site.by_slug()
        for article in site.articles[::4]:  # every template and caption markup, a quarter of the pages
            tree = parse_html(article_page(site, article, [slugs[s] for s in article.related]))
            for selector in selectors:
                _same_as_xpath(tree, selector)


TAGS = ["div", "p", "span", "section"]
CLASSES = ["a", "b", "c"]


@st.composite
def trees(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    classes = draw(st.lists(st.sampled_from(CLASSES), max_size=3))
    ident = draw(st.sampled_from(["", "x", "y"]))
    attributes = (f' class="{" ".join(classes)}"' if classes else "") + (f' id="{ident}"' if ident else "")
    children = draw(st.lists(trees(depth + 1), max_size=3)) if depth < 3 else []
    return f"<{tag}{attributes}>t{''.join(children)}</{tag}>"


compounds = st.builds(
    lambda tag, classes, ident: (tag or "") + "".join(f".{c}" for c in classes) + (f"#{ident}" if ident else "") or "div",
    st.sampled_from(["", *TAGS]), st.lists(st.sampled_from(CLASSES), max_size=2), st.sampled_from(["", "x"]),
)
selectors = st.builds(
    lambda parts, combinators: "".join(p + c for p, c in zip(parts[:-1], combinators)) + parts[-1],
    st.lists(compounds, min_size=1, max_size=3), st.lists(st.sampled_from([" ", " > "]), min_size=2, max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(body=st.lists(trees(), min_size=1, max_size=3), selector=selectors)
def test_random_pages_and_selectors_match_xpath(body: list[str], selector: str) -> None:
    _same_as_xpath(parse_html(f"<html><body>{''.join(body)}</body></html>"), selector)


XPATHS = [
    "xpath:.//div[@class='entry-content']/p[contains(@style,'right')][last()]",
    "xpath:.//div[@class='entry-content']/*[self::p or self::h2 or self::h3]",
    "xpath:.//*[@class='inner']/p",
    "xpath:.//div[@class='entry-content\tpost']/p[1]",
    "xpath:.//section[@class='entry-content']//p",
    "xpath:.//div[@class='a']/p",
]


def test_class_rooted_xpaths_match_the_whole_xpath() -> None:
    tree = parse_html(TRICKY_PAGE)
    for selector in XPATHS:
        _same_as_xpath(tree, selector)
    nested = parse_html("<html><body><div class='a'><p>1</p><div class='a'><p>2</p></div><p>3</p></div></body></html>")
    _same_as_xpath(nested, "xpath:.//div[@class='a']/p")  # nested starts: the whole XPath decides


@settings(max_examples=200, deadline=None)
@given(body=st.lists(trees(), min_size=1, max_size=3), tag=st.sampled_from(["div", "*", "p"]),
       value=st.sampled_from(["a", "b", "a b"]), rest=st.sampled_from(["p", "*[1]", "span[last()]", "div//p", "*[self::p or self::span]"]))
def test_random_pages_class_rooted_xpaths_match(body: list[str], tag: str, value: str, rest: str) -> None:
    _same_as_xpath(parse_html(f"<html><body>{''.join(body)}</body></html>"), f"xpath:.//{tag}[@class='{value}']/{rest}")
