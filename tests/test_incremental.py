"""Scheduled reruns: fetch only what is new or changed, keep versions, mark removals, and finish
the job after being killed at any moment."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, crawl_replica, rows, stored_records
from crawler.replica import ReplicaServer, build_replica
from crawler.runner import replica_base_urls


def test_rerun_stores_new_versions_edits_and_marks_removals(tmp_path):
    family = build_replica()
    with ReplicaServer(family) as server:
        db = tmp_path / "m.db"
        crawl_replica(server, db)
        city = family.sites["city"]
        published = family.publish("city", 5)
        edited = [family.edit("city", a.slug) for a in city.live[10:13]]
        removed = city.live[20:22]
        for article in removed:
            family.remove("city", article.slug)
        start = len(server.log)
        crawl_replica(server, db)

        run = rows(db, "SELECT max(run_id) AS id FROM crawl_run_portals")[0]["id"]
        totals = rows(
            db, "SELECT sum(articles_new) AS new, sum(updated) AS updated, sum(removed) AS removed "
            "FROM crawl_run_portals WHERE run_id = ?", (run,),
        )[0]
        assert (totals["new"], totals["updated"], totals["removed"]) == (5, 3, 2)

        base = server.base_urls["city"]
        versions = rows(db, "SELECT a.url, v.body FROM article_versions v JOIN articles a ON a.id = v.article_id")
        assert {v["url"] for v in versions} == {base + a.path for a in edited}
        assert all("Cập nhật:" not in v["body"] for v in versions), "the old text stays queryable"
        marked = {r["url"] for r in rows(db, "SELECT url FROM articles WHERE removed_at IS NOT NULL")}
        assert marked == {base + a.path for a in removed}
        assert stored_records(db)[base + edited[0].path]["body"].endswith(edited[0].body[-1])

        article_paths = {a.path for s in family.sites.values() for a in s.articles}
        full_fetches = {e.path for e in server.log[start:] if e.path in article_paths and e.status == 200}
        assert full_fetches == {a.path for a in published + edited}


def _start_crawl(server: ReplicaServer, db: Path) -> subprocess.Popen:
    moves = [f"--base-url={n}={u}" for n, u in replica_base_urls(server.base_urls).items()]
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "haiphong-replica", "--db", str(db), "--quiet", *moves],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_after_requests(server: ReplicaServer, process: subprocess.Popen, count: int) -> None:
    start = len(server.log)
    deadline = time.monotonic() + 120
    while len(server.log) - start < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_sigkill_at_any_moment_then_rerun_finishes_the_job(tmp_path):
    family = build_replica()
    with ReplicaServer(family) as server:
        db = tmp_path / "m.db"
        for requests in (40, 150, 120):
            _kill_after_requests(server, _start_crawl(server, db), requests)
        killed_runs = rows(db, "SELECT count(*) AS n FROM crawl_runs WHERE finished IS NULL")[0]["n"]
        assert killed_runs == 3
        crawl_replica(server, db)
        assert rows(db, "PRAGMA integrity_check")[0][0] == "ok"
        truth = family.truth(server.base_urls)
        stored = stored_records(db)
        assert sorted(stored) == sorted(truth)
        for url, record in truth.items():
            assert stored[url]["title"] == record["title"]
            assert stored[url]["body"].split("\n\n") == record["body"]
            assert stored[url]["images"] == record["images"]
        urls = [r["url"] for r in rows(db, "SELECT url FROM articles")]
        assert len(urls) == len(set(urls))
