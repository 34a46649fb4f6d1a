"""Versions of the match judge: a folder per version under ``SARING_HOME/judges`` and one active.

The packaged default (``models/judge/default``) is used until a version trained on the install's own KB and
TRC verdicts is promoted (``saring judge train``). Every register, promote and rollback is appended to
``judges/events.jsonl`` with who did it and why. A judge is used only for the encoder family it was fitted
on: cosines of another model mean something else, so then the score bands of factcheck_kb.bands apply.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from models.judge.model import DEFAULT_DIR, MatchJudge, default_judge

log = logging.getLogger(__name__)
ACTIVE_FILE = "active.json"
EVENTS_FILE = "events.jsonl"
_VERSION = re.compile(r"^v(\d+)$")


class JudgeRegistryError(RuntimeError):
    """A registry operation that cannot be done."""


@dataclass(slots=True, frozen=True)
class JudgeVersion:
    version: str
    path: Path
    active: bool
    metrics: dict


def judges_dir() -> Path:
    from saring.config import get_settings

    return get_settings().home / "judges"


class JudgeRegistry:
    """Judge versions on disk, one active (or none: the packaged default)."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or judges_dir())

    def versions(self) -> list[JudgeVersion]:
        active = self.active_version()
        out = []
        if self.root.is_dir():
            for folder in sorted(self.root.iterdir(), key=lambda p: _number(p.name)):
                if _VERSION.match(folder.name) and (folder / "config.json").is_file():
                    out.append(JudgeVersion(folder.name, folder, folder.name == active, _metrics(folder)))
        return out

    def active_version(self) -> str | None:
        try:
            return json.loads((self.root / ACTIVE_FILE).read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            return None

    def load(self, version: str | None = None) -> MatchJudge:
        """A version, the active one by default, else the packaged default."""
        version = version or self.active_version()
        if version is None:
            return default_judge()
        folder = self.root / version
        if not (folder / "config.json").is_file():
            raise JudgeRegistryError(f"no judge version {version!r} in {self.root}")
        return MatchJudge.from_pretrained(folder)

    def register(self, judge: MatchJudge, *, actor: str, reason: str = "trained") -> JudgeVersion:
        """Save a judge as the next version (written to a staging folder, then renamed)."""
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [_number(p.name) for p in self.root.iterdir() if _VERSION.match(p.name)]
        version = f"v{max(numbers, default=0) + 1}"
        staging = self.root / f".staging-{uuid.uuid4().hex}"
        judge.card.version = version
        judge.card.trained_by = actor
        judge.save_pretrained(staging)
        os.replace(staging, self.root / version)
        self._event("register", version, actor, reason)
        return JudgeVersion(version, self.root / version, False, _metrics(self.root / version))

    def promote(self, version: str, *, actor: str, reason: str = "") -> None:
        if not (self.root / version / "config.json").is_file():
            raise JudgeRegistryError(f"no judge version {version!r} in {self.root}")
        previous = self.active_version()
        tmp = self.root / (ACTIVE_FILE + ".tmp")
        tmp.write_text(json.dumps({"version": version, "previous": previous}), encoding="utf-8")
        tmp.replace(self.root / ACTIVE_FILE)
        self._event("promote", version, actor, reason, previous=previous)

    def rollback(self, *, actor: str, reason: str = "") -> str | None:
        """Back to the version active before this one (or the packaged default); returns it."""
        try:
            state = json.loads((self.root / ACTIVE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise JudgeRegistryError(
                "no promoted judge to roll back (the packaged default is in use)"
            ) from exc
        previous = state.get("previous")
        if previous:
            tmp = self.root / (ACTIVE_FILE + ".tmp")
            tmp.write_text(json.dumps({"version": previous, "previous": None}), encoding="utf-8")
            tmp.replace(self.root / ACTIVE_FILE)
        else:
            (self.root / ACTIVE_FILE).unlink(missing_ok=True)
        self._event("rollback", previous or "default", actor, reason, previous=state.get("version"))
        return previous

    def remove(self, version: str) -> None:
        if version == self.active_version():
            raise JudgeRegistryError(f"{version} is active; roll back first")
        shutil.rmtree(self.root / version, ignore_errors=True)

    def events(self) -> list[dict]:
        path = self.root / EVENTS_FILE
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def _event(self, action: str, version: str, actor: str, reason: str, **extra) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        row = {"at": datetime.now(UTC).isoformat(), "action": action, "version": version, "actor": actor}
        row.update({"reason": reason, **extra})
        with (self.root / EVENTS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        log.info("judge %s %s by %s", action, version, actor)


def _number(name: str) -> int:
    m = _VERSION.match(name)
    return int(m.group(1)) if m else -1


def _metrics(folder: Path) -> dict:
    try:
        return json.loads((folder / "card.json").read_text(encoding="utf-8")).get("metrics", {})
    except (OSError, ValueError):
        return {}


def _family(model_id: str | None) -> str | None:
    if not model_id:
        return None
    from factcheck_kb.fusion import model_family

    return model_family(model_id)


@lru_cache(maxsize=8)
def _judge_for(model_id: str, root: str, active: str | None) -> MatchJudge | None:
    registry = JudgeRegistry(Path(root))
    try:
        judge = registry.load(active)
    except (OSError, ValueError, KeyError, JudgeRegistryError) as exc:
        log.warning("the active match judge cannot be read (%s); using the packaged default", exc)
        judge = default_judge()
    fitted = _family(judge.config.encoder)
    if fitted is not None and fitted != _family(model_id):
        log.warning(
            "match judge %s was fitted on %s cosines, not %s: matches use score bands until a judge is "
            "trained for this encoder (`saring judge train`)",
            judge.version,
            judge.config.encoder,
            model_id,
        )
        return None
    return judge


def judge_for(model_id: str) -> MatchJudge | None:
    """The active judge (else the packaged default) when it was fitted on this encoder's family; else None.

    Loaded once per active version: a promotion or rollback (in any process) is seen at the next call."""
    root = judges_dir()
    return _judge_for(model_id, str(root), JudgeRegistry(root).active_version())


__all__ = ["DEFAULT_DIR", "JudgeRegistry", "JudgeRegistryError", "JudgeVersion", "judge_for", "judges_dir"]
