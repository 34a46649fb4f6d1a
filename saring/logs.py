"""Logging set-up shared by the CLI, flows and the desk."""

from __future__ import annotations

import logging

from rich.logging import RichHandler


def configure_logging(level: str | int = "INFO") -> None:
    logging.basicConfig(
        level=level,
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(rich_tracebacks=True, show_path=False)],
        force=True,
    )
    for noisy in ("httpx", "sentence_transformers", "transformers", "prefect", "faiss", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
