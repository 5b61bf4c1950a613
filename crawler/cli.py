"""The ``muninews`` command line: a thin wrapper over crawler.runner and crawler.extraction."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crawler import settings_registry
from crawler.runner import (
    REPLICA_FAMILY,
    CrawlLocked,
    crawl_lock,
    default_db,
    replica_base_urls,
    run_crawl,
    serving_replica,
    setting_overrides,
)
from crawler.validate import ISO_DATE, POSITIVE

# Exit statuses (the README's table): what cron and a wrapper script may rely on.
EXIT_OK = 0  # every portal answered
EXIT_FAILED = 1  # one or more portals failed entirely (nothing answered); the run is partial or failed
EXIT_USAGE = 2  # a bad option or argument, an unknown portal, a --db that is not a writable SQLite file
EXIT_BAD_PROFILE = 65  # EX_DATAERR: a profile file is malformed (`muninews profiles check` lists why)
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the database; cron may simply try again next time
EXIT_INTERRUPTED = 130  # SIGINT or SIGTERM: the run is recorded as interrupted, not finished
DB_HELP = f"SQLite file to write (default: {settings_registry.default_db_path()})."
PROFILES_HELP = ("Extra directory of portal profiles (TOML), beside the shipped ones and "
                 f"{', '.join(settings_registry.default_profile_dirs())}; repeatable.")
LOG_HELP = "Scrapy's log (INFO) goes to this file, never to the terminal; '-' for stderr (default: the --db path with .log)."


class Muninews(click.Group):
    """The command group, with every usage error as one line naming the option (exit status 2)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            command = error.ctx.command.name if error.ctx is not None and error.ctx.parent is not None else None
            click.echo(f"muninews{' ' + command if command else ''}: {error.format_message()}", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("muninews: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


def _log_settings(quiet: bool, log_file: str | None, db_path: Path) -> dict:
    """Scrapy's log to a file (INFO), never to the terminal; a live progress table when stderr is a
    terminal and not --quiet. ``--log-file -`` keeps Scrapy's log on stderr (for debugging)."""
    interactive = sys.stderr.isatty() and not quiet
    settings = {"MUNINEWS_PROGRESS": interactive, "LOG_LEVEL": "INFO"}
    if log_file == "-":
        settings["LOG_LEVEL"] = "WARNING" if quiet or interactive else "INFO"
    else:
        settings["LOG_FILE"] = log_file or str(db_path.with_suffix(".log"))
    return settings


def load_profiles_or_exit(profile_dirs: list[str] | tuple[str, ...], command: str):
    """The registry of the shipped profiles and ``profile_dirs``; a bad profile ends the command with
    one line naming the file, the key and what is wrong (no traceback)."""
    from crawler.registry import ProfileError, load_registry

    try:
        return load_registry(profile_dirs)
    except ProfileError as error:
        click.echo(f"muninews {command}: {error}", err=True)
        sys.exit(EXIT_BAD_PROFILE)


def _locked_run(db_path: Path, portal: str, command: str, prepare=None, **overrides) -> dict:
    """Under the database's lock: open (and migrate) it once, so a file SQLite refuses ends here with
    one line, and let ``prepare(db)`` adjust it; then crawl. Exits 75 when another run holds the
    lock or SQLite says it is locked."""
    try:
        with crawl_lock(db_path):
            _open_for_writing(db_path, command, prepare)
            return run_crawl(portal, **overrides)
    except CrawlLocked as error:
        click.echo(f"muninews {command}: {error}; not starting a second run.", err=True)
        sys.exit(EXIT_LOCKED)
    except OSError as error:  # the lock file: a read-only file system, a full disk
        click.echo(f"muninews {command}: --db {db_path}: {error.strerror or error}", err=True)
        sys.exit(EXIT_USAGE)


def _open_for_writing(db_path: Path, command: str, prepare=None) -> None:
    import sqlite3

    from crawler.storage.db import open_db

    try:
        db = open_db(db_path)
        try:
            if prepare is not None:
                prepare(db)
        finally:
            db.conn.close()
    except sqlite3.OperationalError as error:
        locked = "locked" in str(error)
        click.echo(f"muninews {command}: --db {db_path}: {error}", err=True)
        sys.exit(EXIT_LOCKED if locked else EXIT_USAGE)
    except sqlite3.DatabaseError as error:
        click.echo(f"muninews {command}: --db {db_path}: not a usable SQLite database ({error})", err=True)
        sys.exit(EXIT_USAGE)


def _follow_moved_portals(moves: dict[str, str]):
    """For the demo: portals served elsewhere than last time (the port was taken) take their
    stored URLs along, so the run stays incremental (crawler/storage/rebase.py)."""
    def prepare(db) -> None:
        from crawler.storage.rebase import rebase

        if "portals" not in db.table_names():
            return
        stored = dict(db.execute("SELECT name, base_url FROM portals").fetchall())
        for name, base_url in moves.items():
            if stored.get(name) and stored[name] != base_url:
                rebase(db, stored[name], base_url)
    return prepare


def finish(db_path: Path, stats: dict, quiet: bool, command: str) -> None:
    """The summary (unless --quiet), one line per portal that failed entirely, and the exit status."""
    from crawler.extensions.outcome import FINISHED, INTERRUPTED

    status = stats.get("muninews/run/status")
    if not quiet:
        print_summary(db_path, stats)
    for name in sorted(k.split("/")[2] for k, v in stats.items() if k.startswith("muninews/portal/")
                       and k.endswith("/status") and v == "failed"):
        click.echo(f"muninews {command}: {name} failed: {stats.get(f'muninews/portal/{name}/reason')}", err=True)
    if status == INTERRUPTED:
        click.echo(f"muninews {command}: interrupted; the run is recorded as interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_OK if status == FINISHED else EXIT_FAILED)


@click.group(cls=Muninews, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="muninews")
def main() -> None:
    """muninews: municipal news portals into clean SQLite data."""


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=DB_HELP)
@click.option("--seed", default=2022, show_default=True, help="Seed of the generated replica portal.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535),
              help="Port to serve the replica on; a free one when it is taken (the stored state follows).")
@click.option("--log-file", default=None, metavar="PATH", help=LOG_HELP)
@click.option("--quiet", is_flag=True, help="Print nothing on success; one line per failed portal otherwise.")
def demo(db_path: Path | None, seed: int, port: int, log_file: str | None, quiet: bool) -> None:
    """Serve the bundled replica portal on loopback, crawl it into SQLite, print a summary.

    Example: muninews demo --db data/muninews.db
    """
    from crawler.validate import writable_db

    db_path = db_path or default_db()
    writable_db(db_path)
    load_profiles_or_exit(settings_registry.profile_dirs(), "demo")
    with serving_replica(seed=seed, port=port) as server:
        if not quiet:
            moved = f" (port {port} is taken)" if server.port != port else ""
            click.echo(f"Replica portal family serving at{moved}: {', '.join(server.base_urls.values())}")
        moves = replica_base_urls(server.base_urls)
        stats = _locked_run(
            db_path, REPLICA_FAMILY, "demo", prepare=_follow_moved_portals(moves), SQLITE_PATH=str(db_path),
            MUNINEWS_BASE_URLS=moves, **_log_settings(quiet, log_file, db_path),
        )
    finish(db_path, stats, quiet, "demo")


@main.command()
@click.argument("portal", required=False)
@click.option("--all", "all_portals", is_flag=True, help="Crawl every portal in the registry (not the bundled replica).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=DB_HELP)
@click.option("--profiles", "profile_dirs", multiple=True, type=click.Path(file_okay=False), help=PROFILES_HELP)
@click.option("--base-url", "base_urls", multiple=True, metavar="PORTAL=URL",
              help="Serve a portal from another http(s) address (a mirror, the replica); repeatable.")
@click.option("--since", default=None, type=ISO_DATE,
              help="Only articles published or changed on or after DATE (ISO 8601).")
@click.option("--max-pages", type=POSITIVE, default=None, help="Stop after this many responses (1 or more).")
@click.option("--max-time", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="End by this deadline: discovery stops, pages in flight finish, everything is committed.")
@click.option("--full", is_flag=True, help="Ignore what earlier runs fetched: re-fetch every article.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Distributed mode: share the frontier in Redis and queue items for `muninews load`.")
@click.option("-s", "--set", "setting_values", multiple=True, metavar="NAME=VALUE",
              help="Override a project setting (RETRY_TIMES=1, DOWNLOAD_TIMEOUT=10); repeatable.")
@click.option("--log-file", default=None, metavar="PATH", help=LOG_HELP)
@click.option("--quiet", is_flag=True, help="For cron: print nothing on success; one line per failed portal otherwise.")
def crawl(
    portal: str | None, all_portals: bool, db_path: Path | None, profile_dirs: tuple[str, ...],
    base_urls: tuple[str, ...], since: str | None, max_pages: int | None, max_time: float | None, full: bool,
    redis_url: str | None, setting_values: tuple[str, ...], log_file: str | None, quiet: bool,
) -> None:
    """Crawl one portal (or a family of portals) or --all into the database.

    Exit status: 0 every portal answered, 1 a portal failed entirely, 2 a usage error, 75 the
    database is locked, 130 interrupted.

    Example: muninews crawl replica-city --db data/muninews.db
    """
    from crawler.validate import base_url_pairs, portal_names, writable_db

    if not portal and not all_portals:
        raise click.UsageError("name a portal or pass --all")
    db_path = db_path or default_db()
    dirs = settings_registry.profile_dirs(profile_dirs)
    registry = load_profiles_or_exit(dirs, "crawl")  # before Scrapy starts: one line, not a traceback in the log
    if not all_portals and portal != "all":
        portal_names(portal, registry)
    moves = base_url_pairs(base_urls, registry)
    try:
        extra = setting_overrides(setting_values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--set") from None
    if not redis_url:
        writable_db(db_path)
    overrides: dict = {"MUNINEWS_SINCE": since, "MUNINEWS_INCREMENTAL": not full}
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    if max_time:
        overrides["MUNINEWS_MAX_TIME"] = max_time
    if redis_url:
        from crawler.distributed import worker_settings

        overrides.update(worker_settings(redis_url))
    settings = dict(
        SQLITE_PATH=str(db_path), MUNINEWS_PROFILE_DIRS=dirs, MUNINEWS_BASE_URLS=moves,
        **_log_settings(quiet, log_file, db_path), **extra, **overrides,
    )
    portal_arg = "all" if all_portals else portal
    if redis_url:
        run_crawl(portal_arg, **settings)
        return
    finish(db_path, _locked_run(db_path, portal_arg, "crawl", **settings), quiet, "crawl")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (resolves image links; picks the portal profile).")
@click.option("--portal", default=None, help="Use this portal's profile (default: the portal serving --url, if any).")
@click.option("--jsonl", is_flag=True, help="Several files: print one JSON line per file.")
@click.option("--crawl-time", default=None, help="When the page was fetched (ISO 8601), for relative dates.")
@click.option("--profiles", "profile_dirs", multiple=True, type=click.Path(file_okay=False), help=PROFILES_HELP)
def extract(paths: tuple[Path, ...], url: str | None, portal: str | None, jsonl: bool, crawl_time: str | None,
            profile_dirs: tuple[str, ...]) -> None:
    """Extract one saved HTML page and print its record as JSON.

    Example: muninews extract page.html --url https://example.gov.vn/a.html --portal replica-city
    """
    from crawler.extraction import NotHTML, extract_page
    from crawler.registry import ProfileError

    if len(paths) > 1 and not jsonl:
        raise click.UsageError("several files need --jsonl")
    registry = load_profiles_or_exit(settings_registry.profile_dirs(profile_dirs), "extract")
    try:
        profile = registry.get(portal) if portal else (registry.for_url(url) if url else None)
    except ProfileError as error:
        raise click.UsageError(str(error)) from None
    failed = 0
    for path in paths:
        page_url = url or path.resolve().as_uri()
        try:
            record = extract_page(path.read_bytes(), page_url, profile, crawl_time=crawl_time)
        except (OSError, NotHTML) as error:
            failed += 1
            _emit_error(path, str(error), jsonl)
            continue
        if not record.is_article():
            failed += 1
            _emit_error(path, "not an article: no title or no body text", jsonl)
            continue
        click.echo(json.dumps(record_json(record), ensure_ascii=False, indent=None if jsonl else 2))
    sys.exit(1 if failed else 0)


def _emit_error(path: Path, message: str, jsonl: bool) -> None:
    if jsonl:
        click.echo(json.dumps({"file": str(path), "error": message}, ensure_ascii=False))
    click.echo(f"muninews extract: {path}: {message}", err=True)


def record_json(record) -> dict:
    """The stable `muninews extract` contract."""
    return {
        "url": record.url, "title": record.title, "published": record.published,
        "published_precision": record.published_precision, "modified": record.modified,
        "authors": record.authors, "lead": record.lead, "source": record.source, "body": record.body_text, "paragraphs": record.body,
        "captions": record.captions,
        "images": [{"url": i.url, "caption": i.caption, "credit": i.credit} for i in record.images],
        "language": record.language, "layers": record.layers, "profile": record.profile,
        "parser_version": record.parser_version,
    }


def print_summary(db_path: Path, stats: dict) -> None:
    """Per portal: articles stored, and what this run found new, changed, unchanged or gone."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from crawler.storage.db import open_db

    db = open_db(db_path)
    run = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    rows = db.execute(
        """SELECT c.portal, (SELECT count(*) FROM articles a WHERE a.portal = c.portal) AS total,
                  c.pages_fetched, c.articles_new, c.updated, c.unchanged + c.not_modified, c.skipped, c.removed,
                  c.duplicates, c.failures
           FROM crawl_run_portals c WHERE c.run_id = ? ORDER BY c.portal""",
        [run],
    ).fetchall()
    headers = ("portal", "total", "fetch", "new", "upd", "same", "skip", "gone", "dup", "fail")
    status = stats.get("muninews/run/status") or "unknown"
    table = Table(
        title=f"muninews crawl run {run} ({status}) → {db_path}", box=box.SIMPLE_HEAD,
        caption="total: articles stored · fetch: pages downloaded · upd: edited · same: unchanged or 304 · "
        "skip: not re-fetched · gone: 404/410 · dup: same text at another URL · fail: see the failures table",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "portal" else "right", no_wrap=True, min_width=len(header))
    for row in rows:
        table.add_row(*(str(value) for value in row))
    Console().print(table)
    db.conn.close()


def _register_commands() -> None:
    from crawler.commands import register

    register(main)


_register_commands()
