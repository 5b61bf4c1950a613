"""URL canonicalisation: one spelling per page, applied before anything is fetched or stored.

Portals link to the same article under many spellings (tracking tags from Facebook and
Zalo shares, AMP and print variants, ``http`` and ``https``, stray slashes). Without one
canonical spelling the crawler fetches and stores each page several times, and every later
layer has to deduplicate what this layer could have merged for free.

Rules of :func:`canonicalize`, applied in this order (each is tested case by case in
``tests/test_urls.py``):

====  ==========================================  ==============================================
 #    rule                                        example (input -> output)
====  ==========================================  ==============================================
 1    surrounding whitespace is stripped;         ``" https://a.vn/x "`` -> ``https://a.vn/x``;
      only absolute ``http``/``https`` URLs with  ``mailto:a@b.vn``, ``/x``, ``https://`` and
      a valid host are accepted, anything else    ``https://a.vn:99999/``, ``http://a.g v/``
      raises ``ValueError``                       raise ``ValueError``
      (never another exception)
 2    scheme and host are lowercased              ``HTTPS://A.VN/X`` -> ``https://a.vn/X``
 3    internationalised hosts are IDNA-encoded;   ``https://ví-dụ.vn/`` ->
      a trailing dot on the host is removed       ``https://xn--v-d-rma6749a.vn/``
 4    default ports are dropped (80 for http,     ``http://a.vn:80/x`` -> ``http://a.vn/x``;
      443 for https); other ports are kept        ``https://a.vn:8443/`` is unchanged
 5    the fragment is removed                     ``https://a.vn/x#top`` -> ``https://a.vn/x``
 6    percent-encoding is normalised (w3lib):     ``/ti%e1%ba%bfng`` -> ``/ti%E1%BA%BFng``;
      upper-case hex, non-ASCII as UTF-8,         ``/tiếng việt`` -> ``/ti%E1%BA%BFng%20vi%E1%BB%87t``
      unreserved characters decoded
 7    dot segments are resolved and duplicate     ``/a//b/./c/../d`` -> ``/a/b/d``;
      slashes collapsed; empty path parameters    ``/x;/`` -> ``/x``
      at the end (``x;``) are dropped
 8    the trailing slash is removed, except on    ``/tin-tuc/`` -> ``/tin-tuc``; ``/`` stays;
      the root path; an empty path becomes ``/``  ``https://a.vn`` -> ``https://a.vn/``
 9    AMP and print variants map to the article:  ``/bai-viet.html/amp/``, ``/bai/print``,
      a last path segment ``amp`` or ``print``;   ``?amp``, ``?amp=1``, ``?print=1``,
      query ``amp`` (any value); ``print`` when   ``?print=true``, ``?output=amp`` ->
      1/true/yes/empty; ``output``, ``format``,   the article URL
      ``outputtype`` when ``amp`` or ``print``
10    tracking parameters are removed             ``?utm_source=zalo&id=3&fbclid=x`` -> ``?id=3``
      (:data:`TRACKING_PARAMS`, matched
      case-insensitively, ``*`` = prefix)
11    the remaining query parameters are sorted   ``?b=2&a=1`` -> ``?a=1&b=2``;
      by name then value; a bare name gets        ``?x`` -> ``?x=``; ``?`` -> nothing
      ``=``; an empty query is dropped
====  ==========================================  ==============================================

Decisions worth knowing:

* ``canonicalize`` keeps the scheme the portal uses: a portal that only answers on ``http``
  must still be fetched on ``http``. The dedup key :func:`url_key` is scheme-insensitive
  (always ``https``) and ignores a leading ``www.``, because government portals commonly
  serve one site on both spellings.
* ``ref`` is *not* a default tracking parameter: some CMSs use it for content. A portal
  profile can drop it (or a session id such as ``PHPSESSID``) with ``drop_params``, and can
  protect a parameter the defaults would drop with ``keep_params``.
* A last path segment literally named ``amp`` or ``print`` is always taken for a variant
  (a tag page ``/tag/amp`` would be mapped to ``/tag``); this is the common WordPress case
  and the rare collision costs one unfetched tag page.
* WordPress ``?p=123`` (plain permalinks and shortlinks) cannot be mapped to the article's
  slug URL without fetching it. :func:`wordpress_post_id` extracts the id so the crawler can
  fetch once, read ``rel=canonical`` / ``rel=shortlink``, and remember id -> URL.
* :func:`resolve_canonical` trusts a page's ``<link rel=canonical>`` only on the same
  registrable domain (public-suffix aware, offline snapshot) and port, or on an explicitly
  allowed host, and never when it points at the site root (a common CMS misconfiguration
  that would merge every article into the home page).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize

#: Query parameters removed by default: analytics and share tags that never select content.
#: ``*`` at the end matches any parameter name with that prefix.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "utm_*",  # Google Analytics campaign tags (utm_source, utm_medium, ...)
        "fbclid",  # Facebook click id
        "gclid", "dclid", "gbraid", "wbraid",  # Google Ads click ids
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "mc_cid", "mc_eid",  # Mailchimp
        "_ga", "_gl",  # Google cross-domain linker
        "igshid",  # Instagram share
        "zarsrc",  # Zalo share source (very common on Vietnamese links)
        "spm",  # Alibaba/UC browser position tag
        "ref_src", "ref_url",  # Twitter embeds
        "_hsenc", "_hsmi",  # HubSpot
        "mkt_tok",  # Marketo
        "fb_action_ids", "fb_action_types", "fb_source", "fb_ref",  # old Facebook shares
    }
)

_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_VARIANT_SEGMENTS = {"amp", "print"}
_TRUE_VALUES = {"", "1", "true", "yes", "y"}
_VARIANT_VALUES = {"amp", "print"}
_VARIANT_OUTPUT_PARAMS = {"output", "format", "outputtype"}
_DIGITS = re.compile(r"[0-9]{1,18}")
#: WHATWG "forbidden host code points" (whitespace, controls, delimiters); ``[]`` stay for IPv6.
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20\x7f#%/<>?@\\^|{}\s]")


# An address already in canonical form (http(s), a lowercase ASCII host of valid labels, no
# punycode, a port other than the scheme's default, a path of unreserved characters with no dot
# segment, no empty segment, no trailing slash, no amp/print variant, no query or fragment) is its
# own canonical spelling: the rules above leave it as it is. Sitemaps list such addresses by the
# million; answering them without w3lib's parse (~50 µs each) is what lets a 1,000,000-URL index
# be read in seconds. tests/test_urls.py checks this shortcut against the full rules.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN = re.compile(rf"(https?)://((?!.*xn--){_LABEL}(?:\.{_LABEL})*)(?::([1-9][0-9]{{0,4}}))?"
                    r"(/|(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+)")


def _plain(url: str) -> tuple[str, str, str | None, str] | None:
    """(scheme, host, port, path) of an address already canonical, else None (see _PLAIN)."""
    match = _PLAIN.fullmatch(url)
    if match is None:
        return None
    scheme, host, port, path = match.groups()
    if len(host) > 253 or (port is not None and (int(port) > 65535 or int(port) == _DEFAULT_PORTS[scheme])):
        return None
    last = path.rsplit("/", 1)[-1].lower()
    return None if last in _VARIANT_SEGMENTS else (scheme, host, port, path)


# A page's URL is canonicalised about seven times on its way (discovery, the spider's URL key,
# dedup, storage, the link graph); each costs ~0.5 ms of w3lib parsing. The functions are pure,
# so the answers are kept for the last URLs seen (bounded: a few MB).
@lru_cache(maxsize=16384)
def canonicalize(
    url: str,
    *,
    keep_params: frozenset[str] = frozenset(),
    drop_params: frozenset[str] = frozenset(),
) -> str:
    """The canonical spelling of ``url`` (rules 1-11 of the module docstring).

    ``drop_params`` adds names (``*`` suffix = prefix) to :data:`TRACKING_PARAMS`;
    ``keep_params`` wins over both. Raises ``ValueError`` for anything that is not an absolute
    http(s) URL; never raises another exception, so callers need one ``except``.

    Idempotent: w3lib reads ";" as the start of path parameters, so a dot segment carrying
    parameters ("/a/..;x") resolves only on a second pass, leaving dot segments a third pass
    removes; such paths are passed again until they stop changing (found by the URL fuzz target).
    """
    if _plain(url) is not None:
        return url
    canonical = _canonicalize_once(url, keep_params=keep_params, drop_params=drop_params)
    for _ in range(3):
        if ";" not in canonical and "/." not in canonical:
            break
        again = _canonicalize_once(canonical, keep_params=keep_params, drop_params=drop_params)
        if again == canonical:
            break
        canonical = again
    return canonical


def _canonicalize_once(
    url: str,
    *,
    keep_params: frozenset[str] = frozenset(),
    drop_params: frozenset[str] = frozenset(),
) -> str:
    """One pass of the rules; see :func:`canonicalize`."""
    parts = _split_http(url)
    try:
        normalised = _w3lib_canonicalize(urlunsplit(parts), keep_blank_values=True, keep_fragments=False)
    except (UnicodeError, ValueError) as error:
        raise ValueError(f"cannot canonicalise {url!r}: {error}") from error
    parts = _split_http(normalised)
    if not parts.netloc.isascii():
        raise ValueError(f"host cannot be IDNA-encoded: {url!r}")  # w3lib keeps such hosts raw
    drop = TRACKING_PARAMS | {name.lower() for name in drop_params}
    keep = {name.lower() for name in keep_params}
    return urlunsplit(
        (
            parts.scheme,
            _netloc(parts),
            _canonical_path(parts.path),
            _canonical_query(parts.query, drop=drop, keep=keep),
            "",
        )
    )


@lru_cache(maxsize=16384)
def url_key(url: str) -> str:
    """Dedup key: the canonical URL with scheme ``https`` and no leading ``www.``.

    Used to decide "already seen", never to fetch (the portal may not answer on https).
    """
    plain = _plain(url)
    if plain is not None:
        _, host, port, path = plain
        host = host[4:] if host.startswith("www.") else host
        return f"https://{host}{':' + port if port and port != '443' else ''}{path}"
    parts = urlsplit(canonicalize(url))
    netloc = parts.netloc
    host_start = netloc.rfind("@") + 1
    if netloc[host_start:].startswith("www."):
        netloc = netloc[:host_start] + netloc[host_start + 4 :]
    return canonicalize(urlunsplit(("https", netloc, parts.path, parts.query, "")))  # drops :443


def wordpress_post_id(url: str) -> int | None:
    """The WordPress post id of a plain permalink or shortlink (``/?p=123``), else None.

    Purely syntactic: only call it for portals whose profile says they run WordPress; on
    other CMSs ``?p=2`` is often a page number. The crawler fetches such a URL once, reads
    ``rel=canonical``/``rel=shortlink`` and stores id -> slug URL so later links resolve
    without a fetch.
    """
    try:
        parts = _split_http(url)
    except ValueError:
        return None
    values = [value for name, value in _query_pairs(parts.query) if name == "p"]
    if len(values) != 1 or not _DIGITS.fullmatch(values[0]):
        return None
    post_id = int(values[0])
    return post_id if post_id > 0 else None


def resolve_canonical(
    page_url: str,
    canonical_href: str | None,
    *,
    allowed_hosts: frozenset[str] = frozenset(),
) -> str:
    """The page's canonical URL: its ``rel=canonical`` if trustworthy, else the page URL.

    Trusted when the href (resolved against the page) is an http(s) URL on the same
    registrable domain and port as the page, or on a host in ``allowed_hosts`` (``host`` or
    ``host:port``), and is not the site root while the page is not. Both results are
    canonicalised. Raises ``ValueError`` only when ``page_url`` itself is not an http(s) URL.
    """
    page = canonicalize(page_url)
    if not canonical_href or not canonical_href.strip():
        return page
    try:
        candidate = canonicalize(urljoin(page, canonical_href.strip()))
    except ValueError:
        return page
    if _is_root(candidate) and not _is_root(page):
        return page
    if _same_site(page, candidate) or _host_allowed(candidate, allowed_hosts):
        return candidate
    return page


def _split_http(url: str) -> SplitResult:
    """Split and validate (rule 1): absolute http(s) with a host and a valid port."""
    if not isinstance(url, str):
        raise ValueError(f"URL must be a string, not {type(url).__name__}")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a non-numeric or out-of-range port
    except ValueError as error:
        raise ValueError(f"invalid URL {url!r}: {error}") from error
    if parts.scheme.lower() not in _SCHEMES:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not parts.hostname or not parts.hostname.strip("."):
        raise ValueError(f"URL without a host: {url!r}")
    if _FORBIDDEN_HOST.search(parts.hostname):
        raise ValueError(f"forbidden character in host: {url!r}")
    return parts


def _netloc(parts: SplitResult) -> str:
    """Rules 2-4: lowercase host without trailing dot, default port dropped, userinfo kept."""
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    return f"{userinfo}@{host}" if userinfo else host


def _canonical_path(path: str) -> str:
    """Rules 7-9: resolve dot segments, collapse slashes, drop trailing slash and variants."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    while segments and (segments[-1].lower() in _VARIANT_SEGMENTS or _has_empty_params(segments[-1])):
        if _has_empty_params(segments[-1]):
            segments[-1] = segments[-1][:-1]  # w3lib drops an empty ";params" at the end: do it now
            if segments[-1]:
                continue
        segments.pop()
    return "/" + "/".join(segments)


