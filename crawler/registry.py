"""Portal profiles: the declarative description of each portal, read from TOML files.

A profile file describes a *family* of portals that share one CMS layout (the Hai Phong city
portal and its district sub-sites are one family): its languages and time zone, how discovery finds
article links and next pages, and one or more dated parser versions holding the field selectors.
Each ``[[portals]]`` entry is one host of the family. Spiders and pipelines read profiles; they
hold no portal knowledge themselves.

Selectors are CSS by default; a selector starting with ``xpath:`` is XPath.
Parser versions carry ``valid_from``/``valid_until`` dates (Fundus-style): a redesign adds a
version and leaves older ones in place, so stored HTML re-extracts with the version of its day.
"""

from __future__ import annotations

import difflib
import importlib
import itertools
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import GenericTranslator
from lxml import etree

BUILTIN_PROFILE_DIR = Path(__file__).parent / "profiles"


class ProfileError(ValueError):
    """A profile file is malformed or names a portal that does not exist. The message is one line
    naming the file, where in it and what is wrong; ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [message]


@lru_cache(maxsize=4096)
def compile_selector(selector: str) -> etree.XPath:
    """CSS or ``xpath:`` selector to a compiled XPath, relative to the element it runs on."""
    if selector.startswith("xpath:"):
        expression = selector[len("xpath:") :].strip()
    else:
        expression = GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    try:
        return etree.XPath(expression)
    except etree.XPathSyntaxError as error:
        raise ProfileError(f"bad selector {selector!r}: {error}") from error


@dataclass(frozen=True)
class CaptionRule:
    """Where a photo's caption sits, relative to the element that holds the image."""

    container: str
    caption: str


@dataclass(frozen=True)
class ParserVersion:
    version: str
    valid_from: str = "0001-01-01"
    valid_until: str = "9999-12-31"
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    body: str | None = None
    images: str | None = None
    captions: tuple[CaptionRule, ...] = ()
    exclude: tuple[str, ...] = ()

    def covers(self, day: str) -> bool:
        return self.valid_from <= day[:10] < self.valid_until


@dataclass(frozen=True)
class Discovery:
    """How a portal's articles are found. ``sources`` are tried in order, cheapest first; with
    ``mode = "first"`` the first source that yields article links is used alone, with ``"all"``
    every source runs (the crawl's dupefilter merges what they find)."""

    sources: tuple[str, ...] = ("wpjson", "sitemap", "feed", "listing")
    mode: str = "first"
    wpjson_path: str = "/wp-json/wp/v2/posts"
    sitemap_paths: tuple[str, ...] = ("/sitemap.xml",)
    feed_paths: tuple[str, ...] = ("/feed/",)
    start_paths: tuple[str, ...] = ("/",)
    article_links: str = "a"
    next_page: str | None = None
    article_url_pattern: str | None = None
    # Re-fetch (conditionally) stored articles published within this many days on every run.
    revisit_days: float = 3.0
    # Discovery budgets of one run (0: the setting DISCOVERY_MAX_PAGES_PER_SOURCE, DISCOVERY_MAX_PAGES,
    # DISCOVERY_MAX_LINKS): discovery requests per source, discovery requests in all, article links queued.
    max_pages_per_source: int = 0
    max_pages: int = 0
    max_links: int = 0


@dataclass(frozen=True)
class Portal:
    """One portal host with everything its family profile says about it."""

    name: str
    title: str
    base_url: str
    family: str
    languages: tuple[str, ...]
    timezone: str
    date_order: str
    discovery: Discovery
    parsers: tuple[ParserVersion, ...]
    allowed_hosts: tuple[str, ...] = ()
    allow_private_addresses: bool = False
    replica: str | None = None
    # The CMS family (``[family] cms``), a module of crawler.families; None: not named (generic).
    cms: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.host, *self.allowed_hosts)

    def parser_for(self, day: str | None) -> ParserVersion | None:
        """The parser version valid on ``day`` (the page's crawl date), else the newest."""
        if not self.parsers:
            return None
        if day:
            for parser in self.parsers:
                if parser.covers(day):
                    return parser
        return self.parsers[-1]

    def rebased(self, base_url: str) -> Portal:
        return replace(self, base_url=base_url.rstrip("/"))


