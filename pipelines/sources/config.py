"""The sources YAML: which inputs to collect, from where, how often, for which region.

Shape (a top-level list, or a mapping with a ``sources:`` list)::

    sources:
      - name: fb-pemkab-kotabaru          # unique; the posts' ``source``
        kind: meta_export                 # a key of pipelines.sources.CONNECTORS
        location: exports/meta/           # path (relative to this file) or URL
        schedule: "*/30 * * * *"          # cron, 5 fields; omit for manual runs only
        region_tags: [kotabaru, kalsel]
        enabled: true
        options: {timezone: WITA}         # passed to the connector as is

Errors name the file, the entry (number and name) and the field:
``sources.yaml: entry 2 ('rss-antara'), field 'schedule': not a cron expression: …``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_CRON_ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
}


class SourcesConfigError(ValueError):
    """The sources file cannot be used; the message says where and why."""


def validate_cron(expression: str) -> str:
    """A 5-field cron expression (or @hourly/@daily/…), normalised; raises ValueError."""
    expression = _CRON_ALIASES.get(expression.strip(), expression.strip())
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"not a cron expression (need 5 fields, got {len(fields)}): {expression!r}")
    try:
        from cronsim import CronSim, CronSimError
    except ImportError:  # cronsim comes with Prefect; without it only the field count is checked
        return expression
    try:
        CronSim(expression, datetime(2025, 1, 1))
    except CronSimError as exc:
        raise ValueError(f"not a cron expression: {expression!r} ({exc})") from exc
    return expression


class SourceEntry(BaseModel):
    """One configured source."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    kind: str
    location: str = Field(min_length=1)
    schedule: str | None = None
    region_tags: list[str] = Field(default_factory=list)
    enabled: bool = True
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        from pipelines.sources import CONNECTORS

        if value not in CONNECTORS:
            raise ValueError(f"unknown kind {value!r}; known: {', '.join(sorted(CONNECTORS))}")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return validate_cron(value) if value else None

    @field_validator("region_tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return [tag.strip().lower() for tag in value if tag.strip()]

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


class SourcesConfig(BaseModel):
    """All configured sources, names unique."""

    sources: list[SourceEntry] = Field(default_factory=list)

    def enabled(self) -> list[SourceEntry]:
        """The sources to collect from."""
        return [s for s in self.sources if s.enabled]

    def get(self, name: str) -> SourceEntry:
        """The entry with this name (KeyError if none)."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def parse_sources_config(
    data: Any, *, origin: str = "<sources>", base_dir: Path | None = None
) -> SourcesConfig:
    """Validate already-loaded YAML data; relative locations are resolved against ``base_dir``."""
    if isinstance(data, dict):
        if set(data) - {"sources"}:
            raise SourcesConfigError(f"{origin}: unknown top-level keys {sorted(set(data) - {'sources'})}")
        data = data.get("sources")
    if data is None:
        data = []
    if not isinstance(data, list):
        raise SourcesConfigError(f"{origin}: expected a list of sources, got {type(data).__name__}")
    entries: list[SourceEntry] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(data, start=1):
        label = _label(number, item)
        if not isinstance(item, dict):
            problems.append(f"{origin}: {label}: expected a mapping, got {type(item).__name__}")
            continue
        try:
            entry = SourceEntry.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "entry"
                problems.append(f"{origin}: {label}, field '{where}': {error['msg']}")
            continue
        if entry.name in seen:
            problems.append(f"{origin}: {label}, field 'name': duplicate of entry {seen[entry.name]}")
            continue
        seen[entry.name] = number
        entries.append(_resolve(entry, base_dir))
    if problems:
        raise SourcesConfigError("\n".join(problems))
    return SourcesConfig(sources=entries)


def _label(number: int, item: Any) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    return f"entry {number} ({name!r})" if name else f"entry {number}"


def _resolve(entry: SourceEntry, base_dir: Path | None) -> SourceEntry:
    if entry.is_url:
        return entry
    location = Path(os.path.expandvars(entry.location)).expanduser()
    if not location.is_absolute() and base_dir is not None:
        location = base_dir / location
    return entry.model_copy(update={"location": str(location)})


def load_sources_config(path: str | Path) -> SourcesConfig:
    """Read and validate a sources YAML file; raises SourcesConfigError naming file, entry and field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourcesConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_sources_config(data, origin=path.name, base_dir=path.parent)
