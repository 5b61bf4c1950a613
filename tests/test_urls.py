"""crawler.dedup.urls: every rule of the module docstring, case by case, plus properties."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup.urls import canonicalize, resolve_canonical, url_key, wordpress_post_id

CANONICAL_CASES = [
    # rule 1: whitespace stripped
    ("rule1-whitespace", "  https://a.vn/x \n", "https://a.vn/x"),
    # rule 2: scheme and host lowercased, path case kept
    ("rule2-case", "HTTPS://A.VN/Tin-Tuc", "https://a.vn/Tin-Tuc"),
    # rule 3: IDNA host, trailing dot
    ("rule3-idna", "https://ví-dụ.vn/", "https://xn--v-d-rma6749a.vn/"),
    ("rule3-idna-upper", "https://VÍ-DỤ.VN/", "https://xn--v-d-rma6749a.vn/"),
    ("rule3-trailing-dot", "https://a.vn./x", "https://a.vn/x"),
    # rule 4: default ports
    ("rule4-http-80", "http://a.vn:80/x", "http://a.vn/x"),
    ("rule4-https-443", "https://a.vn:443/x", "https://a.vn/x"),
    ("rule4-other-port", "https://a.vn:8443/x", "https://a.vn:8443/x"),
    ("rule4-http-443-kept", "http://a.vn:443/x", "http://a.vn:443/x"),
    # rule 5: fragment
    ("rule5-fragment", "https://a.vn/x#binh-luan", "https://a.vn/x"),
    # rule 6: percent-encoding
    ("rule6-hex-case", "https://a.vn/ti%e1%ba%bfng", "https://a.vn/ti%E1%BA%BFng"),
    ("rule6-raw-unicode", "https://a.vn/tiếng việt", "https://a.vn/ti%E1%BA%BFng%20vi%E1%BB%87t"),
    ("rule6-unreserved", "https://a.vn/%7Euser", "https://a.vn/~user"),
    ("rule6-reserved-kept", "https://a.vn/a%2Fb", "https://a.vn/a%2Fb"),
    ("rule6-query-unicode", "https://a.vn/s?q=hà nội", "https://a.vn/s?q=h%C3%A0+n%E1%BB%99i"),
    # rule 7: dot segments, duplicate slashes
    ("rule7-dots", "https://a.vn/a/./b/../c", "https://a.vn/a/c"),
    ("rule7-slashes", "https://a.vn//a///b", "https://a.vn/a/b"),
    ("rule7-dotdot-above-root", "https://a.vn/../x", "https://a.vn/x"),
    ("rule7-empty-params", "https://a.vn/x;/", "https://a.vn/x"),
    ("rule7-empty-params-root", "https://a.vn/;/", "https://a.vn/"),
    ("rule7-params-kept", "https://a.vn/x;a=1", "https://a.vn/x;a=1"),
    # rule 8: trailing slash, root
    ("rule8-trailing", "https://a.vn/tin-tuc/", "https://a.vn/tin-tuc"),
    ("rule8-root-kept", "https://a.vn/", "https://a.vn/"),
    ("rule8-empty-path", "https://a.vn", "https://a.vn/"),
    ("rule8-root-with-query", "https://a.vn/?p=5", "https://a.vn/?p=5"),
    # rule 9: AMP and print variants
    ("rule9-amp-suffix", "https://a.vn/bai-viet.html/amp/", "https://a.vn/bai-viet.html"),
    ("rule9-amp-suffix-noslash", "https://a.vn/2022/06/bai/amp", "https://a.vn/2022/06/bai"),
    ("rule9-print-suffix", "https://a.vn/bai/print/", "https://a.vn/bai"),
    ("rule9-amp-bare", "https://a.vn/bai.html?amp", "https://a.vn/bai.html"),
    ("rule9-amp-1", "https://a.vn/bai.html?amp=1", "https://a.vn/bai.html"),
    ("rule9-print-1", "https://a.vn/bai.html?print=1", "https://a.vn/bai.html"),
    ("rule9-print-true", "https://a.vn/bai.html?print=true", "https://a.vn/bai.html"),
    ("rule9-print-0-kept", "https://a.vn/bai.html?print=0", "https://a.vn/bai.html?print=0"),
    ("rule9-output-amp", "https://a.vn/bai.html?output=amp", "https://a.vn/bai.html"),
    ("rule9-format-print", "https://a.vn/bai.html?format=print", "https://a.vn/bai.html"),
    ("rule9-output-json-kept", "https://a.vn/api?output=json", "https://a.vn/api?output=json"),
    ("rule9-amp-root", "https://a.vn/amp/", "https://a.vn/"),
    # rule 10: tracking parameters
    ("rule10-utm", "https://a.vn/x?utm_source=zalo&utm_medium=social", "https://a.vn/x"),
    ("rule10-utm-case", "https://a.vn/x?UTM_Campaign=t6&id=2", "https://a.vn/x?id=2"),
    ("rule10-fbclid", "https://a.vn/x?fbclid=IwAR0abc", "https://a.vn/x"),
    ("rule10-zalo", "https://a.vn/x?zarsrc=30&utm_source=zalo", "https://a.vn/x"),
    ("rule10-gclid-ga", "https://a.vn/x?gclid=1&_ga=2.1&_gl=1*x", "https://a.vn/x"),
    ("rule10-mailchimp", "https://a.vn/x?mc_cid=1&mc_eid=2", "https://a.vn/x"),
    ("rule10-misc", "https://a.vn/x?yclid=1&igshid=2&spm=3&ref_src=4", "https://a.vn/x"),
    ("rule10-ref-kept", "https://a.vn/x?ref=home", "https://a.vn/x?ref=home"),
    ("rule10-content-kept", "https://a.vn/x?id=7&cat=2&fbclid=z", "https://a.vn/x?cat=2&id=7"),
    # rule 11: sorting, blanks, empty query
    ("rule11-sort", "https://a.vn/x?b=2&a=1", "https://a.vn/x?a=1&b=2"),
    ("rule11-sort-values", "https://a.vn/x?a=2&a=1", "https://a.vn/x?a=1&a=2"),
    ("rule11-blank", "https://a.vn/x?flag", "https://a.vn/x?flag="),
    ("rule11-empty-query", "https://a.vn/x?", "https://a.vn/x"),
    ("rule11-only-tracking", "https://a.vn/x?&utm_source=a&", "https://a.vn/x"),
    # scheme is kept by canonicalize
    ("scheme-kept", "http://a.vn/x", "http://a.vn/x"),
    ("userinfo-kept", "https://u:p@a.vn:8080/", "https://u:p@a.vn:8080/"),
    ("ipv6", "http://[::1]:80/x", "http://[::1]/x"),
]


@pytest.mark.parametrize(("url", "expected"), [c[1:] for c in CANONICAL_CASES], ids=[c[0] for c in CANONICAL_CASES])
def test_canonicalize_rules(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "/tin-tuc/bai.html",
        "a.vn/x",
        "mailto:toasoan@a.vn",
        "javascript:void(0)",
        "ftp://a.vn/file",
        "https://",
        "https://:80/",
        "https://a.vn:99999/",
        "https://a.vn:port/",
        "http://[::1/",
        "http://a.g v/",
        "http://a<b.vn/",
        "http://ví-dụatm\ufffdp/",  # not IDNA-encodable (found by fuzzing)
    ],
)
def test_canonicalize_rejects_non_http(url: str) -> None:
    with pytest.raises(ValueError):
        canonicalize(url)


def test_drop_params_adds_names_and_prefixes() -> None:
    url = "https://a.vn/x?PHPSESSID=ab&sess_1=2&sess_2=3&id=1"
    assert canonicalize(url, drop_params=frozenset({"phpsessid", "sess_*"})) == "https://a.vn/x?id=1"


def test_keep_params_overrides_defaults() -> None:
    url = "https://a.vn/x?spm=1&fbclid=2"
    assert canonicalize(url, keep_params=frozenset({"spm"})) == "https://a.vn/x?spm=1"


URL_KEY_CASES = [
    ("http://a.vn/x", "https://a.vn/x"),
    ("https://a.vn/x", "https://a.vn/x"),
    ("http://www.a.vn/x/", "https://a.vn/x"),
    ("https://WWW.A.VN/x?amp=1#c", "https://a.vn/x"),
    ("http://a.vn:8080/x", "https://a.vn:8080/x"),
    ("https://www2.a.vn/x", "https://www2.a.vn/x"),
]


@pytest.mark.parametrize(("url", "expected"), URL_KEY_CASES)
def test_url_key_is_scheme_and_www_insensitive(url: str, expected: str) -> None:
    assert url_key(url) == expected


def test_url_key_merges_all_spellings_of_one_article() -> None:
    spellings = [
        "http://thanhphohaiphong.gov.vn/ban-chi-dao-35.html",
        "https://thanhphohaiphong.gov.vn/ban-chi-dao-35.html/amp/",
        "https://www.thanhphohaiphong.gov.vn/ban-chi-dao-35.html?utm_source=zalo&zarsrc=30",
        "HTTPS://THANHPHOHAIPHONG.GOV.VN:443//ban-chi-dao-35.html?print=1#top",
    ]
    assert len({url_key(url) for url in spellings}) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.vn/?p=123", 123),
        ("https://a.vn/index.php?p=42", 42),
        ("https://a.vn/quan-ngo-quyen/?p=7&utm_source=x", 7),
        ("https://a.vn/?p=0", None),
        ("https://a.vn/?p=abc", None),
        ("https://a.vn/?p=1&p=2", None),
        ("https://a.vn/?page_id=5", None),
        ("https://a.vn/bai-viet.html", None),
        ("not a url", None),
    ],
)
def test_wordpress_post_id(url: str, expected: int | None) -> None:
    assert wordpress_post_id(url) == expected


PAGE = "https://ngoquyen.haiphong.gov.vn/tap-huan.html?amp=1"


@pytest.mark.parametrize(
    ("page", "href", "allowed", "expected"),
    [
        ("https://a.vn/x.html", "https://a.vn/bai.html", frozenset(), "https://a.vn/bai.html"),
        ("https://a.vn/x.html", "/bai.html#c", frozenset(), "https://a.vn/bai.html"),
        ("https://a.vn/x.html", None, frozenset(), "https://a.vn/x.html"),
        ("https://a.vn/x.html", "  ", frozenset(), "https://a.vn/x.html"),
        # same registrable domain (eTLD+1 under gov.vn) is accepted
        (PAGE, "https://haiphong.gov.vn/tap-huan.html", frozenset(), "https://haiphong.gov.vn/tap-huan.html"),
        # another registrable domain is refused ...
        (PAGE, "https://baohaiphong.com.vn/tap-huan.html", frozenset(), "https://ngoquyen.haiphong.gov.vn/tap-huan.html"),
        # ... unless allowed
        (
            PAGE,
            "https://baohaiphong.com.vn/tap-huan.html",
            frozenset({"baohaiphong.com.vn"}),
            "https://baohaiphong.com.vn/tap-huan.html",
        ),
        # the site root is refused (CMS misconfiguration)
        (PAGE, "https://ngoquyen.haiphong.gov.vn/", frozenset(), "https://ngoquyen.haiphong.gov.vn/tap-huan.html"),
        # ... but a root page may be canonical to the root
        ("https://a.vn/?utm_source=x", "https://a.vn/", frozenset(), "https://a.vn/"),
        # non-http hrefs are refused
        ("https://a.vn/x.html", "javascript:void(0)", frozenset(), "https://a.vn/x.html"),
        # gov.vn is a public suffix: two portals under it are different sites
        ("https://thanhphohaiphong.gov.vn/x", "https://haiphong.gov.vn/x", frozenset(), "https://thanhphohaiphong.gov.vn/x"),
        # local replica: same host, different port = different site
        ("http://127.0.0.1:8001/x", "http://127.0.0.1:8002/y", frozenset(), "http://127.0.0.1:8001/x"),
        ("http://127.0.0.1:8001/x", "http://127.0.0.1:8002/y", frozenset({"127.0.0.1:8002"}), "http://127.0.0.1:8002/y"),
        ("http://localhost:8001/x", "/y", frozenset(), "http://localhost:8001/y"),
    ],
)
def test_resolve_canonical(page: str, href: str | None, allowed: frozenset[str], expected: str) -> None:
    assert resolve_canonical(page, href, allowed_hosts=allowed) == expected


def test_resolve_canonical_raises_only_for_a_bad_page_url() -> None:
    with pytest.raises(ValueError):
        resolve_canonical("mailto:x@a.vn", "https://a.vn/")


# --- properties -------------------------------------------------------------------------

_segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_http_urls = st.builds(
    lambda scheme, host, port, segments, query, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(segments)}{query}{fragment}"
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    st.sampled_from(["a.vn", "WWW.Ví-dụ.VN", "haiphong.gov.vn.", "127.0.0.1", "[::1]", "xn--v-dng.vn"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(_segment, max_size=5),
    st.one_of(
        st.just(""),
        st.builds(
            lambda pairs: "?" + "&".join(f"{k}={v}" for k, v in pairs),
            st.lists(st.tuples(st.sampled_from(["a", "utm_x", "amp", "print", "p", "Q", "ref", "%7E"]), _segment), max_size=4),
        ),
    ),
    st.one_of(st.just(""), _segment.map(lambda s: "#" + s)),
)


@settings(max_examples=400, deadline=None)
@given(_http_urls)
def test_canonicalize_is_idempotent(url: str) -> None:
    try:
        once = canonicalize(url)
    except ValueError:
        return  # e.g. a segment that IDNA or w3lib refuses; documented
    assert canonicalize(once) == once
    assert url_key(once) == url_key(url)
    assert url_key(url_key(url)) == url_key(url)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_canonicalize_never_raises_anything_but_value_error(text: str) -> None:
    try:
        result = canonicalize(text)
    except ValueError:
        return
    assert result.startswith(("http://", "https://"))
    assert canonicalize(result) == result


@settings(max_examples=200, deadline=None)
@given(_http_urls, st.one_of(st.none(), st.text(max_size=40), _http_urls))
def test_resolve_canonical_never_raises_for_a_valid_page(page: str, href: str | None) -> None:
    try:
        canonical_page = canonicalize(page)
    except ValueError:
        return
    result = resolve_canonical(page, href)
    assert result == canonicalize(result)
    assert result == canonical_page or urlsplit_host(result)


def urlsplit_host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


_HOSTS = st.sampled_from(["a.vn", "www.a.vn", "haiphong.gov.vn", "127.0.0.4", "www", "a-b.c0.vn", "xn--v-d.vn",
                          "A.vn", "a..vn", "-a.vn", "a.vn.", "x" * 64 + ".vn"])
_PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":0", ":080", ":65535", ":65536", ":99999"])
_SEGMENT = st.text(alphabet="abcXYZ019._~-%;:!+", min_size=0, max_size=6) | st.sampled_from(["amp", "print", "AMP", ".", ".."])


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["http", "https", "HTTP"]), _HOSTS, _PORTS, st.lists(_SEGMENT, max_size=4), st.booleans())
def test_the_shortcut_for_plain_addresses_agrees_with_the_full_rules(scheme, host, port, segments, slash) -> None:
    """canonicalize/url_key answer an already-canonical address without w3lib (sitemaps list
    millions of them): on every address the shortcut takes, the answer is the full rules' one."""
    from crawler.dedup import urls

    url = f"{scheme}://{host}{port}" + "".join("/" + s for s in segments) + ("/" if slash else "")
    if urls._plain(url) is None:
        return
    full = urls._canonicalize_once(url)
    assert canonicalize.__wrapped__(url) == full == url
    key = urlsplit(full)
    netloc = key.netloc[4:] if key.netloc.startswith("www.") else key.netloc
    assert url_key.__wrapped__(url) == urls._canonicalize_once(urlunsplit(("https", netloc, key.path, key.query, "")))


def test_the_shortcut_is_taken_for_a_sitemaps_usual_addresses() -> None:
    from crawler.dedup import urls

    assert urls._plain("http://127.0.0.4:8123/tin-gia-17.html") == ("http", "127.0.0.4", "8123", "/tin-gia-17.html")
    assert url_key("http://www.a.vn:443/x") == url_key.__wrapped__("http://a.vn:443/x") == "https://a.vn/x"
    for url in ("http://a.vn/x/", "http://a.vn/x/amp", "http://a.vn:80/x", "http://a.vn/x?b=1", "http://A.vn/x"):
        assert urls._plain(url) is None, url
