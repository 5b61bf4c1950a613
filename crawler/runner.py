"""Python API for running crawls; the CLI and tests call these, Scrapy does the work."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.registry import Registry, load_registry

REPLICA_FAMILY = "haiphong-replica"


def project_settings(**overrides: Any) -> Settings:
    """crawler.settings plus overrides, without needing scrapy.cfg in the working directory."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def setting_overrides(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs (``-s`` on the command line, as with ``scrapy crawl -s``) to overrides;
    Scrapy's typed getters read the strings. ValueError names a malformed pair."""
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {value!r}")
        overrides[name.strip()] = setting
    return overrides


def run_crawl(portal: str, **overrides: Any) -> dict[str, Any]:
    """Crawl ``portal`` (a name, a family, ``all`` or a comma list) in this process; return stats.

    How the run ended (``muninews/run/status`` and ``…/reason`` in the stats, see
    crawler/extensions/outcome.py) is also written to its ``crawl_runs`` row. Twisted's reactor
    cannot restart, so call this once per process (tests run it in a subprocess).
    """
    process = CrawlerProcess(project_settings(**overrides))
    crawler = process.create_crawler("portal")
    process.crawl(crawler, portal=portal)
    process.start()
    stats = dict(crawler.stats.get_stats())
    processor = getattr(crawler, "_muninews_processor", None)
    run_id = getattr(getattr(processor, "storage", None), "run_id", None)
    if run_id is not None:
        record_outcome(processor.storage.path, run_id, stats)
    return stats


def record_outcome(db_path: str | Path, run_id: int, stats: dict[str, Any]) -> None:
    """Write the run's and each portal's status and reason (from the stats) into the database."""
    from crawler.storage.db import open_db

    db = open_db(db_path, upgrade=False)
    try:
        with db.conn:
            db.execute("UPDATE crawl_runs SET status = ?, reason = ? WHERE id = ?",
                       [stats.get("muninews/run/status"), stats.get("muninews/run/reason"), run_id])
            for (portal,) in db.execute("SELECT portal FROM crawl_run_portals WHERE run_id = ?", [run_id]).fetchall():
                db.execute(
                    "UPDATE crawl_run_portals SET status = ?, reason = ? WHERE run_id = ? AND portal = ?",
                    [stats.get(f"muninews/portal/{portal}/status"), stats.get(f"muninews/portal/{portal}/reason"),
                     run_id, portal],
                )
    finally:
        db.conn.close()


def replica_base_urls(base_urls_by_site: dict[str, str], registry: Registry | None = None) -> dict[str, str]:
    """Portal name -> where its replica site is listening now."""
    registry = registry or load_registry()
    return {
        portal.name: base_urls_by_site[portal.replica]
        for portal in registry.family(REPLICA_FAMILY)
        if portal.replica in base_urls_by_site
    }


@contextmanager
def serving_replica(seed: int = 2022, port: int = 0) -> Iterator[Any]:
    from crawler.replica import ReplicaServer, build_replica

    with ReplicaServer(build_replica(seed=seed), port=port) as server:
        yield server


def default_db() -> Path:
    return Path(project_settings().get("SQLITE_PATH"))


class CrawlLocked(RuntimeError):
    """Another muninews process is crawling into the same database."""


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[None]:
    """An advisory lock beside the database so cron never starts a run over a running one.

    flock is released by the kernel when the process dies, so a killed run never leaves a stale lock.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(f"{db_path}.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CrawlLocked(f"another muninews crawl is writing {db_path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
