"""Distributed mode end to end: a real Redis, three `muninews crawl --redis` workers and one
`muninews load` against the replica, compared with a single-process crawl of the same replica."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, crawl_replica, rows, stored_records
from crawler.registry import load_registry
from crawler.replica import ReplicaServer, build_replica
from crawler.runner import REPLICA_FAMILY, replica_base_urls

redis = pytest.importorskip("redis")

WORKERS = 3


@pytest.fixture(scope="module")
def server():
    """Our own replica (its request log is ours alone); the kill test slows its article pages."""
    delay = {"article": 0.0}

    def slow_articles(site, handler) -> bool:
        if handler.path.endswith(".html"):
            time.sleep(delay["article"])
        return False  # then answer as usual

    with ReplicaServer(build_replica()) as replica:
        replica.interceptors.append(slow_articles)
        replica.delay = delay
        yield replica


@pytest.fixture(scope="module")
def single(server, tmp_path_factory):
    """The reference: the same replica crawled by one ordinary process."""
    db = tmp_path_factory.mktemp("single") / "muninews.db"
    crawl_replica(server, db)
    return db


def start_worker(server, redis_url: str, log: Path) -> subprocess.Popen:
    moves = [f"--base-url={name}={url}" for name, url in replica_base_urls(server.base_urls).items()]
    # --db names a file that does not exist: workers must not read incremental state from a
    # database they do not own (the loader writes ``db``).
    absent = log.with_suffix(".absent.db")
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", REPLICA_FAMILY, "--redis", redis_url, "--db", str(absent), "--quiet",
         *moves],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def start_loader(redis_url: str, db: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "load", "--redis", redis_url, "--db", str(db), "--idle-exit", "1"],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    assert process.wait(timeout) == 0, log.read_text()[-4000:]


def fetches(server, since: int) -> Counter:
    """Pages fetched since log entry ``since``. robots.txt is left out: Scrapy's robots.txt
    middleware fetches it once per process, outside the scheduler, by design."""
    return Counter((e.site, e.path) for e in server.log[since:] if e.path != "/robots.txt")


def stories(db: Path) -> set[frozenset[str]]:
    """Articles grouped by story, as sets of URLs (ids differ between databases)."""
    groups: dict[int, set[str]] = {}
    for row in rows(db, "SELECT url, story_id FROM articles"):
        groups.setdefault(row["story_id"], set()).add(row["url"])
    return {frozenset(urls) for urls in groups.values()}


def assert_same_database(db: Path, single: Path, server) -> None:
    truth = server.replica.truth(server.base_urls)
    stored = stored_records(db)
    missing = sorted(set(truth) - set(stored))
    assert missing == [], [tuple(r) for r in rows(db, "SELECT url, reason FROM failures")]
    assert sorted(stored) == sorted(truth)
    assert stored == stored_records(single)
    assert stories(db) == stories(single)
    urls = [r["url"] for r in rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == len(truth)


def assert_redis_drained(client) -> None:
    leftovers = {key.decode(): client.type(key).decode() for key in client.scan_iter("muninews:*")}
    assert not any(key.startswith(("muninews:inflight:", "muninews:alive:")) for key in leftovers), leftovers
    assert client.zcard("muninews:portal:requests") == 0
    assert client.llen("muninews:items") == 0 and client.llen("muninews:items:loading") == 0
    assert client.scard("muninews:workers") == 0


def test_three_workers_and_a_loader_store_every_article_once(server, single, redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    db = tmp_path / "distributed.db"
    since = len(server.log)
    workers = [start_worker(server, redis_url, tmp_path / f"worker{i}.log") for i in range(WORKERS)]
    wait_for(lambda: client.scard("muninews:workers") == WORKERS, 60, "three workers to join")
    loader = start_loader(redis_url, db, tmp_path / "loader.log")
    for i, worker in enumerate(workers):
        finish(worker, tmp_path / f"worker{i}.log")
    finish(loader, tmp_path / "loader.log")

    fetched = fetches(server, since)
    assert [page for page, times in fetched.items() if times > 1] == []
    articles = [page for page in fetched if page[1].endswith(".html")]
    assert len(articles) == len(server.replica.all_articles())
    assert_same_database(db, single, server)
    assert_redis_drained(client)
    run = rows(db, "SELECT articles_new, finished FROM crawl_runs")
    assert len(run) == 1 and run[0]["articles_new"] == len(articles) and run[0]["finished"]
    assert {r["name"] for r in rows(db, "SELECT name FROM portals")} == set(replica_base_urls(server.base_urls))


def test_a_killed_worker_loses_nothing(server, single, redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    server.delay["article"] = 0.03  # a longer crawl, so the kill lands in the middle of it
    db = tmp_path / "distributed.db"
    since = len(server.log)
    logs = [tmp_path / f"worker{i}.log" for i in range(WORKERS + 1)]
    workers = [start_worker(server, redis_url, logs[i]) for i in range(WORKERS)]
    wait_for(lambda: client.scard("muninews:workers") == WORKERS, 60, "three workers to join")
    loader = start_loader(redis_url, db, tmp_path / "loader.log")
    total = len(server.replica.all_articles())
    wait_for(lambda: sum(p.endswith(".html") for _, p in fetches(server, since)) >= total // 4, 60, "a quarter of the crawl")
    victim = workers.pop(0)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    assert sum(p.endswith(".html") for _, p in fetches(server, since)) < total, "the crawl ended before the kill"
    workers.append(start_worker(server, redis_url, logs[WORKERS]))  # a restarted worker joins the running crawl
    for worker, log in zip(workers, logs[1:]):
        finish(worker, log)
    finish(loader, tmp_path / "loader.log")
    server.delay["article"] = 0.0

    lines = [line for log in logs[1:] for line in log.read_text().splitlines()]
    recovered = sum(int(line.split("re-queued ", 1)[1].split()[0]) for line in lines if "re-queued " in line)
    taken_over = {line.rsplit(" of ", 1)[1].split()[0] for line in lines if "took over the discovery of " in line}
    portal_of_site = {p.replica: p.name for p in load_registry().family(REPLICA_FAMILY)}
    fetched = fetches(server, since)
    refetched = [page for page, times in fetched.items() if times > 1]
    # Only what the victim held when it died is fetched again, and only once: its leased requests,
    # and the discovery (feeds, listings) of the portals it was discovering, restarted elsewhere.
    assert recovered > 0, "the killed worker's leased requests were never put back"
    assert len([page for page in refetched if page[1].endswith(".html")]) <= recovered < total // 4
    assert all(portal_of_site[site] in taken_over for site, path in refetched if not path.endswith(".html"))
    assert all(fetched[page] == 2 for page in refetched)
    assert_same_database(db, single, server)
    assert_redis_drained(client)
