"""Model registry: a folder per version under SARING_HOME/registry plus database rows; one active."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.classifier.metrics import classification_metrics
from models.classifier.splits import FIXED_SPLIT_ID
from saring.config import get_settings
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog
from saring.db.tables.registry import ModelEvent, ModelVersion

log = logging.getLogger(__name__)
VALIDATION_FILE = "validation.jsonl"
GATE_METRIC = "macro_f1"
_VERSION = re.compile(r"^v(\d+)$")


class RegistryError(RuntimeError):
    """A registry operation that cannot be done (unknown version, nothing to roll back to, ...)."""


@dataclass(slots=True)
class VersionInfo:
    """A registered model version as the database describes it."""

    version: str
    parent_version: str | None
    kind: str
    encoder: str
    path: Path
    status: str
    validation_split: str
    validation_macro_f1: float | None
    threshold: float
    trained_by: str
    trained_at: datetime
    metrics: dict = field(default_factory=dict)
    data_snapshot: dict = field(default_factory=dict)
    notes: str = ""

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(slots=True)
class GateDecision:
    """Whether a candidate may replace the active version, and why."""

    candidate: str
    active: str | None
    promote: bool
    reason: str
    candidate_score: float | None = None
    active_score: float | None = None
    details: dict = field(default_factory=dict)


@dataclass(slots=True)
class PromotionResult:
    """What promote() did."""

    promoted: bool
    forced: bool
    decision: GateDecision


def _info(row: ModelVersion, root: Path) -> VersionInfo:
    return VersionInfo(
        version=row.version,
        parent_version=row.parent_version,
        kind=row.kind,
        encoder=row.encoder,
        path=root / row.path,
        status=row.status,
        validation_split=row.validation_split,
        validation_macro_f1=row.validation_macro_f1,
        threshold=row.threshold,
        trained_by=row.trained_by,
        trained_at=row.trained_at,
        metrics=row.metrics or {},
        data_snapshot=row.data_snapshot or {},
        notes=row.notes or "",
    )


def read_validation_rows(folder: Path) -> list[dict]:
    path = folder / VALIDATION_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class ModelRegistry:
    """Versions folder + `model_versions` / `model_events` rows; promotions and rollbacks are audited."""

    def __init__(self, root: Path | None = None, db_url: str | None = None):
        self.root = Path(root or get_settings().registry_dir)
        self.db_url = db_url

    # ----------------------------------------------------------------- reading
    def list_versions(self) -> list[VersionInfo]:
        with session_scope(self.db_url) as session:
            rows = session.scalars(select(ModelVersion).order_by(ModelVersion.id)).all()
            return [_info(r, self.root) for r in rows]

    def get(self, version: str) -> VersionInfo:
        with session_scope(self.db_url) as session:
            row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
            if row is None:
                known = ", ".join(v.version for v in self.list_versions()) or "none"
                raise RegistryError(f"no model version {version!r} (known: {known})")
            return _info(row, self.root)

    def active(self) -> VersionInfo | None:
        with session_scope(self.db_url) as session:
            row = session.scalar(select(ModelVersion).where(ModelVersion.status == "active"))
            return _info(row, self.root) if row else None

    def events(self, version: str | None = None) -> list[ModelEvent]:
        with session_scope(self.db_url) as session:
            query = select(ModelEvent).order_by(ModelEvent.id)
            if version:
                query = query.where(ModelEvent.version == version)
            return list(session.scalars(query).all())

    def load(self, version: str | None = None, *, encoder=None):
        """The classifier of a version (the active one by default)."""
        from models.classifier import load_classifier

        info = self.get(version) if version else self.active()
        if info is None:
            raise RegistryError("no active model: train one (`saring train`) or promote a version")
        return load_classifier(info.path, encoder=encoder)

    # ----------------------------------------------------------------- writing
    @contextmanager
    def _staging(self) -> Iterator[Path]:
        staging = self.root / ".staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def _next_version(session: Session) -> str:
        numbers = [
            int(m.group(1)) for v in session.scalars(select(ModelVersion.version)) if (m := _VERSION.match(v))
        ]
        return f"v{max(numbers, default=0) + 1}"

    def register(
        self,
        model,
        *,
        trained_by: str,
        validation: list[dict] | None = None,
        parent_version: str | None = None,
        notes: str = "",
    ) -> VersionInfo:
        """Save a trained model as a new candidate version (staging folder, renamed on success)."""
        if parent_version is None:
            active = self.active()
            parent_version = active.version if active else None
        for attempt in range(3):
            with self._staging() as staging:
                model.card.parent_version = parent_version
                model.card.trained_by = trained_by
                model.save_pretrained(staging)
                with (staging / VALIDATION_FILE).open("w", encoding="utf-8") as handle:
                    for row in validation or []:
                        handle.write(
                            json.dumps(
                                {k: row[k] for k in ("key", "text", "label", "source") if k in row},
                                ensure_ascii=False,
                            )
                            + "\n"
                        )
                try:
                    return self._commit_version(
                        model, staging, trained_by=trained_by, parent_version=parent_version, notes=notes
                    )
                except IntegrityError:
                    if attempt == 2:
                        raise
                    log.info("version number taken by a concurrent registration; retrying")
        raise RegistryError("could not register the version")  # pragma: no cover

    def _commit_version(
        self, model, staging: Path, *, trained_by: str, parent_version: str | None, notes: str
    ) -> VersionInfo:
        final: Path | None = None
        try:
            with session_scope(self.db_url) as session:
                version = self._next_version(session)
                model.card.version = version
                model.card.save(staging)
                metrics = model.card.metrics
                val = (metrics.get("fixed_validation") or {}).get("model") or {}
                row = ModelVersion(
                    version=version,
                    parent_version=parent_version,
                    kind=model.config.kind,
                    encoder=str(model.config.encoder),
                    path=version,
                    status="candidate",
                    data_snapshot=model.card.training_data,
                    metrics=metrics,
                    validation_split=FIXED_SPLIT_ID,
                    validation_macro_f1=val.get(GATE_METRIC),
                    threshold=float(model.threshold),
                    trained_by=trained_by,
                    notes=notes,
                )
                session.add(row)
                session.flush()
                self._event(
                    session,
                    "register",
                    version,
                    None,
                    trained_by,
                    notes or "trained",
                    {"validation_macro_f1": row.validation_macro_f1},
                )
                final = self.root / version
                if final.exists():
                    raise RegistryError(f"{final} exists but is not in the database; move it away first")
                os.replace(staging, final)
                info = _info(row, self.root)
        except Exception:
            if final is not None and final.exists() and not staging.exists():
                os.replace(final, staging)
            raise
        log.info("registered %s at %s", info.version, info.path)
        return info

    @staticmethod
    def _event(
        session: Session,
        action: str,
        version: str | None,
        previous: str | None,
        actor: str,
        reason: str,
        details: dict | None = None,
    ) -> None:
        session.add(
            ModelEvent(
                action=action,
                version=version,
                previous_version=previous,
                actor=actor,
                reason=reason,
                details=details or {},
            )
        )
        session.add(
            AuditLog(
                actor=actor,
                action=f"model.{action}",
                entity_type="model_version",
                entity_id=version or "-",
                details={"previous_version": previous, "reason": reason, **(details or {})},
            )
        )

    def record_event(
        self, action: str, *, version: str | None, actor: str, reason: str, details: dict | None = None
    ) -> None:
        """Record a decision about models (e.g. a retrain run that trained nothing) in events and audit."""
        with session_scope(self.db_url) as session:
            self._event(session, action, version, None, actor, reason, details)

    # ------------------------------------------------------------- promotion
    def gate(self, version: str, *, encoder=None) -> GateDecision:
        """Compare a candidate with the active version on the candidate's fixed validation split."""
        candidate = self.get(version)
        active = self.active()
        if active is None:
            return GateDecision(version, None, True, "no active version yet")
        if active.version == version:
            return GateDecision(version, version, False, f"{version} is already active")
        if candidate.validation_split != FIXED_SPLIT_ID:
            return GateDecision(
                version,
                active.version,
                False,
                f"{version} was validated on {candidate.validation_split}, not {FIXED_SPLIT_ID}",
            )
        cand_rows = read_validation_rows(candidate.path)
        cand_score = candidate.validation_macro_f1
        if not cand_rows or cand_score is None:
            return GateDecision(
                version, active.version, False, f"{version} has no metrics on the fixed validation split"
            )
        active_rows = read_validation_rows(active.path)
        same_rows = {r["key"] for r in cand_rows} == {r["key"] for r in active_rows} and {
            (r["key"], r["label"]) for r in cand_rows
        } == {(r["key"], r["label"]) for r in active_rows}
        if same_rows and active.validation_macro_f1 is not None:
            active_score, how = active.validation_macro_f1, "stored metrics (identical validation examples)"
        else:
            active_model = self.load(active.version, encoder=encoder)
            probs = active_model.hoax_probability([r["text"] for r in cand_rows])
            m = classification_metrics([r["label"] for r in cand_rows], probs, active_model.threshold)
            active_score, how = (
                m[GATE_METRIC],
                f"re-scored {active.version} on {version}'s validation examples",
            )
        ok = round(cand_score, 6) >= round(active_score, 6)
        verb = "at least as good as" if ok else "worse than"
        reason = (
            f"{version} macro-F1 {cand_score:.4f} is {verb} active {active.version} {active_score:.4f} "
            f"on the fixed validation split ({len(cand_rows)} examples; {how})"
        )
        return GateDecision(
            version,
            active.version,
            ok,
            reason,
            cand_score,
            active_score,
            {"n_validation": len(cand_rows), "comparison": how},
        )

    def promote(
        self, version: str, *, actor: str, force: bool = False, reason: str = "", encoder=None
    ) -> PromotionResult:
        """Make a version active if it passes the gate (or when forced, which is logged)."""
        decision = self.gate(version, encoder=encoder)
        if decision.active == version:
            return PromotionResult(False, False, decision)
        if not decision.promote and not force:
            with session_scope(self.db_url) as session:
                self._event(
                    session,
                    "refuse",
                    version,
                    decision.active,
                    actor,
                    decision.reason,
                    _decision_details(decision),
                )
            log.info("refused to promote %s: %s", version, decision.reason)
            return PromotionResult(False, False, decision)
        forced = force and not decision.promote
        why = decision.reason + (f"; forced: {reason or 'no reason given'}" if forced else "")
        self._activate(
            version,
            actor=actor,
            action="force_promote" if forced else "promote",
            reason=why,
            details=_decision_details(decision),
        )
        return PromotionResult(True, forced, decision)

    def _activate(self, version: str, *, actor: str, action: str, reason: str, details: dict) -> str | None:
        with session_scope(self.db_url) as session:
            target = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
            if target is None:
                raise RegistryError(f"no model version {version!r}")
            if not (self.root / target.path).is_dir():
                raise RegistryError(f"the folder of {version} is missing: {self.root / target.path}")
            previous = session.scalar(select(ModelVersion).where(ModelVersion.status == "active"))
            previous_version = previous.version if previous else None
            if previous is not None:
                previous.status = "retired"
                session.flush()
            target.status = "active"
            self._event(session, action, version, previous_version, actor, reason, details)
        log.info("%s: %s is active (was %s)", action, version, previous_version)
        return previous_version

    def rollback(self, version: str | None = None, *, actor: str, reason: str = "") -> VersionInfo:
        """Make an earlier version active again: the one active before the current one, or the one named."""
        active = self.active()
        if version is None:
            if active is None:
                raise RegistryError("no active version to roll back from")
            version = self._previous_active(active.version)
            if version is None:
                raise RegistryError(f"{active.version} has no earlier active version to roll back to")
        elif active is not None and version == active.version:
            raise RegistryError(f"{version} is already active")
        self.get(version)
        self._activate(
            version,
            actor=actor,
            action="rollback",
            reason=reason or "rollback",
            details={"from_version": active.version if active else None},
        )
        return self.get(version)

    def _previous_active(self, current: str) -> str | None:
        """The version that was active just before `current` became active."""
        activations = [e for e in self.events() if e.action in {"promote", "force_promote", "rollback"}]
        for event in reversed(activations):
            if event.version == current:
                return event.previous_version
        return None


def _decision_details(decision: GateDecision) -> dict:
    return {
        "candidate_score": decision.candidate_score,
        "active_score": decision.active_score,
        "metric": GATE_METRIC,
        **decision.details,
    }
