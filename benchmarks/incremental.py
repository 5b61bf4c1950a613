"""How much a nightly rerun costs: requests of a full crawl vs an incremental rerun after the
portal published 5 articles, edited 3 and deleted 2, with a non-incremental rerun (--full) as the
baseline, all in one run against the replica portal family.

    python benchmarks/incremental.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's name shadows the `incremental` package Twisted imports: drop its folder from the path.
sys.path[0] = str(ROOT)

from crawler.replica import ReplicaServer, build_replica  # noqa: E402
from crawler.runner import replica_base_urls  # noqa: E402


def crawl(server: ReplicaServer, db: Path, *extra: str) -> tuple[int, float]:
    """Requests the replica answered during one crawl, and its wall time."""
    start, began = len(server.log), time.perf_counter()
    moves = [f"--base-url={n}={u}" for n, u in replica_base_urls(server.base_urls).items()]
    subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "haiphong-replica", "--db", str(db), "--quiet", *moves, *extra],
        cwd=ROOT, check=True, capture_output=True,
    )
    return len(server.log) - start, time.perf_counter() - began


def change_portal(server: ReplicaServer) -> None:
    family, city = server.replica, server.replica.sites["city"]
    family.publish("city", 5)
    for article in city.live[10:13]:
        family.edit("city", article.slug)
    for article in city.live[20:22]:
        family.remove("city", article.slug)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller replica (under a minute)")
    args = parser.parse_args()
    sizes = dict(city_articles=60, district_articles=30, syndicated=10) if args.quick else {}
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(build_replica(**sizes)) as server:
        db = Path(tmp) / "m.db"
        articles = len(server.replica.all_articles())
        full, full_s = crawl(server, db)
        change_portal(server)
        rerun, rerun_s = crawl(server, db)
        baseline, baseline_s = crawl(server, db, "--full")
    ratio = rerun / full
    print(f"replica: {articles} articles on 4 hosts; change: +5 published, 3 edited, 2 deleted\n")
    print(f"{'run':<34}{'requests':>10}{'seconds':>10}{'vs full':>10}")
    for name, requests, seconds in (
        ("full crawl (empty database)", full, full_s),
        ("incremental rerun", rerun, rerun_s),
        ("baseline: rerun with --full", baseline, baseline_s),
    ):
        print(f"{name:<34}{requests:>10}{seconds:>10.1f}{requests / full:>10.3f}")
    print(f"\nincremental rerun needs {ratio:.1%} of a full crawl's requests "
          f"({baseline / rerun:.1f}x fewer than the --full baseline)")
    print(f"full_requests={full} rerun_requests={rerun} ratio={ratio:.4f}")


if __name__ == "__main__":
    main()
