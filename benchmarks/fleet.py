"""A nightly run over a fleet of portals: what grows with the number of hosts.

    python benchmarks/fleet.py           # 1,000 hosts, ~10 articles each
    python benchmarks/fleet.py --quick   # 100 hosts, 3 articles each, no down host

The fleet (crawler/replica/fleet.py) is served from its own process, one asyncio loop, one socket
per host on 127.1.x.y, with its four discovery mixes, a slow host in 50 and a down host in 97.
(--quick leaves the down host out: its robots.txt retries, 1 + 2 + 4 s of backoff, would be most of
a small crawl's wall time in both (a) and (b); tests/test_fleet.py covers it.) Every crawl runs in a
fresh process with the project's real politeness settings. One run measures:

  (a) raw Scrapy: the same spider and settings with no item pipelines (fetching only);
  (b) muninews: the full crawl (extract, dedup, store) into a fresh SQLite file;
  (c) the nightly rerun of (b)'s database after 5% of the articles were edited;
  (d) 1 and 2 workers through scrapy-redis (a real redis-server) with one loader.

fleet_ratio is (a)'s wall time over (b)'s; cpu_ratio (b)'s CPU per page over (a)'s;
slowest_host_ratio the last host's finishing time over the median host's, from the fleet's own
request log; robots_per_host the robots.txt requests per reachable host; rerun_requests_per_host
(c)'s requests per reachable host; two_worker_speedup the ratio of articles stored per second
(first response to the loader's last commit) of 2 workers over 1; loader_items_per_s the items
the loader wrote per second of its busy time (writing items and committing them, I/O included) in
the 2-worker run; the table beside it also gives the loader process's CPU per item (its whole life:
imports, opening and migrating the database included).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
BENCH = ROOT / "benchmarks"


def _crawl_benchmark():
    """benchmarks/crawl.py (the crawl child, Redis, rates), loaded by path: putting benchmarks/ on
    sys.path would let benchmarks/incremental.py shadow the `incremental` package Twisted imports."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("crawl_benchmark", BENCH / "crawl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _crawl_benchmark()


# --- the fleet, in its own process ----------------------------------------------------------------
def serve(hosts: int, articles: int, profiles: str, down_every: int = 97) -> None:
    """Serve the fleet; answer commands on stdin: ``take`` (request-log summary since the last
    take, as JSON) and ``edit SHARE`` (edit that share of the articles)."""
    from crawler.replica.fleet import FleetServer, build_fleet, fleet_profile

    fleet = build_fleet(hosts, articles, down_every=down_every)
    with FleetServer(fleet) as server:
        Path(profiles, "fleet.toml").write_text(fleet_profile(fleet, server.port), encoding="utf-8")
        reachable = fleet.reachable
        mixes = {key: "+".join(sorted(site.sources)) for key, site in fleet.replica.sites.items()}
        print(json.dumps({"hosts": hosts, "reachable": len(reachable), "down": sorted(fleet.down), "mixes": mixes,
                          "slow": sorted(fleet.slow),
                          "articles": sum(len(fleet.replica.sites[k].live) for k in reachable)}), flush=True)
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "take":
                print(json.dumps(summary(server.take_log())), flush=True)
            elif command == "edit":
                print(json.dumps({"edited": server.edit_share(float(argument))}), flush=True)


def summary(log) -> dict:
    per_host: dict[str, list] = {}
    for hit in log:
        entry = per_host.setdefault(hit.host, [0, 0, hit.at, hit.at])
        entry[0] += 1
        entry[1] += hit.path == "/robots.txt"
        entry[2] = min(entry[2], hit.at)
        entry[3] = max(entry[3], hit.at)
    return {"requests": len(log), "per_host": per_host}


class Fleet:
    def __init__(self, hosts: int, articles: int, profiles: Path, down_every: int) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", f"{hosts},{articles},{down_every},{profiles}"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.info = json.loads(self.process.stdout.readline())

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


# --- crawls -------------------------------------------------------------------------------------
def settings(profiles: Path, db: Path) -> dict:
    return {"MUNINEWS_PROFILE_DIRS": [str(profiles)], "SQLITE_PATH": str(db), "LOG_LEVEL": "ERROR"}


