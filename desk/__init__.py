"""The TRC review desk: FastAPI + Jinja2 pages and JSON API."""