def _has_empty_params(segment: str) -> bool:
    """A last segment whose first ``;`` ends it (``"x;"``): empty path parameters."""
    return segment.find(";") == len(segment) - 1


def _canonical_query(query: str, *, drop: frozenset[str] | set[str], keep: set[str]) -> str:
    """Rules 9-11 on an already percent-normalised query: filter, then sort the raw pairs."""
    kept = []
    for raw in query.split("&"):
        if not raw:
            continue
        raw_name, _, raw_value = raw.partition("=")
        name = unquote_plus(raw_name).lower()
        value = unquote_plus(raw_value).lower()
        if name not in keep and (_is_variant_param(name, value) or _matches(name, drop)):
            continue
        kept.append((raw_name, raw_value))
    return "&".join(f"{name}={value}" for name, value in sorted(kept))


def _is_variant_param(name: str, value: str) -> bool:
    """Rule 9 for query parameters: ``amp``, ``print=1``, ``output=amp`` and the like."""
    if name == "amp":
        return True
    if name == "print":
        return value in _TRUE_VALUES
    return name in _VARIANT_OUTPUT_PARAMS and value in _VARIANT_VALUES


def _matches(name: str, patterns: frozenset[str] | set[str]) -> bool:
    """Exact names, or prefixes written with a trailing ``*``."""
    if name in patterns:
        return True
    return any(pattern.endswith("*") and name.startswith(pattern[:-1]) for pattern in patterns)


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """Decoded (name, value) pairs, names lowercased, blank values kept."""
    pairs = []
    for raw in query.split("&"):
        if raw:
            name, _, value = raw.partition("=")
            pairs.append((unquote_plus(name).lower(), unquote_plus(value)))
    return pairs


def _is_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == "/" and not parts.query


def _same_site(first: str, second: str) -> bool:
    """Same registrable domain (eTLD+1) and same port."""
    a, b = urlsplit(first), urlsplit(second)
    return a.port == b.port and _registrable_domain(a.hostname or "") == _registrable_domain(b.hostname or "")


def _host_allowed(url: str, allowed_hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    allowed = {host.lower().rstrip(".") for host in allowed_hosts}
    return (parts.hostname or "") in allowed or parts.netloc.rpartition("@")[2] in allowed


@lru_cache(maxsize=4096)
def _registrable_domain(host: str) -> str:
    """eTLD+1 by the public suffix list bundled with tldextract (no network access).

    IP addresses and single-label hosts (``localhost``, the replica) are their own domain.
    """
    result = _suffix_extractor()(host)
    if not result.suffix or not result.domain:
        return host
    return f"{result.domain}.{result.suffix}"


@lru_cache(maxsize=1)
def _suffix_extractor():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
