"""Spiders discover and fetch portal pages; they never extract fields (pipelines do)."""
