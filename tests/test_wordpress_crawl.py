"""A real WordPress, end to end (issue 13): crawl Debian's WordPress on both themes and compare every
stored field with what WordPress itself holds (tests/wordpress: its PHP API, never the plan).

One site per test process (``shared_site``); per theme ``muninews add-portal`` drafts a profile and one
crawl with the draft reads the site (the REST API first), one the listings only, and one incremental round (3 edits, 2 trashed, 3 new, then a rerun with no change),
each done once in a module fixture and asserted on by many tests. Each fixture puts the site back
as built before it returns. Skipped only where Debian's packages are missing (not in CI).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import muninews, rows
from wordpress import THEMES
from wordpress.fixtures import shared_site

from crawler.extraction import extract_page

PORTAL = "wp-lechan"
# What readers, not the newsroom, write or are asked for: the comment form's labels in English and
# Vietnamese, its heading, the comment thread's names.
NOT_AUTHORS = {"Name", "Tên", "Email", "Website", "Trang web", "Leave a Reply", "Gửi phản hồi", "Comment", "Bình luận"}


def bare_profile(base_url: str) -> str:
    """The least a user writes for a stock WordPress site: its CMS, language and zone, no selectors and
    no listing paths (the WordPress family knows its listings: titles, next links, categories)."""
    return f"""[family]
name = "{PORTAL}"
cms = "wordpress"
languages = ["vi"]
timezone = "Asia/Ho_Chi_Minh"
date_order = "DMY"

[discovery]
sources = ["listing"]

