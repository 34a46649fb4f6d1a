"""Which way to compute a model's vectors (torch fp32, ONNX fp32, ONNX int8), measured, not guessed.

At export time (models.encoder.onnx_export) each variant encodes the packaged Indonesian probe texts
(probe_texts.txt) beside torch: its cosine to torch's vectors (mean, min) and its texts/s, in rounds that
alternate the variants so a busy machine slows them alike. The result is written into the export manifest
("measured"), and ``auto`` reads it:

- **auto** = the fastest variant whose cosine to torch fp32 on the probes has mean >= AUTO_MIN_MEAN_COSINE and
  min >= AUTO_MIN_COSINE (per-tensor int8 failed this at mean 0.988; per-channel int8 passes at about 0.997;
  eval/encoder_backends.py shows what that costs in retrieval quality).
- **interchangeable vectors**: two variants of one model may share an index when the lower of their probe
  minimum cosines to torch is >= INTERCHANGEABLE_MIN_COSINE. For unit vectors, cos >= 0.999 bounds any score
  change by sqrt(2 - 2 * 0.999) = 0.045 and in practice well under 0.005, below the band thresholds' grain;
  ONNX fp32 (cos 1.0000) passes, int8 (about 0.99) does not: an int8 index refuses torch and the reverse.
"""

from __future__ import annotations

import logging
import time
from importlib.resources import files
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

VARIANTS = ("torch", "onnx", "onnx-int8")
#: What SARING_ENCODER_BACKEND accepts ("sentence-transformers" is the old name of torch).
BACKEND_CHOICES = ("auto", "torch", "onnx", "onnx-int8", "sentence-transformers", "use")
AUTO_MIN_MEAN_COSINE = 0.99
AUTO_MIN_COSINE = 0.98
INTERCHANGEABLE_MIN_COSINE = 0.999
MEASURE_ROUNDS = 3


def probe_texts() -> list[str]:
    """The packaged, self-written Indonesian probe texts (short posts and fact-check passages)."""
    text = files("models.encoder").joinpath("probe_texts.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def canonical(backend: str) -> str:
    return "torch" if backend == "sentence-transformers" else backend


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def measure(bodies: dict[str, Any], texts: list[str], *, rounds: int = MEASURE_ROUNDS) -> dict[str, Any]:
    """Cosine to ``bodies['torch']`` and texts/s (best round) of every body, alternating in each round."""
    seconds: dict[str, list[float]] = {name: [] for name in bodies}
    vectors: dict[str, np.ndarray] = {}
    for body in bodies.values():
        body.embed(texts[:4], 4)  # warm-up: first-call allocations
    for _ in range(rounds):
        for name, body in bodies.items():
            started = time.perf_counter()
            vectors[name] = _unit(body.embed(list(texts), 32))
            seconds[name].append(time.perf_counter() - started)
    reference = vectors["torch"]
    out: dict[str, Any] = {"texts": len(texts), "rounds": rounds, "variants": {}}
    for name in bodies:
        cos = np.sum(vectors[name] * reference, axis=1)
        out["variants"][name] = {
            "texts_per_s": round(len(texts) / min(seconds[name]), 2),
            "cosine_to_torch_mean": round(float(cos.mean()), 5),
            "cosine_to_torch_min": round(float(cos.min()), 5),
        }
    try:
        import os

        out["load_average_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    return out


def keeps_quality(entry: dict[str, Any]) -> bool:
    return (
        entry["cosine_to_torch_mean"] >= AUTO_MIN_MEAN_COSINE
        and entry["cosine_to_torch_min"] >= AUTO_MIN_COSINE
    )


def auto_choice(measured: dict[str, Any]) -> dict[str, Any]:
    """The fastest variant that keeps quality, with the numbers and the rule that chose it."""
    variants = measured.get("variants", {})
    eligible = {name: v for name, v in variants.items() if name == "torch" or keeps_quality(v)}
    chosen = max(eligible, key=lambda name: eligible[name]["texts_per_s"]) if eligible else "torch"
    return {
        "backend": "auto",
        "variant": chosen,
        "rule": (
            f"fastest on the probe texts among variants with cosine to torch mean >= {AUTO_MIN_MEAN_COSINE} "
            f"and min >= {AUTO_MIN_COSINE}"
        ),
        "measured": measured,
    }


def probe_min_cosine(variant: str, measured: dict[str, Any] | None) -> float | None:
    """A variant's recorded minimum cosine to torch (torch itself: 1.0); None when never measured."""
    if variant == "torch":
        return 1.0
    entry = (measured or {}).get("variants", {}).get(variant)
    return None if entry is None else float(entry["cosine_to_torch_min"])


def interchangeable(a: str, cos_a: float | None, b: str, cos_b: float | None) -> bool:
    """May vectors of variant ``a`` and ``b`` (one model, each with its probe min cosine to torch) share an
    index? Yes when they are the same variant, or both agree with torch at >= INTERCHANGEABLE_MIN_COSINE."""
    a, b = canonical(a), canonical(b)
    if a == b:
        return True
    if cos_a is None or cos_b is None:
        return False
    return min(float(cos_a), float(cos_b)) >= INTERCHANGEABLE_MIN_COSINE
