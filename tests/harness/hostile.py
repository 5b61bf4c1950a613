"""Hostile portals (issue 15): one short crawl per case, each a replica portal with one hostile
discovery source or page switched on, and what a correct crawler ends up with.

A case names the replica site, the discovery sources its profile uses, the fault rules, discovery
budgets and settings, which URLs must end up stored, and the failure reasons that must be
recorded. ``run_case`` crawls it in a subprocess and measures wall time and peak memory of that
process (its own ``ru_maxrss``); ``check`` compares the database with the case. Used by
tests/test_hostile.py and benchmarks/faults.py; not part of the product."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from crawler.registry import BUILTIN_PROFILE_DIR
from crawler.replica.faults import FaultPlan
from crawler.replica.feeds import FEED_PAGE_SIZE
from crawler.replica.generator import Replica
from crawler.replica.server import ReplicaServer
from crawler.runner import replica_base_urls

REPLICA_PROFILE = (BUILTIN_PROFILE_DIR / "haiphong-replica.toml").read_text(encoding="utf-8")
ARTICLE = r"/[a-z0-9-]+\.html"


@dataclass
class Case:
    name: str
    site: str
    sources: list[str]
    rules: list[dict[str, Any]]
    expected: str = "all"  # "all" the site's live articles, "feed" the first feed page's, "none"
    reasons: list[str] = field(default_factory=list)  # regexes: each must match some failures.reason
    discovery: dict[str, Any] = field(default_factory=dict)  # budgets in the profile
    settings: dict[str, Any] = field(default_factory=dict)
    max_requests: int | None = None  # requests to the site a correct crawl stays within
    check_rows: Callable[[sqlite3.Connection], list[str]] | None = None  # extra checks: problems found


def _no_nul_and_capped(conn: sqlite3.Connection) -> list[str]:
    problems = []
    if conn.execute("SELECT count(*) FROM articles WHERE instr(title, char(0)) OR instr(body, char(0))").fetchone()[0]:
        problems.append("a NUL byte was stored")
    return problems


def _title_capped(conn: sqlite3.Connection) -> list[str]:
    longest = conn.execute("SELECT max(length(title)) FROM articles").fetchone()[0] or 0
    return [] if longest <= 1000 else [f"a title of {longest} characters was stored"]


def _only_http_images(conn: sqlite3.Connection) -> list[str]:
    bad = conn.execute("SELECT url FROM images WHERE url NOT LIKE 'http://%' AND url NOT LIKE 'https://%'").fetchall()
    return [f"image URL stored: {url}" for (url,) in bad]


def _paragraph_kept(conn: sqlite3.Connection) -> list[str]:
    longest = conn.execute("SELECT max(length(body)) FROM articles").fetchone()[0] or 0
    recorded = conn.execute("SELECT count(*) FROM failures WHERE reason LIKE '%paragraph%'").fetchone()[0]
    return [] if longest > 10_000_000 or recorded else ["the long paragraph vanished without a trace"]


def _captions_once(conn: sqlite3.Connection) -> list[str]:
    row = conn.execute("SELECT a.captions, count(i.position) FROM articles a JOIN images i ON i.article_id = a.id "
                       "GROUP BY a.id ORDER BY count(i.position) DESC LIMIT 1").fetchone()
    if row is None or row[1] < 10_000:
        return [f"the article with 10,000 photos kept {row[1] if row else 0}"]
    return [] if (row[0] or "").count("\n") + 1 >= 10_000 else ["captions not all in articles.captions"]


def _every_listed_url_accounted(listed: int) -> Callable[[sqlite3.Connection], list[str]]:
    """Each URL of the huge sitemap was fetched (stored, or a failures row for its 404) or is a
    ``dropped`` row with its reason: nothing left without a trace."""
    def check(conn: sqlite3.Connection) -> list[str]:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        missing = conn.execute("SELECT count(DISTINCT url) FROM failures WHERE reason = 'HTTP 404'").fetchone()[0]
        dropped = conn.execute("SELECT count(DISTINCT url) FROM dropped WHERE kind = 'link'").fetchone()[0]
        unreasoned = conn.execute("SELECT count(*) FROM dropped WHERE coalesce(reason, '') = ''").fetchone()[0]
        problems = [] if stored + missing + dropped == listed else [
            f"{listed:,} URLs listed, {stored} stored + {missing} answered 404 + {dropped:,} dropped"]
        return problems + ([f"{unreasoned} dropped rows without a reason"] if unreasoned else [])
    return check


def cases(decoy_port: int, huge: tuple[int, ...] = (10, 100_000)) -> list[Case]:
    """Every hostile case; ``decoy_port`` is a server on the portal's own address, another port;
    ``huge``: the huge sitemap's (children, URLs per child), crawled with the default budgets."""
    children, per_child = huge[:2]
    return [
        Case("X-WP-TotalPages: 1000000000", "lechan", ["wpjson"],
             [{"mode": "wp_total_pages", "site": "lechan", "path": r"/wp-json/wp/v2/posts/?", "pages": 10**9}],
             max_requests=200),
        Case("sitemap index listing itself", "lechan", ["sitemap"],
             [{"mode": "sitemap_self", "site": "lechan", "path": r"/sitemap\.xml"}], max_requests=200),
        Case("feed ignoring ?paged=", "lechan", ["feed"],
             [{"mode": "ignore_query", "site": "lechan", "path": r"/feed/?"}], expected="feed", max_requests=60),
        Case("endless listing pagination", "hongbang", ["listing"],
             [{"mode": "endless_listing", "site": "hongbang", "path": r"/category/[a-z0-9-]+/(page/\d+/)?"}],
             max_requests=300),
        Case("endless listing of fresh fake links", "hongbang", ["listing"],
             [{"mode": "endless_listing", "site": "hongbang", "path": r"/category/[a-z0-9-]+/(page/\d+/)?", "fresh": True}],
             reasons=[r"^discovery budget: listing reached 15 pages"], discovery={"max_pages_per_source": 15},
             max_requests=300),
        Case("endless fresh fake links, default budgets", "hongbang", ["listing"],
             [{"mode": "endless_listing", "site": "hongbang", "path": r"/category/[a-z0-9-]+/(page/\d+/)?", "fresh": True}],
             reasons=[r"^discovery stopped: 200 article links in a row answered HTTP 404"], max_requests=500),
        Case("60,000 sitemap URLs, max_links = 100", "lechan", ["sitemap"],
             [{"mode": "huge_sitemap", "site": "lechan", "path": r"/sitemap\.xml|/huge-\d+\.xml", "children": 3, "urls": 20_000}],
             reasons=[r"^discovery budget: 100 article links fetched"], discovery={"max_links": 100},
             max_requests=100 + 3 + 20, check_rows=_every_listed_url_accounted(60_000)),
        Case(f"{children * per_child:,} sitemap URLs, default budgets", "lechan", ["sitemap"],
             [{"mode": "huge_sitemap", "site": "lechan", "path": r"/sitemap\.xml|/huge-\d+\.xml",
               "children": children, "urls": per_child}],
             reasons=[r"^discovery stopped: 200 article links in a row answered HTTP 404"], max_requests=400,
             check_rows=_every_listed_url_accounted(children * per_child)),
        Case("sitemap that is HTML", "lechan", ["sitemap", "listing"],
             [{"mode": "as_html", "site": "lechan", "path": r"/sitemap\.xml"}],
             reasons=[r"^sitemap: not a sitemap: the document is <html>"]),
        Case("gzipped sitemaps as octet-stream", "lechan", ["sitemap"],
             [{"mode": "gzipped", "site": "lechan", "path": r"/sitemap\.xml|/post-sitemap\d*\.xml"}]),
        Case("robots.txt 404", "lechan", ["sitemap"],
             [{"mode": "not_found", "site": "lechan", "path": r"/robots\.txt"}]),
        Case("sitemap index whose child is on another host", "lechan", ["sitemap", "listing"],
             [{"mode": "offhost_index", "site": "lechan", "path": r"/sitemap\.xml",
               "to": "http://127.0.0.9:{port}/post-sitemap.xml"}],
             reasons=[r"^sitemap: not followed: 127\.0\.0\.9:\d+ is not one of portal replica-lechan's hosts and ports"]),
        Case("REST API page that is no JSON", "lechan", ["wpjson", "sitemap"],
             [{"mode": "bad_json", "site": "lechan", "path": r"/wp-json/wp/v2/posts/?"}],
             reasons=[r"^wpjson: not a WordPress REST answer"]),
        Case("link to the portal's address on another port", "hongbang", ["listing"],
             [{"mode": "inject_links", "site": "hongbang", "path": r"/category/[a-z0-9-]+/(page/\d+/)?",
               "urls": [f"http://127.0.0.4:{decoy_port}/tin-moi.html", f"http://127.0.0.4:{decoy_port}/"]}]),
        Case("64 URLs answering Retry-After: 10", "lechan", ["sitemap"],
             [{"mode": "retry_after", "site": "lechan", "path": ARTICLE, "status": 503, "seconds": 10}],
             expected="none", reasons=[r"Retry-After budget"], settings={"RETRY_AFTER_HOST_BUDGET": 30.0}),
        Case("10,000 captioned photos in one article", "lechan", ["sitemap"],
             [{"mode": "many_captions", "site": "lechan", "path": "/" + "PLACEHOLDER"}], check_rows=_captions_once),
        Case("a 19 MB paragraph", "lechan", ["sitemap"],
             [{"mode": "huge_paragraph", "site": "lechan", "path": "/" + "PLACEHOLDER"}], check_rows=_paragraph_kept),
        Case("a 1 MB title, NUL bytes, javascript: photos", "lechan", ["sitemap"],
             [{"mode": "huge_title", "site": "lechan", "path": "/" + "PLACEHOLDER", "chars": 1_000_000},
              {"mode": "nul_bytes", "site": "lechan", "path": "/" + "PLACEHOLDER"},
              {"mode": "javascript_image", "site": "lechan", "path": "/" + "PLACEHOLDER"}],
             check_rows=lambda conn: _title_capped(conn) + _no_nul_and_capped(conn) + _only_http_images(conn)),
        Case("endless response headers", "lechan", ["sitemap"],
             [{"mode": "endless_headers", "site": "lechan", "path": "/" + "PLACEHOLDER"}],
             reasons=[r"^response headers (larger|longer) than"]),
        Case("meta refresh and empty Location", "lechan", ["sitemap"],
             [{"mode": "meta_refresh", "site": "lechan", "path": "/" + "PLACEHOLDER"},
              {"mode": "empty_location", "site": "lechan", "path": "/" + "PLACEHOLDER"}],
             reasons=[r"meta refresh", r"redirect without a Location"]),
    ]


