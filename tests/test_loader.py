"""The single writer's batches (crawler/storage/writer.py, the distributed Loader): every article of a
batch is in both search indexes once the batch commits (they are written per batch, m033), exactly as
the per-row triggers would have written them, and a loader killed in the middle of a batch loses
nothing: the batch stays in Redis until it is committed, and the next loader stores it once."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from conftest import redis_url  # noqa: F401  (a module-scoped redis-server fixture)
from crawler.storage.db import open_db
from crawler.storage.search import integrity_check, register_functions, search

redis = pytest.importorskip("redis")

PORTAL = {"name": "site", "title": "site", "family": "none", "base_url": "http://site.test", "languages": "vi",
          "timezone": "UTC"}
WORDS = ("phường", "thành phố", "đoàn", "công tác", "kiểm tra", "nhân dân", "hội nghị", "tổng kết", "giao thông",
         "văn hóa", "an toàn", "trường học", "cán bộ", "sáng nay", "năm nay")
NAMES = ("Lạch Tray", "Ngô Quyền", "Đằng Hải", "Cát Bi", "Vĩnh Niệm", "Đông Hải", "Tràng Cát", "Hải An",
         "Nam Hải", "Thành Tô", "Đằng Lâm", "Quán Toan")


def page(index: int, name: str, extra: str = "") -> bytes:
    rng = random.Random(index)
    sentence = lambda n: " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."  # noqa: E731
    paragraphs = "".join(f"<p>{sentence(35)} {sentence(25)}</p>" for _ in range(3))
    return (f"<html><head><title>Tin {index}</title></head><body><div class='main'><h1>Tin phường {name}</h1>"
            f"<p class='date'>0{index % 9 + 1}/05/2024 08:30</p>{paragraphs}<p>Phường {name} {extra}{sentence(20)}</p>"
            f"</div></body></html>").encode("utf-8")


def item(index: int, extra: str = ""):
    from crawler.items import PageItem

    return PageItem(url=f"http://site.test/tin-{index}.html", portal="site", status=200,
                    body=page(index, NAMES[index], extra), crawl_time="2024-06-01T00:00:00+00:00")


def processor_for(db, **settings):
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.runner import project_settings

    return PageProcessor.from_settings(project_settings(SQLITE_PATH=str(db), **settings), StatsCounter())


def reader(db) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    register_functions(conn)
    return conn


def found(conn, name: str) -> set[str]:
    return {row["title"] for row in search(conn, name, limit=50)}


def test_a_batch_is_searchable_when_it_commits_and_not_before(tmp_path):
    db = tmp_path / "batch.db"
    processor = processor_for(db)
    processor.open([PORTAL])
    for index in range(len(NAMES)):
        processor.process(item(index))
    look = reader(db)
    assert found(look, "Ngô Quyền") == set()  # nothing committed yet: no half-written batch shows
    processor.storage.commit()
    for name in NAMES:
        assert found(look, name) == {f"Tin phường {name}"}
    processor.close({})
    integrity_check(look)  # both indexes hold exactly what the per-row triggers would have written


def test_an_article_changed_again_inside_its_batch_is_indexed_once_with_its_last_text(tmp_path):
    db = tmp_path / "edited.db"
    processor = processor_for(db)
    processor.open([PORTAL])
    processor.process(item(0))
    processor.process(item(1))
    register_functions(processor.storage.db.conn)  # the per-row triggers fire again on this connection
    processor.process(item(2))
    processor.process(item(0, extra="Khai trương bến xe Cầu Rào. "))  # the same URL, edited: an update
    processor.close({})
    look = reader(db)
    integrity_check(look)
    assert found(look, "bến xe Cầu Rào") == {"Tin phường Lạch Tray"}
    assert look.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert look.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == 3
    assert look.execute("SELECT count(*) FROM articles_pairs_docsize").fetchone()[0] == 3


def test_rows_other_writers_insert_are_still_indexed_by_their_triggers(tmp_path):
    db = open_db(tmp_path / "plain.db")
    db["portals"].insert({"name": "p"})
    db["articles"].insert({"id": 1, "portal": "p", "url": "u", "url_key": "u", "title": "Phường Đằng Hải",
                           "body": "Sáng nay phường Đằng Hải ra quân."})
    assert found(db.conn, "Đằng Hải") == {"Phường Đằng Hải"}
    integrity_check(db.conn)


def queue_items(server, tmp_path, count: int, start: int = 0) -> None:
    """What a worker does: extract and prepare each page, then queue it for the loader."""
    import json

    from crawler.distributed import ITEMS_KEY, PORTALS_KEY, encode_item

    worker = processor_for(tmp_path / "absent.db")
    for index in range(start, start + count):
        server.rpush(ITEMS_KEY, encode_item(worker.prepare(worker.extract(item(index)))))
    server.hset(PORTALS_KEY, mapping={"site": json.dumps(PORTAL)})


def test_a_loader_killed_mid_batch_loses_nothing_and_stores_nothing_twice(tmp_path, redis_url):  # noqa: F811
    from crawler.distributed import ITEMS_KEY, LOADING_KEY, Loader

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    queue_items(server, tmp_path, len(NAMES))
    db = tmp_path / "loaded.db"
    first = Loader(server, processor_for(db))
    write, written = first.processor.write, []

    def dies_on_the_eighth(item, settle=True):
        if len(written) == 7:
            raise KeyboardInterrupt("killed")
        written.append(item.url)
        return write(item, settle=settle)

    first.processor.write = dies_on_the_eighth
    with pytest.raises(KeyboardInterrupt):
        first.run(idle_exit=0)
    first.storage.db.conn.close()  # the process is gone: its transaction with it
    assert server.llen(ITEMS_KEY) + server.llen(LOADING_KEY) == len(NAMES)
    assert server.llen(LOADING_KEY) > 0
    assert reader(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 0

    second = Loader(server, processor_for(db))
    assert second.run(idle_exit=0) == len(NAMES)
    assert server.llen(ITEMS_KEY) == server.llen(LOADING_KEY) == 0
    look = reader(db)
    assert look.execute("SELECT count(*), count(DISTINCT url_key) FROM articles").fetchone() == (len(NAMES), len(NAMES))
    for name in NAMES:
        assert found(look, name) == {f"Tin phường {name}"}
    integrity_check(look)
    server.flushdb()


def test_items_arriving_a_few_at_a_time_commit_as_one_batch_and_stay_queued_until_then(tmp_path, redis_url):  # noqa: F811
    """The loader keeps writing into one batch while items come (up to SQLITE_BATCH_SIZE items,
    SQLITE_COMMIT_SECONDS, or a pause of IDLE_COMMIT_PAUSE without items), not one batch per take;
    the items stay in the loading list until that batch commits."""
    import threading

    from crawler.distributed import ITEMS_KEY, LOADING_KEY, WORKERS_KEY, Loader, alive_key

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    server.sadd(WORKERS_KEY, "w")
    server.set(alive_key("w"), 1, ex=600)
    half = len(NAMES) // 2
    queue_items(server, tmp_path, half)
    db = tmp_path / "coalesced.db"
    # A batch of all the items, no commit by age or pause: the test decides when the rest arrives.
    loader = Loader(server, processor_for(db, SQLITE_BATCH_SIZE=len(NAMES), SQLITE_COMMIT_SECONDS=600), pause=600)
    commits, commit = [], loader.storage.commit
    loader.storage.commit = lambda: (commits.append(loader.storage.uncommitted), commit())[1]
    seen: dict[str, int] = {}

    def worker() -> None:
        deadline = time.monotonic() + 120
        while loader.storage.uncommitted < half and time.monotonic() < deadline:  # the loader wrote the first items
            time.sleep(0.02)
        seen["loading"] = server.llen(LOADING_KEY)
        seen["committed"] = reader(db).execute("SELECT count(*) FROM articles").fetchone()[0]
        queue_items(server, tmp_path, len(NAMES) - half, start=half)
        while loader.loaded < len(NAMES) and time.monotonic() < deadline:
            time.sleep(0.02)
        server.delete(alive_key("w"))  # the worker leaves: the crawl is over

    thread = threading.Thread(target=worker)
    thread.start()
    assert loader.run(idle_exit=0) == len(NAMES)
    thread.join()
    assert seen == {"loading": half, "committed": 0}
    assert [n for n in commits if n] == [len(NAMES)]
    assert server.llen(ITEMS_KEY) == server.llen(LOADING_KEY) == 0
    look = reader(db)
    assert {found(look, name).pop() for name in NAMES} == {f"Tin phường {name}" for name in NAMES}
    integrity_check(look)
    server.flushdb()
