"""OCR on generated screenshots and posters with ground truth: character error rate, recall of the words that
matter for matching, images/s, and what each preprocessing step does.

    python -m eval.ocr [--images 300] [--ablation 40] [--seed 5]

Half the images are clean renders, half degraded (downscale, blur, noise, JPEG quality 30-60: see
eval/media_data.py); fonts, sizes, backgrounds and dark mode vary. CER is the edit distance between the
OCR text and the text drawn, whitespace folded, over the drawn text's length. Matching words are the drawn
words of 4+ letters or with a digit (names, amounts, places: what BM25 and the judge key on). Writes
eval/results/ocr.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import time
from pathlib import Path

from eval.media_data import degrade, make_sample
from saring.media.ocr import ALL_STEPS, DEFAULT_STEPS, ocr_image, tesseract_version

RESULTS = Path(__file__).resolve().parent / "results" / "ocr.json"
TARGETS = {"clean": 0.05, "degraded": 0.15}


def _fold(text: str) -> str:
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(truth: str, read: str) -> float:
    truth, read = _fold(truth), _fold(read)
    return edit_distance(truth, read) / max(1, len(truth))


def matching_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w.]+", text.lower()) if len(w.strip(".")) >= 4 or re.search(r"\d", w)}


def word_recall(truth: str, read: str) -> float:
    wanted = matching_words(truth)
    got = set(re.findall(r"[\w.]+", read.lower()))
    return len(wanted & got) / max(1, len(wanted))


def _score(samples, steps) -> dict:
    cers, recalls, seconds = [], [], 0.0
    for truth, image in samples:
        result = ocr_image(image, steps=steps)
        seconds += result.seconds
        cers.append(cer(truth, result.text))
        recalls.append(word_recall(truth, result.text))
    n = max(1, len(cers))
    return {
        "images": len(cers),
        "cer": round(sum(cers) / n, 4),
        "cer_median": round(sorted(cers)[len(cers) // 2], 4) if cers else None,
        "word_recall": round(sum(recalls) / n, 4),
        "images_per_s": round(len(cers) / seconds, 2) if seconds else None,
        "seconds_per_image": round(seconds / n, 3),
    }


def run(images: int = 300, ablation: int = 40, seed: int = 5) -> dict:
    rng = random.Random(seed)
    kinds = ["poster", "chat_light", "chat_dark", "letter"]
    made = [make_sample(rng, kind) for kind in kinds * ((images + 3) // 4)]
    clean = [(s.text, s.image) for s in made]
    degraded = [(s.text, degrade(s.image, rng)) for s in made]
    by_kind: dict[str, dict] = {}
    result: dict = {"benchmark": "OCR (Tesseract ind) on generated images", "tesseract": tesseract_version()}
    started = time.perf_counter()
    for name, samples in (("clean", clean), ("degraded", degraded)):
        result[name] = _score(samples, DEFAULT_STEPS)
        result[name]["target_cer"] = TARGETS[name]
        result[name]["met"] = result[name]["cer"] <= TARGETS[name]
    for kind in ("poster", "chat_light", "chat_dark", "letter"):
        picked = [(s.text, d[1]) for s, d in zip(made, degraded, strict=True) if s.kind == kind][:10]
        by_kind[kind] = _score(picked, DEFAULT_STEPS)
    result["degraded_by_kind_first_10"] = by_kind
    steps_sets = {
        "none": (),
        "grayscale": ("grayscale",),
        "grayscale+invert_dark": ("grayscale", "invert_dark"),
        "default (grayscale+invert_dark+upscale)": DEFAULT_STEPS,
        "default+threshold": ALL_STEPS,
    }
    subset = [(s.text, d[1]) for s, d in zip(made, degraded, strict=True)][:ablation]
    pairs = zip(made, degraded, strict=True)
    dark = [(s.text, d[1]) for s, d in pairs if s.kind == "chat_dark"][: ablation // 2]
    result["ablation_degraded"] = {name: _score(subset, steps) for name, steps in steps_sets.items()}
    result["ablation_dark_mode"] = {
        name: _score(dark, steps)
        for name, steps in steps_sets.items()
        if name in ("grayscale", "grayscale+invert_dark")
    }
    result["images"] = len(clean) + len(degraded)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["cpus"] = os.cpu_count()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=300, help="clean + degraded images (half each)")
    parser.add_argument("--ablation", type=int, default=40)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.images // 2, args.ablation, args.seed)  # run() renders images//2 of each
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name in ("clean", "degraded"):
        r = result[name]
        print(
            f"{name:9s} {r['images']} images: CER {r['cer']:.3f} (target {r['target_cer']}), "
            f"matching-word recall {r['word_recall']:.3f}, {r['images_per_s']} images/s"
        )
    for name, r in result["ablation_degraded"].items():
        print(f"  steps {name:42s} CER {r['cer']:.3f} recall {r['word_recall']:.3f}")
    for name, r in result["ablation_dark_mode"].items():
        print(f"  dark mode {name:38s} CER {r['cer']:.3f} recall {r['word_recall']:.3f}")
    print(f"-> {args.output}")


if __name__ == "__main__":
    main()
