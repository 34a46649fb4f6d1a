"""What scoring loads once per process: the encoder, the KB matcher, the active classifier, the gazetteer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.gazetteer import Gazetteer
from pipelines.scoring import ScoringConfig
from saring.config import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)
DEMO_GAZETTEER = PROJECT_ROOT / "pipelines" / "demo_data" / "gazetteer_kotabaru.yaml"


class SharedEncoder:
    """An encoder whose query vectors, computed once per chunk, are reused by the matcher in the same thread.

    The matcher encodes its queries itself; wrapping the encoder lets a chunk encode every post once, hand
    the same vectors to the classifier, and have the matcher's ``encode`` answered from memory.
    """

    def __init__(self, inner: Any):
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = int(inner.dim)
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep these query vectors for this thread (replacing what was kept before)."""
        self._local.cache = dict(zip(texts, np.asarray(vectors, dtype=np.float32), strict=True))

    def forget(self) -> None:
        self._local.cache = {}

    def encode(self, texts: Sequence[str], *, kind: str = "query", **kwargs: Any) -> np.ndarray:
        texts = list(texts)
        cache: dict[str, np.ndarray] = getattr(self._local, "cache", None) or {}
        if kind != "query" or not cache:
            return self.inner.encode(texts, kind=kind, **kwargs)
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            fresh = np.asarray(self.inner.encode(missing, kind=kind, **kwargs), dtype=np.float32)
            cache.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([cache[t] for t in texts])


@dataclass(slots=True)
class ScoringContext:
    """Everything a score task needs, loaded once per process and shared by its chunks."""

    encoder: SharedEncoder
    matcher: Any | None
    classifier: Any | None
    model_version: str | None
    gazetteer: Gazetteer | None
    config: ScoringConfig
    top_k: int
    #: the registry of official accounts (pipelines.accounts.Registry), None when the database has none
    registry: Any | None = None
    registry_stamp: tuple | None = None
    #: pHash distance at or below which a post's image is a KB item's image (issue 12)
    image_max_distance: int = 28

    @property
    def model_id(self) -> str:
        return str(self.encoder.model_id)


@lru_cache(maxsize=2)
def _encoder(name: str) -> Any:
    from models.encoder import load_encoder

    return load_encoder(name)


def gazetteer_path(settings: Settings) -> Path:
    return Path(settings.gazetteer_file) if settings.gazetteer_file else DEMO_GAZETTEER


@lru_cache(maxsize=4)
def _gazetteer(path: str, mtime: float) -> Gazetteer:
    return Gazetteer.from_yaml(path)


def _index_stamp(index_dir: Path) -> float | None:
    manifest = index_dir / "manifest.json"
    return manifest.stat().st_mtime if manifest.exists() else None


def _active_version(url: str) -> tuple[str | None, str | None, str | None]:
    """(version, encoder name, folder) of the active classifier, or Nones."""
    from models.registry import ModelRegistry

    info = ModelRegistry(db_url=url).active()
    if info is None:
        return None, None, None
    return info.version, info.encoder, str(info.path)


def _active_judge() -> str | None:
    """The promoted match judge version (None: the packaged default); a change rebuilds the context."""
    from models.judge import JudgeRegistry

    return JudgeRegistry().active_version()


_CONTEXTS: dict[tuple, ScoringContext] = {}
_LOCK = threading.Lock()


def load_context(settings: Settings | None = None, *, url: str | None = None) -> ScoringContext:
    """The scoring context for the current index, active model and gazetteer (rebuilt when one changes)."""
    settings = settings or get_settings()
    url = url or settings.resolved_database_url
    index_dir = settings.index_dir
    version, _, folder = _active_version(url)
    gaz = gazetteer_path(settings)
    key = (
        url,
        settings.encoder_model,
        str(index_dir),
        _index_stamp(index_dir),
        version,
        str(gaz),
        gaz.stat().st_mtime if gaz.exists() else None,
        settings.priority_threshold,
        settings.hoax_base_rate,
        _active_judge(),
        settings.recency_half_life_hours,
        settings.match_top_k,
        settings.image_match_max_distance,
    )
    stamp = _registry_stamp(url)
    with _LOCK:
        context = _CONTEXTS.get(key)
        if context is None:
            context = _build(settings, url, index_dir, version, folder, gaz)
            _CONTEXTS.clear()  # one live context per process: an old model or index is let go
            _CONTEXTS[key] = context
        if context.registry_stamp != stamp:  # a registry change reloads the registry alone
            context.registry = _registry(url, context.gazetteer, stamp)
            context.registry_stamp = stamp
        return context


def _registry_stamp(url: str) -> tuple | None:
    """The registry's (count, last change); None where the database has no registry table yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from pipelines.account_store import registry_stamp
    from saring.db import session_scope

    try:
        with session_scope(url) as session:
            return registry_stamp(session)
    except SQLAlchemyError:
        return None


def _registry(url: str, gazetteer: Gazetteer | None, stamp: tuple | None) -> Any | None:
    """The registry of official accounts (None when empty: no impersonation signals without it)."""
    from pipelines.account_store import load_registry
    from saring.db import session_scope

    if not (stamp or (0,))[0]:
        return None
    with session_scope(url) as session:
        registry = load_registry(session, kabupaten=gazetteer.kabupaten if gazetteer else "Kotabaru")
    log.info("impersonation signals against %d registered accounts", len(registry))
    return registry


def _build(
    settings: Settings, url: str, index_dir: Path, version: str | None, folder: str | None, gaz: Path
) -> ScoringContext:
    encoder = SharedEncoder(_encoder(settings.encoder_model))
    matcher = None
    if _index_stamp(index_dir) is not None:
        from factcheck_kb.matcher import Matcher

        matcher = Matcher.open(index_dir, encoder=encoder)
    else:
        log.warning(
            "no KB index at %s: posts are scored without matching (run `saring kb reindex`)", index_dir
        )
    classifier = None
    if version is not None and folder is not None:
        from models.classifier import load_classifier

        classifier = load_classifier(folder, encoder=_classifier_body(encoder, folder))
    gazetteer = _gazetteer(str(gaz), gaz.stat().st_mtime) if gaz.exists() else None
    if gazetteer is None:
        log.warning("no gazetteer at %s: local relevance is 0 for every post", gaz)
    config = ScoringConfig(
        threshold=settings.priority_threshold,
        half_life_hours=settings.recency_half_life_hours,
        hoax_base_rate=settings.hoax_base_rate,
    )
    log.info(
        "scoring with encoder %s, index %s, classifier %s, gazetteer %s",
        encoder.model_id,
        "yes" if matcher else "none",
        version or "none",
        gazetteer.kabupaten if gazetteer else "none",
    )
    return ScoringContext(
        encoder,
        matcher,
        classifier,
        version,
        gazetteer,
        config,
        settings.match_top_k,
        image_max_distance=settings.image_match_max_distance,
    )


def _classifier_body(encoder: SharedEncoder, folder: str) -> Any | None:
    """The loaded encoder when the classifier was trained on the same model (so it is not loaded twice)."""
    import json

    try:
        config = json.loads((Path(folder) / "config.json").read_text())
    except (OSError, ValueError):
        return None
    if config.get("kind") == "finetuned" or config.get("body_path"):
        return None
    return encoder.inner if config.get("encoder") == encoder.model_id else None


def reset_contexts() -> None:
    """Forget loaded contexts (tests switch homes)."""
    with _LOCK:
        _CONTEXTS.clear()