@dataclass
class Registry:
    portals: dict[str, Portal] = field(default_factory=dict)

    def get(self, name: str) -> Portal:
        try:
            return self.portals[name]
        except KeyError:
            known = ", ".join(sorted(self.portals)) or "none"
            raise ProfileError(f"unknown portal {name!r}; known portals: {known}") from None

    def family(self, name: str) -> list[Portal]:
        return [p for p in self.portals.values() if p.family == name]

    def for_url(self, url: str) -> Portal | None:
        host = urlsplit(url).netloc
        for portal in self.portals.values():
            if urlsplit(portal.base_url).netloc == host:
                return portal
        return None

    def rebased(self, base_urls: dict[str, str]) -> Registry:
        """A copy with some portals moved (the replica runs on whatever port is free)."""
        moved = {name: (p.rebased(base_urls[name]) if name in base_urls else p) for name, p in self.portals.items()}
        return Registry(moved)


# --- Loading, with validation -----------------------------------------------------------------
# Every key a profile may hold, per table. Unknown keys are refused (a misspelt `sourcse` would
# otherwise do nothing). The keys of [discovery], [[parsers]], [parsers.fields] and caption rules
# are the fields of Discovery, ParserVersion and CaptionRule: a new field there is a new key.
TOP_KEYS = ("family", "discovery", "parsers", "portals")
FAMILY_KEYS = ("name", "cms", "languages", "timezone", "date_order")
PORTAL_KEYS = ("name", "title", "base_url", "discovery", "allowed_hosts", "allow_private_addresses", "replica")
DISCOVERY_KEYS = tuple(f.name for f in fields(Discovery))
VERSION_KEYS = ("version", "valid_from", "valid_until")
FIELD_KEYS = tuple(f.name for f in fields(ParserVersion) if f.name not in VERSION_KEYS)
PARSER_KEYS = (*VERSION_KEYS, "fields", *FIELD_KEYS)
CAPTION_KEYS = tuple(f.name for f in fields(CaptionRule))
DISCOVERY_MODES = ("first", "all")
DATE_ORDERS = ("DMY", "MDY", "YMD", "DYM", "MYD", "YDM")
# Used when spiders.sources has no registry of source names to ask.
BUILTIN_SOURCES = ("wpjson", "sitemap", "feed", "listing")


def known_sources() -> tuple[str, ...]:
    """Discovery source names: those registered in ``spiders.sources`` when it has a registry."""
    try:
        module = importlib.import_module("spiders.sources")
    except ImportError:
        return BUILTIN_SOURCES
    for attribute in ("names", "NAMES", "SOURCES", "REGISTRY"):
        value = getattr(module, attribute, None)
        value = value() if callable(value) else value
        if value:
            return tuple(value)
    return BUILTIN_SOURCES


def known_cms() -> tuple[str, ...] | None:
    """CMS family names (``crawler.families``); None when there is no such package (any name goes)."""
    try:
        families = importlib.import_module("crawler.families")
    except ImportError:
        return None
    names = getattr(families, "names", None)
    names = names() if callable(names) else getattr(families, "FAMILY_MODULES", None)
    return tuple(names) if names else None


def clear_cache() -> None:
    """Forget parsed profile files (they are re-read anyway when their size or mtime changes)."""
    _cached_profile.cache_clear()


def load_registry(extra_dirs: tuple[str | Path, ...] | list[str | Path] = ()) -> Registry:
    """Every profile in the package plus those in ``extra_dirs`` (later files override earlier).

    A folder that does not exist holds no profiles. ProfileError names the first problem of the
    first bad file (``error.problems`` has all of that file's)."""
    registry = Registry()
    for directory in (BUILTIN_PROFILE_DIR, *map(Path, extra_dirs)):
        for path in sorted(Path(directory).glob("*.toml")):
            for portal in load_profile(path):
                registry.portals[portal.name] = portal
    return registry


