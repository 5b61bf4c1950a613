"""One-line usage errors for the reading commands (serve, export): a cron mail or a terminal gets
``muninews export: --since: not a date (YYYY-MM-DD): '2024-99-01'`` and exit status 2, not a
usage screen or a traceback."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

import click


class OneLineUsageError(click.UsageError):
    """A usage error printed as one line naming the command and the option (exit status 2)."""

    def __init__(self, command: str, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.command_name = command

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"muninews {self.command_name}: {self.format_message()}", err=True, file=file)


def local_date(command: str):
    """A click callback accepting an ISO date ``YYYY-MM-DD`` (a real calendar day) or nothing."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise OneLineUsageError(command, f"--{param.name}", f"not a date (YYYY-MM-DD): {value!r}") from None

    return check
