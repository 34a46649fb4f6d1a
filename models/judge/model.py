"""The match judge: a verifier (does the post make this fact check's claim?) and a stance head (does it
spread the claim or report its debunk?), with the thresholds that turn their probabilities into bands.

Saved like a pretrained model: a folder with ``config.json`` (the heads' coefficients and thresholds, plain
JSON, no pickles) and a model card. The default judge ships in ``models/judge/default`` and is fitted on
the real data by ``python -m eval.judge``; ``saring judge train`` fits one on an install's own KB and TRC
verdicts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from factcheck_kb.evidence import FEATURES as EVIDENCE_FEATURES
from models.classifier.card import ModelCard
from models.judge.card import JudgeCard
from models.judge.stance_cues import PAIR_FEATURES, pair_matrix, stance_features

log = logging.getLogger(__name__)
CONFIG_FILE = "config.json"
DEFAULT_DIR = Path(__file__).resolve().parent / "default"

SPREADS, REFUTES, UNCLEAR, UNRELATED = "spreads", "refutes", "unclear", "unrelated"

JUDGE_LIMITATIONS = [
    "Trained on the KB's own pairs: a circulating claim as fact checkers quote it against the article "
    "written about it. Real posts are shorter and noisier; the triage benchmark measures the gap.",
    "Stance is read from the post's own words and one pair cue (the post denies a word of the fact check's "
    "claim), not from a pair model: a post that spreads a claim while quoting a debunk word ('katanya "
    "hoaks, tapi…') can be read as refuting.",
    "Probabilities are calibrated on the benchmark's mix of candidates; on a live stream where matches are "
    "rarer they overstate the match rate at the low end. The auto threshold is fitted for precision.",
    "A decision aid for the TRC, never an automatic verdict.",
]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass(slots=True)
class LinearHead:
    """Standardised logistic regression, stored as numbers: p = sigmoid(((x - mean) / scale) · coef + b)."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    encoder: str | None = None  # set when some features are an encoder's vector dimensions

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.coef):
            raise ValueError(f"expected {len(self.coef)} features, got shape {x.shape}")
        z = ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept
        return _sigmoid(z)

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: Sequence[int],
        features: list[str],
        *,
        c: float = 1.0,
        balanced: bool = False,
        encoder: str | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> LinearHead:
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(x, dtype=np.float64)
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        model = LogisticRegression(
            C=c, max_iter=2000, class_weight="balanced" if balanced else None, random_state=0
        )
        model.fit((x - mean) / scale, np.asarray(y), sample_weight=sample_weight)
        return cls(
            features=list(features),
            mean=[float(v) for v in mean],
            scale=[float(v) for v in scale],
            coef=[float(v) for v in model.coef_[0]],
            intercept=float(model.intercept_[0]),
            encoder=encoder,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LinearHead:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def weights(self) -> dict[str, float]:
        """Named coefficients (vector dimensions summarised as one norm), for the model card."""
        out: dict[str, float] = {}
        dims = []
        for name, value in zip(self.features, self.coef, strict=True):
            if name.startswith("dim"):
                dims.append(value)
            else:
                out[name] = round(value, 4)
        if dims:
            out["vector_norm"] = round(float(np.linalg.norm(dims)), 4)
        return out


@dataclass(slots=True)
class JudgeThresholds:
    """Where probabilities become decisions (fitted by eval.judge / `saring judge train`)."""

    auto: float = 0.9  # P(same claim) × P(spreads) for an auto-link
    suggest: float = 0.3  # P(same claim) for a suggestion to the TRC
    refutes_below: float = 0.35  # P(spreads) at or under this: the post refutes or reports the debunk
    spreads_above: float = 0.6  # P(spreads) at or over this: the post spreads the claim
    min_words_auto: int = 8
    max_auto_age_days: int | None = None
    fitted_on: str = "default"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> JudgeThresholds:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(slots=True)
class JudgeConfig:
    verifier: LinearHead
    stance: LinearHead  # cue features only: works with any encoder
    stance_vector: LinearHead | None = None  # cues + the post's vector, for its encoder only
    thresholds: JudgeThresholds = field(default_factory=JudgeThresholds)
    kind: str = "match-judge"
    rerank: bool = True  # order the retriever's candidates by P(same claim)
    #: the encoder whose cosines the verifier was fitted on (cosines differ per model: see judge_for)
    encoder: str | None = None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "verifier": self.verifier.to_dict(),
            "stance": self.stance.to_dict(),
            "stance_vector": self.stance_vector.to_dict() if self.stance_vector else None,
            "thresholds": self.thresholds.to_dict(),
            "rerank": self.rerank,
            "encoder": self.encoder,
        }

    @classmethod
    def from_dict(cls, data: dict) -> JudgeConfig:
        vector = data.get("stance_vector")
        return cls(
            verifier=LinearHead.from_dict(data["verifier"]),
            stance=LinearHead.from_dict(data["stance"]),
            stance_vector=LinearHead.from_dict(vector) if vector else None,
            thresholds=JudgeThresholds.from_dict(data.get("thresholds", {})),
            kind=data.get("kind", "match-judge"),
            rerank=bool(data.get("rerank", True)),
            encoder=data.get("encoder"),
        )