def plan_for(case: Case, replica: Replica) -> tuple[FaultPlan, set[str]]:
    """The case's fault plan with each PLACEHOLDER path set to its own article; the faulted article
    paths whose failure is expected (they are not counted as lost)."""
    articles = iter([a for a in replica.sites[case.site].newest_first() if not a.family][2:])
    rules, failing = [], set()
    for rule in case.rules:
        rule = dict(rule)
        if rule["path"] == "/PLACEHOLDER":
            article = next(articles)
            rule["path"] = re.escape(article.path)
            if rule["mode"] in ("endless_headers", "meta_refresh", "empty_location"):
                failing.add(article.path)
        rules.append(rule)
    return FaultPlan.from_config(rules), failing


def profile_text(case: Case) -> str:
    text = re.sub(r"(?m)^sources = .*$", "sources = " + json.dumps(case.sources), REPLICA_PROFILE)
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in case.discovery.items())
    return text.replace("[discovery]\n", "[discovery]\n" + extra, 1)


@dataclass
class Result:
    case: Case
    wall_s: float
    rss_mb: float
    returncode: int
    stderr: str
    requests: int
    off_allowed: int  # requests the decoys and the replica's other hosts received
    expected: set[str]
    stored: dict[str, int]
    failures: list[tuple[str, str]]
    problems: list[str]
    dropped: int = 0  # rows in the dropped table

    @property
    def lost(self) -> int:
        return len(self.expected - set(self.stored))

    @property
    def duplicated(self) -> int:
        return sum(1 for count in self.stored.values() if count > 1)


