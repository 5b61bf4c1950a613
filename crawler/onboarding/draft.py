"""The drafted profile: a dict, written with a TOML writer, reread and validated before it lands.

A profile is read by every later crawl, so a bad one breaks them all: values that came from the
site (paths, patterns, its name) are never pasted into TOML text by hand. ``tomli_w`` writes the
data; the text is parsed back, must equal the data, and must pass the registry's validation; only
then is it written, atomically, inside the profile folder, never over an existing file unless asked.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

import tomli_w

from crawler.onboarding.probe import ProbeReport, next_page_selector
from crawler.registry import ProfileError, portals_from_dict

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


class DraftError(Exception):
    """The draft cannot be written; the message says why in one line."""


def check_name(name: str) -> str:
    """A portal name is a slug (it becomes a file name): ``../../../evil`` is refused."""
    if not SLUG.fullmatch(name):
        raise DraftError(f"--name must be a slug (lower-case letters, digits and '-', at most 64), got {name!r}")
    return name


def profile_data(name: str, report: ProbeReport, *, allow_private: bool) -> dict:
    """The profile as data: a family of one portal, discovering what the probe found."""
    family: dict = {"name": name, "languages": [report.language or "vi"], "timezone": report.timezone or "UTC",
                    "date_order": report.date_order or "DMY"}
    if report.cms:
        family["cms"] = report.cms
    discovery: dict = {"sources": draft_sources(report), "mode": draft_mode(report)}
    if report.wpjson_path:
        discovery["wpjson_path"] = report.wpjson_path
    if report.sitemap_paths:
        discovery["sitemap_paths"] = report.sitemap_paths
    if report.feed_paths:
        discovery["feed_paths"] = report.feed_paths
    discovery["start_paths"] = report.listing_paths or ["/"]
    discovery["article_links"] = "a"
    discovery["next_page"] = next_page_selector()
    if report.article_url_pattern:
        discovery["article_url_pattern"] = report.article_url_pattern
    portal: dict = {"name": name, "title": name, "base_url": report.base_url}
    if report.private_address and allow_private:
        portal["allow_private_addresses"] = True
    return {"family": family, "discovery": discovery, "portals": [portal]}


# Complete indexes first (every article, with dates); then paged listings; a feed last (its first
# page is often all it has: recent items only).
SOURCE_ORDER = ("wpjson", "plonerest", "sitemap", "listing", "feed")
COMPLETE = frozenset({"wpjson", "plonerest", "sitemap"})


def draft_sources(report: ProbeReport) -> list[str]:
    found = list(dict.fromkeys(report.sources or ["listing"]))
    return sorted(found, key=lambda s: SOURCE_ORDER.index(s) if s in SOURCE_ORDER else len(SOURCE_ORDER))


def draft_mode(report: ProbeReport) -> str:
    """"first" (the next source only when one finds nothing) when a complete index answers;
    otherwise "all": listings and a feed each see part of the site, together more of it."""
    return "first" if COMPLETE & set(report.sources) or len(set(report.sources)) < 2 else "all"


def profile_text(data: dict, report: ProbeReport, command: str) -> str:
    """TOML of ``data`` under a comment header; reread, compared and validated (DraftError)."""
    header = [f"Draft profile written by `{command}`.",
              "No field selectors: articles are read by the structured and generic extraction layers.",
              "Found: " + ("; ".join(report.found) or "nothing"),
              "Not found: " + ("; ".join(report.missing) or "-")]
    if data["portals"][0].get("allow_private_addresses"):
        header.append("The host is on a private or loopback address; --allow-private allowed crawling it.")
    text = "".join(f"# {_comment(line)}\n" for line in header) + "\n" + tomli_w.dumps(data)
    try:
        reread = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DraftError(f"the drafted profile does not parse back: {error}") from error
    if reread != data:
        raise DraftError("the drafted profile does not read back as written")
    try:
        portals_from_dict(reread, origin="<draft>")
    except ProfileError as error:
        raise DraftError(f"the drafted profile is not valid: {error}") from error
    return text


def write_profile(directory: Path, name: str, text: str, *, force: bool) -> Path:
    """Write ``directory/name.toml`` atomically; DraftError if it exists and ``force`` is off."""
    directory = directory.resolve()
    path = (directory / f"{check_name(name)}.toml").resolve()
    if path.parent != directory:
        raise DraftError(f"{path} is not inside {directory}")
    if path.exists() and not force:
        raise DraftError(f"{path} exists; pass --force to overwrite it")
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".toml.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _comment(line: str) -> str:
    """One printable line (site text can hold newlines that would end the comment)."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", line)[:2000]