[[portals]]
name = "{PORTAL}"
base_url = "{base_url}"
allow_private_addresses = true
"""


def crawl(profiles: Path, db: Path) -> None:
    muninews("crawl", PORTAL, "--profiles", str(profiles), "--db", str(db), "--quiet")


def crawler_requests(site, mark: int) -> list[dict]:
    return [r for r in site.requests(mark) if r["agent"].startswith("muninews")]


def stored(db: Path) -> dict[str, dict]:
    """Live articles by URL: their fields, authors decoded, body split in paragraphs, images in order."""
    images: dict[int, list[tuple[str, str | None, str | None]]] = {}
    for image in rows(db, "SELECT article_id, url, caption, credit FROM images ORDER BY article_id, position"):
        images.setdefault(image["article_id"], []).append((image["url"], image["caption"], image["credit"]))
    articles = {}
    for row in rows(db, "SELECT * FROM articles WHERE removed_at IS NULL"):
        record = dict(row)
        record["authors"] = json.loads(row["authors"] or "[]")
        record["paragraphs"] = [" ".join(p.split()) for p in (row["body"] or "").split("\n\n") if p.strip()]
        record["images"] = images.get(row["id"], [])
        articles[row["url"]] = record
    return articles


def words(text: str | None) -> list[str]:
    """A caption as its words: WordPress keeps "Caption. (Ảnh: Name)" as one text, muninews keeps the
    credit apart; the same words in the same order are the same caption."""
    return re.findall(r"\w+", text or "")


def stored_caption(caption: str | None, credit: str | None) -> list[str]:
    return words(caption) + words(credit)


def minute(value: str | None) -> str | None:
    return datetime.fromisoformat(value).isoformat(timespec="minutes") if value else None


# --- the site, crawled -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    wordpress = shared_site()
    yield wordpress
    wordpress.restore("built")
    wordpress.switch_theme("twentytwentythree")


@pytest.fixture(scope="module", params=THEMES)
def crawled(request, site, tmp_path_factory) -> dict:
    """The built site on one theme, drafted by ``muninews add-portal`` and crawled once with the draft
    (every source it found; the REST API answers, so it is the one used)."""
    site.restore("built")
    site.switch_theme(request.param)
    work = tmp_path_factory.mktemp(f"wp-{request.param}")
    profiles = work / "profiles"
    muninews("add-portal", site.base_url, "--name", PORTAL, "--profiles", str(profiles), "--allow-private")
    db = work / "muninews.db"
    mark = site.log_mark()
    crawl(profiles, db)
    return {"theme": request.param, "truth": site.truth(), "db": db, "profiles": profiles, "work": work,
            "requests": crawler_requests(site, mark), "articles": stored(db)}


@pytest.fixture(scope="module")
def listed(crawled, site) -> dict:
    """The same site with the REST API blocked (403), sitemaps and feeds off: a crawl from its listings
    with the draft, and one with a bare profile that names no listing at all."""
    bare = crawled["work"] / "bare"
    bare.mkdir()
    (bare / f"{PORTAL}.toml").write_text(bare_profile(site.base_url), encoding="utf-8")
    site.listings_only()
    try:
        db, bare_db = crawled["work"] / "listings.db", crawled["work"] / "bare.db"
        mark = site.log_mark()
        crawl(crawled["profiles"], db)
        requests = crawler_requests(site, mark)
        mark = site.log_mark()
        crawl(bare, bare_db)
        return {"db": db, "articles": stored(db), "requests": requests,
                "bare": set(stored(bare_db)), "bare_requests": crawler_requests(site, mark)}
    finally:
        site.reset_toggles()


@pytest.fixture(scope="module")
def rerun(crawled, site) -> dict:
    """3 edits, 2 trashed, 3 new posts, then a rerun on a copy of the first crawl; then one with no change."""
    db = crawled["work"] / "incremental.db"
    shutil.copyfile(crawled["db"], db)
    try:
        change = site.mutate()
        truth = site.truth()
        mark = site.log_mark()
        crawl(crawled["profiles"], db)
        changed = crawler_requests(site, mark)
        mark = site.log_mark()
        crawl(crawled["profiles"], db)
        unchanged = crawler_requests(site, mark)
        return {"change": change, "truth": truth, "db": db, "changed": changed, "unchanged": unchanged,
                "articles": stored(db)}
    finally:
        site.restore("built")


# --- coverage ---------------------------------------------------------------------------------------

def test_every_published_post_is_stored_and_nothing_else(crawled):
    truth, articles = crawled["truth"], crawled["articles"]
    assert len(truth["posts"]) == 57
    assert set(articles) == {p["url"] for p in truth["posts"]}
    hidden = truth["drafts"] + truth["private"] + truth["password_protected"] + truth["scheduled"] + truth["pages"]
    assert len(hidden) == 12 and not set(hidden) & set(articles)
    assert rows(crawled["db"], "SELECT count(*) AS n FROM articles")[0]["n"] == 57


def test_a_password_protected_post_is_recorded_with_its_own_reason(crawled):
    failures = {r["url"]: r["reason"] for r in rows(crawled["db"], "SELECT url, reason FROM failures")}
    assert set(failures) == set(crawled["truth"]["password_protected"])
    assert all("password-protected" in reason for reason in failures.values())


# --- every field against WordPress's truth -------------------------------------------------------------

def compared(field: str, article: dict, post: dict) -> tuple:
    """(stored, true) value of ``field``: dates to the minute, captions as their words."""
    if field == "published":
        return ((minute(article["published"]), article["published"].endswith("+07:00")),
                (minute(post["published"]), True))
    if field == "modified":
        return minute(article["modified"]), minute(post["modified"]) if post["edited"] else None
    if field == "body":
        return article["paragraphs"], post["paragraphs"]
    if field == "images":
        return ([(url, stored_caption(caption, credit)) for url, caption, credit in article["images"]],
                [(image["url"], words(image["caption"])) for image in post["images"]])
    return article[field], post[field]


def wrong(crawled: dict, field: str) -> list:
    """(URL, stored, true) of every post whose ``field`` differs from what WordPress holds."""
    out = []
    for post in crawled["truth"]["posts"]:
        got, want = compared(field, crawled["articles"][post["url"]], post)
        if got != want:
            out.append((post["url"], got, want))
    return out


@pytest.mark.parametrize("field", ["title", "published", "modified", "authors", "body", "images"])
def test_every_field_is_what_wordpress_holds(crawled, field):
    bad = wrong(crawled, field)
    assert bad == [], f"{crawled['theme']}: {len(bad)} posts with a wrong {field}, e.g. {bad[:2]}"


def test_the_cases_the_issue_names_are_in_the_comparison(crawled):
    """The comparison above covers what went wrong before: edited posts, closing bylines under the
    editorial account, featured images shown again with a caption, comment forms on every post."""
    posts = crawled["truth"]["posts"]
    assert sum(p["edited"] for p in posts) == 13
    assert all(crawled["articles"][p["url"]]["modified"].endswith("+07:00") for p in posts if p["edited"])
    bylined = [p for p in posts if p["byline"]]
    assert len(bylined) == 8 and {p["account"] for p in bylined} == {"Ban Biên tập"}
    assert {crawled["articles"][p["url"]]["authors"][0] for p in bylined} >= {"Trần Thu Hà"}
    twice = [p for p in posts if any(i["featured"] and i["in_body"] and i["caption"] for i in p["images"])]
    assert len(twice) == 11
    names = {name for article in crawled["articles"].values() for name in article["authors"]}
    assert not names & NOT_AUTHORS


def test_captions_recall_and_precision_are_one(crawled):
    true_pairs = {(p["url"], i["url"], tuple(words(i["caption"]))) for p in crawled["truth"]["posts"]
                  for i in p["images"] if i["caption"]}
    got_pairs = {(url, u, tuple(stored_caption(c, cr))) for url, a in crawled["articles"].items()
                 for u, c, cr in a["images"] if c}
    assert len(true_pairs) >= 60
    assert len(true_pairs & got_pairs) / len(true_pairs) == 1.0, sorted(true_pairs - got_pairs)[:3]
    assert len(true_pairs & got_pairs) / len(got_pairs) == 1.0, sorted(got_pairs - true_pairs)[:3]
    for article in crawled["articles"].values():
        urls = [u for u, _, _ in article["images"]]
        assert len(urls) == len(set(urls)), "a photo counted twice"


def test_reextraction_keeps_every_field(crawled):
    """The modification dates came from the REST API, not the pages: re-reading the stored HTML keeps them."""
    db = crawled["work"] / "reextracted.db"
    shutil.copyfile(crawled["db"], db)
    result = muninews("reextract", PORTAL, "--db", str(db), "--profiles", str(crawled["profiles"]), "--json")
    report = json.loads(result.stdout)
    assert (report["changed"], report["unchanged"], report["rejected"]) == (0, 57, 2)
    assert stored(db) == crawled["articles"]


# --- listings only ---------------------------------------------------------------------------------

def test_the_listings_alone_find_every_published_post(crawled, listed):
    truth = crawled["truth"]
    assert set(listed["articles"]) == {p["url"] for p in truth["posts"]}
    assert all(r["status"] == 403 for r in listed["requests"] if r["uri"].startswith("/wp-json"))
    # a profile that names no listing: the family's titles, the theme's next links and the categories
    assert listed["bare"] == {p["url"] for p in truth["posts"]}
    uris = {r["uri"].rstrip("/") for r in listed["bare_requests"]}
    # The theme's next link is followed from the home page, whose links are all new; later pages
    # are read only while they add a link the run has not seen (issue 15's paging stop), and the
    # category listings, read at the same time, may have found those posts first.
    assert "/page/2" in uris
    assert {c["url"].removeprefix(truth["site"]["home"].rstrip("/")) for c in truth["categories"] if c["count"]} <= uris
    failures = {r["url"]: r["reason"] for r in rows(listed["db"], "SELECT url, reason FROM failures")}
    assert set(failures) == set(truth["password_protected"])


@pytest.mark.parametrize("field", ["title", "published", "authors", "body", "images"])
def test_listings_only_fields_are_the_same(crawled, listed, field):
    bad = wrong({**crawled, "articles": listed["articles"]}, field)
    assert bad == [], f"{crawled['theme']}, listings only: {len(bad)} posts with a wrong {field}, e.g. {bad[:2]}"


# --- incremental ------------------------------------------------------------------------------------

def test_a_rerun_after_changes_fetches_little_and_stores_the_changes(crawled, rerun):
    change = rerun["change"]
    assert len(rerun["changed"]) <= 12, [r["uri"] for r in rerun["changed"]]
    runs = rows(rerun["db"], "SELECT * FROM crawl_run_portals ORDER BY run_id")
    assert (runs[1]["articles_new"], runs[1]["updated"], runs[1]["removed"]) == (3, 3, 2)
    versions = rows(rerun["db"], "SELECT a.url FROM article_versions v JOIN articles a ON a.id = v.article_id")
    assert sorted(r["url"] for r in versions) == sorted(change.edited)
    removed = rows(rerun["db"], "SELECT url FROM articles WHERE removed_at IS NOT NULL")
    assert sorted(r["url"] for r in removed) == sorted(change.trashed)
    assert set(rerun["articles"]) == {p["url"] for p in rerun["truth"]["posts"]}
    bad = wrong({**crawled, "truth": rerun["truth"], "articles": rerun["articles"]}, "body")
    assert bad == []
    edited = {p["url"]: p for p in rerun["truth"]["posts"] if p["url"] in change.edited}
    for url, post in edited.items():
        article = rerun["articles"][url]
        assert (article["title"], minute(article["modified"])) == (post["title"], minute(post["modified"]))


def test_a_rerun_with_no_change_makes_at_most_three_requests(rerun):
    assert len(rerun["unchanged"]) <= 3, [r["uri"] for r in rerun["unchanged"]]
    runs = rows(rerun["db"], "SELECT * FROM crawl_run_portals ORDER BY run_id")
    assert (runs[2]["articles_new"], runs[2]["updated"], runs[2]["removed"]) == (0, 0, 0)


# --- the comment form, without a server ----------------------------------------------------------------

COMMENTED_POST = """<!doctype html><html lang="en"><head><title>Roads reopen – City</title></head><body>
<main><article class="post type-post"><h1 class="entry-title">Roads reopen</h1>
<div class="entry-meta"><span class="byline">By <a href="/author/desk" rel="author">Editorial Team</a></span>
<time datetime="2025-05-02T08:00:00+07:00">2 May 2025</time></div>
<div class="entry-content"><p>The city reopened three roads on Friday after the floods, the transport office said.</p>
<p>Crews worked through the night to clear the mud and repair the surface of the main avenue.</p>
<p>Jane Tran</p></div></article>
<div id="comments" class="comments-area"><ol class="comment-list"><li class="comment">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Peter Holm</b> says:</div></footer>
<div class="comment-content"><p>Thanks for the update.</p></div></li></ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form class="comment-form"><p class="comment-form-author"><label for="author">Name *</label>
<input id="author" name="author" type="text"></p><p class="comment-form-email"><label for="email">Email *</label>
<input id="email" name="email"></p></form></div></div>
<div class="sharedaddy sd-sharing-enabled"><div class="sd-block sd-social"><span class="share-author">Share</span></div></div>
</main></body></html>"""


def test_comment_forms_and_share_widgets_name_no_author():
    """The rule is the markup's, not this site's: the same page in English, with the byline of an
    account ("Editorial Team") and a closing person's name, a comment thread, a reply form and a share bar."""
    record = extract_page(COMMENTED_POST, "https://city.example/roads-reopen.html")
    assert record.authors == ["Jane Tran"]
    assert record.body[-1].startswith("Crews worked")
