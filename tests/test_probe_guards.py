"""The add-portal probe behind the crawl's guards (issues 15 and 16): only its own host and port,
no redirect, sitemap or feed link elsewhere, bounded bodies and headers, one deadline, a loopback
site only with --allow-private, a slug for --name, a profile that always parses, overwritten only
with --force, and one clear line (never a traceback, never "HTTP 0") for every bad input."""

from __future__ import annotations

import socket
import tomllib

import pytest
from conftest import muninews
from harness.faults import Decoy
from harness.probe_sites import (
    ProbeSite,
    drip,
    endless_headers,
    gzip_bomb,
    html,
    redirect,
    xml,
)

from crawler.onboarding.client import ProbeClient
from crawler.registry import load_profile

ARTICLES = [f"/tin-tuc/bai-viet-so-{n}-ve-hoat-dong-phuong.html" for n in range(1, 8)]


def news_routes(extra_head: str = "", extra_links: str = "") -> dict:
    """A small news site: a home page listing seven articles with a next link, and the articles."""
    links = "".join(f'<li><a href="{path}">Bài {n}</a></li>' for n, path in enumerate(ARTICLES))
    routes = {"/": html(f"<ul>{links}</ul>{extra_links}<a rel='next' href='/?trang=2'>Sau</a>", extra_head)}
    for path in ARTICLES:
        routes[path] = html("<article><h1>Tin</h1><p>" + "Nội dung bài viết. " * 30 + "</p></article>")
    return routes


def add_portal(url: str, profiles, *extra: str, timeout: float = 90):
    return muninews("add-portal", url, "--profiles", str(profiles), *extra, timeout=timeout, check=False)


def assert_one_clean_line(result, *needles: str) -> None:
    err = result.stderr.strip()
    assert "Traceback" not in err and "HTTP 0" not in err + result.stdout, err
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def other_port():
    """The same loopback host on another port, and another loopback host: both forbidden."""
    with Decoy("127.0.0.1") as same_host, Decoy("127.0.0.9") as other_host:
        yield same_host, other_host


def test_redirects_and_links_off_the_site_are_never_asked(tmp_path, other_port):
    same_host, other_host = other_port
    elsewhere = [f"http://127.0.0.1:{same_host.port}", f"http://127.0.0.9:{other_host.port}"]
    routes = news_routes(
        extra_head=f'<link type="application/rss+xml" rel="alternate" href="{elsewhere[1]}/feed.xml">',
        extra_links="".join(f'<a href="{e}/tin-tuc/lien-ket-sang-trang-khac-{i}.html">x</a>'
                            for i, e in enumerate(elsewhere)))
    routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, f"Sitemap: {elsewhere[0]}/sitemap.xml\n".encode())
    index = "".join(f"<sitemap><loc>{e}/sitemap-posts.xml</loc></sitemap>" for e in elsewhere)
    routes["/sitemap.xml"] = xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}'
                                 "</sitemapindex>")
    routes["/feed/"] = redirect(f"{elsewhere[0]}/feed/")
    routes["/rss"] = redirect(f"{elsewhere[1]}/rss")
    routes[ARTICLES[0]] = redirect(f"{elsewhere[1]}{ARTICLES[0]}")
    with ProbeSite(routes=routes) as site:
        result = add_portal(site.base_url, tmp_path, "--allow-private")
    assert result.returncode == 0, result.stderr
    assert same_host.requests == [] and other_host.requests == [], "the probe asked a host or port off the site"
    assert "another host: not asked" in result.stdout
    portal = load_profile(next(tmp_path.glob("*.toml")))[0]
    assert portal.discovery.sitemap_paths == ("/sitemap.xml",) or "sitemap" not in portal.discovery.sources


def test_redirect_of_the_home_page_elsewhere_is_one_line(tmp_path, other_port):
    same_host, _ = other_port
    with ProbeSite(routes={"/": redirect(f"http://127.0.0.1:{same_host.port}/")}) as site:
        result = add_portal(site.base_url, tmp_path, "--allow-private")
    assert result.returncode == 1
    assert same_host.requests == []
    assert_one_clean_line(result, "not followed")
    assert not list(tmp_path.iterdir())


