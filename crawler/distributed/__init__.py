"""Distributed mode: many crawler processes share one frontier in Redis; one loader writes SQLite.

Workers (``muninews crawl --all --redis URL``) use scrapy-redis' scheduler and duplicate filter,
so every URL is fetched by one worker only. They also extract and prepare (the CPU-heavy steps,
which scale with workers: extraction, then what dedup and store read from the page alone: URL
keys, content hash, the story fingerprint, the gzipped HTML; ``PageProcessor.prepare``) but do
not write SQLite: the last pipeline pickles each item onto a Redis list, and ``muninews load
--redis URL`` pops that list through the dedup and store steps as the database's only writer
(SQLite takes one writer; dedup needs one consistent view), which then only looks candidates up,
verifies them and writes.

Nothing is lost when a worker dies. scrapy-redis removes a request from the queue when a worker
pops it, so a killed worker would take its in-flight requests with it (SCHEDULER_PERSIST only
keeps what is still queued). Here popping *leases* the request instead: one Lua script moves it
from the queue into the worker's in-flight hash, and the lease is released only when Scrapy is done
with the request (its items are on the item list, the links it found are in the queue). Each
worker refreshes a heartbeat key; once a worker has been silent for DISTRIBUTED_WORKER_TIMEOUT
seconds, any other worker, or a restarted one, puts its leased requests back into the queue. A
request in flight when its worker died is therefore fetched again: that refetch is the retry.
A worker that was only silent (its reactor blocked past the timeout) finds at its next beat that
it was taken for dead: it forgets its leases, claims back the portals nobody took, and gives up
the discovery of those another worker took over, so no discovery runs twice.

Discovery is not shared request by request. The spider walks a portal's sources in order (falls
back from the JSON API to sitemaps, feeds, listings) with per-portal state in its own memory, so
one worker owns each portal's discovery: the first worker to queue a discovery request of a portal
(one the spider marks with ``meta["muninews_source"]``) claims the portal in Redis and runs its
discovery requests from a local queue; the others drop theirs but keep their start requests. The
article requests discovery yields go to the shared queue, where every worker takes them. When an
owner dies, its claims are freed with its leases, and a surviving worker replays its own start
requests for those portals, so discovery restarts there (already-queued articles stay filtered).

The shared queue hands out requests host by host in turn (HostInterleavedQueue), as Scrapy's own
downloader-aware queue does in one process, so every worker keeps all portals busy. Politeness
is per worker: CONCURRENT_REQUESTS_PER_DOMAIN and AutoThrottle hold within one process, so N
workers may send a host up to N times that many requests at once (from N machines, as with N
separate crawlers). That is where most of N workers' speed comes from when a crawl is bound by
politeness and latency; to keep a host's total load, lower CONCURRENT_REQUESTS_PER_DOMAIN (or
raise DOWNLOAD_DELAY) on the workers.

Redis keys (use another database number in the URL to run unrelated crawls on one Redis):

    muninews:portal:requests    sorted set: the shared frontier (by priority, then host turn)
    muninews:portal:dupefilter  set: fingerprints of every request ever queued in this crawl
    muninews:workers            set: ids of workers in the crawl
    muninews:alive:ID           heartbeat of one worker; expires when it stops beating
    muninews:inflight:ID        hash "lease:score" -> serialized request, one per worker
    muninews:discovery          hash portal -> id of the worker running its discovery, or "done"
    muninews:turns              hash host -> requests queued for it so far (interleaves hosts)
    muninews:items              list: pickled items waiting for the loader
    muninews:items:loading      list: items the loader took but has not committed yet
    muninews:portals            hash: portal name -> JSON row for the portals table

Items are pickled: only run Redis where no one else can write to it (loopback, a private network,
``requirepass``). Redis Cluster is not supported (the Lua scripts touch keys they compute).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.processing import PageProcessor

logger = logging.getLogger(__name__)

PREFIX = "muninews"
WORKERS_KEY = f"{PREFIX}:workers"
ITEMS_KEY = f"{PREFIX}:items"
LOADING_KEY = f"{PREFIX}:items:loading"
PORTALS_KEY = f"{PREFIX}:portals"
LEASE_COUNTER_KEY = f"{PREFIX}:leases"
DISCOVERY_KEY = f"{PREFIX}:discovery"
TURNS_KEY = f"{PREFIX}:turns"
IDLE_POLL = 0.1  # seconds between looks at the shared queue while this worker has nothing to do
IDLE_COMMIT_PAUSE = 0.25  # seconds without a new item after which the loader commits what it holds
DISCOVERY_META = "muninews_source"  # set by the spider on discovery requests (not on articles)


def alive_key(worker: str) -> str:
    return f"{PREFIX}:alive:{worker}"


def inflight_key(worker: str) -> str:
    return f"{PREFIX}:inflight:{worker}"


def worker_settings(redis_url: str) -> dict[str, Any]:
    """Scrapy setting overrides that turn ``muninews crawl`` into a worker of a shared crawl."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "crawler.distributed.LeasingScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.HostInterleavedQueue",
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{PREFIX}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # Keep the frontier when a worker stops: the others, or the next start, resume it.
        "SCHEDULER_PERSIST": True,
        "ITEM_PIPELINES": {
            "pipelines.extract.ExtractPipeline": 100,  # extraction runs in the workers, in parallel
            "pipelines.prepare.PreparePipeline": 200,  # so do the fingerprint and the page's compression
            "crawler.distributed.RedisItemPipeline": 900,  # then the item goes to the loader's list
        },
    }


