"""The hoax classifier: a sentence-encoder body and a calibrated head, saved like a pretrained model."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import sklearn

from models.classifier.baseline import LexicalChannel
from models.classifier.card import ModelCard
from models.classifier.embed_cache import Encoder, cached_encode
from models.classifier.features import build_features
from models.classifier.head import CalibratedHead, HeadParams

log = logging.getLogger(__name__)
CONFIG_FILE = "config.json"
HEAD_FILE = "head.joblib"
LEXICAL_FILE = "lexical.joblib"
BODY_DIR = "body"
_SPACE = re.compile(r"\s+")


def prepare_text(text: str, max_chars: int) -> str:
    """Whitespace collapsed and cut to max_chars: the text the body actually sees."""
    return _SPACE.sub(" ", text or "").strip()[:max_chars]


@lru_cache(maxsize=4)
def get_encoder(name: str) -> Encoder:
    """Load an encoder by name or folder once per process."""
    from models.encoder import load_encoder

    return load_encoder(name)


@dataclass(slots=True)
class ClassifierConfig:
    """How the classifier is built; saved as config.json."""

    kind: str = "embedding-head"
    encoder: str | None = None
    encoder_dim: int | None = None
    head: HeadParams = field(default_factory=HeadParams)
    features: list[str] = field(default_factory=list)
    max_chars: int = 2000
    threshold: float = 0.5
    sklearn_version: str = sklearn.__version__

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClassifierConfig:
        data = dict(data)
        data["head"] = HeadParams(**data.get("head", {}))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class HoaxClassifier:
    """Body (frozen sentence encoder) + head; predict / predict_proba / save_pretrained / from_pretrained.

    With the "lexical" feature group a TF-IDF channel's score is fused with the embedding score by the
    head's calibrator (weights learned on out-of-fold scores)."""

    def __init__(
        self,
        encoder: Encoder,
        head: CalibratedHead,
        config: ClassifierConfig,
        card: ModelCard | None = None,
        lexical: LexicalChannel | None = None,
    ):
        self.encoder = encoder
        self.head = head
        self.config = config
        self.card = card or ModelCard()
        self.lexical = lexical

    @property
    def threshold(self) -> float:
        return self.config.threshold

    def features(
        self,
        texts: Sequence[str],
        kb_scores: Sequence[float] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """The head's input; `vectors` are query vectors already made by this model's encoder (optional)."""
        prepared = [prepare_text(t, self.config.max_chars) for t in texts]
        if vectors is not None and np.shape(vectors) == (len(texts), self.encoder.dim):
            embeddings = np.asarray(vectors, dtype=np.float32)
        else:
            embeddings = cached_encode(self.encoder, prepared, kind="query")
        return build_features(embeddings, prepared, self.config.features, kb_scores)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[int],
        *,
        encoder: Encoder,
        config: ClassifierConfig | None = None,
        kb_scores: Sequence[float] | None = None,
    ) -> HoaxClassifier:
        """Train the head on frozen embeddings (seeded: the same data gives the same model)."""
        config = config or ClassifierConfig()
        config.encoder = config.encoder or encoder.model_id
        config.encoder_dim = encoder.dim
        if "lexical" in config.features and config.head.calibration != "sigmoid":
            raise ValueError(
                "the lexical channel is fused by the sigmoid calibrator: use calibration='sigmoid'"
            )
        model = cls(encoder, CalibratedHead(config.head), config)
        y = np.asarray(labels, dtype=int)
        X = model.features(texts, kb_scores)  # noqa: N806
        extra = None
        if "lexical" in config.features:
            model.lexical = LexicalChannel(seed=config.head.seed)
            prepared = [prepare_text(t, config.max_chars) for t in texts]
            extra = model.lexical.fit_oof(prepared, y, model.head.folds(y))
        model.head.fit(X, y, extra)
        config.threshold = model.head.threshold
        return model

    def hoax_probability(
        self,
        texts: Sequence[str],
        *,
        kb_scores: Sequence[float] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Calibrated P(hoax) per text, shape (n,)."""
        if not len(texts):
            return np.zeros(0, dtype=float)
        extra = None
        if self.lexical is not None:
            extra = self.lexical.score([prepare_text(t, self.config.max_chars) for t in texts])
        return self.head.hoax_probability(self.features(texts, kb_scores, vectors), extra)

    def predict_proba(
        self,
        texts: Sequence[str],
        *,
        kb_scores: Sequence[float] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Like scikit-learn: shape (n, 2), columns [not hoax, hoax]."""
        p = self.hoax_probability(texts, kb_scores=kb_scores, vectors=vectors)
        return np.column_stack([1.0 - p, p])

    def predict(
        self,
        texts: Sequence[str],
        *,
        kb_scores: Sequence[float] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """1 = hoax, 0 = not hoax, at the model's threshold."""
        return (self.hoax_probability(texts, kb_scores=kb_scores, vectors=vectors) >= self.threshold).astype(
            int
        )

    def save_pretrained(self, path: str | Path, *, save_body: bool = False) -> Path:
        """Write config, head and model card (and the body's weights when asked) into a folder."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        config = self.config.to_dict()
        if save_body:
            self.encoder.save_pretrained(path / BODY_DIR)
            config["body_path"] = BODY_DIR
        (path / CONFIG_FILE).write_text(json.dumps(config, indent=2))
        joblib.dump(self.head, path / HEAD_FILE)
        if self.lexical is not None:
            joblib.dump(self.lexical, path / LEXICAL_FILE, compress=3)
        self.card.save(path)
        return path

    @classmethod
    def from_pretrained(cls, path: str | Path, *, encoder: Encoder | None = None) -> HoaxClassifier:
        """Load a saved classifier; the body is loaded by name unless saved inside or passed in."""
        path = Path(path)
        raw = json.loads((path / CONFIG_FILE).read_text())
        config = ClassifierConfig.from_dict(raw)
        if config.sklearn_version != sklearn.__version__:
            log.warning(
                "head saved with scikit-learn %s, running %s", config.sklearn_version, sklearn.__version__
            )
        if encoder is None:
            if raw.get("body_path"):
                from models.encoder import SentenceEncoder

                encoder = SentenceEncoder.from_pretrained(path / raw["body_path"])
            else:
                encoder = get_encoder(config.encoder)
        if config.encoder_dim is not None and encoder.dim != config.encoder_dim:
            raise ValueError(
                f"{path}: the head expects {config.encoder_dim}-d embeddings from "
                f"{config.encoder!r}; the encoder given gives {encoder.dim}-d ({encoder.model_id})"
            )
        if encoder.model_id != config.encoder:
            log.warning("%s was trained on %s, loading with %s", path, config.encoder, encoder.model_id)
        head = joblib.load(path / HEAD_FILE)
        lexical = joblib.load(path / LEXICAL_FILE) if "lexical" in config.features else None
        card = ModelCard.load(path) if (path / "card.json").exists() else None
        return cls(encoder, head, config, card, lexical)