def run_child(config_settings: dict) -> subprocess.Popen:
    config = {"settings": config_settings, "portal": "fleet"}
    return subprocess.Popen([sys.executable, str(BENCH / "crawl.py"), "--child", json.dumps(config)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def crawl(config_settings: dict) -> dict:
    started = time.time()
    result = base.child_result(run_child(config_settings))
    result["wall"] = time.time() - started
    return result


def host_times(log: dict, reachable: int) -> dict:
    """Per host, when its last request ended, from the first request of the run."""
    hosts = log["per_host"]
    first = min(entry[2] for entry in hosts.values())
    finish = sorted(entry[3] - first for entry in hosts.values())
    robots = sum(entry[1] for entry in hosts.values())
    return {"median": statistics.median(finish), "slowest": finish[-1], "robots_per_host": robots / reachable,
            "requests": log["requests"], "per_host": {host: entry[0] for host, entry in hosts.items()}}


def per_mix(requests: dict[str, int], mixes: dict[str, str]) -> dict[str, float]:
    """Mean requests per host, by discovery mix."""
    grouped: dict[str, list[int]] = {}
    for host, count in requests.items():
        grouped.setdefault(mixes[host], []).append(count)
    return {mix: sum(counts) / len(counts) for mix, counts in sorted(grouped.items())}


def stored(db: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        twice = conn.execute("SELECT count(*) - count(DISTINCT url_key) FROM articles").fetchone()[0]
        return articles, twice
    finally:
        conn.close()


def distributed(workers: int, profiles: Path, redis_url: str, workdir: Path) -> dict:
    import redis

    from crawler.distributed import worker_settings

    redis.Redis.from_url(redis_url).flushdb()
    db = workdir / f"distributed-{workers}.db"
    loader = subprocess.Popen([sys.executable, str(BENCH / "crawl.py"), "--load", json.dumps(
        {"redis_url": redis_url, "db": str(db), "idle_exit": 1.0, "workers": workers})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = {**settings(profiles, workdir / "absent.db"), **worker_settings(redis_url)}
    children = [run_child(worker) for _ in range(workers)]
    results = [base.child_result(child) for child in children]
    loaded = base.child_result(loader)
    first = min(r["first_response"] for r in results)
    end = max(max(r["last_response"] for r in results), loaded["last_commit"] or 0)
    articles, _ = stored(db)
    return {"articles": articles, "stored_per_s": articles / (end - first), "seconds": end - first,
            "loader_items_per_s": loaded["loaded"] / max(loaded["busy"], 1e-9),
            "loader_cpu_ms_per_item": 1000 * loaded["cpu"] / max(loaded["loaded"], 1),
            "per_worker": [r["pages"] for r in results],
            # a worker taken for dead, takeovers, the longest gap between heartbeats (ms): see crawler.distributed
            "liveness": [r.get("distributed", {}) for r in results]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 hosts, 3 articles each, no down host")
    parser.add_argument("--no-distributed", action="store_true", help="skip (d), the Redis runs")
    args = parser.parse_args()
    hosts, articles = (100, 3) if args.quick else (1000, 10)
    workdir = Path(tempfile.mkdtemp(prefix="muninews-fleet-"))
    profiles = workdir / "profiles"
    profiles.mkdir()
    fleet = Fleet(hosts, articles, profiles, down_every=0 if args.quick else 97)
    redis_process = None
    info = fleet.info
    try:
        reachable = info["reachable"]
        print(f"fleet: {info['hosts']} hosts ({reachable} reachable, {len(info['slow'])} slow), "
              f"{info['articles']} articles, served from pid {fleet.process.pid}")
        raw = crawl({**settings(profiles, workdir / "raw.db"), "ITEM_PIPELINES": {}})
        raw_hosts = host_times(fleet.ask("take"), reachable)
        full = crawl(settings(profiles, workdir / "full.db"))
        full_hosts = host_times(fleet.ask("take"), reachable)
        articles_stored, twice = stored(workdir / "full.db")
        edited = fleet.ask(f"edit {0.05}")["edited"]
        rerun = crawl(settings(profiles, workdir / "full.db"))
        rerun_hosts = host_times(fleet.ask("take"), reachable)
        dist = {}
        if not args.no_distributed:
            redis_process, redis_url = base.start_redis(workdir)
            for n in (1, 2):
                dist[n] = distributed(n, profiles, redis_url, workdir)
                fleet.ask("take")
    finally:
        fleet.close()
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)

    mib = 1024 * 1024
    peak = max(mem for _, mem in full["samples"])
    raw_peak = max(mem for _, mem in raw["samples"])
    print(f"\n{'run':<36}{'pages':>7}{'wall s':>9}{'pages/s':>9}{'CPU ms/page':>13}{'peak MiB':>10}"
          f"{'robots/host':>13}{'median host s':>15}{'last host s':>13}")
    for label, result, times, mem in (("(a) raw Scrapy, no pipelines", raw, raw_hosts, raw_peak),
                                      ("(b) muninews", full, full_hosts, peak),
                                      ("(c) nightly rerun, 5% edited", rerun, rerun_hosts, None)):
        seconds = result["close"] - result["open"]
        mem_text = f"{mem / mib:>10.1f}" if mem else f"{'':>10}"
        print(f"{label:<36}{result['pages']:>7}{seconds:>9.1f}{result['pages'] / seconds:>9.1f}"
              f"{base.cpu_ms_per_page(result):>13.2f}{mem_text}{times['robots_per_host']:>13.2f}"
              f"{times['median']:>15.1f}{times['slowest']:>13.1f}")
    fleet_ratio = (raw["close"] - raw["open"]) / (full["close"] - full["open"])
    cpu_ratio = base.cpu_ms_per_page(full) / base.cpu_ms_per_page(raw)
    rerun_per_host = rerun_hosts["requests"] / reachable
    # Memory per host: what the full crawl's RSS grew by from its start (imports, settings, profiles
    # loaded: the first sample, before the first response) to its peak, over the hosts.
    start_rss = full["samples"][0][1]
    rss_per_host_kb = (peak - start_rss) / 1024 / info["hosts"]
    print(f"\nstored {articles_stored} of {info['articles']} articles ({twice} twice); rerun after {edited} edits: "
          f"{rerun_hosts['requests']} requests, {rerun_per_host:.2f} per reachable host")
    full_mix, rerun_mix = per_mix(full_hosts["per_host"], info["mixes"]), per_mix(rerun_hosts["per_host"], info["mixes"])
    print(f"\n{'requests per host, by discovery mix':<44}{'first run':>10}{'rerun':>8}")
    for mix in full_mix:
        print(f"{mix:<44}{full_mix[mix]:>10.2f}{rerun_mix.get(mix, 0):>8.2f}")
    print(f"peak RSS {peak / mib:.1f} MiB, {start_rss / mib:.1f} MiB at the start: {rss_per_host_kb:.1f} KiB per host "
          f"(raw Scrapy's peak: {raw_peak / mib:.1f} MiB)")
    speedup = loader_rate = float("nan")
    if dist:
        print(f"\n{'distributed (Redis + loader)':<36}{'stored':>8}{'stored/s':>10}{'seconds':>9}{'loader items/s':>16}"
              f"{'loader CPU ms/item':>20}  pages per worker")
        for n, d in dist.items():
            print(f"{f'{n} worker(s)':<36}{d['articles']:>8}{d['stored_per_s']:>10.1f}{d['seconds']:>9.1f}"
                  f"{d['loader_items_per_s']:>16.0f}{d['loader_cpu_ms_per_item']:>20.2f}  {d['per_worker']}")
        for n, d in dist.items():
            print(f"  {n} worker(s), per worker: {d['liveness']}")
        speedup = dist[2]["stored_per_s"] / dist[1]["stored_per_s"]
        loader_rate = dist[2]["loader_items_per_s"]
    print(f"hosts={info['hosts']} articles={info['articles']} fleet_ratio={fleet_ratio:.2f} "
          f"rerun_requests_per_host={rerun_per_host:.2f} peak_rss_mb={peak / mib:.1f} rss_per_host_kb={rss_per_host_kb:.1f} "
          f"cpu_ms_per_page={base.cpu_ms_per_page(full):.2f} raw_cpu_ms_per_page={base.cpu_ms_per_page(raw):.2f} "
          f"cpu_ratio={cpu_ratio:.2f} robots_per_host={full_hosts['robots_per_host']:.2f} "
          f"slowest_host_ratio={full_hosts['slowest'] / full_hosts['median']:.2f} "
          f"two_worker_speedup={speedup:.2f} loader_items_per_s={loader_rate:.0f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        hosts_arg, articles_arg, down_arg, profiles_arg = sys.argv[2].split(",", 3)
        serve(int(hosts_arg), int(articles_arg), profiles_arg, int(down_arg))
    else:
        main()
