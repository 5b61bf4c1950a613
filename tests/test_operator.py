"""What the operator on cron meets: exit statuses, --quiet, the log file, one-line errors for every
bad input (checked before any network or database work), and how each run ended in crawl_runs.

Real subprocess crawls of the replica on loopback and of addresses nobody listens on; no timings."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, checkpoint, copy_db, crawl_replica, muninews, rows

from crawler.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from crawler.replica.server import free_port
from crawler.runner import replica_base_urls

FAST = ("-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=5")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _nobody_listening() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(("args", "named"), [
    (("crawl", "nosuchportal"), "nosuchportal"),
    (("crawl", "replica-city", "--since", "garbage"), "--since"),
    (("crawl", "replica-city", "--since", "2024-13-45"), "--since"),
    (("crawl", "replica-city", "--max-pages", "-5"), "--max-pages"),
    (("crawl", "replica-city", "--max-pages", "0"), "--max-pages"),
    (("crawl", "replica-city", "--base-url", "replica-city=ftp://x"), "--base-url"),
    (("crawl", "replica-city", "--base-url", "nosuchportal=http://x"), "--base-url"),
    (("crawl", "replica-city", "--set", "NOEQUALS"), "--set"),
    (("crawl",), "--all"),
    (("reextract", "nosuchportal"), "nosuchportal"),
    (("health", "--runs", "0"), "--runs"),
])
def test_a_bad_input_is_one_line_naming_it_and_touches_nothing(tmp_path, args, named):
    db = tmp_path / "m.db"
    if args[0] == "reextract":
        db.touch()
    result = muninews(*args, "--db", str(db), check=False)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert _lines(result.stderr) == [line for line in _lines(result.stderr) if named in line]
    assert len(_lines(result.stderr)) == 1 and result.stdout == ""
    assert not (tmp_path / "m.log").exists()
    assert not db.exists() or db.stat().st_size == 0


@pytest.mark.parametrize("command", ["crawl", "health", "reextract"])
def test_a_db_that_is_not_sqlite_is_one_line(tmp_path, command):
    db = tmp_path / "notes.db"
    db.write_text("not a database\n")
    args = ("crawl", "replica-city") if command == "crawl" else (command, "--all") if command == "reextract" else (command,)
    result = muninews(*args, "--db", str(db), check=False)
    assert result.returncode == EXIT_USAGE
    assert _lines(result.stderr) == [f"muninews {command}: Invalid value for --db: {db} is not an SQLite database"]
    assert db.read_text() == "not a database\n"


def test_a_replica_that_is_down_exits_1_with_one_quiet_line(tmp_path):
    db = tmp_path / "m.db"
    result = muninews("crawl", "replica-city", "--db", str(db), "--quiet", *FAST,
                      f"--base-url=replica-city={_nobody_listening()}", check=False)
    assert result.returncode == EXIT_FAILED
    assert result.stdout == ""
    (line,) = _lines(result.stderr)
    assert line.startswith("muninews crawl: replica-city failed: ") and "connection refused" in line
    run = rows(db, "SELECT status, reason, finished FROM crawl_runs")
    assert [(r["status"], r["finished"] is not None) for r in run] == [("failed", True)]
    assert "replica-city" in run[0]["reason"] and "connection refused" in run[0]["reason"]
    portal = rows(db, "SELECT status, reason FROM crawl_run_portals")
    assert [(p["status"], "connection refused" in p["reason"]) for p in portal] == [("failed", True)]
    log = (tmp_path / "m.log").read_text()  # Scrapy's log went to the file, not to the terminal
    assert "Spider closed (finished)" in log and "Spider closed" not in result.stderr


def test_a_host_that_does_not_resolve_fails_at_once_without_retries(tmp_path):
    db = tmp_path / "m.db"
    result = muninews("crawl", "replica-city", "--db", str(db), "--quiet",
                      "--base-url=replica-city=http://nosuchhost.invalid", check=False)
    assert result.returncode == EXIT_FAILED and "Traceback" not in result.stderr
    (line,) = _lines(result.stderr)
    assert "replica-city failed" in line and "DNS lookup failed" in line
    failures = rows(db, "SELECT reason FROM failures")
    assert failures and all(f["reason"].startswith("DNS lookup failed:") and "retries" not in f["reason"] for f in failures)
    stats = json.loads(rows(db, "SELECT stats FROM crawl_runs")[0]["stats"])
    assert not [key for key in stats if key.startswith("retry/")]


def test_quiet_prints_nothing_on_success_and_one_line_per_failed_portal(replica, tmp_path):
    db = tmp_path / "m.db"
    ok = crawl_replica(replica, db, family="replica-ngoquyen")
    assert (ok.returncode, ok.stdout, ok.stderr) == (EXIT_OK, "", "")
    assert rows(db, "SELECT status, reason FROM crawl_runs")[0]["status"] == "finished"
    moves = replica_base_urls(replica.base_urls)
    partial = muninews("crawl", "replica-ngoquyen,replica-lechan", "--db", str(db), "--quiet", *FAST,
                       f"--base-url=replica-ngoquyen={moves['replica-ngoquyen']}",
                       f"--base-url=replica-lechan={_nobody_listening()}", check=False)
    assert partial.returncode == EXIT_FAILED and partial.stdout == ""
    (line,) = _lines(partial.stderr)
    assert line.startswith("muninews crawl: replica-lechan failed: ")
    last = rows(db, "SELECT status, reason FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert last["status"] == "partial" and last["reason"].startswith("replica-lechan: ")
    portals = {r["portal"]: r["status"] for r in rows(db, "SELECT portal, status FROM crawl_run_portals WHERE run_id = 2")}
    assert portals == {"replica-ngoquyen": "ok", "replica-lechan": "failed"}


def test_without_quiet_the_summary_names_the_status_and_no_scrapy_log_reaches_the_terminal(replica, tmp_path):
    db = tmp_path / "m.db"
    log = tmp_path / "elsewhere" / "crawl.log"
    log.parent.mkdir()
    moves = [f"--base-url={n}={u}" for n, u in replica_base_urls(replica.base_urls).items()]
    result = muninews("crawl", "replica-hongbang", "--db", str(db), "--log-file", str(log), *moves)
    assert "(finished)" in result.stdout and "replica-hongbang" in result.stdout
    assert result.stderr == "" and "[scrapy" not in result.stdout
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in log.read_text()


def test_ctrl_c_exits_130_and_the_run_is_interrupted_not_finished(tmp_path):
    """A server that accepts and never answers holds the crawl mid-run; SIGINT then stops it."""
    db, log = tmp_path / "m.db", tmp_path / "m.log"
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        base = f"http://127.0.0.1:{server.getsockname()[1]}"
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "replica-city", "--db", str(db), "--quiet", *FAST,
             f"--base-url=replica-city={base}"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            connection, _ = server.accept()  # the crawl is running: its first request is here
            process.send_signal(signal.SIGINT)
            _wait_for_line(log, "Received SIGINT", process)
            connection.close()  # the request in flight fails at once; the graceful stop completes
            out, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == EXIT_INTERRUPTED
    assert out == "" and "Traceback" not in err
    assert _lines(err)[-1] == "muninews crawl: interrupted; the run is recorded as interrupted"
    run = rows(db, "SELECT status, reason FROM crawl_runs")
    assert [r["status"] for r in run] == ["interrupted"] and "SIGINT" in run[0]["reason"]


def _wait_for_line(path: Path, text: str, process: subprocess.Popen) -> None:
    """Block until ``text`` is in the log at ``path`` (or the process ended)."""
    import time

    while process.poll() is None and not (path.exists() and text in path.read_text()):
        time.sleep(0.05)


def test_health_reads_without_migrating_or_writing(crawled, tmp_path):
    db = copy_db(crawled, tmp_path / "h.db")
    conn = __import__("sqlite3").connect(db)
    conn.execute("PRAGMA user_version = 6")  # looks like an older schema: a writer would migrate it
    conn.close()
    before = db.read_bytes()
    result = muninews("health", "--db", str(db))
    assert "no drift" in result.stdout
    assert db.read_bytes() == before


@pytest.fixture
def read_only_fs(tmp_path):
    """A tmpfs mounted at ``tmp_path/ro``; call the returned function to remount it read-only."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mount)], capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount, lambda: subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_file_system_is_one_line_for_crawl_and_readable_for_health(crawled, read_only_fs):
    mount, make_read_only = read_only_fs
    db = mount / "m.db"
    shutil.copyfile(crawled, db)
    checkpoint(db)
    make_read_only()
    crawl = muninews("crawl", "replica-city", "--db", str(db), "--quiet", check=False)
    assert crawl.returncode == EXIT_USAGE and "Traceback" not in crawl.stderr
    (line,) = _lines(crawl.stderr)
    assert line.startswith("muninews crawl: Invalid value for --db: ") and "is read-only" in line
    health = muninews("health", "--db", str(db))
    assert "no drift" in health.stdout


