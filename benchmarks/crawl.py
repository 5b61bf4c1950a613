"""How close the full muninews crawl comes to Scrapy's own fetch rate, and how memory behaves.

    python benchmarks/crawl.py            # ~20,000 article pages
    python benchmarks/crawl.py --quick    # ~1,300 pages, under a minute
    python benchmarks/crawl.py --profile  # also cProfile the full crawl (top functions printed)

One run measures, against the same replica and the same spider and settings:
  (a) ceiling:  Scrapy fetching every page with no item pipelines (ITEM_PIPELINES = {});
  (b) muninews: the full crawl (extract, dedup, store into a fresh SQLite file);
  (c) distributed: the whole replica crawled by 1 worker, then by 2 workers, through a real Redis
      (flushed between the runs), with one loader; workers and loader start together.

The replica is served from its own process: its server is Python threads, and sharing the GIL
with the crawler would make the crawler look slower than it is. Every crawl runs in a fresh
process (Twisted's reactor runs once per process), which samples its own RSS and progress from
a thread, so memory is read at 25/50/75/100% of the pages. Rates (a) and (b) count responses per
second between spider open and close (process start-up left out). Distributed rates count from
the first response any worker received to the last response (fetch/s) and to the loader's last
commit (stored/s: articles, the same 20,064 or 1,264 in both runs, so robots.txt fetched once per
worker does not count); two_worker_speedup is the ratio of stored/s, the loader included.

CPU ms/page and CPU share (CPU seconds per wall second) say what bounds each run. The ceiling is
bound by politeness (2 requests per host, AutoThrottle) and the replica's latency, not by CPU
(share well under 1); the full crawl runs its pipelines on the reactor thread, so once its share
nears 1.0 every millisecond of per-page CPU costs rate. Under the GIL, moving that work to threads
would not help; less CPU per page does. On a loaded machine the rates move with the load; CPU
ms/page moves much less, so compare that column between code versions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Replace this script's folder on the path: benchmarks/incremental.py would shadow the
# `incremental` package that Twisted imports.
sys.path[0] = str(ROOT)

SAMPLE_EVERY = 0.2


# --- the replica, in its own process -------------------------------------------------------------
def serve(city: int, district: int) -> None:
    from crawler.replica import ReplicaServer, build_replica
    from crawler.runner import replica_base_urls

    with ReplicaServer(build_replica(city_articles=city, district_articles=district)) as server:
        print(json.dumps({"base_urls": replica_base_urls(server.base_urls),
                          "articles": len(server.replica.all_articles())}), flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin


def start_replica(city: int, district: int) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([sys.executable, __file__, "--serve", f"{city},{district}"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    return process, json.loads(process.stdout.readline())


# --- one crawl, in its own process ---------------------------------------------------------------
def crawl_child(config: dict) -> None:
    """Run one crawl here; print its rate and memory curve as JSON on the last line."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.runner import project_settings

    process = CrawlerProcess(project_settings(**config["settings"]))
    crawler = process.create_crawler("portal")
    times: dict[str, float] = {}
    def opened(spider) -> None:
        times.setdefault("open", time.time())
        times.setdefault("cpu_open", time.process_time())

    def closed(spider) -> None:
        times.setdefault("close", time.time())
        times.setdefault("cpu_close", time.process_time())
        times["per_url_bytes"] = per_url_bytes(crawler, spider)

    def responded(response, request, spider) -> None:
        now = time.time()
        times.setdefault("first_response", now)
        times["last_response"] = now

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
    crawler.signals.connect(responded, signal=signals.response_received, weak=False)
    samples: list[tuple[int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_EVERY):
            samples.append((crawler.stats.get_value("response_received_count", 0) if crawler.stats else 0, rss()))

    threading.Thread(target=sample, daemon=True).start()
    profiler = cProfile.Profile() if config.get("profile") else None
    if profiler:
        profiler.enable()
    process.crawl(crawler, portal=config["portal"])
    process.start()
    if profiler:
        profiler.disable()
    done.set()
    pages = crawler.stats.get_value("response_received_count", 0)
    samples.append((pages, rss()))
    result = {"pages": pages, "open": times.get("open"), "close": times.get("close"), "samples": samples,
              "cpu": times.get("cpu_close", 0.0) - times.get("cpu_open", 0.0),
              "per_url_bytes": times.get("per_url_bytes", 0),
              "first_response": times.get("first_response"), "last_response": times.get("last_response"),
              "cpu_total": time.process_time(),
              "articles": crawler.stats.get_value("muninews/pages_fetched", 0),
              "distributed": {key.rsplit("/", 1)[1]: value for key, value in crawler.stats.get_stats().items()
                              if key.startswith("muninews/distributed/")}}
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        # Our own code by inclusive time: which pipeline stage or helper the crawl's time goes to.
        stats.sort_stats("cumulative").print_stats(r"/(pipelines|crawler|spiders)/", 30)
        result["profile"] = out.getvalue()
    print(json.dumps(result))


def per_url_bytes(crawler, spider) -> int:
    """Bytes held by the state a crawl keeps per URL by design: Scrapy's duplicate filter (one
    fingerprint per request) and the spider's per-portal set of discovered URL keys."""
    slot = getattr(crawler.engine, "_slot", None)
    dupefilter = getattr(getattr(slot, "scheduler", None), "df", None)
    sets = [getattr(dupefilter, "_fingerprints", set())] + [run.seen for run in getattr(spider, "runs", {}).values()]
    return sum(sys.getsizeof(s) + sum(sys.getsizeof(v) for v in s) for s in sets)


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_child(settings: dict, profile: bool = False) -> subprocess.Popen:
    config = {"settings": settings, "portal": "haiphong-replica", "profile": profile}
    return subprocess.Popen([sys.executable, __file__, "--child", json.dumps(config)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def child_result(process: subprocess.Popen) -> dict:
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"crawl failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def crawl(settings: dict, profile: bool = False) -> dict:
    return child_result(run_child(settings, profile))


def common(replica: dict, db: Path) -> dict:
    return {"MUNINEWS_BASE_URLS": replica["base_urls"], "SQLITE_PATH": str(db), "LOG_LEVEL": "WARNING"}


def rate(result: dict) -> float:
    return result["pages"] / max(result["close"] - result["open"], 1e-9)


def cpu_ms_per_page(result: dict) -> float:
    return 1000 * result["cpu"] / max(result["pages"], 1)


def cpu_share(result: dict) -> float:
    """CPU seconds per wall second of the crawl: near 1.0, the crawl is CPU-bound (one core)."""
    return result["cpu"] / max(result["close"] - result["open"], 1e-9)


def memory_curve(samples: list[list[int]]) -> dict[int, int]:
    """Peak RSS reached by the time 25/50/75/100% of the pages were fetched."""
    total = samples[-1][0] or 1
    curve = {}
    for percent in (25, 50, 75, 100):
        reached = [mem for pages, mem in samples if pages <= total * percent / 100]
        curve[percent] = max(reached or [samples[0][1]])
    return curve


# --- distributed ---------------------------------------------------------------------------------
def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    from crawler.replica.server import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def load_child(config: dict) -> None:
    """The loader of a distributed run (the same Loader as `muninews load`), timing its commits."""
    import redis

    from crawler.distributed import WORKERS_KEY, Loader
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.runner import project_settings

    processor = PageProcessor.from_settings(project_settings(SQLITE_PATH=str(config["db"])), StatsCounter())
    loader = Loader(redis.Redis.from_url(config["redis_url"]), processor)
    commits: list[float] = []
    busy = [0.0]  # seconds loading items and committing them (I/O included): the loader's capacity
    depth = [0]

    def timed(method):
        def call(*args, **kwargs):
            loaded, began = loader.loaded, time.perf_counter()
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0 and (args and args[0] or loader.loaded > loaded):  # items written, or committed
                    busy[0] += time.perf_counter() - began
                if loader.loaded > loaded:
                    commits.append(time.time())
        return call

    for name in ("load_batch", "commit", "commit_if_due"):  # commit_if_due: only its calls that committed count
        setattr(loader, name, timed(getattr(loader, name)))
    while loader.server.scard(WORKERS_KEY) < config["workers"]:  # idle with no worker alive, it would exit
        time.sleep(0.02)
    loaded = loader.run(idle_exit=config["idle_exit"])
    print(json.dumps({"loaded": loaded, "last_commit": commits[-1] if commits else None, "cpu": time.process_time(),
                      "busy": busy[0]}))


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by another process."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def distributed(replica: dict, workers: int, redis_url: str, workdir: Path, pids: dict[str, int]) -> dict:
    """One crawl of the whole replica by ``workers`` worker processes and one loader, all started
    before the first request; the same settings as (b) apart from the Redis scheduler.

    The rate is counted from the first response any worker received to the loader's last commit
    (every page fetched, extracted and stored): a worker's start-up and its idle wait for the others
    at the end are left out, the loader's lag is in."""
    import sqlite3

    import redis

    from crawler.distributed import worker_settings

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    db = workdir / f"distributed-{workers}.db"
    settings = {**common(replica, workdir / "absent.db"), **worker_settings(redis_url)}
    cpu_before = {name: process_cpu(pid) for name, pid in pids.items()}
    # The loader starts with the workers (its imports overlap theirs) and waits for them to join.
    loader = subprocess.Popen([sys.executable, __file__, "--load", json.dumps(
        {"redis_url": redis_url, "db": str(db), "idle_exit": 1.0, "workers": workers})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = [run_child(settings) for _ in range(workers)]
    results = [child_result(child) for child in children]
    loaded = child_result(loader)
    cpu = {name: process_cpu(pid) - cpu_before[name] for name, pid in pids.items()}
    first = min(r["first_response"] for r in results)
    last_response = max(r["last_response"] for r in results)
    end = max(last_response, loaded["last_commit"] or last_response)
    pages = sum(r["pages"] for r in results)
    articles = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    cpu.update({f"worker {i + 1}": r["cpu"] for i, r in enumerate(results)}, loader=loaded["cpu"])
    return {"pages": pages, "articles": articles, "pps": pages / (end - first), "stored_pps": articles / (end - first),
            "fetch_pps": pages / (last_response - first), "seconds": end - first,
            "per_worker": [r["pages"] for r in results], "cpu": cpu,
            "spans": [(round(r["first_response"] - first, 2), round(r["last_response"] - first, 2)) for r in results],
            "lag": end - last_response}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="~1,300 pages, under a minute")
    parser.add_argument("--profile", action="store_true", help="cProfile the full crawl and print the hot spots")
    parser.add_argument("--no-distributed", action="store_true", help="skip the Redis runs")
    args = parser.parse_args()
    city, district = (300, 300) if args.quick else (5000, 5000)

    workdir = Path(tempfile.mkdtemp(prefix="muninews-bench-"))
    server, replica = start_replica(city, district)
    redis_process = None
    try:
        print(f"replica: {replica['articles']} articles on 4 hosts, served from pid {server.pid}")
        ceiling = crawl({**common(replica, workdir / "ceiling.db"), "ITEM_PIPELINES": {}})
        full = crawl(common(replica, workdir / "full.db"), profile=args.profile)
        dist = {}
        if not args.no_distributed:
            redis_process, redis_url = start_redis(workdir)
            pids = {"replica": server.pid, "redis": redis_process.pid}
            dist = {n: distributed(replica, n, redis_url, workdir, pids) for n in (1, 2)}
    finally:
        server.stdin.close()
        server.wait(10)
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)

    ceiling_pps, full_pps = rate(ceiling), rate(full)
    curve = memory_curve(full["samples"])
    ceiling_curve = memory_curve(ceiling["samples"])
    mib = 1024 * 1024
    print(f"\n{'run':<34}{'pages':>8}{'pages/s':>10}{'peak RSS MiB':>14}{'CPU ms/page':>13}{'CPU share':>11}")
    for label, result, pps, peak in (("(a) ceiling: Scrapy, no pipelines", ceiling, ceiling_pps, ceiling_curve[100]),
                                     ("(b) muninews: full crawl", full, full_pps, curve[100])):
        print(f"{label:<34}{result['pages']:>8}{pps:>10.1f}{peak / mib:>14.1f}"
              f"{cpu_ms_per_page(result):>13.2f}{cpu_share(result):>11.2f}")
    print(f"\nratio b/a = {full_pps / ceiling_pps:.2f}   (articles stored: {full['articles']})")
    print(f"muninews' own CPU per page (b - a): {cpu_ms_per_page(full) - cpu_ms_per_page(ceiling):.2f} ms")
    print("memory of the full crawl (peak RSS so far, MiB): "
          + "  ".join(f"{p}%: {curve[p] / mib:.1f}" for p in (25, 50, 75, 100)))
    print(f"  of which per-URL state at the end (duplicate filter + discovered URL keys, grows by design): "
          f"{full['per_url_bytes'] / mib:.1f} MiB")
    speedup = float("nan")
    if dist:
        print(f"\n{'distributed (Redis + loader)':<34}{'pages':>8}{'stored':>8}{'stored/s':>10}{'fetch/s':>10}"
              f"{'loader lag s':>14}  per worker")
        for n, d in dist.items():
            print(f"{f'{n} worker(s)':<34}{d['pages']:>8}{d['articles']:>8}{d['stored_pps']:>10.1f}{d['fetch_pps']:>10.1f}"
                  f"{d['lag']:>14.2f}  {d['per_worker']}")
        for n, d in dist.items():
            shares = "  ".join(f"{name} {seconds / d['seconds']:.2f}" for name, seconds in d["cpu"].items())
            print(f"CPU share, {n} worker(s), per process (CPU s / wall s): {shares}")
            print(f"  first..last response per worker (s): {d['spans']}")
        speedup = dist[2]["stored_pps"] / dist[1]["stored_pps"]
        fetch_speedup = dist[2]["fetch_pps"] / dist[1]["fetch_pps"]
        print(f"two-worker speedup = {speedup:.2f}   (articles stored per second, first response to last commit; "
              f"fetching alone: {fetch_speedup:.2f})")
    if args.profile and "profile" in full:
        print("\ncProfile of the full crawl (tottime):\n" + full["profile"])
    print(f"ceiling_pps={ceiling_pps:.1f} muninews_pps={full_pps:.1f} ratio={full_pps / ceiling_pps:.2f} "
          f"mem_growth={curve[100] / curve[25]:.2f} two_worker_speedup={speedup:.2f} "
          f"ceiling_cpu_ms={cpu_ms_per_page(ceiling):.2f} muninews_cpu_ms={cpu_ms_per_page(full):.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(*map(int, sys.argv[2].split(",")))
    elif len(sys.argv) == 3 and sys.argv[1] == "--load":
        load_child(json.loads(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--child":
        crawl_child(json.loads(sys.argv[2]))
    else:
        main()
