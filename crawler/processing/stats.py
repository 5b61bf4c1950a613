"""Counters with the two methods of Scrapy's StatsCollector the chain uses, for the paths that
run without a crawler (``muninews load``, ``muninews reextract``)."""

from __future__ import annotations

from typing import Any


class StatsCounter(dict):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] = self.get(key, start) + count

    def get_stats(self) -> dict[str, Any]:
        return dict(self)
