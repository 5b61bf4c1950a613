"""`muninews serve` reads the database without writing it, and the file stays searchable with the
ecosystem's own tools: plain ``datasette FILE`` (``?_search=``) and ``sqlite-utils search``, each run
for real on a replica crawl, on loopback."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, rows

from crawler.commands.serve import datasette_argv
from crawler.replica.server import free_port
from crawler.storage.db import SCHEMA_VERSION
from crawler.storage.search import search

BIN = Path(sys.executable).parent


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _get_json(url: str, server: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.stdout.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _serving(argv: list[str]):
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture()
def delete_journal_copy(crawled, tmp_path) -> Path:
    """A copy of the crawl in rollback-journal mode: opening it for writing would switch it to WAL."""
    copy = shutil.copyfile(crawled, tmp_path / "journal.db")
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return copy


def test_serve_never_writes_migrates_or_switches_the_journal(delete_journal_copy):
    db = delete_journal_copy
    before = _fingerprint(db)
    port = free_port()
    server = _serving([sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)])
    try:
        data = _get_json(f"http://127.0.0.1:{port}/journal/articles.json?_search=Ngo+Quyen&_shape=objects", server)
        assert data["rows"] and data["filtered_table_rows_count"] == len(search(sqlite3.connect(db), "Ngo Quyen", limit=10**6))
    finally:
        _stop(server)
    assert _fingerprint(db) == before
    assert rows(db, "PRAGMA journal_mode")[0][0] == "delete" and not db.with_name("journal.db-wal").exists()


def test_serve_refuses_an_older_schema_in_one_line_without_migrating_it(delete_journal_copy):
    db = delete_journal_copy
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    before = _fingerprint(db)
    result = subprocess.run([sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(free_port())],
                            check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("muninews serve: --db: ") and f"schema version {SCHEMA_VERSION - 1}" in result.stderr
    assert _fingerprint(db) == before


def test_a_file_nobody_here_can_write_is_served_immutable(tmp_path):
    argv = datasette_argv(tmp_path / "x.db", tmp_path / "m.json", "127.0.0.1", 1, immutable=True)
    assert argv[1:3] == ["-i", str(tmp_path / "x.db")]
    assert str(tmp_path / "x.db") in datasette_argv(tmp_path / "x.db", tmp_path / "m.json", "127.0.0.1", 1)[1:2]


def _bare(text: str) -> str:
    """Lower case, đ→d, tone marks off: what a folded search compares."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.mark.parametrize("query", ["Ngo Quyen", "Ngô Quyền", "Dang uy", "Đảng ủy"])
def test_plain_datasette_searches_the_file_with_and_without_diacritics(crawled, query):
    """No muninews plugin, no metadata: Datasette finds the index by itself (words ANDed)."""
    port = free_port()
    server = _serving([str(BIN / "datasette"), "serve", str(crawled), "--port", str(port), "--setting", "sql_time_limit_ms", "5000"])
    try:
        url = f"http://127.0.0.1:{port}/{crawled.stem}/articles.json?" + urllib.parse.urlencode(
            {"_search": query, "_shape": "objects", "_size": "max"})
        data = _get_json(url, server)
    finally:
        _stop(server)
    total = rows(crawled, "SELECT count(*) FROM articles")[0][0]
    found = data["filtered_table_rows_count"]
    assert 0 < found < total  # the search filtered, it was not ignored
    for row in data["rows"]:
        words = set(re.findall(r"\w+", _bare(" ".join(str(row[c] or "") for c in ("title", "body", "captions")))))
        assert set(_bare(query).split()) <= words, row["id"]


@pytest.mark.parametrize("query", ["Đảng ủy", "dang uy"])
def test_sqlite_utils_search_finds_the_same_articles(crawled, query):
    result = subprocess.run([str(BIN / "sqlite-utils"), "search", str(crawled), "articles", query, "-c", "id", "--limit", "1000000"],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = {row["id"] for row in json.loads(result.stdout)}
    conn = sqlite3.connect(f"file:{crawled}?mode=ro", uri=True)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < len(found) < total
    for article_id, title, body, captions in conn.execute("SELECT id, title, body, captions FROM articles"):
        if article_id in found:  # every word it was given, in some spelling
            assert set(_bare(query).split()) <= set(re.findall(r"\w+", _bare(f"{title} {body} {captions}"))), article_id
    assert found >= {r["id"] for r in search(conn, query, limit=10**6)}  # a phrase match has both words