# --- Lua: each script is one atomic step on the shared state -----------------------------------
# Move every leased request of a worker whose heartbeat expired back into the queue.
_RECOVER = """
local moved = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':alive:' .. worker) == 0 then
    local inflight = ARGV[1] .. ':inflight:' .. worker
    local entries = redis.call('HGETALL', inflight)
    for i = 1, #entries, 2 do
      redis.call('ZADD', KEYS[2], string.match(entries[i], ':(.+)$'), entries[i + 1])
      moved = moved + 1
    end
    redis.call('DEL', inflight)
    redis.call('SREM', KEYS[1], worker)
    local claims = redis.call('HGETALL', ARGV[1] .. ':discovery')
    for i = 1, #claims, 2 do
      if claims[i + 1] == worker then redis.call('HDEL', ARGV[1] .. ':discovery', claims[i]) end
    end
  end
end
return moved
"""

# Join a crawl: recover dead workers first; if nobody is left and nothing is queued, the previous
# crawl is over, so forget its fingerprints and start a fresh one. Then register the heartbeat.
_JOIN = _RECOVER.replace("return moved", """
local fresh = 0
if redis.call('SCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3], ARGV[1] .. ':discovery', ARGV[1] .. ':turns')
  fresh = 1
end
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('SET', ARGV[1] .. ':alive:' .. ARGV[2], 1, 'EX', ARGV[3])
return {fresh, moved}
""")

# Queue a request behind the ones already queued for its host: the score is the request's
# priority, then its host's turn (how many requests of that host were queued before it).
_PUSH = """
local turn = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('ZADD', KEYS[1], string.format('%.0f', tonumber(ARGV[2]) * 4294967296 + turn), ARGV[3])
return turn
"""

# Pop the best request and lease it to this worker, in one step (no window where it is nowhere).
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
local field = redis.call('INCR', KEYS[3]) .. ':' .. top[2]
redis.call('HSET', KEYS[2], field, top[1])
return {field, top[1]}
"""

# Work left anywhere: queued requests, the other workers' leases and their running discoveries.
_OUTSTANDING = """
local n = redis.call('ZCARD', KEYS[2])
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if worker ~= ARGV[2] then n = n + redis.call('HLEN', ARGV[1] .. ':inflight:' .. worker) end
end
for _, owner in ipairs(redis.call('HVALS', ARGV[1] .. ':discovery')) do
  if owner ~= 'done' and owner ~= ARGV[2] then n = n + 1 end
end
return n
"""

# Take up to ARGV[1] items for the loader, keeping them in the loading list until committed.
_TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('LTRIM', KEYS[1], #items, -1)
  for _, item in ipairs(items) do redis.call('RPUSH', KEYS[2], item) end
end
return items
"""


