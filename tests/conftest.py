"""Shared fixtures: the replica portal on loopback, and crawls of it run as real subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.replica import ReplicaServer, build_replica
from crawler.runner import REPLICA_FAMILY, replica_base_urls

ROOT = Path(__file__).resolve().parent.parent
# `make test` runs the suite on two workers (pytest-xdist, --dist loadgroup). A module's tests stay
# on one worker, so its module fixtures are built once; every test of the real CMSs shares one
# worker, so WordPress and Plone are each built once a run.
CMS_MODULES = frozenset({"test_add_portal_cms", "test_plone_crawl", "test_plone_site", "test_wordpress_crawl",
                         "test_wordpress_site"})


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            module = item.module.__name__.rpartition(".")[2]
            item.add_marker(pytest.mark.xdist_group("cms" if module in CMS_MODULES else module))


@pytest.fixture(scope="session")
def replica():
    """The default replica family (410 articles on four hosts), served for the whole session."""
    with ReplicaServer(build_replica()) as server:
        yield server


@pytest.fixture(scope="session")
def replica_crawl(replica, tmp_path_factory) -> Path:
    """The default replica crawled once per test run, by one ordinary `muninews crawl`.

    The master copy: checkpointed into its main file, then mode 0444. Tests take ``crawled`` (their
    module's own copy) and may write to that."""
    db = tmp_path_factory.mktemp("replica-crawl") / "muninews.db"
    crawl_replica(replica, db)
    checkpoint(db)
    db.chmod(0o444)
    return db


@pytest.fixture(scope="module")
def crawled(replica_crawl, tmp_path_factory) -> Path:
    """This module's own copy of the default replica's crawl (the same URLs as ``replica``).

    To prove what a later step fetched, compare ``replica.log`` from before that step: the log
    is the session's, and holds the master crawl and every other module's requests."""
    return copy_db(replica_crawl, tmp_path_factory.mktemp("crawled") / "muninews.db")


def checkpoint(db: Path) -> None:
    """Move everything in the database's write-ahead log into its main file."""
    conn = sqlite3.connect(db)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert not busy, f"{db} is still in use: cannot checkpoint it"
    finally:
        conn.close()


def copy_db(source: Path, target: Path) -> Path:
    """A writable copy of a checkpointed SQLite database (still in WAL mode: the mode is in its header)."""
    wal = source.with_name(source.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{source} has pages in its log: checkpoint it first"
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server on a free loopback port, no persistence; stopped at teardown."""
    redis = pytest.importorskip("redis")
    from crawler.replica.server import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; .ci/run installs it with apt-get")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def muninews(*args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real CLI in a fresh process (Twisted's reactor runs once per process)."""
    result = subprocess.run(
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"muninews {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def crawl_replica(server: ReplicaServer, db: Path, *extra: str, family: str = REPLICA_FAMILY) -> subprocess.CompletedProcess:
    moves = [f"--base-url={name}={url}" for name, url in replica_base_urls(server.base_urls).items()]
    return muninews("crawl", family, "--db", str(db), "--quiet", *moves, *extra)


def rows(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def stored_records(db: Path) -> dict[str, dict]:
    """Articles as stored, in the shape of the replica's true records, keyed by URL."""
    images: dict[int, list[dict]] = {}
    for image in rows(db, "SELECT article_id, url, caption FROM images ORDER BY article_id, position"):
        images.setdefault(image["article_id"], []).append({"url": image["url"], "caption": image["caption"]})
    return {
        row["url"]: {
            "url": row["url"], "title": row["title"], "published": row["published"],
            "authors": json.loads(row["authors"]), "body": row["body"], "images": images.get(row["id"], []),
        }
        for row in rows(db, "SELECT * FROM articles")
    }
