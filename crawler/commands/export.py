"""``muninews export``: articles (with their images) to JSON Lines, CSV or Parquet, filtered by
portal and publication date.

Every column an analyst reads is exported, ``removed_at`` and ``version`` included (a removed
article must not look live), and the photo captions. JSON Lines keeps images as a nested list and
``layers`` as an object. CSV flattens lists into JSON text (``authors``, ``image_urls``,
``image_captions``); ``--excel`` starts it with a UTF-8 byte-order mark so that Excel reads the
Vietnamese right. Parquet is typed: times are timestamps (``published``/``modified`` the portal's
local wall-clock time, the others UTC instants), lists are lists, images a list of structs. Parquet
needs the optional ``pyarrow`` (``pip install 'muninews[parquet]'``): most analysts read SQLite or
CSV and never need that large dependency.

The database is opened read-only (``crawler.storage.db.open_readonly``): never migrated, nothing
written, no file created before the database is known to be readable.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from crawler.commands.usage import OneLineUsageError, local_date
from crawler.settings_registry import default_db_path

COLUMNS = ("id", "portal", "url", "url_key", "canonical_url", "title", "published", "published_utc",
           "published_precision", "modified", "author", "authors", "source", "lead", "body", "captions", "language", "word_count", "content_hash", "story_id",
           "version", "removed_at", "first_seen", "last_seen", "crawl_run", "profile", "parser_version", "layers",
           "year", "month")
FLAT_COLUMNS = (*COLUMNS, "image_urls", "image_captions")
LOCAL_TIMES = ("published", "modified")  # written with the portal's UTC offset: kept as local wall time
UTC_TIMES = ("published_utc", "removed_at", "first_seen", "last_seen")
INTEGERS = ("id", "word_count", "story_id", "version", "crawl_run", "year")
FORMATS = ("jsonl", "csv", "parquet")


def select_articles(
    conn: sqlite3.Connection, portals: tuple[str, ...] = (), since: str | None = None, until: str | None = None
) -> Iterator[dict[str, Any]]:
    """Articles (oldest first) of ``portals`` (all if empty) published on ``since``..``until`` (local
    dates, both inclusive), each with its images."""
    where, params = ["1"], []
    if portals:
        where.append(f"portal IN ({', '.join('?' for _ in portals)})")
        params.extend(portals)
    if since:
        where.append("published >= ?")
        params.append(since)
    if until:
        where.append("substr(published, 1, 10) <= ?")
        params.append(until[:10])
    cursor = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM articles WHERE {' AND '.join(where)} ORDER BY published_utc, id", params
    )
    for row in cursor:
        article = dict(zip(COLUMNS, row))
        article["authors"] = json.loads(article["authors"] or "[]")
        article["layers"] = json.loads(article["layers"]) if article["layers"] else None
        article["images"] = [
            {"url": url, "caption": caption, "credit": credit}
            for url, caption, credit in conn.execute(
                "SELECT url, caption, credit FROM images WHERE article_id = ? ORDER BY position", [article["id"]]
            )
        ]
        yield article


def flat(article: dict[str, Any]) -> dict[str, Any]:
    """One CSV row: lists and objects as JSON text."""
    row = {name: article[name] for name in COLUMNS}
    row["authors"] = json.dumps(article["authors"], ensure_ascii=False)
    row["layers"] = json.dumps(article["layers"], ensure_ascii=False) if article["layers"] is not None else None
    row["image_urls"] = json.dumps([i["url"] for i in article["images"]], ensure_ascii=False)
    row["image_captions"] = json.dumps([i["caption"] for i in article["images"]], ensure_ascii=False)
    return row


def write_jsonl(articles: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for count, article in enumerate(articles, start=1):
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return count


def write_csv(articles: Iterator[dict[str, Any]], out: IO[str], *, excel: bool = False) -> int:
    if excel:
        out.write("\ufeff")  # Excel reads a CSV as the local code page unless it starts with a BOM
    writer = csv.DictWriter(out, fieldnames=list(FLAT_COLUMNS))
    writer.writeheader()
    count = 0
    for count, article in enumerate(articles, start=1):
        writer.writerow(flat(article))
    return count


def parse_time(value: str | None, *, local: bool) -> dt.datetime | None:
    """An ISO 8601 text as a datetime: local wall time (offset dropped) or a UTC instant."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if local:
        return moment.replace(tzinfo=None)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parquet_schema():
    """The Parquet columns and their types (see the module docstring)."""
    import pyarrow as pa

    def kind(name: str):
        if name in LOCAL_TIMES:
            return pa.timestamp("us")
        if name in UTC_TIMES:
            return pa.timestamp("us", tz="UTC")
        if name in INTEGERS:
            return pa.int64()
        if name == "authors":
            return pa.list_(pa.string())
        return pa.string()

    image = pa.struct([("url", pa.string()), ("caption", pa.string()), ("credit", pa.string())])
    fields = [pa.field(name, kind(name)) for name in COLUMNS]
    fields += [pa.field("image_urls", pa.list_(pa.string())), pa.field("image_captions", pa.list_(pa.string())),
               pa.field("images", pa.list_(image))]
    return pa.schema(fields)


def parquet_row(article: dict[str, Any]) -> dict[str, Any]:
    row = dict(article)
    for name in LOCAL_TIMES:
        row[name] = parse_time(article[name], local=True)
    for name in UTC_TIMES:
        row[name] = parse_time(article[name], local=False)
    row["layers"] = json.dumps(article["layers"], ensure_ascii=False) if article["layers"] is not None else None
    row["image_urls"] = [i["url"] for i in article["images"]]
    row["image_captions"] = [i["caption"] for i in article["images"]]
    return row


def write_parquet(articles: Iterator[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise click.UsageError("Parquet needs pyarrow: pip install 'muninews[parquet]'") from None
    schema = parquet_schema()
    rows = [parquet_row(a) for a in articles]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return len(rows)


@contextmanager
def _text_output(output: Path | None) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8", newline="") as handle:
        yield handle


@click.command(name="export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=default_db_path(), show_default=True, help="SQLite file to read.")
@click.option("--portal", "portals", multiple=True, help="Only this portal; repeatable.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", callback=local_date("export"),
              help="Published on or after this local date.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", callback=local_date("export"),
              help="Published on or before this local date.")
@click.option("--excel", is_flag=True, help="CSV for Excel: starts with a UTF-8 byte-order mark.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output; required for parquet).")
def command(fmt: str, db_path: Path, portals: tuple[str, ...], since: str | None, until: str | None,
            excel: bool, output: Path | None) -> None:
    """Export articles with their images, filtered by portal and publication date.

    Example: muninews export --format csv --excel --portal replica-city --since 2024-01-01 -o city.csv
    """
    from crawler.storage.db import UnreadableDatabase, open_readonly

    if fmt == "parquet" and output is None:
        raise OneLineUsageError("export", "--format parquet", "needs --output FILE")
    if excel and fmt != "csv":
        raise OneLineUsageError("export", "--excel", "only with --format csv")
    try:
        conn = open_readonly(db_path)
    except UnreadableDatabase as error:
        raise OneLineUsageError("export", "--db", str(error)) from None
    try:
        articles = select_articles(conn, portals, since, until)
        if fmt == "parquet":
            count = write_parquet(articles, output)
        else:
            with _text_output(output) as out:
                count = write_jsonl(articles, out) if fmt == "jsonl" else write_csv(articles, out, excel=excel)
    finally:
        conn.close()
    click.echo(f"muninews export: {count} articles", err=True)
