"""The match judge's model card: what it was fitted on, its held-out and test numbers, its thresholds."""

from __future__ import annotations

import json

from models.classifier.card import ModelCard, _fmt

PARTS_INTRO = (
    "The queue, `saring triage` and `saring classify` use one probability, 1 − (1 − s)(1 − text × (1 − r)): "
    "s = P(same) × P(spreads) of the best matched known hoax, r = P(same) × P(refutes), text = the hoax "
    "classifier's probability. Each part alone and combined, on the classification benchmark's disjoint "
    "splits (`python -m eval.classification --models tfidf,e5,judge,tfidf+judge,e5+judge`, the KB as it "
    "stood on each post's date) and on the triage benchmark (`python -m eval.triage`); recorded here by "
    "`python -m eval.judge --record-parts`:"
)


class JudgeCard(ModelCard):
    """A :class:`ModelCard` whose metrics are the judge's (verifier, stance, bands), not a classifier's."""

    __slots__ = ()

    def to_markdown(self) -> str:
        m = self.metrics or {}
        lines = [
            f"# Model card: {self.model_name} {self.version or '(unregistered)'}",
            "",
            f"- Created: {self.created_at}" + (f" by {self.trained_by}" if self.trained_by else ""),
            f"- Verifier: logistic regression over absolute pair evidence ({', '.join(self.features)}); "
            f"cosines of `{self.encoder}`",
            "- Stance: logistic regression over debunk/spreading cue counts"
            + (
                " and the pair cue negates_claim (the post denies a word of the fact check's claim)"
                if "negates_claim" in ((self.head or {}).get("stance") or {})
                else ""
            )
            + (", plus the post's vector for that encoder" if (self.head or {}).get("stance_vector") else ""),
            f"- Weights: `{json.dumps(self.head, default=str)}`",
            "",
            "## Intended use",
            self.intended_use,
            "",
            "## Training data",
        ]
        lines += [f"- {k}: {json.dumps(v, default=str)}" for k, v in (self.training_data or {}).items()]
        lines += ["", "## Metrics (held-out: thresholds fitted here; test: never fitted on)", ""]
        held = m.get("verifier_held_out") or {}
        if held:
            lines.append(
                f"- Verifier held-out: AUC {_fmt(held.get('auc'))}, ECE "
                f"{_fmt((held.get('reliability') or {}).get('ece'))}, "
                f"ranking {json.dumps(held.get('ranking'))}"
            )
        if m.get("stance_held_out"):
            lines.append(f"- Stance held-out: {json.dumps(m['stance_held_out'])}")
        test = m.get("test") or {}
        if test.get("verifier_test"):
            vt = test["verifier_test"]
            lines.append(
                f"- Verifier test: AUC {_fmt(vt.get('auc'))}, "
                f"ECE {_fmt((vt.get('reliability') or {}).get('ece'))}"
            )
        if test.get("stance_test"):
            lines.append(f"- Stance test: {json.dumps(test['stance_test'])}")
        for name, value in (test.get("retrieval_test") or {}).items():
            if isinstance(value, dict):
                lines.append(f"- Retrieval test, {name}: strict {json.dumps(value.get('strict'))}")
        for name, value in (test.get("bands_test") or {}).items():
            lines.append(f"- Bands test, {name}: {json.dumps(value)}")
        parts = m.get("parts") or {}
        if parts:
            lines += ["", "## The one hoax judgement and what each part adds", "", PARTS_INTRO, ""]
            lines += [f"- {name}: {json.dumps(value, default=str)}" for name, value in parts.items()]
        lines += ["", "## Thresholds"] + [f"- {k}: {_fmt(v)}" for k, v in self.thresholds.items()]
        lines += ["", "## Limitations"] + [f"- {item}" for item in self.limitations]
        return "\n".join(lines) + "\n"
