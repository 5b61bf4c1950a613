"""Command-line input checked before any network or database work: each bad value ends the command
with one line naming the option (exit status 2), never a traceback or a silently ignored value.

Click parameter types for the values one option holds (``SINCE``), and checks that need the
registry (portal names, ``--base-url``) or the file system (``--db``). Shared by every command.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import click

SQLITE_HEADER = b"SQLite format 3\x00"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDate(click.ParamType):
    """An ISO 8601 date or date-time (``2024-05-01``, ``2024-05-01T08:00:00+07:00``), returned as
    given; a real calendar date, so 2024-13-45 or "garbage" is refused instead of ignored."""

    name = "DATE"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        try:
            if not _DATE.match(text):
                raise ValueError
            datetime.fromisoformat(text)  # Python 3.11+: any ISO 8601, Z too
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date (e.g. 2024-05-01 or 2024-05-01T08:00:00+07:00)", param, ctx)
        return text


ISO_DATE = IsoDate()
POSITIVE = click.IntRange(min=1)


def portal_names(argument: str, registry, param_hint: str = "PORTAL") -> list[str]:
    """The portals ``argument`` names (a portal, a family or a comma list), or BadParameter naming
    the unknown one and the known portals and families."""
    from crawler.registry import ProfileError

    names: list[str] = []
    for part in filter(None, (p.strip() for p in argument.split(","))):
        family = registry.family(part)
        if family:
            names.extend(p.name for p in family)
            continue
        try:
            names.append(registry.get(part).name)
        except ProfileError:
            families = sorted({p.family for p in registry.portals.values() if p.family})
            raise click.BadParameter(
                f"unknown portal or family {part!r}; known: {', '.join(sorted({*registry.portals, *families}))}",
                param_hint=param_hint,
            ) from None
    if not names:
        raise click.BadParameter("no portal named", param_hint=param_hint)
    return names


def base_url_pairs(values: tuple[str, ...] | list[str], registry) -> dict[str, str]:
    """``PORTAL=URL`` pairs: a known portal and an http(s) URL with a host each."""
    from crawler.registry import is_http_url

    pairs = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise click.BadParameter(f"expected PORTAL=URL, got {value!r}", param_hint="--base-url")
        if name not in registry.portals:
            raise click.BadParameter(f"unknown portal {name!r} in {value!r}", param_hint="--base-url")
        if not is_http_url(url):
            raise click.BadParameter(f"{url!r} is not an http(s) URL with a host", param_hint="--base-url")
        pairs[name] = url
    return pairs


def writable_db(path: Path, param_hint: str = "--db") -> None:
    """The database file may be created or written: an SQLite file (or none yet) in a folder
    this process may write (the write-ahead log and the lock file live beside it)."""
    path = Path(path)
    if path.exists():
        readable_db(path, param_hint)
        if not os.access(path, os.W_OK):
            raise click.BadParameter(f"{path} is read-only", param_hint=param_hint)
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise click.BadParameter(f"{folder} is not a folder", param_hint=param_hint)
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"{folder} is read-only: cannot write the database, its log or lock there",
                                 param_hint=param_hint)


def readable_db(path: Path, param_hint: str = "--db") -> None:
    """An existing SQLite database file (an empty file is a new database)."""
    path = Path(path)
    if not path.is_file():
        raise click.BadParameter(f"{path} does not exist" if not path.exists() else f"{path} is not a file",
                                 param_hint=param_hint)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise click.BadParameter(f"cannot read {path}: {error.strerror}", param_hint=param_hint) from None
    if header and header != SQLITE_HEADER:
        raise click.BadParameter(f"{path} is not an SQLite database", param_hint=param_hint)


def _nearest_existing(folder: Path) -> Path:
    folder = folder.resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder
