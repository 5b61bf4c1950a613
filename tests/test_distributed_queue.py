"""The shared frontier hands out requests host by host in turn (priority first), through a real Redis."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider

from crawler.distributed import TURNS_KEY, HostInterleavedQueue

from test_distributed import redis_url  # noqa: F401  (a module-scoped redis-server fixture)

redis = pytest.importorskip("redis")


@pytest.fixture
def queue(redis_url):  # noqa: F811
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    yield HostInterleavedQueue(server, Spider("portal"), "muninews:%(spider)s:requests")
    server.flushdb()


def drain(queue) -> list[str]:
    urls = []
    while (request := queue.pop()) is not None:
        urls.append(request.url)
    return urls


def test_equal_priorities_alternate_between_hosts(queue):
    # Queued host by host, as discovery yields them; the URLs of host a sort before host b's.
    for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        for n in range(3):
            queue.push(Request(f"http://{host}:8765/bai-{n}.html"))
    hosts = [url.split("/")[2].split(":")[0][-1] for url in drain(queue)]
    assert hosts == ["1", "2", "3"] * 3


def test_priority_still_comes_first(queue):
    queue.push(Request("http://127.0.0.1:8765/a.html"))
    queue.push(Request("http://127.0.0.1:8765/b.html"))
    queue.push(Request("http://127.0.0.2:8765/late-but-urgent.html", priority=5))
    queue.push(Request("http://127.0.0.2:8765/retry.html", priority=-1))
    assert drain(queue) == ["http://127.0.0.2:8765/late-but-urgent.html", "http://127.0.0.1:8765/a.html",
                            "http://127.0.0.1:8765/b.html", "http://127.0.0.2:8765/retry.html"]


def test_turns_are_shared_by_every_worker_queue(queue, redis_url):  # noqa: F811
    other = HostInterleavedQueue(redis.Redis.from_url(redis_url), Spider("portal"), "muninews:%(spider)s:requests")
    queue.push(Request("http://127.0.0.1:8765/x.html"))
    other.push(Request("http://127.0.0.1:8765/y.html"))
    other.push(Request("http://127.0.0.2:8765/z.html"))
    assert queue.server.hget(TURNS_KEY, "127.0.0.1") == b"2"
    assert drain(queue) == ["http://127.0.0.1:8765/x.html", "http://127.0.0.2:8765/z.html",
                            "http://127.0.0.1:8765/y.html"]
