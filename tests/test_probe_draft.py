"""What add-portal's draft says about a site (issues 13 and 18), against small loopback sites:
timezone, language and date order from /wp-json/ or from the pages; feeds in the page head
whatever the attribute order, RSS 1.0 and guid-only RSS 2.0; a gzipped sitemap served as
octet-stream; a next link on its list item (``?b_start:int=``); a closing hint that works; and
`muninews extract --profiles DIR` reading the drafted profile."""

from __future__ import annotations

import gzip
import json
import tomllib
from pathlib import Path

from conftest import muninews
from harness.probe_sites import ProbeSite, gzipped, html, xml

from crawler.commands.add_portal import crawl_hint
from crawler.onboarding.probe import read_sitemap
from crawler.settings_registry import draft_profile_dir
from spiders.sources.parsers import feed_links

SLUGS = [f"hoi-nghi-tong-ket-cong-tac-nam-{n}" for n in range(1, 8)]
NOW = "2025-06-12T09:30:00+07:00"


def article(title: str = "Hội nghị", head: str = "") -> tuple[int, dict, bytes]:
    return html(f"<article><h1>{title}</h1><time datetime='{NOW}'>12/06/2025</time><p>"
                + "Nội dung của bài viết về hội nghị tổng kết. " * 20 + "</p></article>", head)


def draft_of(site: ProbeSite, tmp_path: Path, name: str = "draft") -> tuple[dict, str]:
    result = muninews("add-portal", site.base_url, "--name", name, "--profiles", str(tmp_path), "--allow-private")
    return tomllib.loads((tmp_path / f"{name}.toml").read_text(encoding="utf-8")), result.stdout


def plone_like_routes(prefix: str = "/tin-tuc") -> dict:
    """Plone's markup: feeds with href before type, RSS 1.0 and guid-only RSS 2.0, the gzipped
    sitemap as octet-stream, and the collection's next link on its list item."""
    urls = [f"{{base}}{prefix}/{slug}" for slug in SLUGS]
    head = "".join(f'<link href="{{base}}/{feed}" rel="alternate" title="t" type="application/rss+xml" />'
                   for feed in ("RSS", "rss.xml"))
    rdf_items = "".join(f'<item rdf:about="{u}"><title>t</title><dc:date>{NOW}</dc:date></item>' for u in urls)
    rss1 = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://purl.org/rss/1.0/">'
            f'<channel rdf:about="{{base}}/RSS"><title>x</title></channel>{rdf_items}</rdf:RDF>')
    guid_items = "".join(f"<item><title>t</title><guid>{u}</guid></item>" for u in urls)
    urlset = "".join(f"<url><loc>{u}</loc><lastmod>{NOW}</lastmod></url>" for u in urls)
    listing = "".join(f'<a href="{u}">t</a>' for u in urls[:5])
    pager = '<ul class="pagination"><li class="page-item next"><a class="page-link" href="{base}' + prefix + \
            '?b_start:int=10">Sau</a></li></ul>'
    routes = {
        "/": html(f'<nav><a href="{{base}}{prefix}">Tin tức</a></nav>', head),
        prefix: html(listing + pager),
        "/RSS": xml(rss1), "/rss.xml": xml(f"<rss version='2.0'><channel>{guid_items}</channel></rss>"),
        "/sitemap.xml.gz": gzipped(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset}</urlset>'),
    }
    routes.update({f"{prefix}/{slug}": article() for slug in SLUGS})
    return routes


def crawl_reads(path: str, routes: dict, base: str) -> bool:
    """Whether the crawl's own feed reader (spiders.sources.parsers) reads the feed at ``path``."""
    body = routes[path][2].replace(b"{base}", base.encode())
    return bool(feed_links(body, base + path))


def _reads_gzip_sitemaps() -> bool:
    """Whether the crawl's sitemap reader reads a gzipped sitemap as sent."""
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://h/a</loc></url></urlset>'
    return read_sitemap(gzip.compress(urlset)) != ([], [])