def load_profile(path: str | Path) -> list[Portal]:
    """The portals of one profile file, validated. Each file is parsed once while it is unchanged
    (a crawl's spider, middlewares and pipelines all ask for the registry)."""
    path = Path(path)
    try:
        status = path.stat()
    except OSError as error:
        raise ProfileError(f"{path}: {error.strerror or error}") from error
    return list(_cached_profile(str(path), status.st_mtime_ns, status.st_size))


@lru_cache(maxsize=1024)
def _cached_profile(path: str, mtime_ns: int, size: int) -> tuple[Portal, ...]:
    return tuple(portals_from_dict(_read_toml(Path(path)), origin=path))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"{path}: {error.strerror or error}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error


def portals_from_dict(data: dict, origin: str = "<profile>") -> list[Portal]:
    """The portals a profile describes; ProfileError when ``profile_problems`` finds any."""
    problems = profile_problems(data, origin)
    if problems:
        more = f" (and {len(problems) - 1} more: muninews profiles check {origin})" if len(problems) > 1 else ""
        raise ProfileError(problems[0] + more, problems)
    family = data["family"]
    discovery = Discovery(**{**family_discovery(family.get("cms")), **_tuples(data.get("discovery", {}))})
    parsers = tuple(sorted((_parser(p) for p in data.get("parsers", [])), key=lambda p: p.valid_from))
    return [
        Portal(
            name=entry["name"], title=entry.get("title", entry["name"]), base_url=entry["base_url"].rstrip("/"),
            family=family["name"], languages=tuple(family.get("languages", ["vi"])),
            timezone=family.get("timezone", "UTC"), date_order=family.get("date_order", "DMY"),
            discovery=replace(discovery, **_tuples(entry.get("discovery", {}))), parsers=parsers,
            allowed_hosts=tuple(entry.get("allowed_hosts", ())),
            allow_private_addresses=bool(entry.get("allow_private_addresses", False)),
            replica=entry.get("replica"), cms=family.get("cms"),
        )
        for entry in data.get("portals", [])
    ]


def family_discovery(cms: str | None) -> dict:
    """The named CMS family's ``DISCOVERY`` defaults (crawler/families/), under what the profile
    says: ``cms = "plone"`` alone asks Plone's REST API, its gzipped sitemap and its feeds. A profile
    that names no CMS keeps the generic defaults of ``Discovery``."""
    if not cms:
        return {}
    from crawler import families  # the family modules import extraction, which imports this module

    defaults = getattr(families.get(cms), "DISCOVERY", {})
    known = {f.name for f in fields(Discovery)}
    return {key: tuple(value) if isinstance(value, list) else value for key, value in defaults.items() if key in known}


def _parser(data: dict) -> ParserVersion:
    data = {key: _day(value) if key in VERSION_KEYS[1:] else value for key, value in data.items()}
    selectors = dict(data.pop("fields", {}))
    captions = tuple(CaptionRule(**rule) for rule in selectors.pop("captions", data.pop("captions", [])))
    return ParserVersion(**_tuples(data), **_tuples(selectors), captions=captions)


def _tuples(data: dict) -> dict:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}


def _day(value: object) -> object:
    """A TOML date (``valid_from = 2024-03-01``, unquoted) as the ISO text the rest compares."""
    return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else value


