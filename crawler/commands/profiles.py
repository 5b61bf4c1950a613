"""``muninews profiles check [PATH…]``: the validation every command runs when it reads profiles,
over files or folders, listing every problem instead of stopping at the first."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.registry import BUILTIN_PROFILE_DIR, check_profiles
from crawler.settings_registry import default_profile_dirs


@click.group(name="profiles")
def command() -> None:
    """Portal profiles: validate them before a crawl reads them."""


@command.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate profile files or folders of them (default: the shipped profiles and the
    MUNINEWS_PROFILE_DIRS folders): unknown keys, wrong types, bad selectors, unknown discovery
    sources or cms, overlapping or gapped parser versions. One line per problem; exit status 1
    when there is any.

    Example: muninews profiles check data/profiles/lechan.toml
    """
    targets = list(paths) or [BUILTIN_PROFILE_DIR, *(Path(d) for d in default_profile_dirs() if Path(d).is_dir())]
    report = check_profiles(targets)
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        click.echo(f"muninews profiles check: {len(report.problems)} problem(s) in {len(report.files)} file(s)", err=True)
        raise SystemExit(1)
    click.echo(f"{len(report.files)} profile file(s), {report.portals} portal(s): ok")
