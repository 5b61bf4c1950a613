"""A fleet of replica portals: N hosts on N loopback addresses, for measuring what grows with hosts.

Vietnam has about 3,300 commune and ward portals; the four-host replica says nothing about
politeness slots, robots.txt and DNS per host, scheduler fairness or memory per host. The fleet
gives each host its own generated articles and its own mix of discovery (REST API + everything,
sitemap + feed + listings, feed + listings, listings only), makes a few hosts slow and a few
unreachable, and lets some hosts syndicate a story of another. All hosts are served by one
process on one asyncio loop with one listening socket per address (127.1.x.y: Linux routes all
of 127/8 to loopback), because a thread per host would not scale to a thousand hosts.

The HTTP side reuses the replica's routes (crawler/replica/server.py ``SiteRoutes``), so a fleet
host answers exactly like a replica portal: listings, feeds, sitemaps, the WordPress API,
conditional requests. Every request is logged as a ``Hit``.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from crawler.replica.generator import ZONE, Replica, Site, _article, _link_related, slugify
from crawler.replica.server import SiteRoutes

# Discovery mixes, by host index modulo their number: real portals offer any subset.
SOURCE_MIXES = (
    frozenset({"wpjson", "sitemap", "feed", "listing"}),
    frozenset({"sitemap", "feed", "listing"}),
    frozenset({"feed", "listing"}),
    frozenset({"listing"}),
)
SLOW_DELAY_S = 0.25  # added to every answer of a slow host
FLEET_FAMILY = "fleet"
REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 400: "Bad Request"}


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    status: int
    at: float


@dataclass
class Fleet:
    """The generated fleet: a ``Replica`` (sites keyed h0001, h0002, ...) plus who is slow or down."""

    replica: Replica
    slow: frozenset[str] = frozenset()
    down: frozenset[str] = frozenset()
    edits: int = 0

    @property
    def hosts(self) -> list[str]:
        return list(self.replica.sites)

    @property
    def reachable(self) -> list[str]:
        return [key for key in self.replica.sites if key not in self.down]

    def edit_share(self, share: float, seed: int = 7) -> int:
        """The nightly churn: ``share`` of the reachable hosts' articles corrected (a new modified
        time and paragraph), spread over the hosts. Returns how many were edited."""
        rng = random.Random(seed + self.edits)
        self.edits += 1
        pool = [(key, a.slug) for key in self.reachable for a in self.replica.sites[key].live]
        chosen = rng.sample(pool, round(len(pool) * share))
        for key, slug in chosen:
            self.replica.edit(key, slug)
        return len(chosen)


def fleet_address(index: int) -> str:
    """The loopback address of host ``index`` (0-based): 127.1.0.1, 127.1.0.2, ... 127.1.3.232."""
    number = index + 1
    return f"127.1.{number // 250}.{number % 250 + 1}"


def host_key(index: int) -> str:
    return f"h{index + 1:04d}"


def build_fleet(
    hosts: int, articles_per_host: int = 10, seed: int = 17, syndicate_every: int = 10,
    slow_every: int = 50, down_every: int = 97,
) -> Fleet:
    """``hosts`` portals of ``articles_per_host`` articles each (deterministic for a seed). Every
    ``syndicate_every``-th host also carries a story of the host before it (retitled or not, a day
    apart: a cross-portal duplicate); every ``slow_every``-th host answers slowly and every
    ``down_every``-th host refuses connections."""
    rng = random.Random(seed)
    sites: dict[str, Site] = {}
    start = datetime(2025, 3, 1, 7, 0, tzinfo=ZONE)
    for index in range(hosts):
        key = host_key(index)
        site = Site(key, f"Cổng thông tin điện tử phường {index + 1}", f"Phường {index + 1}")
        site.sources = SOURCE_MIXES[index % len(SOURCE_MIXES)]
        moment = start + timedelta(minutes=rng.randint(0, 600))
        for _ in range(articles_per_host):
            moment += timedelta(hours=rng.randint(5, 30), minutes=rng.randint(0, 59))
            site.articles.append(_article(rng, site, moment))
        sites[key] = site
    keys = list(sites)
    for index in range(syndicate_every, hosts, syndicate_every):
        _syndicate_one(rng, sites[keys[index - 1]], sites[keys[index]], index)
    for site in sites.values():
        _link_related(rng, site)
    slow = frozenset(keys[i] for i in range(slow_every - 1, hosts, slow_every)) if slow_every else frozenset()
    down = frozenset(keys[i] for i in range(down_every - 1, hosts, down_every)) if down_every else frozenset()
    return Fleet(Replica(seed, sites), slow=slow - down, down=down)


def _syndicate_one(rng: random.Random, source: Site, target: Site, index: int) -> None:
    original = source.articles[rng.randrange(len(source.articles))]
    title = original.title if index % 20 else f"{target.district}: {original.title}"
    number = len(target.articles) + 1
    photos = [replace(p, path=p.path.replace(f"/{source.key}-", f"/{target.key}-s")) for p in original.photos]
    target.articles.append(replace(
        original, site=target.key, number=number, slug=f"{slugify(title)}-{number}", title=title,
        published=original.published + timedelta(days=1, minutes=rng.randint(0, 90)), photos=photos,
        related=[], body=list(original.body),
    ))


def fleet_profile(fleet: Fleet, port: int, replica_profile: Path | None = None) -> str:
    """A profile (TOML text) for the whole fleet: the replica family's theme (discovery rules and
    parser, read from haiphong-replica.toml) under the family name ``fleet``, one [[portals]] per host."""
    import tomllib

    import tomli_w

    path = replica_profile or Path(__file__).resolve().parent.parent / "profiles" / "haiphong-replica.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["family"]["name"] = FLEET_FAMILY
    data["portals"] = [
        {"name": f"fleet-{key}", "title": site.name, "base_url": f"http://{fleet_address(i)}:{port}",
         "allow_private_addresses": True}
        for i, (key, site) in enumerate(fleet.replica.sites.items())
    ]
    return tomli_w.dumps(data)


def base_urls(fleet: Fleet, port: int) -> dict[str, str]:
    """Host key -> base URL as served."""
    return {key: f"http://{fleet_address(i)}:{port}" for i, key in enumerate(fleet.replica.sites)}


@dataclass
class FleetServer:
    """Serve a ``Fleet`` on one asyncio loop (in a thread of its own), one socket per reachable
    host, the same port on every address. Down hosts get no socket: connections are refused."""

    fleet: Fleet
    port: int = 0
    log: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.base_events.Server] = []
        self._thread: threading.Thread | None = None
        self._addresses = {key: fleet_address(i) for i, key in enumerate(self.fleet.replica.sites)}
        self.routes = {
            key: SiteRoutes(site, lambda key=key: f"http://{self._addresses[key]}:{self.port}")
            for key, site in self.fleet.replica.sites.items()
        }

    @property
    def base_urls(self) -> dict[str, str]:
        return base_urls(self.fleet, self.port)

    def start(self) -> FleetServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._bind_all())
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True, name="fleet-server")
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    async def _bind_all(self) -> None:
        from crawler.replica.server import free_port

        for attempt in range(20):
            port = self.port or free_port()
            try:
                for key in self.fleet.reachable:
                    server = await asyncio.start_server(
                        lambda r, w, key=key: self._serve(key, r, w), self._addresses[key], port, backlog=64)
                    self._servers.append(server)
                self.port = port
                return
            except OSError:
                for server in self._servers:
                    server.close()
                self._servers = []
                if self.port:
                    raise
        raise OSError("no free port for the fleet")

    async def _serve(self, key: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                if key in self.fleet.slow:
                    await asyncio.sleep(SLOW_DELAY_S)
                status, extra, body = self.routes[key].handle(path, headers) if method == "GET" else (400, {}, b"")
                with self._lock:
                    self.log.append(Hit(key, path, status, time.time()))
                out = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}", f"Content-Length: {len(body)}"]
                out += [f"{name}: {value}" for name, value in extra.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
                if headers.get("Connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def take_log(self) -> list[Hit]:
        """The requests since the last call (and forget them)."""
        with self._lock:
            taken, self.log = self.log, []
        return taken

    def edit_share(self, share: float) -> int:
        """Edit articles while serving (on the loop's thread, so no request sees half an edit)."""
        return asyncio.run_coroutine_threadsafe(self._edit(share), self._loop).result()

    async def _edit(self, share: float) -> int:
        return self.fleet.edit_share(share)

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for server in self._servers:
                await server.wait_closed()

        if self._thread is not None:
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> FleetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
