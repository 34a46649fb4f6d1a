"""Prefect flows and the collection libraries they compose (sources, normalisation, scoring)."""
