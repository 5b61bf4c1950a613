"""`muninews health`: which extraction layer won each field, per portal, over recent crawl runs,
and where a profile stopped winning (a redesign), so a broken profile shows the next morning.

Every stored article keeps ``layers`` ({field: "profile" | "family" | "structured" | "discovery" |
"generic" | "htmldate"}) and the run
that stored it. A field whose profile share was high in earlier runs and is low in the portal's
latest run is *drift*: the selectors stopped matching and the generic layers are filling in (or
nothing is). The Python API (``layer_shares``, ``find_drift``) is what the command prints.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import click
import sqlite_utils

from crawler.settings_registry import default_db_path

WATCHED_FIELDS = ("title", "published", "authors", "body", "images")
NOTHING = "none"
# Every layer a record names (crawler/extraction), most specific first, then no layer at all.
SHOWN_LAYERS = ("profile", "family", "structured", "discovery", "generic", "htmldate", NOTHING)
# A field drifted when the profile won at least BEFORE_SHARE of it in earlier runs and at most
# NOW_SHARE in the latest one, over at least MIN_ARTICLES articles of that run.
BEFORE_SHARE = 0.8
NOW_SHARE = 0.5
MIN_ARTICLES = 3


@dataclass
class FieldHealth:
    portal: str
    field: str
    run: int
    articles: int
    layers: dict[str, int]
    profile_before: float | None  # profile share over the earlier runs of the window; None: no history

    @property
    def profile_now(self) -> float:
        return self.layers.get("profile", 0) / self.articles if self.articles else 0.0

    @property
    def drifted(self) -> bool:
        return (self.profile_before is not None and self.profile_before >= BEFORE_SHARE
                and self.profile_now <= NOW_SHARE and self.articles >= MIN_ARTICLES)

    @property
    def winner(self) -> str:
        return max(self.layers, key=self.layers.get) if self.layers else NOTHING


def layer_counts(db: sqlite_utils.Database, runs: int = 5) -> dict[tuple[str, str], dict[int, Counter[str]]]:
    """(portal, field) -> run id -> Counter of winning layers, over the last ``runs`` runs."""
    recent = [row[0] for row in db.execute("SELECT id FROM crawl_runs ORDER BY id DESC LIMIT ?", [runs]).fetchall()]
    counts: dict[tuple[str, str], dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    if not recent:
        return counts
    marks = ",".join("?" * len(recent))
    sql = f"SELECT portal, crawl_run, layers FROM articles WHERE crawl_run IN ({marks})"
    for portal, run, layers in db.execute(sql, recent).fetchall():
        won = _json(layers)
        for field in WATCHED_FIELDS:
            counts[(portal, field)][run][won.get(field, NOTHING)] += 1
    return counts


def field_health(db: sqlite_utils.Database, runs: int = 5) -> list[FieldHealth]:
    """One row per portal and field: the latest run's winners against the earlier runs."""
    rows = []
    for (portal, field), by_run in sorted(layer_counts(db, runs).items()):
        latest = max(by_run)
        earlier = Counter()
        for run, counter in by_run.items():
            if run != latest:
                earlier.update(counter)
        total_before = sum(earlier.values())
        before = earlier.get("profile", 0) / total_before if total_before else None
        now = by_run[latest]
        rows.append(FieldHealth(portal, field, latest, sum(now.values()), dict(now), before))
    return rows


def find_drift(db: sqlite_utils.Database, runs: int = 5) -> list[FieldHealth]:
    """The fields whose profile used to win and no longer does, per portal."""
    return [row for row in field_health(db, runs) if row.drifted]


def _json(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@click.command("health")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help=f"SQLite file to read (default: {default_db_path()}).")
@click.option("--runs", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many recent crawl runs to look at.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@click.option("--fail-on-drift", is_flag=True, help="Exit with status 1 when any field drifted (for cron).")
def command(db_path: Path | None, runs: int, as_json: bool, fail_on_drift: bool) -> None:
    """Per portal and field, which extraction layer won in recent runs; flags profile drift.

    Reads the database read-only: never migrates it, works on a read-only file system.

    Example: muninews health --db data/muninews.db --runs 5
    """
    import sqlite3

    from crawler.runner import default_db
    from crawler.storage.readonly import open_readonly
    from crawler.validate import readable_db

    db_path = db_path or default_db()
    readable_db(db_path)
    try:
        db = open_readonly(db_path)
        rows = field_health(db, runs)
        db.conn.close()
    except sqlite3.DatabaseError as error:
        raise click.BadParameter(f"{db_path}: {error}", param_hint="--db") from None
    drifted = [row for row in rows if row.drifted]
    if as_json:
        for row in rows:
            click.echo(json.dumps({**asdict(row), "profile_now": row.profile_now, "drifted": row.drifted}, ensure_ascii=False))
    else:
        _print_table(rows)
        for row in drifted:
            click.echo(f"DRIFT {row.portal} {row.field}: profile won {row.profile_before:.0%} before, "
                       f"{row.profile_now:.0%} in run {row.run} (now {row.winner})")
        if not drifted:
            click.echo("no drift: every profile field still wins as before")
    if fail_on_drift and drifted:
        raise SystemExit(1)


def _print_table(rows: list[FieldHealth]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="muninews health: winning layer per field (latest run vs earlier runs)")
    for column in ("portal", "field", "run", "articles", *SHOWN_LAYERS, "profile before", "drift"):
        table.add_column(column)
    for row in rows:
        shares = [f"{row.layers.get(layer, 0) / row.articles:.0%}" for layer in SHOWN_LAYERS]
        before = "-" if row.profile_before is None else f"{row.profile_before:.0%}"
        table.add_row(row.portal, row.field, str(row.run), str(row.articles), *shares, before,
                      "DRIFT" if row.drifted else "")
    Console(width=160).print(table)
