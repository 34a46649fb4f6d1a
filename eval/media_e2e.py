"""End to end: the demo's image hoax posts, judged with and without their images, against the installed KB.

    SARING_HOME=… python -m eval.media_e2e      (after `saring demo` in that home)

Each post is triaged (the score flow's judgement, nothing stored) twice: with its ``media`` (OCR text and
image hashes) and as text only. A post counts when it would be queued and linked to the fact check it was
made for. Also times OCR per image post against the encoder's time per post. Writes
eval/results/media_e2e.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "media_e2e.json"


def run() -> dict:
    from pipelines.demo_data.media_kit import POSTS, write_media_kit
    from pipelines.runtime import load_context
    from pipelines.triage import stored_image_index, stored_kb_lookup, triage_file

    context = load_context()
    out: dict = {"posts": len(POSTS)}
    with tempfile.TemporaryDirectory() as tmp:
        posts_file, _ = write_media_kit(Path(tmp))
        text_only = Path(tmp) / "text_only.jsonl"
        lines = [json.loads(line) for line in posts_file.read_text(encoding="utf-8").splitlines()]
        text_only.write_text(
            "".join(json.dumps({k: v for k, v in line.items() if k != "media"}) + "\n" for line in lines),
            encoding="utf-8",
        )
        expected = {p.id: p.expected_kb for p in POSTS}
        for name, path in (("with_images", posts_file), ("text_only", text_only)):
            target = Path(tmp) / f"{name}.out.jsonl"
            started = time.perf_counter()
            triage_file(path, target, context, kb_lookup=stored_kb_lookup(), image_index=stored_image_index())
            seconds = time.perf_counter() - started
            rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
            per_post = {
                r["id"]: {
                    "queued": r["queued"],
                    "linked": [m["kb_id"] for m in r["matches"] if m["band"] != "none"],
                    "image_matches": r["image_matches"],
                    "ocr_chars": len(r["ocr_text"] or ""),
                }
                for r in rows
            }
            caught = [i for i, r in per_post.items() if r["queued"] and expected[i] in r["linked"]]
            out[name] = {
                "caught": len(caught),
                "of": len(POSTS),
                "seconds": round(seconds, 2),
                "posts": per_post,
            }
    # OCR cost per image post vs the encoder's cost per post (on these posts' texts + OCR text). OCR is
    # timed as the flows run it: attach_media over the posts, images read side by side (SARING_OCR_WORKERS),
    # the per-process cache emptied first; "one at a time" is one worker, for comparison
    from pipelines.post_media import attach_media, media_options
    from pipelines.records import PostRecord
    from pipelines.sources.base import media_refs
    from saring.media import ingest

    ocr_wall: dict[str, float] = {}
    texts: list[str] = []
    options = media_options()
    for label, workers in (("one_at_a_time", 1), ("side_by_side", options.workers)):
        with tempfile.TemporaryDirectory() as tmp:
            write_media_kit(Path(tmp))
            records = [
                PostRecord(
                    source="eval",
                    platform="facebook",
                    external_id=p.id,
                    text=p.text,
                    media=media_refs([f"images/{name}" for name in p.images], base_dir=Path(tmp)),
                )
                for p in POSTS
            ]
            ingest._OCR_CACHE.clear()
            started = time.perf_counter()
            attach_media(records, replace(options, media_dir=Path(tmp) / "media", workers=workers))
            ocr_wall[label] = (time.perf_counter() - started) / len(records)
            texts = [r.ocr_text or "" for r in records]
    ocr_s = ocr_wall["side_by_side"]
    out["ocr_workers"] = options.workers
    out["ocr_seconds_per_image_post_one_at_a_time"] = round(ocr_wall["one_at_a_time"], 3)
    encoder = context.encoder
    encoder.encode(["pemanasan"], kind="query")
    started = time.perf_counter()
    for _ in range(3):
        encoder.encode([f"{p.text}\n\n{t}" for p, t in zip(POSTS, texts, strict=True)], kind="query")
    encode_s = (time.perf_counter() - started) / (3 * len(POSTS))
    out["ocr_seconds_per_image_post"] = round(ocr_s, 3)
    out["encoder_seconds_per_post"] = round(encode_s, 4)
    out["ocr_within_encoder_time"] = ocr_s <= encode_s
    out["encoder"] = str(getattr(encoder, "model_id", ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    for name in ("with_images", "text_only"):
        r = result[name]
        print(f"{name:12s}: {r['caught']} of {r['of']} image hoax posts queued with the right fact check")
    print(
        f"OCR {result['ocr_seconds_per_image_post']} s per image post vs encoder "
        f"{result['encoder_seconds_per_post']} s per post -> {args.output}"
    )


if __name__ == "__main__":
    main()
