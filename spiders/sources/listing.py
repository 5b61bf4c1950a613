"""Listing pages (a category, the news index) with their "next page" links; a next page is followed
only after a page that added an article link this run had not seen (endless pagination ends)."""

from __future__ import annotations

import re
from typing import Any

from scrapy.utils.response import get_base_url

from crawler import families
from crawler.items import Link
from crawler.registry import selector_xpath
from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import absolute_urls


@register
class Listings(Source):
    name = "listing"
    records_failures = True  # a listing the profile names should answer

    def start(self, portal: Any) -> list[Step]:
        return [Step(portal.base_url + path) for path in portal.discovery.start_paths]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              **kwargs: Any) -> Found:
        page = response
        article_links, next_page, more_listings = families.listing_selectors(portal)
        base = get_base_url(page)  # the page's <base href> when it has one, as response.urljoin
        hrefs = page.xpath(selector_xpath(article_links)).xpath("@href").getall()
        links = [Link(url) for url in absolute_urls(base, hrefs)]
        found = Found(links=links, steps_only_if_new=bool(links) and context.completed_before)
        if next_page:
            nexts = page.xpath(selector_xpath(next_page)).xpath("@href").getall()[:1]
            found.steps = [Step(url, paging=True) for url in absolute_urls(base, nexts)]
        if more_listings:  # the CMS's category archives: each a listing with its own pages
            found.steps += [Step(url, paging=is_page_link(url)) for url in
                            dict.fromkeys(absolute_urls(base, page.xpath(selector_xpath(more_listings)).xpath("@href").getall()))]
        return found


# A numbered page of a listing (WordPress /page/N/ and ?paged=N, ?page=N, Plone ?b_start:int=N):
# a category link that is one is paging, followed only after a page that added something new.
PAGE_LINK = re.compile(r"/page/\d+/?(?:[?#]|$)|[?&](?:paged|page|b_start(?::int)?)=\d")


def is_page_link(url: str) -> bool:
    return PAGE_LINK.search(url) is not None
