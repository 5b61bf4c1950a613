"""`muninews add-portal URL`: probe a new site and write a draft profile that crawls it.

Every input is checked before the first request (the URL is http(s) with a host, ``--name`` is a
slug, the profile does not exist unless ``--force``), a private or loopback site is probed only
with ``--allow-private``, and every failure is one line on stderr: exit 2 for what the caller asked
wrongly, 1 for a site that cannot be probed. Never a traceback, never "HTTP 0".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import click

from crawler.onboarding.client import ProbeClient, ProbeRefused, origin
from crawler.onboarding.draft import (
    DraftError,
    check_name,
    profile_data,
    profile_text,
    write_profile,
)
from crawler.onboarding.probe import USER_AGENT, portal_name_for, probe
from crawler.settings_registry import default_profile_dirs, draft_profile_dir

PROBE_DEADLINE_S = 50.0  # the whole probe, every request included; the command ends well within a minute


@click.command("add-portal")
@click.argument("url")
@click.option("--name", default=None, help="Portal name, a slug (default: from the host name and port).")
@click.option("--profiles", "profile_dir", type=click.Path(file_okay=False, path_type=Path), default=draft_profile_dir(),
              show_default=True, help="Directory to write the draft profile into (the first of MUNINEWS_PROFILE_DIRS).")
@click.option("--allow-private", is_flag=True,
              help="Probe (and let the draft crawl) a site on a loopback or private address.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile of that name.")
def command(url: str, name: str | None, profile_dir: Path, allow_private: bool, force: bool) -> None:
    """Probe URL (robots.txt, sitemaps, feeds, the WordPress API, listings) and draft a profile.

    Example: muninews add-portal https://quanngoquyen.haiphong.gov.vn
    """
    base_url = _base_url(url)
    try:
        name = check_name(name) if name is not None else portal_name_for(base_url)
    except DraftError as error:
        _fail(str(error), 2)
    target = profile_dir / f"{name}.toml"
    if target.exists() and not force:
        _fail(f"{target} exists; pass --force to overwrite it", 2)
    client = ProbeClient(base_url, allow_private=allow_private, deadline_s=PROBE_DEADLINE_S, user_agent=USER_AGENT)
    try:
        client.address()
    except ProbeRefused as error:
        _fail(str(error), 2)
    except OSError as error:
        _fail(f"cannot probe {base_url}: host name {client.host} not found ({error.strerror or error})", 1)
    home = client.fetch(base_url + "/")
    if home.status is None:
        _fail(f"cannot probe {base_url}: {home.describe()}", 1)
    report = probe(base_url, client, home)
    if not home.ok:
        report.missing.insert(0, f"home page ({home.describe()})")
    for line in report.found:
        click.echo(f"  found    {line}")
    for line in report.missing:
        click.echo(f"  missing  {line}")
    if not report.sources and not report.article_url_pattern:
        _fail("found no way to discover articles on this site; no profile written", 1)
    _write(name, profile_dir, report, base_url, allow_private=allow_private, force=force)


def _write(name: str, profile_dir: Path, report, base_url: str, *, allow_private: bool, force: bool) -> None:
    data = profile_data(name, report, allow_private=allow_private)
    try:
        text = profile_text(data, report, f"muninews add-portal {base_url}")
        path = write_profile(profile_dir, name, text, force=force)
    except DraftError as error:
        _fail(str(error), 1)
    except OSError as error:
        _fail(f"cannot write {profile_dir}: {error.strerror or error}", 1)
    click.echo(f"wrote {path}; crawl it with: {crawl_hint(name, profile_dir)}")


def crawl_hint(name: str, profile_dir: Path) -> str:
    """The crawl command that reads this profile: ``--profiles`` only for a folder not read anyway."""
    read_anyway = {Path(d).resolve() for d in default_profile_dirs()}
    extra = "" if profile_dir.resolve() in read_anyway else f" --profiles {profile_dir}"
    return f"muninews crawl {name}{extra}"


def _base_url(url: str) -> str:
    """The site's base URL (scheme, host, port, path; no query or fragment), or exit 2."""
    try:
        origin(url.strip())
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as error:
        _fail(f"{error}; give the site's address, e.g. https://example.gov.vn", 2)
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"muninews add-portal: {message}", err=True)
    sys.exit(code)
