"""Test harness for the replica's fault modes: the plan that switches every mode on, a crawl in a
subprocess, the account of what a crawl should have produced, and the decoy host that must never
be asked. Used by tests/test_faults.py and benchmarks/faults.py; not part of the product."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


from crawler.replica.faults import ENCODING_CASES, Fault, FaultPlan, Mode, Served, Expectation  # noqa: F401
from crawler.replica.generator import Replica
from crawler.replica.server import ReplicaServer


def every_mode_plan(replica: Replica, *, decoy_host: str = "127.0.0.9", transient_times: int = 2,
                    slow_seconds: float = 3.0, oversize_bytes: int = 4 * 1024 * 1024,
                    retry_after_seconds: float = 1.0) -> FaultPlan:
    """Every fault mode on, each on its own article (or listing) of the replica, deterministically.

    Transient modes appear twice: recovering within ``transient_times`` requests, and permanent.
    The redirect/link targets are a decoy on ``decoy_host`` (another loopback address), private
    and link-local addresses, a hostname, and another portal host of the family.
    """
    articles = _spread_articles(replica)
    decoy = f"http://{decoy_host}:{{port}}"
    rules: list[dict[str, Any]] = [
        {"mode": "http_error", "times": transient_times, "status": 500, "name": "5xx burst (recovers)"},
        {"mode": "http_error", "status": 502, "name": "5xx forever"},
        {"mode": "retry_after", "times": transient_times, "status": 429, "seconds": retry_after_seconds,
         "name": "429 Retry-After (recovers)"},
        {"mode": "retry_after", "times": 1, "status": 503, "seconds": retry_after_seconds, "name": "503 Retry-After (recovers)"},
        {"mode": "retry_after", "status": 503, "seconds": 86400, "name": "503 Retry-After a day"},
        {"mode": "reset", "times": transient_times, "name": "connection reset (recovers)"},
        {"mode": "reset", "name": "connection reset forever"},
        {"mode": "slow", "times": 1, "seconds": slow_seconds, "name": "slower than timeout (recovers)"},
        {"mode": "slow", "seconds": slow_seconds, "name": "slower than timeout forever"},
        {"mode": "truncated", "times": 1, "name": "truncated body (recovers)"},
        {"mode": "truncated", "name": "truncated body forever"},
        {"mode": "oversize", "bytes": oversize_bytes, "name": "body over size limit"},
        {"mode": "not_html", "name": "PDF as text/html"},
        {"mode": "empty", "name": "empty 200"},
        {"mode": "malformed", "name": "malformed HTML"},
        *({"mode": "encoding", "name": f"encoding {name}", "charset": charset, "header": header, "meta": meta, **extra}
          for name, charset, header, meta, extra in ENCODING_CASES),
        {"mode": "redirect_loop", "name": "redirect loop"},
        {"mode": "redirect", "to": decoy + "/bai-viet-gia-mao.html", "name": "redirect to non-portal host"},
        {"mode": "redirect", "to": "http://10.0.0.1/tin-tuc.html", "name": "redirect to private address"},
        {"mode": "redirect", "to": "http://169.254.169.254/latest/meta-data/", "name": "redirect to link-local"},
        {"mode": "redirect", "to": "http://localhost:{port}/tin-tuc.html", "name": "redirect to localhost name"},
        {"mode": "redirect", "to_site": "city", "name": "redirect to another portal host"},
        {"mode": "redirect", "to": "http://{host}:1/tin-tuc.html", "name": "redirect to the portal's address, another port"},
        {"mode": "meta_refresh", "to": decoy + "/bai-viet-gia-mao.html", "name": "meta refresh to non-portal host"},
        {"mode": "empty_location", "name": "302 with an empty Location"},
        {"mode": "endless_headers", "name": "endless response headers"},
        {"mode": "javascript_image", "name": "javascript: and data: photos"},
        {"mode": "nul_bytes", "name": "NUL bytes in title and text"},
    ]
    for rule in rules:
        site, article = next(articles)
        if rule.get("to_site") == site:  # the other portal must really be another host
            site, article = next(articles)
        rule.update(site=site, path=re.escape(article.path))
        if rule.get("to_site"):
            rule["to_path"] = replica.sites[rule["to_site"]].newest_first()[-1].path
    rules.append({"mode": "http_error", "site": "hongbang", "path": r"/category/[a-z0-9-]+/", "times": 1,
                  "status": 503, "name": "listing 503 (recovers)"})
    rules.append({
        "mode": "inject_links", "site": "*", "path": r"/category/[a-z0-9-]+/", "name": "links to forbidden hosts",
        "urls": [decoy + "/tin-moi.html", "http://10.0.0.1/tin-moi.html", "http://169.254.169.254/tin-moi.html",
                 "http://localhost:{port}/tin-moi.html", "http://[::1]:{port}/tin-moi.html", "http://example.com/tin-moi.html"],
    })
    return FaultPlan.from_config(rules)


def _spread_articles(replica: Replica):
    """Articles round-robin over the sites, skipping the newest (listed first) and syndicated copies."""
    per_site = {key: [a for a in site.newest_first() if not a.family] for key, site in replica.sites.items()}
    index = 3
    while True:
        for key, articles in per_site.items():
            if index < len(articles) - 1:
                yield key, articles[index]
        index += 1


# --- crawling under a plan, and what the crawl should have produced -----------------------------
def crawl_subprocess(portals: str, settings: dict[str, Any], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``crawler.runner.run_crawl`` in a fresh process (the reactor runs once per process)
    with settings overrides the CLI does not expose (short timeouts, small size limits)."""
    script = "import json, sys\nfrom crawler.runner import run_crawl\nrun_crawl(sys.argv[1], **json.loads(sys.argv[2]))\n"
    return subprocess.run(
        [sys.executable, "-c", script, portals, json.dumps(settings)], capture_output=True, text=True, timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )


