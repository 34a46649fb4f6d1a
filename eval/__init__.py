"""Benchmarks and metrics; run as `python -m eval.<name>`, each writes a JSON result file."""
