"""A crawl killed with SIGKILL keeps every article it fetched more than 5 s before the kill (rows
are committed every SQLITE_COMMIT_SECONDS as well as every SQLITE_BATCH_SIZE items), and a crawl
with --max-time ends by itself at its deadline with everything it fetched committed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, rows
from crawler.replica import ReplicaServer, build_replica
from crawler.runner import replica_base_urls

ARTICLE = re.compile(r"^/[a-z0-9-]+\.html$")


def _timed_log(server: ReplicaServer) -> list[tuple[float, str, str, int]]:
    """(when, site, path, status) of every request the replica answers, as it answers."""
    seen: list[tuple[float, str, str, int]] = []
    original = server._record

    def record(entry) -> None:
        seen.append((time.monotonic(), entry.site, entry.path, entry.status))
        original(entry)

    server._record = record
    return seen


def _crawl(server: ReplicaServer, db: Path, *extra: str) -> subprocess.Popen:
    moves = [f"--base-url={name}={url}" for name, url in replica_base_urls(server.base_urls).items()]
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "haiphong-replica", "--db", str(db), "--quiet", *moves,
         "-s", "DOWNLOAD_DELAY=0.25", "-s", "AUTOTHROTTLE_ENABLED=False", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _articles_served(log, server: ReplicaServer, before: float) -> set[str]:
    return {server.base_urls[site] + path for when, site, path, status in list(log)
            if when < before and status == 200 and ARTICLE.match(path)}


def test_sigkill_keeps_every_article_fetched_more_than_5_s_before(tmp_path):
    with ReplicaServer(build_replica()) as server:
        log = _timed_log(server)
        db = tmp_path / "killed.db"
        process = _crawl(server, db)
        try:
            deadline = time.monotonic() + 120
            while len(_articles_served(log, server, time.monotonic())) < 40:
                assert process.poll() is None and time.monotonic() < deadline, "the crawl ended before the kill"
                time.sleep(0.1)
            time.sleep(7)
            assert process.poll() is None, "the crawl ended before the kill"
            killed_at = time.monotonic()
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        early = _articles_served(log, server, killed_at - 5)
        everything = _articles_served(log, server, killed_at)
    kept = {r["url"] for r in rows(db, "SELECT url FROM pages")}
    assert len(early) >= 40
    assert early - kept == set()
    assert len(everything) > len(early)  # the crawl was mid-flight when it was killed
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] >= len(early) - 10  # pages are articles here


def test_max_time_ends_the_crawl_and_commits_what_it_fetched(tmp_path):
    with ReplicaServer(build_replica()) as server:
        log = _timed_log(server)
        db = tmp_path / "deadline.db"
        start = time.monotonic()
        process = _crawl(server, db, "--max-time", "6")
        _, stderr = process.communicate(timeout=120)
        ended = time.monotonic()
        served = _articles_served(log, server, ended)
        after = [entry for entry in log if entry[0] > start + 6 + 31]  # nothing long after the deadline
    assert process.returncode == 0, stderr.decode()[-3000:]
    kept = {r["url"] for r in rows(db, "SELECT url FROM pages")}
    assert served and served - kept == set()  # every page fetched is committed
    assert len(served) < len(build_replica().all_articles())  # it really stopped early
    assert after == []
    run = rows(db, "SELECT status, reason, finished FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert run["finished"] and run["status"] == "finished" and "--max-time" in run["reason"]
