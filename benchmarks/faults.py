"""Reliability report: crawl the replica with every fault mode on, beside a clean crawl of it;
then each hostile portal (tests/harness/hostile.py) crawled alone.

    python benchmarks/faults.py [--quick]

Per fault rule: requests the replica answered for it, retries, failures recorded, articles
expected (served correctly within the retry budget) and articles stored. The baseline is the same
replica crawled without faults in the same run; the ratios say what the faults cost. Per hostile
case (endless REST pages, self-including and huge sitemaps, endless feeds and listings, endless
headers, 10,000 captions, a 19 MB paragraph, Retry-After storms, …): wall time and peak memory of
its crawl process, requests, good articles expected and stored, and what is wrong if anything.
Every hostile crawl runs with the default budgets except the one case that tests a lowered
``max_links``. Then ``muninews add-portal`` probes each hostile portal in a process of its own
(working directory, HOME and TMPDIR its own folders): wall time, requests off its host and port,
files it left anywhere but its one profile (and in the project's data/), whether the profile
parses and loads. ``--quick`` makes the huge sitemap 3 × 20,000 URLs instead of 10 × 100,000.
The last line is machine-readable: ``faults=N survived=N lost=N duplicated=N hostile=N
hostile_ok=N off_allowed=N max_wall_s=… max_rss_mb=… dropped_rows=N probes=N probe_max_wall_s=…
probe_off_allowed=N probe_bad_writes=N probe_bad_profiles=N`` (lost and duplicated count both
parts; max_* are over the hostile crawls; dropped_rows: rows in their ``dropped`` tables).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, benchmarks/ is sys.path[0], where benchmarks/incremental.py would shadow the
# `incremental` package Twisted imports: put the project root there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))  # the fault-mode harness

from crawler.replica import ReplicaServer, build_replica  # noqa: E402
from harness.faults import Decoy, account, crawl_subprocess, every_mode_plan  # noqa: E402
from crawler.runner import replica_base_urls  # noqa: E402
from harness.hostile import cases as hostile_cases, probe_case, run_case  # noqa: E402

RETRY_TIMES = 3
RETRY_AFTER_MAX = 30.0


def crawl(server: ReplicaServer, db: Path) -> float:
    settings = {
        "SQLITE_PATH": str(db), "MUNINEWS_BASE_URLS": replica_base_urls(server.base_urls), "LOG_LEVEL": "ERROR",
        "DOWNLOAD_TIMEOUT": 1.0, "DOWNLOAD_MAXSIZE": 1024 * 1024, "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": RETRY_TIMES, "RETRY_BACKOFF_BASE": 0.05, "RETRY_AFTER_MAX": RETRY_AFTER_MAX,
        "AUTOTHROTTLE_ENABLED": False,
    }
    start = time.perf_counter()
    result = crawl_subprocess("haiphong-replica", settings, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller replica (116 articles), under a minute")
    args = parser.parse_args()
    sizes = dict(city_articles=40, district_articles=20, syndicated=8, schedules_per_site=2) if args.quick else {}
    tmp = Path(tempfile.mkdtemp(prefix="muninews-faults-"))

    with ReplicaServer(build_replica(**sizes)) as server:
        clean_seconds = crawl(server, tmp / "clean.db")
        clean_requests = len(server.log)
    clean_articles = count(tmp / "clean.db", "SELECT count(*) FROM articles")

    replica = build_replica(**sizes)
    with ReplicaServer(replica) as server, Decoy("127.0.0.9", server.port) as decoy:
        plan = every_mode_plan(replica, slow_seconds=2.5).install(server)
        fault_seconds = crawl(server, tmp / "faults.db")
        report = account(plan, server, tmp / "faults.db", retry_times=RETRY_TIMES, retry_after_max=RETRY_AFTER_MAX)
        fault_requests = len(server.log)
        outside = [e for e in server.log if e.headers.get("Host") not in {u.split("://")[1] for u in server.base_urls.values()}]
    fault_articles = count(tmp / "faults.db", "SELECT count(*) FROM articles")

    header = f"{'fault mode':42} {'requests':>8} {'retries':>7} {'failures':>8} {'expected':>8} {'stored':>6}  outcome"
    print(header)
    print("-" * len(header))
    for mode in report.modes:
        outcome = "ok" if not mode.lost and not mode.wrong else f"LOST {len(mode.lost)} WRONG {len(mode.wrong)}"
        print(f"{mode.name:42} {mode.requests:>8} {mode.retries:>7} {mode.failures:>8} {mode.expected:>8} {mode.stored:>6}  {outcome}")
    print()
    print(f"{'':24} {'clean (baseline)':>16} {'all faults on':>14} {'ratio':>7}")
    for label, base, faulty in (("requests to the replica", clean_requests, fault_requests),
                                ("articles stored", clean_articles, fault_articles),
                                ("crawl seconds", clean_seconds, fault_seconds)):
        fmt = "{:>16.1f} {:>14.1f}" if isinstance(base, float) else "{:>16} {:>14}"
        print(f"{label:24} " + fmt.format(base, faulty) + f" {faulty / base if base else float('nan'):>7.2f}")
    print(f"requests outside the allowed hosts: {len(outside)}; requests to the decoy (127.0.0.9): {len(decoy.requests)}")
    print(f"articles lost outside faulted URLs: {len(report.unfaulted_lost)}")
    print()

    results = []
    with Decoy("127.0.0.9", 0) as other_host, Decoy("127.0.0.4", 0) as other_port:
        huge = (3, 20_000) if args.quick else (10, 100_000)
        for number, case in enumerate(hostile_cases(other_port.port, huge)):
            replica = build_replica(city_articles=20, district_articles=30, syndicated=4, schedules_per_site=1)
            results.append(run_case(case, replica, tmp / f"hostile-{number}", [other_host, other_port], timeout=300))
        probes = []
        for number, case in enumerate(hostile_cases(other_port.port, huge)):
            replica = build_replica(city_articles=20, district_articles=30, syndicated=4, schedules_per_site=1)
            probes.append(probe_case(case, replica, tmp / f"probe-{number}", [other_host, other_port], timeout=180))
    header = f"{'hostile portal':48} {'wall_s':>6} {'rss_mb':>6} {'requests':>8} {'expected':>8} {'stored':>6}  outcome"
    print(header)
    print("-" * len(header))
    for result in results:
        wrong = list(result.problems)
        if result.returncode != 0:
            wrong.append(f"exit {result.returncode}")
        if result.lost:
            wrong.append(f"LOST {result.lost}")
        if result.off_allowed:
            wrong.append(f"{result.off_allowed} requests off the allowed hosts/ports")
        print(f"{result.case.name:48} {result.wall_s:>6.1f} {result.rss_mb:>6.0f} {result.requests:>8} "
              f"{len(result.expected):>8} {len(set(result.stored) & result.expected):>6}  {'; '.join(wrong) or 'ok'}")
    print()
    header = f"{'add-portal probe of the same portal':48} {'wall_s':>6} {'exit':>4} {'off_allowed':>11} {'bad_writes':>10}  profile"
    print(header)
    print("-" * len(header))
    for probe in probes:
        verdict = {True: "parses and loads", False: f"BROKEN: {probe.problem}", None: f"none written ({probe.problem})"}
        print(f"{probe.case.name:48} {probe.wall_s:>6.1f} {probe.returncode:>4} {probe.off_allowed:>11} "
              f"{len(probe.bad_writes):>10}  {verdict[probe.profile_ok]}")
    good = [r for r in results if not r.problems and not r.lost and r.returncode == 0 and not r.off_allowed]
    lost = report.lost + sum(r.lost for r in results)
    duplicated = len(report.duplicated) + sum(r.duplicated for r in results)
    off_allowed = len(outside) + len(decoy.requests) + sum(r.off_allowed for r in results)
    print(f"faults={report.faults} survived={report.survived} lost={lost} duplicated={duplicated} "
          f"hostile={len(results)} hostile_ok={len(good)} off_allowed={off_allowed} "
          f"max_wall_s={max(r.wall_s for r in results):.1f} max_rss_mb={max(r.rss_mb for r in results):.0f} "
          f"dropped_rows={sum(r.dropped for r in results)} probes={len(probes)} "
          f"probe_max_wall_s={max(p.wall_s for p in probes):.1f} probe_off_allowed={sum(p.off_allowed for p in probes)} "
          f"probe_bad_writes={sum(len(p.bad_writes) for p in probes)} "
          f"probe_bad_profiles={sum(1 for p in probes if p.profile_ok is False)}")


if __name__ == "__main__":
    main()