def test_loopback_site_needs_allow_private_and_is_never_asked_without(tmp_path):
    with ProbeSite(routes=news_routes()) as site:
        refused = add_portal(site.base_url, tmp_path)
        assert site.requests == [], "nothing is asked before the address is allowed"
        allowed = add_portal(site.base_url, tmp_path, "--allow-private")
    assert refused.returncode == 2
    assert_one_clean_line(refused, "--allow-private", "loopback")
    assert allowed.returncode == 0, allowed.stderr
    data = tomllib.loads(next(tmp_path.glob("*.toml")).read_text(encoding="utf-8"))
    assert data["portals"][0]["allow_private_addresses"] is True


def test_a_drip_server_cannot_hold_the_probe(tmp_path):
    """One byte every 5 s on every path: the command still ends (the subprocess timeout is the
    bound of the acceptance, 60 s), with one line and no profile."""
    with ProbeSite(routes={"/": drip(5.0)}) as site:
        site.routes.update({path: drip(5.0) for path in ("/robots.txt", "/sitemap.xml", "/feed/")})
        result = add_portal(site.base_url, tmp_path, "--allow-private", timeout=60)
    assert result.returncode == 1
    assert_one_clean_line(result)
    assert not list(tmp_path.glob("*.toml"))


def test_client_deadline_ends_a_request_mid_drip():
    with ProbeSite(routes={"/": drip(5.0)}) as site:
        client = ProbeClient(site.base_url, allow_private=True, deadline_s=2)
        answer = client.fetch(site.base_url + "/")
        later = client.fetch(site.base_url + "/robots.txt")
    assert answer.status is None and "deadline" in answer.error
    assert later.status is None and "deadline" in later.error
    assert site.requests == ["/"], "nothing is asked after the deadline"


def test_endless_headers_and_a_gzip_bomb_are_cut(tmp_path):
    routes = news_routes()
    routes["/robots.txt"] = endless_headers
    routes["/sitemap.xml.gz"] = gzip_bomb(200)
    with ProbeSite(routes=routes) as site:
        client = ProbeClient(site.base_url, allow_private=True, deadline_s=30, max_bytes=1 << 20)
        headers = client.fetch(site.base_url + "/robots.txt")
        bomb = client.fetch(site.base_url + "/sitemap.xml.gz")
        result = add_portal(site.base_url, tmp_path, "--allow-private")
    assert headers.status is None and headers.error
    assert bomb.status == 200 and len(bomb.body) <= 1 << 20
    assert result.returncode == 0, result.stderr


