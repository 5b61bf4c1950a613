"""XML sitemaps: robots.txt ``Sitemap:`` lines and the profile's paths, indexes followed.

A sitemap is read as a stream by its content (gzipped or not, whatever its URL or type says;
``spiders.sources.parsers.SitemapReader``), so its size costs no memory; what cannot be read (HTML,
garbage, a sitemap cut at the size limit) is a failures row for its URL. The sitemaps robots.txt
names are read; robots.txt that names none, is missing or fails leads to the profile's sitemap
paths. Read first: the spider fetches none of the portal's links before its sitemaps are read,
then the newest ``lastmod`` first. A child the index dates as it did on a night that read it
whole is left unread (the spider's ``_unchanged``)."""

from __future__ import annotations

from typing import Any

from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import SitemapReader, absolute_url, robots_sitemaps


@register
class Sitemaps(Source):
    name = "sitemap"
    complete = True
    read_first = True

    def start(self, portal: Any) -> list[Step]:
        return [Step(f"{portal.base_url}/robots.txt", "robots")]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              **kwargs: Any) -> Found:
        if step == "robots":
            urls = robots_sitemaps(response.body, portal.base_url) if response.status == 200 else []
            return Found(steps=_sitemaps(urls, portal))
        found = Found()
        reader = SitemapReader(response.body, context.max_bytes)

        def links():
            dated = True
            for kind, value in reader:
                if kind == "sitemap":
                    child = absolute_url(response.url, value.url)
                    if child:
                        found.steps.append(Step(child, "sitemap", modified=value.lastmod))
                else:
                    dated = dated and value.lastmod is not None
                    yield value
            found.problem = reader.problem
            found.whole = reader.kind == "urlset" and reader.problem is None and dated

        found.links = links()
        return found

    def on_failure(self, portal: Any, step: str, **kwargs: Any) -> list[Step]:
        return _sitemaps([], portal) if step == "robots" else []


def _sitemaps(urls: list[str], portal: Any) -> list[Step]:
    """The sitemaps robots.txt names; the profile's paths only when it names none. A portal that
    declares its sitemap has told where it is: guessing the CMS family's other paths as well
    (WordPress: /wp-sitemap.xml, /sitemap_index.xml, /sitemap.xml) cost two or three requests per
    portal and night, mostly 404s or a second copy of the same index (issue 17's fleet)."""
    if not urls:
        urls = [portal.base_url + path for path in portal.discovery.sitemap_paths]
    return [Step(url, "sitemap") for url in dict.fromkeys(urls)]
