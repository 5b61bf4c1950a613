"""Shared fixtures: the replica portal on loopback, and crawls of it run as real subprocesses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.replica import ReplicaServer, build_replica
from crawler.runner import REPLICA_FAMILY, replica_base_urls

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def replica():
    """The default replica family (410 articles on four hosts), served for the whole session."""
    with ReplicaServer(build_replica()) as server:
        yield server


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