def test_plone_markup_is_understood(tmp_path):
    """Every source is recognised; the draft lists those the crawl's readers read as sent (the
    probe says which it found but left out), complete indexes first."""
    routes = plone_like_routes()
    with ProbeSite(routes=routes) as site:
        draft, output = draft_of(site, tmp_path)
        rss1 = crawl_reads("/RSS", routes, site.base_url)
    discovery = draft["discovery"]
    if _reads_gzip_sitemaps():
        assert discovery["sitemap_paths"] == ["/sitemap.xml.gz"], output
    else:
        assert "sitemap /sitemap.xml.gz (7 URLs; the crawl's sitemap reader cannot read it)" in output
    if rss1:
        assert discovery["feed_paths"] == ["/RSS"], "the first advertised feed, RSS 1.0"
    else:
        assert "feed /RSS (7 items; the crawl's feed reader cannot read it)" in output
    assert discovery["start_paths"] == ["/tin-tuc"], "the next link on its list item makes a listing"
    assert discovery["sources"][-1] == "feed" or "feed" not in discovery["sources"]
    assert "listing" in discovery["sources"]
    assert draft["family"]["timezone"] == "Asia/Ho_Chi_Minh"
    assert "found no way" not in output


def test_guid_only_rss2_and_feed_guesses(tmp_path):
    routes = plone_like_routes()
    del routes["/RSS"]
    routes["/"] = html('<a href="{base}/tin-tuc">Tin</a>')  # nothing advertised: the guesses find /rss.xml
    with ProbeSite(routes=routes) as site:
        draft, output = draft_of(site, tmp_path)
        readable = crawl_reads("/rss.xml", routes, site.base_url)
    if readable:
        assert draft["discovery"]["feed_paths"] == ["/rss.xml"], output
    else:
        assert "feed /rss.xml (7 items; the crawl's feed reader cannot read it)" in output


def test_wp_json_settings_give_timezone(tmp_path):
    posts = [{"link": f"{{base}}/{slug}.html", "date_gmt": "2025-06-12T02:30:00"} for slug in SLUGS]
    routes = {"/": html(f'<a href="{{base}}/{SLUGS[0]}.html">a</a>', lang="en-GB"),
              "/wp-json/wp/v2/posts": (200, {"Content-Type": "application/json", "X-WP-Total": "7"},
                                       json.dumps(posts).encode()),
              "/wp-json/": (200, {"Content-Type": "application/json"},
                            json.dumps({"timezone_string": "", "gmt_offset": 7}).encode())}
    routes.update({f"/{slug}.html": article() for slug in SLUGS})
    with ProbeSite(routes=routes) as site:
        draft, output = draft_of(site, tmp_path)
    assert draft["family"] == {"name": "draft", "languages": ["en"], "timezone": "Etc/GMT-7",
                               "date_order": "DMY", "cms": "wordpress"}, output
    assert draft["discovery"]["sources"][0] == "wpjson"


def test_pages_give_language_and_timezone(tmp_path):
    links = "".join(f'<a href="/tin/{slug}.html">a</a>' for slug in SLUGS)
    head = '<meta property="og:locale" content="de_DE">'
    routes = {"/": (200, {}, f"<html><head>{head}</head><body>{links}<a rel=next href='/p2'>n</a></body></html>"
                    .encode())}
    routes.update({f"/tin/{slug}.html": html(f"<time datetime='2025-06-12T09:30:00+02:00'>x</time><p>{'w ' * 50}</p>")
                   for slug in SLUGS})
    with ProbeSite(routes=routes) as site:
        draft, output = draft_of(site, tmp_path)
    assert draft["family"]["languages"] == ["de"]
    assert draft["family"]["timezone"] == "Etc/GMT-2", output
    assert draft["discovery"]["article_url_pattern"] == r"^/tin/[^/]+\.html$"


def test_crawl_hint_names_profiles_only_when_needed(tmp_path):
    assert crawl_hint("x", draft_profile_dir()) == "muninews crawl x"
    assert crawl_hint("x", tmp_path) == f"muninews crawl x --profiles {tmp_path}"