def discovery_portal(request) -> str | None:
    """The portal whose discovery this request belongs to; None for article requests."""
    if DISCOVERY_META not in request.meta:
        return None
    return request.cb_kwargs.get("portal")


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class HostInterleavedQueue(PriorityQueue):
    """scrapy-redis' priority queue, with requests of equal priority taken host by host in turn.

    scrapy-redis scores a request by its priority alone, and a sorted set orders equal scores by
    their bytes: the serialized URL, so host by host. A worker then filled its downloader with one
    host's requests, which politeness (CONCURRENT_REQUESTS_PER_DOMAIN) runs two at a time while the
    other hosts wait: one worker crawled about one portal at a time (79 pages/s where an ordinary
    crawl, whose scheduler is downloader-aware, does 121). Here the n-th request queued for a host
    scores n within its priority, so the queue hands out every host's first request, then every
    host's second, and each worker keeps all portals busy. Per-host turn counters live in Redis
    (``muninews:turns``), shared by the workers.
    """

    def __init__(self, server, spider, key, serializer=None) -> None:
        super().__init__(server, spider, key, serializer)
        self.push_script = server.register_script(_PUSH)

    def push(self, request) -> None:
        host = request.meta.get("download_slot") or urlparse_cached(request).hostname or ""
        self.push_script(keys=[self.key, TURNS_KEY], args=[host, -request.priority, self._encode_request(request)])


