"""Distributed mode end to end: a real Redis, three `muninews crawl --redis` workers and one
`muninews load` against the replica, compared with a single-process crawl of the same replica."""

from __future__ import annotations

import gzip

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

import conftest
from conftest import ROOT, rows, stored_records
from crawler.distributed import WORKERS_KEY, alive_key, inflight_key
from crawler.registry import load_registry
from crawler.runner import REPLICA_FAMILY, replica_base_urls

redis = pytest.importorskip("redis")
from scrapy_redis import picklecompat  # the serializer of the shared queue, and so of the leases

redis_url = conftest.redis_url  # the fixture, also here: tests/test_distributed_queue.py imports it from this module

WORKERS = 3
GATE_TIMEOUT = 120  # seconds an article request waits at a closed gate before it goes through anyway


class ArticleGate:
    """A gate on the replica's article pages, in its request handler: while it is closed, every
    article request waits in the server (its worker keeps the lease) until the gate opens.

    ``close_after(n)`` lets the next n article requests through, then closes, so a test stops a
    crawl at a point it chose, whatever the machine's speed."""

    def __init__(self, server) -> None:
        self.server = server
        self.opened = threading.Event()
        self.opened.set()
        self.closed = threading.Event()  # set when close_after's count is used up
        self._lock = threading.Lock()
        self._left: int | None = None
        self._held: Counter = Counter()  # URLs of the requests waiting at the gate

    def close_after(self, count: int) -> None:
        with self._lock:
            self._left = count
            self.closed.clear()

    def open(self) -> None:
        with self._lock:
            self._left = None
            self.opened.set()

    def held(self) -> set[str]:
        with self._lock:
            return set(self._held)

    def __call__(self, site: str, handler) -> bool:
        if not handler.path.endswith(".html"):
            return False
        url = self.server.base_urls[site] + handler.path
        with self._lock:
            if self._left is not None:
                if self._left == 0:
                    self._left = None
                    self.opened.clear()
                    self.closed.set()
                else:
                    self._left -= 1
            if self.opened.is_set():
                return False
            self._held[url] += 1
        try:
            self.opened.wait(GATE_TIMEOUT)
        finally:
            with self._lock:
                self._held[url] -= 1
                if not self._held[url]:
                    del self._held[url]
        return False  # then answer as usual


@pytest.fixture(scope="module")
def server(replica):
    """The session's replica. Its request log is shared: tests count the requests after their start."""
    return replica


@pytest.fixture(scope="module")
def gate(server):
    """A gate on the replica's article pages, open unless a test closes it; removed at the end."""
    gate = ArticleGate(server)
    server.interceptors.append(gate)
    try:
        yield gate
    finally:
        gate.open()
        server.interceptors.remove(gate)


@pytest.fixture(scope="module")
def single(crawled):
    """The reference: the same replica crawled by one ordinary process (the session's crawl, copied)."""
    return crawled


def start_worker(server, redis_url: str, log: Path) -> subprocess.Popen:
    moves = [f"--base-url={name}={url}" for name, url in replica_base_urls(server.base_urls).items()]
    # --db names a file that does not exist: workers must not read incremental state from a
    # database they do not own (the loader writes ``db``).
    absent = log.with_suffix(".absent.db")
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", REPLICA_FAMILY, "--redis", redis_url, "--db", str(absent), "--quiet",
         "--log-file", "-", *moves],  # Scrapy's log (the re-queue and take-over lines) on stdout
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
    assert stored_pages(db) == stored_pages(single)  # the workers' gzipped HTML is the page


def stored_pages(db: Path) -> dict[str, bytes]:
    return {r["url"]: gzip.decompress(r["html_gz"]) for r in rows(db, "SELECT url, html_gz FROM pages")
            if r["html_gz"] is not None}


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


def worker_id(client, pid: int) -> str | None:
    """The id (host:pid:hex) under which the worker process ``pid`` joined the crawl, if it has."""
    ids = [member.decode() for member in client.smembers(WORKERS_KEY) if member.decode().split(":")[-2] == str(pid)]
    assert len(ids) <= 1, (pid, ids)
    return ids[0] if ids else None


def leased_and_held(client, worker: str, gate: ArticleGate) -> set[str]:
    """URLs that ``worker`` holds a lease on and whose request is waiting at the gate: requests
    certainly in flight in that worker (a lease alone may belong to a request it has finished)."""
    leased = {picklecompat.loads(data)["url"] for data in client.hvals(inflight_key(worker))}
    return leased & gate.held()


def test_a_killed_worker_loses_nothing(server, gate, single, redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    db = tmp_path / "distributed.db"
    since = len(server.log)
    logs = [tmp_path / f"worker{i}.log" for i in range(WORKERS + 1)]
    total = len(server.replica.all_articles())
    # A quarter of the articles are served; then article requests wait in the server, so the kill
    # lands in the middle of the crawl, while the victim has requests in flight, on any machine.
    gate.close_after(total // 4)
    try:
        workers = [start_worker(server, redis_url, logs[i]) for i in range(WORKERS)]
        wait_for(lambda: client.scard(WORKERS_KEY) == WORKERS, 60, "three workers to join")
        loader = start_loader(redis_url, db, tmp_path / "loader.log")
        wait_for(gate.closed.is_set, 120, "a quarter of the crawl")
        victim = workers.pop(0)
        victim_id = worker_id(client, victim.pid)
        assert victim_id is not None
        wait_for(lambda: leased_and_held(client, victim_id, gate), 60, "the victim to have an article request in flight")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert client.hlen(inflight_key(victim_id)) > 0, "the victim died holding no lease"
        assert sum(p.endswith(".html") for _, p in fetches(server, since)) < total, "the crawl ended before the kill"
    finally:
        gate.open()

    # A restarted worker joins the running crawl. Until it has joined, the test keeps the dead
    # worker's heartbeat from timing out (as a quick restart would find it): otherwise, on a slow
    # machine, the survivors could recover, finish and leave first, and it would start a new crawl.
    workers.append(start_worker(server, redis_url, logs[WORKERS]))

    def restarted_worker_joined() -> bool:
        if 0 <= client.pttl(alive_key(victim_id)) < 2000:  # about to time out (-2: gone, -1: no expiry)
            client.pexpire(alive_key(victim_id), 2000)
        return worker_id(client, workers[-1].pid) is not None

    wait_for(restarted_worker_joined, 120, "the restarted worker to join")
    for worker, log in zip(workers, logs[1:]):
        finish(worker, log)
    finish(loader, tmp_path / "loader.log")

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
