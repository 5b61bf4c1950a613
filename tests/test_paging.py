"""Listings that list the same articles never stop each other's paging.

A portal's news index and its categories show the same articles. Paging stops after a page that
showed its own chain of pages nothing new (a feed that ignores ``?paged=``, a listing that repeats
its last page), never because another listing showed those articles first: here the category is
read first and shows the first four articles, and the news index must still be walked to its
third page, where the last two are.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import tomli_w

from conftest import muninews, rows

PAGES = {
    "/cat/": (["a", "b"], "/cat/?page=2"),
    "/cat/?page=2": (["c", "d"], None),
    "/news/": (["a", "b"], "/news/?page=2"),
    "/news/?page=2": (["c", "d"], "/news/?page=3"),
    "/news/?page=3": (["e", "f"], None),
}
SENTENCE = "Ủy ban nhân dân phường tổ chức hội nghị triển khai nhiệm vụ cải cách hành chính năm {n}."


def listing(slugs: list[str], next_page: str | None) -> str:
    items = "".join(f'<li><a href="/{slug}.html">Bài {slug}</a></li>' for slug in slugs)
    more = f'<a class="next" href="{next_page}">Trang sau</a>' if next_page else ""
    return f"<html><body><ul class='posts'>{items}</ul>{more}</body></html>"


def article(slug: str) -> str:
    body = "".join(f"<p>{SENTENCE.format(n=2020 + i)} Bài {slug}, đoạn {i}.</p>" for i in range(6))
    return (f"<html><head><title>Tin {slug}</title></head><body><article><h1>Tin {slug}: hội nghị</h1>"
            f"<time datetime='2025-03-0{ord(slug) - 96}T08:00:00+07:00'>0{ord(slug) - 96}/03/2025</time>"
            f"<div class='content'>{body}</div></article></body></html>")


class Site(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Site.asked.append(self.path)
        if self.path in PAGES:
            text = listing(*PAGES[self.path])
        elif self.path.endswith(".html") and self.path[1:-5] in "abcdef":
            text = article(self.path[1:-5])
        else:
            self.send_error(404)
            return
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Site.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_listing_read_after_another_is_still_walked_to_its_end(site, tmp_path):
    profile = {
        "family": {"name": "paging", "languages": ["vi"], "timezone": "Asia/Ho_Chi_Minh", "date_order": "DMY"},
        "discovery": {"sources": ["listing"], "start_paths": ["/cat/", "/news/"], "article_links": "ul.posts a",
                      "next_page": "a.next", "article_url_pattern": r"^/[a-f]\.html$"},
        "portals": [{"name": "paging-site", "base_url": site, "allow_private_addresses": True}],
    }
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "paging.toml").write_text(tomli_w.dumps(profile), encoding="utf-8")
    db = tmp_path / "m.db"
    muninews("crawl", "paging-site", "--profiles", str(profiles), "--db", str(db), "--quiet")
    assert "/news/?page=3" in Site.asked
    stored = {row["url"].rsplit("/", 1)[1] for row in rows(db, "SELECT url FROM articles")}
    assert stored == {f"{slug}.html" for slug in "abcdef"}
    assert len(Site.asked) == len(set(Site.asked))  # every page asked once
