"""Where a crawl may go: only its portal's hosts, and no private addresses unless allowed.

A page can steer a crawler with links and redirects; on a server that can reach internal networks
that is a server-side request forgery. Each request belongs to a portal (``cb_kwargs["portal"]``
or ``meta["portal"]``, else the portal whose host it targets); it may only go to that portal's
hosts *and ports* (the unit is ``host:port``: the base URL's, plus the profile's ``allowed_hosts``;
a host named without a port, or a base URL on the scheme's default port, means ports 80 and 443,
so http -> https still works; the portal's own address on another port is another site), and its
host must not resolve to a
private, loopback, link-local or otherwise non-public address unless the profile sets
``allow_private_addresses = true`` (the loopback replica does).

Links off the portal are dropped when scheduled (counted in ``muninews/refused/link``, like
Scrapy's offsite filter); a portal host that resolves to a private address is refused before
connecting, with a ``RefusedRequest`` the spider's errback records as a failure. Hostnames are
resolved through the reactor's resolver, which is Scrapy's caching resolver, so the connection
uses the address that was checked.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.registry import Registry, registry_from_settings

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """A request the crawl must not make; the message is the failure reason analysts read."""


DEFAULT_PORTS = {"http": 80, "https": 443}
Unit = tuple[str, int]


_HEAD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#\t\r\n]*)(?=[/?#]|$)")


def unit_of(url: str | SplitResult) -> Unit | None:
    """(host, port) a URL goes to, the port made explicit; None for no host or a bad port."""
    if isinstance(url, str):
        head = _HEAD.match(url)  # only scheme and authority matter: answered once per pair
        return _unit_of_head(head[1].lower(), head[2]) if head else _unit_of_parts(urlsplit(url))
    return _unit_of_parts(url)


@lru_cache(maxsize=1024)
def _unit_of_head(scheme: str, netloc: str) -> Unit | None:
    return _unit_of_parts(urlsplit(f"{scheme}://{netloc}"))


def _unit_of_parts(parts: SplitResult) -> Unit | None:
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    port = port or DEFAULT_PORTS.get(parts.scheme.lower())
    return (host, port) if host and port else None


def portal_units(portal) -> frozenset[Unit]:
    """Where a portal may go: its base URL's host and port, and each of ``allowed_hosts``
    (``host`` or ``host:port``); a default port stands for both 80 and 443."""
    units: set[Unit] = set()
    for address in (portal.base_url, *(f"//{h}" for h in portal.allowed_hosts if h)):
        parts = urlsplit(address)
        try:
            port = parts.port
        except ValueError:
            continue
        host = (parts.hostname or "").lower()
        if not host:
            continue
        if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
            units.update({(host, 80), (host, 443)})
        else:
            units.add((host, port))
    return frozenset(units)


@dataclass(frozen=True)
class HostPolicy:
    """Per portal: the host-and-port units it may visit and whether they may be private addresses."""

    hosts: dict[str, frozenset[Unit]]
    private_ok: dict[str, bool]

    @classmethod
    def from_registry(cls, registry: Registry) -> HostPolicy:
        portals = registry.portals.values()
        return cls({p.name: portal_units(p) for p in portals}, {p.name: p.allow_private_addresses for p in portals})

    def portal_of(self, request: Request) -> str | None:
        """The portal a request is made for; a redirect keeps the portal of its first URL."""
        named = request.cb_kwargs.get("portal") or request.meta.get("portal")
        if named in self.hosts:
            return named
        unit = unit_of(urlparse_cached(request))
        return next((name for name, units in self.hosts.items() if unit in units), None)

    def allows(self, portal: str | None, url: str | SplitResult) -> bool:
        """May ``portal`` go to ``url`` (its host and port)?"""
        return portal is not None and unit_of(url) in self.hosts.get(portal, frozenset())


def _shown(parts: SplitResult) -> str:
    """``host`` on the scheme's default port, else ``host:port`` (what a failure reason names)."""
    unit = unit_of(parts)
    if unit is None:
        return parts.hostname or parts.netloc or "?"
    return unit[0] if unit[1] == DEFAULT_PORTS.get(parts.scheme.lower()) else f"{unit[0]}:{unit[1]}"


def non_public_kind(address: str) -> str | None:
    """"loopback", "private", "link-local", … for addresses a portal must not lead to; None if public."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class HostGuardMiddleware:
    """Refuse requests outside the portal's hosts or to non-public addresses (priority < 50, so
    before Scrapy's offsite filter and before any robots.txt fetch for the host)."""

    def __init__(self, policy: HostPolicy, stats=None) -> None:
        self.policy = policy
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(HostPolicy.from_registry(registry_from_settings(crawler.settings)), crawler.stats)
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request: Request, spider=None) -> None:
        """Drop links off the portal before they are queued (the engine ignores IgnoreRequest here)."""
        if request.meta.get("redirect_urls"):
            return  # redirects were checked by RedirectGuardMiddleware, and are rechecked below
        portal = self.policy.portal_of(request)
        host = _shown(urlparse_cached(request))
        if not self.policy.allows(portal, urlparse_cached(request)):
            self._count("muninews/refused/link")
            logger.info("Not following %s: %s is not one of portal %s's hosts and ports", request.url, host, portal)
            raise IgnoreRequest(f"link to {host} outside portal {portal}'s hosts and ports")

    async def process_request(self, request: Request, spider=None) -> None:
        portal = self.policy.portal_of(request)
        host = (urlparse_cached(request).hostname or "").lower()
        redirected = bool(request.meta.get("redirect_urls"))
        if not self.policy.allows(portal, urlparse_cached(request)):
            self._count("muninews/refused/host")
            prefix = "redirect to disallowed host" if redirected else "refused: host not allowed:"
            raise RefusedRequest(f"{prefix} {_shown(urlparse_cached(request))} (portal {portal})")
        if self.policy.private_ok.get(portal or "", False):
            return None
        address = host if is_ip_literal(host) else await self._resolve(host)
        kind = non_public_kind(address) if address else None
        if kind:
            self._count("muninews/refused/private_address")
            what = "redirect to" if redirected else "refused:"
            raise RefusedRequest(f"{what} {host} resolves to {kind} address {address} (portal {portal})")
        return None

    async def _resolve(self, host: str) -> str | None:
        """The address the download will use (Scrapy's caching resolver); None: let the download
        report the DNS failure itself."""
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))
        except Exception:  # DNSLookupError and friends: the downloader records "DNS lookup failed"
            return None

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
