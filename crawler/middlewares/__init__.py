"""Downloader middlewares that keep unattended crawls safe and accountable.

- ``hosts``: requests stay on their portal's hosts and off private/loopback addresses.
- ``redirects``: redirect loops and redirects off the portal become failures, not silent drops.
- ``retry``: retries with exponential backoff, honouring ``Retry-After`` on 429/503.
- ``reasons``: the one place that turns a fetch failure into the reason an analyst reads.

Registered, with their order, in ``crawler/settings.py`` (``DOWNLOADER_MIDDLEWARES``).
"""