def test_extract_reads_the_drafted_profile_folder(tmp_path):
    """The draft says the site is at UTC+2; a page whose date has no zone is read in it only when
    extract is given the folder."""
    links = "".join(f'<a href="/tin/{slug}.html">a</a>' for slug in SLUGS)
    routes = {"/": html(f"{links}<a rel=next href='/p2'>n</a>", lang="de")}
    routes.update({f"/tin/{slug}.html": html(f"<time datetime='2025-06-12T09:30:00+02:00'>x</time><p>{'w ' * 50}</p>")
                   for slug in SLUGS})
    with ProbeSite(routes=routes) as site:
        draft_of(site, tmp_path / "profiles", name="drafted")
        url = f"{site.base_url}/tin/{SLUGS[0]}.html"
    page = tmp_path / "page.html"
    page.write_bytes(html("<article><h1>Sitzung des Rates</h1><p>Am 12.06.2025 09:30 tagte der Rat. "
                          + "Der Rat beschloss den Haushalt. " * 20 + "</p></article>",
                          "<meta property='article:published_time' content='2025-06-12T09:30:00'>", lang="de")[2])
    with_profile = json.loads(muninews("extract", str(page), "--url", url, "--profiles",
                                       str(tmp_path / "profiles")).stdout)
    without = json.loads(muninews("extract", str(page), "--url", url).stdout)
    assert with_profile["published"] == "2025-06-12T09:30:00+02:00", with_profile["published"]
    assert without["published"] != with_profile["published"]


def test_an_advertised_feed_alone_still_gives_a_draft(tmp_path):
    """No listing, no sitemap, only Plone's RSS 1.0 feed in the head: never "found no way"."""
    routes = plone_like_routes()
    for path in ("/rss.xml", "/sitemap.xml.gz", "/tin-tuc"):
        del routes[path]
    routes["/"] = html("<p>Trang chủ</p>", '<link href="{base}/RSS" rel="alternate" type="application/rss+xml">')
    with ProbeSite(routes=routes) as site:
        draft, output = draft_of(site, tmp_path)
    assert "found no way" not in output
    assert draft["discovery"]["sources"] == ["feed"] and draft["discovery"]["feed_paths"] == ["/RSS"]
    assert draft["discovery"]["article_url_pattern"] == r"^/tin\-tuc/[^/]+/?$"


def test_articles_told_apart_by_their_query_get_a_query_pattern():
    """SharePoint/ASP.NET portals: articles and listings share a path and differ in the query. The
    shape names the numeric id parameter, never the listing's page number, and matches with it."""
    from crawler.onboarding.probe import url_pattern
    from crawler.registry import is_article_url

    articles = [f"http://h/Pages/chi-tiet-tin.aspx?ItemID={n}&l=TinTuc" for n in (4000, 4007, 4014)]
    listings = [f"http://h/Pages/tin-tuc.aspx?Page={n}" for n in (1, 2, 3)]
    pattern = url_pattern([*articles, *listings])
    assert [is_article_url(pattern, u) for u in articles + listings] == [True] * 3 + [False] * 3
    assert url_pattern(listings) is None  # page numbers are no article ids


def test_a_numbered_pager_without_a_next_link_is_followed():
    import lxml.html

    from crawler.onboarding.probe import next_page_selector

    page = lxml.html.fromstring('<div class="pager"><a href="?Page=1">1</a> <span>2</span> '
                                '<a href="?Page=3">3</a> <a href="?Page=4">4</a></div>')
    listed = lxml.html.fromstring('<ul><li><a href="?p=1">1</a></li><li>2</li><li><a href="?p=3">3</a></li></ul>')
    selector = next_page_selector()[len("xpath:"):]
    assert [a.get("href") for a in page.xpath(selector)] == ["?Page=3"]
    assert [a.get("href") for a in listed.xpath(selector)] == ["?p=3"]