def test_piped_demo_prints_no_scrapy_log_and_keeps_its_state_when_the_port_is_taken(tmp_path):
    db = tmp_path / "demo.db"
    port = free_port()
    first = muninews("demo", "--db", str(db), "--port", str(port))
    for text in (first.stdout, first.stderr):
        assert "Overridden settings" not in text and "Dumping Scrapy stats" not in text and "[scrapy" not in text
    assert f":{port}" in first.stdout and "(finished)" in first.stdout
    pages = rows(db, "SELECT count(*) AS n FROM pages")[0]["n"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen(1)
        second = muninews("demo", "--db", str(db), "--port", str(port))
    assert f"port {port} is taken" in second.stdout
    assert rows(db, "SELECT count(*) AS n FROM pages")[0]["n"] == pages
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == pages
    counts = rows(db, """SELECT c.portal, c.pages_fetched, c.articles_new, c.unchanged + c.not_modified AS same,
                                (SELECT count(*) FROM articles a WHERE a.portal = c.portal) AS total
                         FROM crawl_run_portals c WHERE c.run_id = 2""")
    assert len(counts) == 4
    assert all(c["pages_fetched"] == c["articles_new"] == 0 and c["same"] <= c["total"] for c in counts)
    old = f"%127.0.0.1:{port}/%"
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE url LIKE ? OR url_key LIKE ?", (old, old))[0]["n"] == 0
    assert all(f":{port}" not in r["base_url"] for r in rows(db, "SELECT base_url FROM portals"))


def test_rebase_moves_only_urls_under_the_old_address(tmp_path):
    from crawler.storage.db import open_db
    from crawler.storage.rebase import rebase

    db = open_db(tmp_path / "r.db")
    db["portals"].insert({"name": "p", "base_url": "http://127.0.0.1:80"}, pk="name")
    db["pages"].insert_all([{"url_key": "https://127.0.0.1:80/a.html", "url": "http://127.0.0.1:80/a.html"},
                            {"url_key": "https://127.0.0.1:8080/b.html", "url": "http://127.0.0.1:8080/b.html"}],
                           pk="url_key", alter=True)
    rebase(db, "http://127.0.0.1:80", "http://127.0.0.1:9000")
    assert db.execute("SELECT base_url FROM portals").fetchone()[0] == "http://127.0.0.1:9000"
    assert sorted(db.execute("SELECT url_key, url FROM pages").fetchall()) == [
        ("https://127.0.0.1:8080/b.html", "http://127.0.0.1:8080/b.html"),
        ("https://127.0.0.1:9000/a.html", "http://127.0.0.1:9000/a.html"),
    ]
