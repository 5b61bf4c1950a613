"""muninews: municipal news portals into clean SQLite data."""

__version__ = "0.1.0"