class LeasingScheduler(Scheduler):
    """scrapy-redis' scheduler whose popped requests stay leased until Scrapy is done with them.

    "Done" means the engine no longer tracks the request: its response went through the spider
    and the item pipelines (so its items are on the item list and its links are queued), or the
    downloader turned it into another request (a retry, a redirect) that is already queued.
    """

    crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.worker = new_worker_id()
        instance.timeout = crawler.settings.getint("DISTRIBUTED_WORKER_TIMEOUT", 10)
        instance.heartbeat_every = crawler.settings.getfloat("DISTRIBUTED_HEARTBEAT", 1.0)
        instance.leases = {}
        instance.local = deque()  # discovery requests of the portals this worker owns
        instance.local_seen = set()
        instance.owned = set()
        instance.waiting = {}  # portal -> start requests kept while another worker owns it
        instance.scripts = {name: instance.server.register_script(src) for name, src in
                            (("join", _JOIN), ("pop", _POP), ("recover", _RECOVER), ("outstanding", _OUTSTANDING))}
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        return instance

    # --- lifecycle -------------------------------------------------------------------------------
    def open(self, spider):
        super().open(spider)
        fresh, recovered = self.scripts["join"](
            keys=[WORKERS_KEY, self.queue.key, self.df.key], args=[PREFIX, self.worker, self.timeout]
        )
        logger.info("worker %s joined %s crawl", self.worker, "a fresh" if fresh else "a running")
        self._recovered(recovered)
        self.last_beat = time.monotonic()
        self.beat = task.LoopingCall(self.heartbeat)
        self.beat.start(self.heartbeat_every, now=False)
        self.starved = False
        self.poll = task.LoopingCall(self.wake_if_fed)
        self.poll.start(IDLE_POLL, now=False)

    def close(self, reason):
        for loop in (getattr(self, "beat", None), getattr(self, "poll", None)):
            if loop is not None and loop.running:
                loop.stop()
        self.release_finished()
        if reason != "finished":  # stopped early (Ctrl-C, SIGTERM, a page limit): hand back our share now
            self.server.expire(alive_key(self.worker), 0)
            self.scripts["recover"](keys=[WORKERS_KEY, self.queue.key], args=[PREFIX])
        elif self.owned:
            self.server.hset(DISCOVERY_KEY, mapping={portal: "done" for portal in self.owned})
        self.server.delete(inflight_key(self.worker), alive_key(self.worker))
        self.server.srem(WORKERS_KEY, self.worker)
        return super().close(reason)

    # --- the queue -------------------------------------------------------------------------------
    def enqueue_request(self, request):
        """Queue ``request`` unless some worker already queued it in this crawl.

        Every worker yields the same start and discovery requests, and ``dont_filter`` on them
        would let each worker fetch them again; so in a shared crawl only retries (which carry
        ``retry_times``) bypass the shared duplicate filter.
        """
        portal = discovery_portal(request)
        if portal is not None:
            return self.enqueue_discovery(portal, request)
        if "retry_times" not in request.meta and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self._count("scheduler/enqueued/redis")
        return True

    def enqueue_discovery(self, portal: str, request) -> bool:
        """Run a discovery request here if this worker owns (or can claim) the portal."""
        if portal not in self.owned and not self.claim(portal):
            if self.server.hget(DISCOVERY_KEY, portal) != b"done":
                self.waiting.setdefault(portal, []).append(request)
            return False
        if not request.dont_filter:
            fingerprint = self.df.request_fingerprint(request)
            if fingerprint in self.local_seen:
                return False
            self.local_seen.add(fingerprint)
        self.local.append(request)
        return True

    def claim(self, portal: str) -> bool:
        if not self.server.hsetnx(DISCOVERY_KEY, portal, self.worker):
            return False
        self.owned.add(portal)
        return True

    def take_over_discoveries(self) -> None:
        """Claim the portals whose owner died, and replay our start requests for them."""
        for portal in list(self.waiting):
            if self.claim(portal):
                logger.warning("took over the discovery of %s from a dead worker", portal)
                self._count("muninews/distributed/took_over")
                for request in self.waiting.pop(portal):
                    self.enqueue_discovery(portal, request)

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def next_request(self):
        if self.local:
            return self.local.popleft()
        self.release_finished()
        popped = self.scripts["pop"](keys=[self.queue.key, inflight_key(self.worker), LEASE_COUNTER_KEY])
        if not popped:
            self.starved = True
            return None
        self.starved = False
        lease, data = popped
        request = self.queue._decode_request(data)
        self.leases[lease] = request
        self._count("scheduler/dequeued/redis")
        return request

    def release_finished(self) -> None:
        """Release the leases of requests the engine has finished with."""
        in_progress = self._engine_in_progress()
        if in_progress is None or not self.leases:
            return
        done = [lease for lease, request in self.leases.items() if request not in in_progress]
        if done:
            self.server.hdel(inflight_key(self.worker), *done)
            for lease in done:
                del self.leases[lease]

    def _engine_in_progress(self) -> set | None:
        # Scrapy has no "request finished" signal; the engine's in-progress set is the truth.
        return getattr(self._engine_slot(), "inprogress", None)

    def _engine_slot(self) -> Any:
        """The engine's slot (its in-progress set, its next call), or None before the engine runs."""
        try:
            engine = getattr(self.crawler, "engine", None)
        except RuntimeError:  # Scrapy raises while the crawler is still being built
            return None
        return getattr(engine, "_slot", None)

    def _wake_engine(self) -> None:
        nextcall = getattr(self._engine_slot(), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    # --- liveness --------------------------------------------------------------------------------
    def heartbeat(self) -> None:
        """Stay alive, release finished leases, recover dead workers' requests, wake the engine."""
        now = time.monotonic()
        silent, self.last_beat = now - self.last_beat, now
        if self.stats is not None:  # how close this worker came to being taken for dead
            self.stats.max_value("muninews/distributed/longest_silence_ms", round(silent * 1000))
        try:
            pipe = self.server.pipeline(transaction=False)
            pipe.set(alive_key(self.worker), 1, ex=self.timeout).sadd(WORKERS_KEY, self.worker)
            _, added = pipe.execute()
            if added:  # our entry was gone: another worker took us for dead while we were silent
                self.presumed_dead(silent)
            self.release_finished()
            self.recover()
            self.take_over_discoveries()
        except redis.RedisError as error:  # a Redis hiccup must not kill the worker; the next beat retries
            logger.warning("heartbeat failed: %s", error)
            return
        if self.has_pending_requests():
            self._wake_engine()

    def presumed_dead(self, silent: float) -> None:
        """Come back after the others took this worker for dead, without doing its work twice.

        A worker whose reactor is blocked (a long start, a swapped-out process, a paused VM) misses
        its heartbeats; past DISTRIBUTED_WORKER_TIMEOUT another worker re-queues its leases and
        frees its discovery claims, then claims those portals and replays their start requests.
        Going on as before ran every such discovery twice: seen in a 1,000-portal crawl where one
        worker's start outlasted the timeout, which halved the two workers' speed. So the leases
        are forgotten (they are back in the shared queue), each portal whose claim is still free
        is claimed again, and the discovery of each portal another worker took is given up here.
        """
        logger.warning("worker %s was silent for %.1f s (DISTRIBUTED_WORKER_TIMEOUT=%d) and was taken for "
                       "dead: its leased requests were re-queued; reclaiming its portals", self.worker, silent, self.timeout)
        self._count("muninews/distributed/presumed_dead")
        self.leases.clear()
        lost = {portal for portal in self.owned if not self.reclaim(portal)}
        if not lost:
            return
        self.owned -= lost
        self.local = deque(request for request in self.local if discovery_portal(request) not in lost)
        logger.warning("gave up the discovery of %d portals another worker took over", len(lost))
        self._count("muninews/distributed/discovery_given_up", len(lost))

    def reclaim(self, portal: str) -> bool:
        """Claim ``portal`` again unless another worker has claimed it since our claim was freed."""
        if self.server.hsetnx(DISCOVERY_KEY, portal, self.worker):
            return True
        return self.server.hget(DISCOVERY_KEY, portal) == self.worker.encode()

    def wake_if_fed(self) -> None:
        """Found the shared queue empty last time, and other workers have queued requests since:
        ask the engine for them now (it would only look again at its next 5-second heartbeat, and
        ours comes once a second; a worker that joins while another runs discovery waited that long)."""
        if not self.starved:
            return
        try:
            queued = self.server.zcard(self.queue.key)
        except redis.RedisError:
            return
        if queued:
            self._wake_engine()

    def recover(self) -> int:
        moved = self.scripts["recover"](keys=[WORKERS_KEY, self.queue.key], args=[PREFIX])
        self._recovered(moved)
        return moved

    def _recovered(self, moved: int) -> None:
        if moved:
            logger.warning("re-queued %d requests leased by dead workers", moved)
            self._count("muninews/distributed/recovered", moved)

    def outstanding(self) -> int:
        return self.scripts["outstanding"](keys=[WORKERS_KEY, self.queue.key], args=[PREFIX, self.worker])

    def spider_idle(self, spider=None) -> None:
        """Stay open while any worker still holds work: its links or its death may refill the queue."""
        self.release_finished()
        self.finish_discoveries()
        self.recover()
        self.take_over_discoveries()
        if self.local or self.outstanding():
            raise DontCloseSpider

    def finish_discoveries(self) -> None:
        """Idle means our discoveries have nothing queued or in flight: tell the others they are done
        (they wait for running discoveries, so waiting for ours until we exit would deadlock)."""
        if self.owned and not self.local:
            self.server.hset(DISCOVERY_KEY, mapping={portal: "done" for portal in self.owned})
            self.owned.clear()

    def _count(self, key: str, value: int = 1) -> None:
        if self.stats is not None and value:
            self.stats.inc_value(key, value)


class RedisItemPipeline:
    """A worker's last pipeline: queue each item for the loader instead of writing SQLite."""

    def __init__(self, server: redis.Redis, crawler=None) -> None:
        self.server = server
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(redis.Redis.from_url(crawler.settings.get("REDIS_URL")), crawler)

    def open_spider(self, spider=None) -> None:
        """Publish this worker's portals so the loader can fill the portals table."""
        from crawler.processing.store import portal_row

        spider = spider or getattr(self.crawler, "spider", None)
        rows = {p.name: json.dumps(portal_row(p), ensure_ascii=False) for p in getattr(spider, "portals", {}).values()}
        if rows:
            self.server.hset(PORTALS_KEY, mapping=rows)

    def process_item(self, item, spider=None):
        self.server.rpush(ITEMS_KEY, encode_item(item))
        return item


def encode_item(item: Any) -> bytes:
    return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def decode_item(data: bytes) -> Any:
    return pickle.loads(data)


# --- the loader: the database's only writer -----------------------------------------------------
class Loader:
    """Pops items from Redis and runs them through dedup and store, committing in batches.

    A batch commits as the crawl's do, once ``SQLITE_BATCH_SIZE`` items are written or
    ``SQLITE_COMMIT_SECONDS`` after its first one, and also when no item arrived for
    ``IDLE_COMMIT_PAUSE`` (the crawl's end, a lull: what is there waits no longer). Items arriving a
    few at a time therefore still commit in batches:
    committing whatever one take found made batches of one to three items when the loader kept up,
    and each commit has a fixed cost (the pages written, a new segment in each search index), so a
    replay of the same items cost 3.2 ms of CPU per item in batches of two against 2.0 in batches
    of 200. Items stay in the loading list until their batch is committed, so a killed loader
    loses nothing: the next one replays that list first (dedup turns already-stored pages into
    duplicates, never into second articles).
    """

    def __init__(self, server: redis.Redis, processor: PageProcessor, *, pause: float = IDLE_COMMIT_PAUSE) -> None:
        self.server = server
        self.processor = processor
        self.pause = pause
        self.storage = processor.storage
        self.batch_size = processor.options.batch_size
        self.stats = processor.stats
        self.take = server.register_script(_TAKE)
        self.known_portals = 0
        self.loaded = 0  # items committed
        self.held = 0  # items written but not committed: the head of the loading list

    def run(self, idle_exit: float | None = None, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Load until ``should_stop()`` or, with ``idle_exit``, until no item arrived for that many
        seconds while no worker is alive. Returns how many items were loaded."""
        self.load_batch(self.server.lrange(LOADING_KEY, 0, -1))  # a previous loader's uncommitted batch
        idle_since = time.monotonic()
        while not should_stop():
            room = max(1, self.batch_size - self.storage.uncommitted)
            batch = self.take(keys=[ITEMS_KEY, LOADING_KEY], args=[room])
            if not batch:
                if self.storage.uncommitted and self.commit_if_due():
                    continue
                wait = min(self.storage.seconds_until_due() or 1.0, self.pause if self.storage.uncommitted else 1.0)
                first = self.server.blmove(ITEMS_KEY, LOADING_KEY, max(wait, 0.01), "LEFT", "RIGHT")
                if first is None:
                    if self.storage.uncommitted:  # a pause in the flow (the crawl's end, a lull): commit now
                        self.commit()
                        continue
                    if idle_exit is not None and time.monotonic() - idle_since >= idle_exit and not self.live_workers():
                        break
                    continue
                batch = [first] + (self.take(keys=[ITEMS_KEY, LOADING_KEY], args=[room - 1]) if room > 1 else [])
            self.load_batch(batch, commit=False)
            idle_since = time.monotonic()
        self.commit()
        self.close()
        return self.loaded

    def load_batch(self, batch: list[bytes], *, commit: bool = True) -> None:
        """Dedup and store these items (the head of the loading list, in order); with ``commit``
        commit them. The store commits by itself when its batch is full or old enough; the items
        it committed leave the loading list then."""
        if not batch:
            return
        self.refresh_portals()
        for data in batch:
            self.processor.write(self.processor.dedup(decode_item(data)), settle=False)
            self.held += 1
            if not self.storage.uncommitted:  # the store just committed
                self._release()
        if commit:
            self.commit()

    def commit(self) -> None:
        self.storage.commit()
        self._release()

    def commit_if_due(self) -> bool:
        if self.storage.commit_if_due():
            self._release()
            return True
        return False

    def _release(self) -> None:
        """The committed items leave the loading list (only this loader adds to it, in order)."""
        if self.held:
            self.server.ltrim(LOADING_KEY, self.held, -1)
            self.loaded += self.held
            self.held = 0

    def refresh_portals(self) -> None:
        """Open the database at the first batch (with the workers' portals), upsert new portals later."""
        if self.storage.db is not None and self.server.hlen(PORTALS_KEY) == self.known_portals:
            return
        rows = [json.loads(v) for v in self.server.hgetall(PORTALS_KEY).values()]
        if self.storage.db is None:
            self.processor.open(rows)
        else:
            self.storage.db["portals"].upsert_all(rows, pk="name")
        self.known_portals = len(rows)

    def live_workers(self) -> int:
        return sum(1 for worker in self.server.smembers(WORKERS_KEY) if self.server.exists(alive_key(worker.decode())))

    def close(self) -> None:
        self.processor.close(self.stats.get_stats())
