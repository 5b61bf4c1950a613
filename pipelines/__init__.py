"""Item pipelines, one concern each: extract, dedup, store (order in crawler/settings.py)."""
