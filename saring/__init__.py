"""Saring: the shell every part shares (settings, database, logging, CLI)."""

__version__ = "0.1.0"