# --- Validation --------------------------------------------------------------------------------
def profile_problems(data: dict, origin: str = "<profile>") -> list[str]:
    """Every problem of one parsed profile, one line each, as ``ORIGIN: WHERE: MESSAGE``."""
    problems: list[str] = []

    def bad(where: str, message: str) -> None:
        problems.append(f"{origin}: {where}: {message}" if where else f"{origin}: {message}")

    if not isinstance(data, dict):
        bad("", "a profile is a TOML table")
        return problems
    _check_keys(data, TOP_KEYS, "top level", bad)
    family = data.get("family")
    if family is None:
        bad("", "missing the [family] table")
    elif _check_table(family, "[family]", bad):
        _check_family(family, bad)
    discovery = data.get("discovery", {})
    if _check_table(discovery, "[discovery]", bad):
        _check_discovery(discovery, "[discovery]", bad)
    parsers = data.get("parsers", [])
    if _check_tables(parsers, "[[parsers]]", bad):
        for index, parser in enumerate(parsers, start=1):
            if _check_table(parser, f"[[parsers]] #{index}", bad):
                _check_parser(parser, _label("parsers", index, parser.get("version")), bad)
        _check_version_ranges(parsers, bad)
    portals = data.get("portals", [])
    if _check_tables(portals, "[[portals]]", bad):
        seen: set[str] = set()
        for index, entry in enumerate(portals, start=1):
            where = _label("portals", index, entry.get("name") if isinstance(entry, dict) else None)
            if _check_table(entry, where, bad):
                _check_portal(entry, where, bad)
                name = entry.get("name")
                if isinstance(name, str) and name in seen:
                    bad(where, f"portal {name!r} is defined twice in this file")
                seen.add(name)
    return problems


def _label(table: str, index: int, name: object) -> str:
    return f"[[{table}]] {name!r}" if isinstance(name, str) else f"[[{table}]] #{index}"


def _check_keys(table: dict, known: tuple[str, ...], where: str, bad) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            bad(where, f"unknown key {key!r} ({hint})")


def _check_table(value: object, where: str, bad) -> bool:
    if not isinstance(value, dict):
        bad(where, f"expected a table, got {type(value).__name__}")
        return False
    return True


def _check_tables(value: object, where: str, bad) -> bool:
    if not isinstance(value, list):
        bad(where, f"expected an array of tables, got {type(value).__name__}")
        return False
    return True


def _check_value(value: object, kind: str, where: str, key: str, bad) -> bool:
    ok = {
        "str": isinstance(value, str),
        "strs": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
    }.get(kind, True)
    if not ok:
        wanted = {"str": "a string", "strs": "a list of strings", "number": "a number", "bool": "true or false"}[kind]
        bad(where, f"{key} must be {wanted}, got {value!r}")
    return ok


def _kind_of(cls: type, name: str) -> str:
    """What a dataclass field takes in TOML, from its default: tuple -> list of strings, ..."""
    default = next(f.default for f in fields(cls) if f.name == name)
    if default is MISSING or default is None or isinstance(default, str):
        return "str"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, (int, float)):
        return "number"
    if isinstance(default, tuple):
        return "strs"
    return "any"


def _check_selector(value: object, where: str, key: str, bad) -> None:
    if _check_value(value, "str", where, key, bad):
        try:
            compile_selector(value)
        except ProfileError as error:
            bad(where, f"{key}: {error}")


def _check_family(family: dict, bad) -> None:
    where = "[family]"
    _check_keys(family, FAMILY_KEYS, where, bad)
    if "name" not in family:
        bad(where, "missing key 'name'")
    for key in ("name", "cms", "timezone", "date_order"):
        if key in family:
            _check_value(family[key], "str", where, key, bad)
    if "languages" in family:
        _check_value(family["languages"], "strs", where, "languages", bad)
    cms = family.get("cms")
    known = known_cms()
    if isinstance(cms, str) and known is not None and cms not in known:
        bad(where, f"unknown cms {cms!r} (known: {', '.join(known)})")
    timezone = family.get("timezone")
    if isinstance(timezone, str):
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            bad(where, f"unknown timezone {timezone!r}")
    order = family.get("date_order")
    if isinstance(order, str) and order not in DATE_ORDERS:
        bad(where, f"date_order must be one of {', '.join(DATE_ORDERS)}, got {order!r}")