class MatchJudge:
    """P(same claim) per (post, fact check) pair and P(spreads) per post; from_pretrained/save_pretrained."""

    def __init__(self, config: JudgeConfig, card: ModelCard | None = None, path: Path | None = None):
        if list(config.verifier.features) != list(EVIDENCE_FEATURES):
            raise ValueError(
                f"verifier features {config.verifier.features} differ from this version's {EVIDENCE_FEATURES}"
            )
        self.config = config
        self.card = card or new_card()
        self.path = path

    @property
    def thresholds(self) -> JudgeThresholds:
        return self.config.thresholds

    @property
    def version(self) -> str:
        return self.card.version or (self.path.name if self.path else "unsaved")

    # ----------------------------------------------------------------- predicting

    def verify(self, evidence: np.ndarray) -> np.ndarray:
        """P(the post makes the fact check's claim) per row of an evidence matrix."""
        evidence = np.asarray(evidence, dtype=np.float64)
        if not len(evidence):
            return np.zeros(0)
        return self.config.verifier.predict_proba(evidence)

    def uses_vectors_of(self, encoder_id: str | None) -> bool:
        head = self.config.stance_vector
        return head is not None and encoder_id is not None and head.encoder == encoder_id

    @property
    def reads_pairs(self) -> bool:
        """Whether the stance head reads the pair (the post against one fact check), not the post alone."""
        return any(name in PAIR_FEATURES for name in self.config.stance.features)

    def stance_pair(self, denials: Sequence[Sequence[str]]) -> np.ndarray:
        """The stance head's pair features (:data:`PAIR_FEATURES`) of pairs, from the claim words each post
        denies (factcheck_kb.evidence.claim_denials)."""
        return pair_matrix(denials)

    def p_spreads(
        self,
        texts: Sequence[str],
        vectors: np.ndarray | None = None,
        encoder_id: str | None = None,
        pair: np.ndarray | None = None,
    ) -> np.ndarray:
        """P(the post spreads the claim rather than refutes it), per text (per pair when ``pair`` holds each
        text's :data:`PAIR_FEATURES` against its fact check)."""
        texts = list(texts)
        if not texts:
            return np.zeros(0)
        head = self.config.stance_vector
        if vectors is not None and self.uses_vectors_of(encoder_id) and head is not None:
            vectors = np.asarray(vectors, dtype=np.float64)
            x = stance_features(head.features, texts, pair)
            if vectors.shape == (len(texts), len(head.coef) - x.shape[1]):
                return head.predict_proba(np.hstack([x, vectors]))
        return self.config.stance.predict_proba(stance_features(self.config.stance.features, texts, pair))

    def stance_label(self, p_spreads: float) -> str:
        t = self.thresholds
        if p_spreads <= t.refutes_below:
            return REFUTES
        if p_spreads >= t.spreads_above:
            return SPREADS
        return UNCLEAR

    def band(
        self,
        p_same: float,
        p_spreads: float,
        *,
        words: int,
        url_only: bool = False,
        published: date | None = None,
        today: date | None = None,
    ) -> str:
        """auto when P(same) × P(spreads) clears the auto threshold, suggest when P(same) clears the suggest
        one, else none. Short and URL-only posts, and (optionally) old fact checks, never auto-link."""
        t = self.thresholds
        if p_same * p_spreads >= t.auto:
            band = "auto"
        elif p_same >= t.suggest:
            band = "suggest"
        else:
            return "none"
        if band == "auto":
            too_old = False
            if t.max_auto_age_days is not None and published is not None:
                too_old = ((today or date.today()) - published).days > t.max_auto_age_days
            if words < t.min_words_auto or url_only or too_old:
                band = "suggest"
        return band

    # ----------------------------------------------------------------- saving

    def save_pretrained(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_FILE).write_text(
            json.dumps(self.config.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8"
        )
        self.card.thresholds = self.thresholds.to_dict()
        self.card.head = {
            "verifier": self.config.verifier.weights(),
            "stance": self.config.stance.weights(),
            "stance_vector": self.config.stance_vector.weights() if self.config.stance_vector else None,
        }
        self.card.save(folder)
        self.path = folder
        return folder

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> MatchJudge:
        folder = Path(folder)
        config = JudgeConfig.from_dict(json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8")))
        try:
            card = JudgeCard.load(folder)
        except (OSError, ValueError):
            card = None
        return cls(config, card, folder)


def default_judge() -> MatchJudge:
    """The judge fitted on the real data by `python -m eval.judge` and shipped with the package."""
    return MatchJudge.from_pretrained(DEFAULT_DIR)


def new_card(**kwargs) -> ModelCard:
    from datetime import UTC, datetime

    kwargs.setdefault("created_at", datetime.now(UTC).isoformat(timespec="seconds"))
    return JudgeCard(
        model_name="saring-match-judge",
        kind="match-judge",
        intended_use=(
            "Decide, for each post and each fact check the retriever found, whether the post makes the same "
            "claim and whether it spreads it or reports its debunk: auto-link, suggest to the TRC, or none."
        ),
        limitations=list(JUDGE_LIMITATIONS),
        **kwargs,
    )


__all__ = [
    "DEFAULT_DIR",
    "EVIDENCE_FEATURES",
    "REFUTES",
    "SPREADS",
    "UNCLEAR",
    "UNRELATED",
    "JudgeConfig",
    "JudgeThresholds",
    "LinearHead",
    "MatchJudge",
    "default_judge",
    "new_card",
]
