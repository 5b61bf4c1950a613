"""Scrapy extensions of muninews."""
