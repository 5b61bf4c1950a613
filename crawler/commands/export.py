"""``muninews export``: articles (with their images) to JSON Lines, CSV or Parquet, filtered by
portal and publication date.

JSON Lines keeps images as a nested list; CSV and Parquet flatten them into ``image_urls`` and
``image_captions`` (JSON lists), so every format has one row per article. Parquet needs the
optional ``pyarrow`` (``pip install 'muninews[parquet]'``): it is a large dependency that most
analysts, who read SQLite or CSV, never need.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from crawler.settings_registry import default_db_path

COLUMNS = ("id", "portal", "url", "canonical_url", "title", "published", "published_utc", "modified", "author",
           "authors", "source", "body", "language", "word_count", "content_hash", "story_id", "first_seen",
           "last_seen", "profile", "parser_version")
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
        article["images"] = [
            {"url": url, "caption": caption, "credit": credit}
            for url, caption, credit in conn.execute(
                "SELECT url, caption, credit FROM images WHERE article_id = ? ORDER BY position", [article["id"]]
            )
        ]
        yield article


def flat(article: dict[str, Any]) -> dict[str, Any]:
    """One CSV/Parquet row: lists as JSON text."""
    row = {name: article[name] for name in COLUMNS}
    row["authors"] = json.dumps(article["authors"], ensure_ascii=False)
    row["image_urls"] = json.dumps([i["url"] for i in article["images"]], ensure_ascii=False)
    row["image_captions"] = json.dumps([i["caption"] for i in article["images"]], ensure_ascii=False)
    return row


def write_jsonl(articles: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for count, article in enumerate(articles, start=1):
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return count


def write_csv(articles: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "image_urls", "image_captions"])
    writer.writeheader()
    count = 0
    for count, article in enumerate(articles, start=1):
        writer.writerow(flat(article))
    return count


def write_parquet(articles: Iterator[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise click.UsageError("Parquet needs pyarrow: pip install 'muninews[parquet]'") from None
    rows = [flat(a) for a in articles]
    names = [*COLUMNS, "image_urls", "image_captions"]
    table = pa.table({name: [row[name] for row in rows] for name in names})
    pq.write_table(table, path)
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
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Published on or after this local date.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Published on or before this local date.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output; required for parquet).")
def command(fmt: str, db_path: Path, portals: tuple[str, ...], since: str | None, until: str | None,
            output: Path | None) -> None:
    """Export articles with their images, filtered by portal and publication date.

    Example: muninews export --format csv --portal replica-city --since 2024-01-01 -o city.csv
    """
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        articles = select_articles(conn, portals, since, until)
        if fmt == "parquet":
            count = write_parquet(articles, output)
        else:
            with _text_output(output) as out:
                count = (write_jsonl if fmt == "jsonl" else write_csv)(articles, out)
    finally:
        conn.close()
    click.echo(f"muninews export: {count} articles", err=True)