def _check_discovery(discovery: dict, where: str, bad) -> None:
    _check_keys(discovery, DISCOVERY_KEYS, where, bad)
    for key, value in discovery.items():
        if key in DISCOVERY_KEYS and key not in ("article_links", "next_page"):
            _check_value(value, _kind_of(Discovery, key), where, key, bad)
    for key in ("article_links", "next_page"):
        if key in discovery:
            _check_selector(discovery[key], where, key, bad)
    sources = discovery.get("sources")
    if isinstance(sources, list):
        known = known_sources()
        for source in sources:
            if isinstance(source, str) and source not in known:
                close = difflib.get_close_matches(source, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
                bad(where, f"unknown discovery source {source!r} ({hint})")
    mode = discovery.get("mode")
    if isinstance(mode, str) and mode not in DISCOVERY_MODES:
        bad(where, f"mode must be one of {', '.join(DISCOVERY_MODES)}, got {mode!r}")
    pattern = discovery.get("article_url_pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as error:
            bad(where, f"article_url_pattern is not a regular expression: {error}")


def article_url_target(pattern: str, url: str, path: str | None = None) -> str:
    """What ``article_url_pattern`` is matched against: the URL's path, plus ``?query`` when the
    pattern itself names a query (``\\?``). Portals whose articles differ only in the query
    (``/Pages/chi-tiet-tin.aspx?ItemID=4021``, Joomla's ``index.php?option=com_content&id=12``)
    need the query to tell an article from the listing at the same path; every other pattern keeps
    matching the path alone, as profiles have always been written. ``path``: the URL's path when
    the caller has it already (the sitemap reader's million URLs)."""
    if "\\?" not in pattern:
        return path if path is not None else urlsplit(url).path
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_article_url(pattern: str | None, url: str, path: str | None = None) -> bool:
    return pattern is None or re.search(pattern, article_url_target(pattern, url, path)) is not None


def _check_parser(parser: dict, where: str, bad) -> None:
    _check_keys(parser, PARSER_KEYS, where, bad)
    if "version" not in parser:
        bad(where, "missing key 'version'")
    elif not isinstance(parser["version"], (str, int)) or isinstance(parser["version"], bool):
        bad(where, f"version must be a string, got {parser['version']!r}")
    for key in VERSION_KEYS[1:]:
        if key in parser:
            value = _day(parser[key])
            if not isinstance(value, str) or not _is_day(value):
                bad(where, f"{key} must be a date YYYY-MM-DD, got {parser[key]!r}")
    selectors = parser.get("fields", {})
    if not _check_table(selectors, f"{where} fields", bad):
        return
    _check_keys(selectors, FIELD_KEYS, f"{where} fields", bad)
    for key in set(selectors) & set(parser):
        bad(where, f"{key} is given both in the version and in its fields")
    for table, label in ((parser, where), (selectors, f"{where} fields")):
        for key, value in table.items():
            if key not in FIELD_KEYS:
                continue
            if key == "captions":
                _check_captions(value, f"{label} captions", bad)
            elif key == "exclude":
                if _check_value(value, "strs", label, key, bad):
                    for selector in value:
                        _check_selector(selector, label, key, bad)
            elif _kind_of(ParserVersion, key) == "str" and next(
                f for f in fields(ParserVersion) if f.name == key
            ).default is None:
                _check_selector(value, label, key, bad)  # a field selector
            else:
                _check_value(value, _kind_of(ParserVersion, key), label, key, bad)


def _check_captions(rules: object, where: str, bad) -> None:
    if not _check_tables(rules, where, bad):
        return
    for index, rule in enumerate(rules, start=1):
        label = f"{where}[{index}]"
        if not _check_table(rule, label, bad):
            continue
        _check_keys(rule, CAPTION_KEYS, label, bad)
        for key in CAPTION_KEYS:
            if key not in rule:
                bad(label, f"missing key {key!r}")
            else:
                _check_selector(rule[key], label, key, bad)


def _is_day(value: str) -> bool:
    try:
        return len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _check_version_ranges(parsers: list, bad) -> None:
    """The versions of one family tile time: each one ends where the next begins."""
    ranges = []
    for parser in parsers:
        if not isinstance(parser, dict):
            return
        start = _day(parser.get("valid_from", ParserVersion.valid_from))
        end = _day(parser.get("valid_until", ParserVersion.valid_until))
        if not (isinstance(start, str) and isinstance(end, str) and _is_day(start) and _is_day(end)):
            return  # already reported
        name = str(parser.get("version", "?"))
        if start >= end:
            bad("[[parsers]]", f"version {name!r}: valid_from {start} is not before valid_until {end}")
            return
        ranges.append((start, end, name))
    names = [name for _, _, name in ranges]
    for name in sorted({n for n in names if names.count(n) > 1}):
        bad("[[parsers]]", f"version {name!r} is defined twice")
    ranges.sort()
    for (start, end, name), (next_start, next_end, next_name) in itertools.pairwise(ranges):
        if next_start < end:
            bad("[[parsers]]", f"versions {name!r} ({start}..{end}) and {next_name!r} ({next_start}..{next_end}) "
                f"overlap: set {name!r} valid_until = {next_start!r}")
        elif next_start > end:
            bad("[[parsers]]", f"versions {name!r} (until {end}) and {next_name!r} (from {next_start}) leave a gap: "
                f"no version covers {end}..{next_start}")


def _check_portal(entry: dict, where: str, bad) -> None:
    _check_keys(entry, PORTAL_KEYS, where, bad)
    for key in ("name", "base_url"):
        if key not in entry:
            bad(where, f"missing key {key!r}")
    for key in ("name", "title", "base_url", "replica"):
        if key in entry:
            _check_value(entry[key], "str", where, key, bad)
    if "allowed_hosts" in entry:
        _check_value(entry["allowed_hosts"], "strs", where, "allowed_hosts", bad)
    if "allow_private_addresses" in entry:
        _check_value(entry["allow_private_addresses"], "bool", where, "allow_private_addresses", bad)
    base_url = entry.get("base_url")
    if isinstance(base_url, str) and not is_http_url(base_url):
        bad(where, f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if "discovery" in entry and _check_table(entry["discovery"], f"{where} discovery", bad):
        _check_discovery(entry["discovery"], f"{where} discovery", bad)


def is_http_url(url: str) -> bool:
    """An http(s) URL with a host: the only kind a portal can be served from (profiles, --base-url)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass
class CheckReport:
    """What ``check_profiles`` found: files read, portals they define, one line per problem."""

    files: list[Path] = field(default_factory=list)
    portals: int = 0
    problems: list[str] = field(default_factory=list)


def check_profiles(paths: tuple[str | Path, ...] | list[str | Path]) -> CheckReport:
    """Validate profile files and folders (their ``*.toml``) without stopping at the first bad one."""
    report = CheckReport()
    for path in map(Path, paths):
        if path.is_dir():
            report.files += sorted(path.glob("*.toml"))
        elif path.exists():
            report.files.append(path)
        else:
            report.problems.append(f"{path}: no such file or folder")
    for path in report.files:
        try:
            data = _read_toml(path)
        except ProfileError as error:
            report.problems.append(str(error))
            continue
        problems = profile_problems(data, str(path))
        report.problems += problems
        if not problems:
            report.portals += len(data.get("portals", []))
    return report

def selector_xpath(selector: str) -> str:
    """The XPath text of a selector, for Scrapy's ``response.xpath``."""
    return compile_selector(selector).path


def registry_from_settings(settings) -> Registry:  # settings: scrapy.settings.BaseSettings
    """The registry a crawl uses: built-in and extra profiles, with any base URLs moved."""
    registry = load_registry(settings.getlist("MUNINEWS_PROFILE_DIRS"))
    return registry.rebased(settings.getdict("MUNINEWS_BASE_URLS"))