def _run_timed(command: list[str], timeout: float, **popen) -> tuple[subprocess.Popen, bytes, bytes, float]:
    """Run ``command`` to its end, killed past ``timeout`` seconds: (process, stdout, stderr, wall
    seconds). A hostile case that hangs its crawl is a finding with its output, not a hung harness."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return process, stdout, stderr, time.monotonic() - start


def run_case(case: Case, replica: Replica, tmp: Path, decoys: list, timeout: float = 300) -> Result:
    """Crawl one hostile case in a subprocess; wall time and peak RSS of that process."""
    plan, failing = plan_for(case, replica)
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "profiles").mkdir(exist_ok=True)
    (tmp / "profiles" / "hostile.toml").write_text(profile_text(case), encoding="utf-8")
    db = tmp / "hostile.db"
    with ReplicaServer(replica) as server:
        plan.install(server)
        settings = {
            "SQLITE_PATH": str(db), "MUNINEWS_BASE_URLS": replica_base_urls(server.base_urls),
            "MUNINEWS_PROFILE_DIRS": [str(tmp / "profiles")], "LOG_LEVEL": "WARNING",
            "DOWNLOAD_TIMEOUT": 5.0, "RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": 0.05, "AUTOTHROTTLE_ENABLED": False,
            **case.settings,
        }
        for decoy in decoys:
            decoy.requests.clear()
        portal = f"replica-{case.site}"
        # VmHWM: this process's own peak (ru_maxrss would include the parent's size at fork).
        script = ("import json, re, sys\nfrom crawler.runner import run_crawl\n"
                  "try:\n    run_crawl(sys.argv[1], **json.loads(sys.argv[2]))\nfinally:\n"
                  "    status = open('/proc/self/status').read()\n"
                  "    print('RSS_KIB', re.search(r'VmHWM:\\s+(\\d+)', status)[1], flush=True)\n")
        process, stdout, stderr, wall = _run_timed([sys.executable, "-c", script, portal, json.dumps(settings)],
                                                   timeout, cwd=Path(__file__).resolve().parents[2])
        found = re.search(rb"RSS_KIB (\d+)", stdout)
        rss_mb = int(found[1]) / 1024 if found else float("nan")
        requests = sum(1 for entry in server.log if entry.site == case.site)
        elsewhere = sum(1 for entry in server.log if entry.site != case.site)  # the family's other hosts
        base = server.base_urls[case.site]
        site = replica.sites[case.site]
        if case.expected == "all":
            expected = {base + a.path for a in site.live if a.path not in failing}
        elif case.expected == "feed":
            expected = {base + a.path for a in site.newest_first()[:FEED_PAGE_SIZE]}
        else:
            expected = set()
    conn = sqlite3.connect(db)
    try:
        stored: dict[str, int] = {}
        for (url,) in conn.execute("SELECT url FROM articles"):
            stored[url] = stored.get(url, 0) + 1
        failures = conn.execute("SELECT url, reason FROM failures ORDER BY id").fetchall()
        problems = check(case, conn, failures, requests)
        dropped = conn.execute("SELECT count(*) FROM dropped").fetchone()[0]
    finally:
        conn.close()
    return Result(case, wall, rss_mb, process.returncode, stderr.decode("utf-8", "replace"), requests,
                  elsewhere + sum(len(d.requests) for d in decoys), expected, stored, failures, problems, dropped)


def check(case: Case, conn: sqlite3.Connection, failures: list[tuple[str, str]], requests: int) -> list[str]:
    problems = [f"no failure matches {pattern!r}" for pattern in case.reasons
                if not any(re.search(pattern, reason) for _, reason in failures)]
    if case.max_requests is not None and requests > case.max_requests:
        problems.append(f"{requests} requests (at most {case.max_requests} expected)")
    if case.check_rows is not None:
        problems += case.check_rows(conn)
    return problems


# --- the add-portal probe against the same portals -------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ProbeResult:
    case: Case
    wall_s: float
    returncode: int
    stderr: str
    off_allowed: int  # requests to the replica's other hosts and to the decoys
    bad_writes: list[str]  # files written anywhere but the profile: its folder, working directory, HOME, TMPDIR, data/
    profile_ok: bool | None  # the written profile parses as TOML and loads (None: none written)
    problem: str | None = None  # why it did not (or why no profile)


def _files(folder: Path) -> set[str]:
    return {str(path) for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def probe_case(case: Case, replica: Replica, tmp: Path, decoys: list, timeout: float = 120) -> ProbeResult:
    """``muninews add-portal`` against the case's portal, in a fresh process whose working
    directory, HOME and TMPDIR are folders of its own: wall time, requests off its host and port,
    every file it left outside its profile folder's one profile (those folders, and the
    project's data/), and whether the profile parses and loads."""
    import os
    import tomllib

    from crawler.registry import load_profile

    plan, _ = plan_for(case, replica)
    sandbox = {name: tmp / name for name in ("work", "home", "tmp", "profiles")}
    for folder in sandbox.values():
        folder.mkdir(parents=True, exist_ok=True)
    data_before = {(p, Path(p).stat().st_mtime_ns) for p in _files(ROOT / "data")}
    env = {**os.environ, "HOME": str(sandbox["home"]), "TMPDIR": str(sandbox["tmp"]), "XDG_CACHE_HOME": str(sandbox["home"]),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONDONTWRITEBYTECODE": "1"}
    for decoy in decoys:
        decoy.requests.clear()
    with ReplicaServer(replica) as server:
        plan.install(server)
        url = server.base_urls[case.site]
        process, _, stderr, wall = _run_timed([sys.executable, "-m", "crawler", "add-portal", url, "--profiles",
                                               str(sandbox["profiles"]), "--allow-private", "--name", "hostile"],
                                              timeout, cwd=sandbox["work"], env=env)
        elsewhere = sum(1 for entry in server.log if entry.site != case.site)
    profile = sandbox["profiles"] / "hostile.toml"
    written = set().union(*(_files(folder) for folder in sandbox.values())) - {str(profile)}
    data_after = {(p, Path(p).stat().st_mtime_ns) for p in _files(ROOT / "data")}
    bad = sorted(written | {p for p, _ in data_after - data_before})
    ok, problem = None, None
    if profile.exists():
        try:
            tomllib.loads(profile.read_text(encoding="utf-8"))
            ok = load_profile(profile)[0].base_url == url
            problem = None if ok else "the profile loads with another base URL"
        except Exception as error:  # noqa: BLE001 - any reason a profile does not load is the finding
            ok, problem = False, f"{type(error).__name__}: {error}"
    else:
        problem = (stderr.decode("utf-8", "replace").strip().splitlines() or ["no profile, no message"])[-1][:160]
    return ProbeResult(case, wall, process.returncode, stderr.decode("utf-8", "replace"),
                       elsewhere + sum(len(d.requests) for d in decoys), bad, ok, problem)
