"""``muninews load``: the single writer of a distributed crawl (see crawler/distributed/)."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from crawler.settings_registry import default_db_path


@click.command(name="load")
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The Redis the workers push items to.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"SQLite file to write (default: {default_db_path()}).")
@click.option("-s", "--set", "setting_values", multiple=True, metavar="NAME=VALUE",
              help="Override a project setting (DEDUP_THRESHOLD=0.6, SQLITE_BATCH_SIZE=500); repeatable.")
@click.option("--idle-exit", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Exit once no item arrived for SECONDS and no worker is alive (default: run until stopped).")
def command(redis_url: str, db_path: Path | None, setting_values: tuple[str, ...], idle_exit: float | None) -> None:
    """Pop the items crawl workers queued in Redis; dedupe and store them into SQLite.

    Run exactly one loader per database, beside any number of `muninews crawl --redis` workers.
    SIGTERM or Ctrl-C finishes the current batch, then exits.

    Example: muninews load --redis redis://127.0.0.1:6379/0 --db data/muninews.db --idle-exit 30
    """
    import redis

    from crawler.distributed import Loader
    from crawler.processing import PageProcessor
    from crawler.processing.stats import StatsCounter
    from crawler.runner import (
        CrawlLocked,
        crawl_lock,
        project_settings,
        setting_overrides,
    )

    try:
        overrides = setting_overrides(setting_values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--set") from None
    if db_path:
        overrides["SQLITE_PATH"] = str(db_path)
    from crawler.validate import writable_db

    settings = project_settings(**overrides)
    db_path = Path(settings.get("SQLITE_PATH"))
    writable_db(db_path)
    try:
        server = redis.Redis.from_url(redis_url)
        server.ping()
    except (ValueError, redis.RedisError) as error:
        raise click.BadParameter(f"cannot reach {redis_url}: {error}", param_hint="--redis") from None
    processor = PageProcessor.from_settings(settings, StatsCounter())
    storage = processor.storage
    stopping: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, frame: stopping.append(number))
    loader = Loader(server, processor)
    try:
        with crawl_lock(db_path):  # the only writer: no ordinary crawl or second loader on this file
            loaded = loader.run(idle_exit=idle_exit, should_stop=lambda: bool(stopping))
    except CrawlLocked as error:
        raise click.ClickException(f"{error}; not starting a loader") from None
    duplicates = sum(v for k, v in loader.stats.items() if k.startswith("muninews/dedup/"))
    click.echo(f"loaded {loaded} items: {storage.counts['articles_new']} new articles, {duplicates} duplicates, "
               f"{storage.counts['failures']} failures")
