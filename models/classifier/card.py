"""The model card saved beside the weights: data, date, metrics, thresholds, limits."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

CARD_JSON = "card.json"
CARD_MD = "README.md"

LIMITATIONS = [
    "Probabilities are calibrated on the training pool (about 74% hoax); on a live stream where hoaxes are "
    "rarer the probability overstates the hoax rate: rank by it, and read thresholds with that in mind.",
    "Stance is the hard part: a post spreading a claim and a post reporting its debunk share words and "
    "topic. Check the matched fact check before deciding.",
    "Genre shortcuts: negatives from mainstream news teach 'news-like = true'. See the within-source and "
    "source-disjoint numbers in eval/results/classification.json.",
    "A decision aid for the TRC, never an automatic verdict.",
]


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@dataclass(slots=True)
class ModelCard:
    """Everything a reviewer needs to know about one trained classifier."""

    model_name: str = "saring-hoax-classifier"
    version: str | None = None
    created_at: str = ""
    kind: str = "embedding-head"
    encoder: str = ""
    head: dict = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    training_data: dict = field(default_factory=dict)
    validation_split: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    seed: int = 13
    trained_by: str | None = None
    parent_version: str | None = None
    intended_use: str = (
        "Rank incoming Indonesian public posts for the TRC (Tim Reaksi Cepat) by the probability that they "
        "spread a hoax, beside the match to known fact checks."
    )
    limitations: list[str] = field(default_factory=lambda: list(LIMITATIONS))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelCard:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        (folder / CARD_JSON).write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str))
        (folder / CARD_MD).write_text(self.to_markdown(), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> ModelCard:
        return cls.from_dict(json.loads((Path(folder) / CARD_JSON).read_text()))

    def to_markdown(self) -> str:
        lines = [
            f"# Model card: {self.model_name} {self.version or '(unregistered)'}",
            "",
            f"- Created: {self.created_at}" + (f" by {self.trained_by}" if self.trained_by else ""),
            f"- Kind: {self.kind}; body: `{self.encoder}`; head: {json.dumps(self.head)}",
            f"- Extra features: {', '.join(self.features) or 'none'}; seed {self.seed}",
            f"- Parent version: {self.parent_version or '-'}",
            "",
            "## Intended use",
            self.intended_use,
            "",
            "## Training data",
            f"- Examples: {self.training_data.get('examples')}, labels {self.training_data.get('labels')}; "
            f"trained on {self.training_data.get('train_examples', '-')} (fixed validation split held out)",
            f"- Sources: {self.training_data.get('sources')}",
            f"- Fingerprint: `{self.training_data.get('fingerprint')}`",
        ]
        for item in self.training_data.get("files") or []:
            lines.append(
                f"- File `{item.get('path')}` sha256 `{str(item.get('sha256'))[:16]}` rows {item.get('rows')}"
            )
        if self.training_data.get("verdicts"):
            lines.append(f"- TRC verdicts: {json.dumps(self.training_data['verdicts'], default=str)}")
        lines += [
            "",
            "## Validation split",
            f"- {self.validation_split.get('id')}: {self.validation_split.get('description')}",
            f"- Size: {self.validation_split.get('n')}",
            "",
        ]
        lines += [
            "## Metrics",
            "",
            "| split | model | macro-F1 | P/R hoax | P/R not hoax | PR-AUC hoax/not | Brier | ECE |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for split, models in self.metrics.items():
            if split == "time_disjoint_check":
                split = f"time-disjoint (>= {models.get('cutoff_date')})"
            for model, m in models.items():
                if not isinstance(m, dict) or "macro_f1" not in m:
                    continue
                h, n = m["per_class"]["hoax"], m["per_class"]["not_hoax"]
                lines.append(
                    f"| {split} | {model} | {_fmt(m['macro_f1'])} | "
                    f"{_fmt(h['precision'])}/{_fmt(h['recall'])} | "
                    f"{_fmt(n['precision'])}/{_fmt(n['recall'])} | {_fmt(m['pr_auc_hoax'])}/"
                    f"{_fmt(m['pr_auc_not_hoax'])} | {_fmt(m['brier'])} | {_fmt(m['ece'])} |"
                )
        lines += ["", "## Thresholds"] + [f"- {k}: {_fmt(v)}" for k, v in self.thresholds.items()]
        lines += ["", "## Limitations"] + [f"- {item}" for item in self.limitations]
        return "\n".join(lines) + "\n"
