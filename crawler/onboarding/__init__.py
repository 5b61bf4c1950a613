"""Onboarding a new portal: the probe behind ``muninews add-portal`` drafts a profile."""