def test_a_sitemap_index_that_includes_itself_is_read_once(tmp_path):
    routes = news_routes()
    routes["/sitemap.xml"] = xml('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                 "<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>")
    with ProbeSite(routes=routes) as site:
        result = add_portal(site.base_url, tmp_path, "--allow-private")
    assert result.returncode == 0, result.stderr
    assert site.requests.count("/sitemap.xml") == 1


def test_name_must_be_a_slug_and_nothing_lands_outside(tmp_path):
    profiles = tmp_path / "a" / "b" / "profiles"
    with ProbeSite(routes=news_routes()) as site:
        result = add_portal(site.base_url, profiles, "--name", "../../../evil", "--allow-private")
        assert site.requests == []
    assert result.returncode == 2
    assert_one_clean_line(result, "--name")
    assert not list(tmp_path.rglob("*.toml"))


def test_quotes_in_site_paths_still_give_a_profile_that_parses(tmp_path):
    listing = "/chuyen-muc/it's-news/"
    links = "".join(f'<a href="{listing}bai-viet-so-{n}-co-dau-nhay.html">b</a>' for n in range(6))
    routes = {"/": html(f'<a href="{listing}">Tin</a>'),
              listing: html(links + f"<li class='next'><a href=\"{listing}?page=2\">»</a></li>")}
    with ProbeSite(routes=routes) as site:
        result = add_portal(site.base_url, tmp_path, "--allow-private", "--name", "quotes")
    assert result.returncode == 0, result.stderr
    portal = load_profile(tmp_path / "quotes.toml")[0]
    assert portal.discovery.start_paths == (listing,)


def test_existing_profile_is_overwritten_only_with_force(tmp_path):
    existing = tmp_path / "site.toml"
    existing.write_text("# mine\n", encoding="utf-8")
    with ProbeSite(routes=news_routes()) as site:
        kept = add_portal(site.base_url, tmp_path, "--name", "site", "--allow-private")
        forced = add_portal(site.base_url, tmp_path, "--name", "site", "--allow-private", "--force")
    assert kept.returncode == 2
    assert_one_clean_line(kept, "--force")
    assert forced.returncode == 0, forced.stderr
    assert load_profile(existing)[0].name == "site"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("url", "code", "needle"), [
    ("not a url", 2, "not an http(s) URL"),
    ("ftp://example.com/", 2, "not an http(s) URL"),
    ("file:///etc/passwd", 2, "not an http(s) URL"),
    ("http://", 2, "no host name"),
    ("http://nosuchhost.invalid/", 1, "not found"),
    ("refused", 1, "connection refused"),
])
def test_bad_addresses_are_one_clear_line(tmp_path, url, code, needle):
    if url == "refused":
        url = f"http://127.0.0.1:{_closed_port()}/"
    result = add_portal(url, tmp_path, "--allow-private")
    assert result.returncode == code, result.stderr
    assert_one_clean_line(result, needle)
    assert not list(tmp_path.iterdir())


def test_probe_against_every_fault_mode_stays_on_its_host(tmp_path):
    """The replica with every fault mode on (redirects and links to a decoy, private and
    link-local addresses, localhost, another portal host): each probe asks only its own host and
    port, ends, and writes a profile that loads."""
    from harness.faults import every_mode_plan

    from crawler.replica import ReplicaServer, build_replica

    replica = build_replica(city_articles=40, district_articles=20, syndicated=8, schedules_per_site=2)
    with ReplicaServer(replica) as server, Decoy("127.0.0.9", server.port) as decoy:
        every_mode_plan(replica, decoy_host="127.0.0.9", slow_seconds=2.5).install(server)
        for site, url in server.base_urls.items():
            before = len(server.log)
            result = add_portal(url, tmp_path, "--allow-private", "--name", f"fault-{site}")
            assert result.returncode == 0, result.stderr
            assert {entry.site for entry in server.log[before:]} == {site}, "a request reached another host"
            assert load_profile(tmp_path / f"fault-{site}.toml")[0].base_url == url
    assert decoy.requests == []


def test_probe_against_every_hostile_portal_stays_on_its_host(tmp_path):
    """Each hostile portal of issue 15 (endless REST pages, a sitemap index listing itself, 1,000s
    of sitemap URLs, a sitemap child on another host, endless listings and headers, meta refresh
    and empty Location, …): the probe asks only its own host and port, ends, and writes nothing
    but one profile that parses and loads, in the profile folder: not in its working directory,
    HOME, TMPDIR or the project's data/ (tests/harness/hostile.py probe_case; benchmarks/faults.py
    times the same pass)."""
    from harness.hostile import cases, probe_case

    from crawler.replica import build_replica

    with Decoy("127.0.0.9") as other_host, Decoy("127.0.0.4") as other_port:
        for number, case in enumerate(cases(other_port.port, (3, 20_000))):
            replica = build_replica(city_articles=20, district_articles=30, syndicated=4, schedules_per_site=1)
            result = probe_case(case, replica, tmp_path / f"case-{number}", [other_host, other_port])
            assert result.returncode in (0, 1), (case.name, result.stderr[-2000:])
            assert "Traceback" not in result.stderr, (case.name, result.stderr[-2000:])
            assert result.off_allowed == 0, case.name
            assert result.bad_writes == [], (case.name, result.bad_writes)
            assert result.profile_ok is not False, (case.name, result.problem)
            if result.returncode == 0:
                assert result.profile_ok, (case.name, result.problem)
