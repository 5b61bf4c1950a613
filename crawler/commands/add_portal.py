"""`muninews add-portal URL`: probe a new site and write a draft profile that crawls it."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.onboarding.probe import draft_profile, portal_name_for, probe
from crawler.settings_registry import draft_profile_dir


@click.command("add-portal")
@click.argument("url")
@click.option("--name", default=None, help="Portal name (default: from the host name).")
@click.option("--profiles", "profile_dir", type=click.Path(file_okay=False, path_type=Path), default=draft_profile_dir(),
              show_default=True, help="Directory to write the draft profile into (the first of MUNINEWS_PROFILE_DIRS).")
def command(url: str, name: str | None, profile_dir: Path) -> None:
    """Probe URL (robots.txt, sitemaps, feeds, the WordPress API, listings) and draft a profile.

    Example: muninews add-portal https://quanngoquyen.haiphong.gov.vn
    """
    report = probe(url)
    name = name or portal_name_for(report.base_url)
    for line in report.found:
        click.echo(f"  found    {line}")
    for line in report.missing:
        click.echo(f"  missing  {line}")
    if not report.sources and not report.article_url_pattern:
        raise click.ClickException("found no way to discover articles on this site; no profile written")
    profile_dir.mkdir(parents=True, exist_ok=True)
    path = profile_dir / f"{name}.toml"
    path.write_text(draft_profile(name, report), encoding="utf-8")
    click.echo(f"wrote {path}; crawl it with: muninews crawl {name} --profiles {profile_dir}")
