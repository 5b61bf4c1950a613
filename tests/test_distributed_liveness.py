"""A worker that was only silent, not dead, must not redo the work the others took over.

Two real schedulers share a real Redis. Their heartbeats are driven by hand (the loops are stopped),
so "silent" is exact: a worker's heartbeat key is expired, as it would expire while its reactor is
blocked past DISTRIBUTED_WORKER_TIMEOUT, and the other worker's next beat takes it for dead.
"""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.distributed import DISCOVERY_KEY, DISCOVERY_META, LeasingScheduler, alive_key, worker_settings

from test_distributed import redis_url  # noqa: F401  (a module-scoped redis-server fixture)

redis = pytest.importorskip("redis")


class PortalSpider(Spider):
    name = "portal"


def discovery(portal: str) -> Request:
    return Request(f"http://{portal}.test/sitemap.xml", meta={DISCOVERY_META: "sitemap"}, cb_kwargs={"portal": portal})


def article(portal: str, n: int) -> Request:
    return Request(f"http://{portal}.test/bai-{n}.html")


def open_worker(redis_url: str) -> LeasingScheduler:  # noqa: F811
    crawler = get_crawler(PortalSpider, worker_settings(redis_url))
    crawler.spider = crawler._create_spider()
    scheduler = LeasingScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    for loop in (scheduler.beat, scheduler.poll):  # beats come only when the test calls heartbeat()
        loop.stop()
    return scheduler


@pytest.fixture
def workers(redis_url):  # noqa: F811
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    first, second = open_worker(redis_url), open_worker(redis_url)
    yield first, second
    server.flushdb()


def fall_silent(worker: LeasingScheduler) -> None:
    """What DISTRIBUTED_WORKER_TIMEOUT seconds without a beat leave in Redis: no heartbeat key."""
    worker.server.delete(alive_key(worker.worker))


def owner(worker: LeasingScheduler, portal: str) -> str:
    return worker.server.hget(DISCOVERY_KEY, portal).decode()


def stat(worker: LeasingScheduler, key: str) -> int:
    return worker.stats.get_value(key, 0)


def test_a_silent_worker_gives_up_the_discoveries_a_survivor_took_over(workers):
    silent, survivor = workers
    for portal in ("a", "b"):
        assert silent.enqueue_request(discovery(portal))
    assert silent.enqueue_request(discovery("c"))  # only the silent worker's spider knows portal c
    silent.enqueue_request(article("a", 1))
    leased = silent.next_request()  # its local discovery queue first
    while leased is not None and leased.url.endswith("sitemap.xml"):
        leased = silent.next_request()
    assert leased is not None and leased.url == "http://a.test/bai-1.html"
    for portal in ("a", "b"):  # the survivor's own start requests for a and b wait for the owner
        assert not survivor.enqueue_request(discovery(portal))
    silent.local.extend([discovery("a"), discovery("b"), discovery("c")])  # its discovery still queued

    fall_silent(silent)
    survivor.heartbeat()  # takes it for dead: re-queues its lease, frees its claims, takes over a and b
    assert survivor.owned == {"a", "b"}
    assert [r.url for r in survivor.local] == ["http://a.test/sitemap.xml", "http://b.test/sitemap.xml"]

    silent.heartbeat()  # back: finds itself removed from the crawl
    assert stat(silent, "muninews/distributed/presumed_dead") == 1
    assert stat(silent, "muninews/distributed/discovery_given_up") == 2
    assert silent.owned == {"c"} and owner(silent, "c") == silent.worker
    assert [r.url for r in silent.local] == ["http://c.test/sitemap.xml"]
    assert owner(survivor, "a") == owner(survivor, "b") == survivor.worker
    assert silent.leases == {}
    survivor.local.clear()
    assert survivor.next_request().url == "http://a.test/bai-1.html"  # the re-queued lease, fetched once


def test_a_worker_back_before_any_takeover_keeps_its_discoveries(workers):
    silent, other = workers
    assert silent.enqueue_request(discovery("a"))
    fall_silent(silent)
    other.heartbeat()  # frees the claim on a, but nobody else waits to run a's discovery
    assert other.owned == set()
    assert other.server.hget(DISCOVERY_KEY, "a") is None

    silent.heartbeat()
    assert stat(silent, "muninews/distributed/presumed_dead") == 1
    assert stat(silent, "muninews/distributed/discovery_given_up") == 0
    assert silent.owned == {"a"} and owner(silent, "a") == silent.worker
    assert [r.url for r in silent.local] == ["http://a.test/sitemap.xml"]


def test_workers_that_beat_are_never_taken_for_dead(workers):
    first, second = workers
    assert first.enqueue_request(discovery("a"))
    assert not second.enqueue_request(discovery("a"))
    for _ in range(3):
        first.heartbeat()
        second.heartbeat()
    for worker in workers:
        assert stat(worker, "muninews/distributed/presumed_dead") == 0
    assert first.owned == {"a"} and owner(first, "a") == first.worker
    assert second.owned == set() and "a" in second.waiting
