"""Reading while a crawl writes: another process runs 1,000 read queries (the kind Datasette and
analysts run) during a real crawl. WAL mode and busy timeouts mean zero "database is locked"."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, rows
from crawler.storage.db import open_db
from crawler.runner import REPLICA_FAMILY, replica_base_urls

READER = r"""
import json, sqlite3, sys, time
path, total = sys.argv[1], int(sys.argv[2])
queries = [
    "SELECT count(*) FROM articles",
    "SELECT a.id, a.title FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
    "WHERE articles_fts MATCH '\"Ngo\" \"Quyen\"' ORDER BY rank LIMIT 20",
    "SELECT portal, count(*) FROM articles GROUP BY portal",
    "SELECT year, count(*) FROM articles GROUP BY year",
    "SELECT id, title, published FROM articles ORDER BY published DESC LIMIT 50",
    "SELECT a.id, count(i.url) FROM articles a LEFT JOIN images i ON i.article_id = a.id GROUP BY a.id LIMIT 50",
]
conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # an analyst's plain connection (5 s busy timeout)
ok, errors, seen = 0, [], set()
deadline = time.monotonic() + 120
while conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0 and time.monotonic() < deadline:
    time.sleep(0.02)  # start reading once the crawl has committed its first batch
for n in range(total):
    try:
        result = conn.execute(queries[n % len(queries)]).fetchall()
        ok += 1
        if n % len(queries) == 0:
            seen.add(result[0][0])
    except sqlite3.Error as error:
        errors.append(f"{type(error).__name__}: {error}")
    time.sleep(0.01)
print(json.dumps({"ok": ok, "errors": errors, "counts_seen": sorted(seen)}))
"""


def test_a_thousand_reads_during_a_crawl_all_succeed(replica, tmp_path):
    db = tmp_path / "muninews.db"
    open_db(db).conn.close()  # schema in place, so the reader can start at once
    moves = [f"--base-url={name}={url}" for name, url in replica_base_urls(replica.base_urls).items()]
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", REPLICA_FAMILY, "--db", str(db), "--quiet", *moves],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reader = subprocess.run(
        [sys.executable, "-c", READER, str(db), "1000"], capture_output=True, text=True, timeout=300
    )
    crawl_out, crawl_err = crawl.communicate(timeout=300)

    assert reader.returncode == 0, reader.stderr
    result = json.loads(reader.stdout)
    assert result["errors"] == []
    assert result["ok"] == 1000
    # the reads really overlapped the writes: the reader watched the article count grow
    assert len(result["counts_seen"]) >= 2, result["counts_seen"]
    assert crawl.returncode == 0, crawl_err[-3000:]
    assert "locked" not in crawl_err.lower()
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == len(replica.replica.truth(replica.base_urls))