@dataclass
class ModeReport:
    """One fault rule after a crawl: what was asked of the server and what the crawler kept."""

    name: str
    urls: list[str]
    requests: int = 0
    retries: int = 0
    failures: int = 0
    expected: int = 0
    stored: int = 0
    survived: int = 0
    lost: list[str] = field(default_factory=list)  # expected stored but missing, or failed silently
    wrong: list[str] = field(default_factory=list)  # stored though it should have failed, or wrong reason


@dataclass
class CrawlAccount:
    modes: list[ModeReport]
    unfaulted_lost: list[str]
    duplicated: list[str]
    failures: dict[str, str]  # url -> reason

    @property
    def faults(self) -> int:
        return sum(len(m.urls) for m in self.modes)

    @property
    def survived(self) -> int:
        return sum(m.survived for m in self.modes)

    @property
    def lost(self) -> int:
        return sum(len(m.lost) + len(m.wrong) for m in self.modes) + len(self.unfaulted_lost)

    def summary(self) -> str:
        return f"faults={self.faults} survived={self.survived} lost={self.lost} duplicated={len(self.duplicated)}"


def account(plan: FaultPlan, server: ReplicaServer, db_path: Path, *, retry_times: int,
            retry_after_max: float = float("inf")) -> CrawlAccount:
    """Compare a crawl's database with what each fault rule says a correct crawler keeps."""
    conn = sqlite3.connect(db_path)
    try:
        stored = Counter(url for (url,) in conn.execute("SELECT url FROM articles"))
        failures = {url: reason for url, reason in conn.execute("SELECT url, reason FROM failures ORDER BY id")}
    finally:
        conn.close()
    base = server.base_urls
    truth_urls = set(server.replica.truth(base))
    faulted: set[str] = set()
    modes = []
    for fault in plan.faults:
        urls = [base[a.site] + a.path for a in server.replica.all_articles() if fault.matches(a.site, a.path)]
        report = ModeReport(fault.label, urls)
        report.requests = sum(1 for entry in server.log if fault.matches(entry.site, entry.path.split("?", 1)[0]))
        report.retries = max(0, report.requests - len(urls)) if urls else 0
        expectation = fault.expectation(retry_times, retry_after_max)
        for url in urls:
            faulted.add(url)
            report.failures += url in failures
            report.stored += url in stored
            if expectation.stored:
                report.expected += 1
                report.survived += url in stored
                if url not in stored:
                    report.lost.append(url)
            elif url in stored or (url in failures and not re.search(expectation.reason or "", failures[url])):
                report.wrong.append(url)
            elif url in failures:
                report.survived += 1
            else:
                report.lost.append(url)
        modes.append(report)
    unfaulted_lost = sorted(url for url in truth_urls - faulted if url not in stored)
    duplicated = sorted(url for url, count in stored.items() if count > 1)
    return CrawlAccount(modes, unfaulted_lost, duplicated, failures)


class Decoy:
    """A server on another loopback address that records every request: the host a hostile page
    tries to steer the crawler to. A correct crawl leaves ``requests`` empty."""

    def __init__(self, host: str = "127.0.0.9", port: int = 0) -> None:
        self.host, self.port = host, port
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> Decoy:
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                requests.append(self.path)
                body = b"<html><body><h1>decoy</h1><p>" + b"Tin gia mao. " * 20 + b"</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True, name="decoy").start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
