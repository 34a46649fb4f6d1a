"""Self-written demo data for Saring (Kabupaten Kotabaru): fact checks, posts, gazetteer, slang, sources."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent


def demo_path(name: str) -> Path:
    """Return the path of a demo data file in this package; raise FileNotFoundError if it is missing."""
    path = DEMO_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DEMO_DIR.iterdir() if p.is_file() and not p.name.startswith("_"))
        raise FileNotFoundError(f"no demo data file {name!r}; available: {', '.join(available)}")
    return path
