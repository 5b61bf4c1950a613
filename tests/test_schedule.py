"""Safe from cron: a lock stops overlapping runs, and every run is recorded per portal."""

from __future__ import annotations

from conftest import crawl_replica, muninews, rows
from crawler.cli import EXIT_LOCKED
from crawler.runner import crawl_lock


def test_a_second_run_on_the_same_database_refuses_to_start(replica, tmp_path):
    db = tmp_path / "m.db"
    with crawl_lock(db):
        result = muninews("crawl", "replica-city", "--db", str(db), "--quiet", check=False)
    assert result.returncode == EXIT_LOCKED
    assert "another muninews crawl" in result.stderr
    assert not db.exists() or rows(db, "SELECT count(*) FROM sqlite_master")[0][0] == 0


def test_every_run_is_recorded_per_portal(replica, tmp_path):
    db = tmp_path / "m.db"
    crawl_replica(replica, db, family="replica-ngoquyen")
    crawl_replica(replica, db, family="replica-ngoquyen")
    runs = rows(db, "SELECT id, started, finished FROM crawl_runs ORDER BY id")
    assert len(runs) == 2 and all(r["finished"] for r in runs)
    per_portal = rows(db, "SELECT run_id, pages_fetched, articles_new, skipped FROM crawl_run_portals ORDER BY run_id")
    first, second = per_portal
    articles = len(replica.replica.sites["ngoquyen"].live)
    assert first["articles_new"] == first["pages_fetched"] == articles
    assert second["articles_new"] == 0 and second["skipped"] == articles
