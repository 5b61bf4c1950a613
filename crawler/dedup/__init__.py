"""Deduplication: one URL key per page (``urls``), one content hash per text and one story per
event told on several portals (``similarity``: MinHash LSH plus verification)."""
