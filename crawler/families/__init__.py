"""CMS families: what one content-management system does the same way on every site that runs it.

One module per CMS (``wordpress``, ...; ``generic`` for a site whose CMS nobody named): its
discovery defaults (which sources to try, at which paths), how its feeds and listings page, and
what its APIs say. A profile's ``[family] cms = "wordpress"`` selects the module; discovery
sources ask it (``crawler.families.of(portal)``) instead of knowing any CMS themselves.

A family module defines ``NAME`` and may define any of:

- ``DISCOVERY``: defaults for the profile's ``[discovery]`` table (the profile wins);
- ``feed_page_url(feed_url, page)``: the URL of a feed's ``page``-th page, or None when its
  feeds do not page;
- ``NEXT_PAGE``: a selector for the "next page" link of its listings;
- ``ARTICLE_LINKS``: a selector for the article links of its listings;
- ``CATEGORY_LINKS``: a selector for links to further listings (category archives);
- ``not_an_article(body)``: why a fetched page that yields no article is none (a password form),
  or None;
- ``never_an_article(body)``: why a page is no article even when it has a title and text (a
  content type that never is one: Plone's Events and Pages), or None;
- ``author_page_name(body)``: the name an author's page shows, for discovery that names authors
  by their pages only (``crawler.items.Link.author_pages``), or None;
- ``recognises(tree)`` and ``extract(tree, ctx, wanted)``: the extraction layer "family" (after
  the profile's selectors, before structured data): the fields the CMS's own markup states (its
  byline's authors and dates, its lead), for a portal of that CMS or a page it recognises.

Adding a CMS is one module here: every module of this package is a family, named by its file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

FAMILY_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))
GENERIC = "generic"


def names() -> tuple[str, ...]:
    return FAMILY_MODULES


def get(name: str | None) -> ModuleType:
    """The family module called ``name`` (None: generic); ValueError for an unknown one."""
    name = name or GENERIC
    if name not in FAMILY_MODULES:
        raise ValueError(f"unknown cms {name!r}; known: {', '.join(FAMILY_MODULES)}")
    return importlib.import_module(f"crawler.families.{name}")


def of(portal: Any) -> ModuleType:
    """The family module of a registry ``Portal``."""
    return get(portal.cms)


def feed_page_url(portal: Any, feed_url: str, page: int) -> str | None:
    paging = getattr(of(portal), "feed_page_url", None)
    return paging(feed_url, page) if paging else None


def _modules_for(portal: Any) -> list[ModuleType]:
    """The portal's CMS family, or every family when its profile names none (a draft need not)."""
    return [of(portal)] if portal is not None and portal.cms else [get(name) for name in FAMILY_MODULES]


def not_an_article(portal: Any, body: bytes) -> str | None:
    """The CMS's own reason why ``body`` holds no article; for a portal whose CMS nobody named,
    any family that recognises its markup says (a draft profile need not name its CMS)."""
    return _first_reason(portal, body, "not_an_article")


def never_an_article(portal: Any, body: bytes) -> str | None:
    """The CMS's reason why ``body`` is no article whatever text it holds (its content type)."""
    return _first_reason(portal, body, "never_an_article")


def _first_reason(portal: Any, body: bytes, hook: str) -> str | None:
    data = body.encode("utf-8", "replace") if isinstance(body, str) else body
    for module in _modules_for(portal):
        reason = getattr(module, hook, None)
        if reason is not None and (found := reason(data)):
            return found
    return None


def author_page_name(portal: Any, body: bytes) -> str | None:
    """The name an author's page shows, read by the CMS that linked it (None: it names nobody)."""
    return _first_reason(portal, body, "author_page_name")


def extraction_family(portal: Any, tree: Any) -> ModuleType | None:
    """The family whose ``extract`` reads this page: the portal's CMS, else one that recognises it."""
    for module in _modules_for(portal):
        if getattr(module, "extract", None) is None:
            continue
        recognises = getattr(module, "recognises", None)
        if (portal is not None and portal.cms) or (recognises is not None and recognises(tree)):
            return module
    return None


# What a profile's [discovery] says when it says nothing of a listing's links (registry.Discovery).
ANY_LINK = "a"


def listing_selectors(portal: Any) -> tuple[str, str | None, str | None]:
    """(article links, next page, further listings) of a portal's listings: the profile's where it
    names them, else its CMS family's (a WordPress site's titles, pagination and categories)."""
    family = of(portal)
    discovery = portal.discovery
    links = discovery.article_links
    if links == ANY_LINK:
        links = getattr(family, "ARTICLE_LINKS", None) or links
    next_page = discovery.next_page or getattr(family, "NEXT_PAGE", None)
    return links, next_page, getattr(family, "CATEGORY_LINKS", None)
