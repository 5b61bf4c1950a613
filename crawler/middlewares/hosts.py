"""Where a crawl may go: only its portal's hosts, and no private addresses unless allowed.

A page can steer a crawler with links and redirects; on a server that can reach internal networks
that is a server-side request forgery. Each request belongs to a portal (``cb_kwargs["portal"]``
or ``meta["portal"]``, else the portal whose host it targets); it may only go to that portal's
``hosts`` (base URL host plus the profile's ``allowed_hosts``), and its host must not resolve to a
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
from dataclasses import dataclass

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.registry import Registry, registry_from_settings

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """A request the crawl must not make; the message is the failure reason analysts read."""


@dataclass(frozen=True)
class HostPolicy:
    """Per portal: the hosts it may visit and whether they may be private addresses."""

    hosts: dict[str, frozenset[str]]
    private_ok: dict[str, bool]

    @classmethod
    def from_registry(cls, registry: Registry) -> HostPolicy:
        portals = registry.portals.values()
        return cls(
            {p.name: frozenset(h.lower() for h in p.hosts if h) for p in portals},
            {p.name: p.allow_private_addresses for p in portals},
        )

    def portal_of(self, request: Request) -> str | None:
        """The portal a request is made for; a redirect keeps the portal of its first URL."""
        named = request.cb_kwargs.get("portal") or request.meta.get("portal")
        if named in self.hosts:
            return named
        host = (urlparse_cached(request).hostname or "").lower()
        return next((name for name, hosts in self.hosts.items() if host in hosts), None)

    def allows_host(self, portal: str | None, host: str | None) -> bool:
        return portal is not None and bool(host) and host.lower() in self.hosts.get(portal, frozenset())


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
        host = urlparse_cached(request).hostname
        if not self.policy.allows_host(portal, host):
            self._count("muninews/refused/link")
            logger.info("Not following %s: host %s is not one of portal %s's hosts", request.url, host, portal)
            raise IgnoreRequest(f"link to host {host} outside portal {portal}'s hosts")

    async def process_request(self, request: Request, spider=None) -> None:
        portal = self.policy.portal_of(request)
        host = (urlparse_cached(request).hostname or "").lower()
        redirected = bool(request.meta.get("redirect_urls"))
        if not self.policy.allows_host(portal, host):
            self._count("muninews/refused/host")
            prefix = "redirect to disallowed host" if redirected else "refused: host not allowed:"
            raise RefusedRequest(f"{prefix} {host} (portal {portal})")
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
