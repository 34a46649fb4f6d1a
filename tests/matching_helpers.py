"""Shared helpers for the matching tests: the small sample KB and an encoder wrapper that counts its work."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

SAMPLES = Path(__file__).resolve().parent / "samples" / "matching"
KB_FILE = SAMPLES / "factchecks.jsonl"
POSTS_FILE = SAMPLES / "posts.jsonl"
PAIRS_FILE = SAMPLES / "labelled_pairs.jsonl"

# Self-written posts that paraphrase the six sample fact checks, keyed by the fact check they paraphrase.
POSTS = {
    "t-kb-01": "Info!! pemkab bagi BLT 3 juta, daftar lewat link bantuan-desa.xyz sebelum kuota habis",
    "t-kb-02": "Ngeri, katanya ada tsunami di pantai gedambaan tadi sore, warga disuruh ngungsi semua",
    "t-kb-03": "Hati-hati vaksin campak di sekolah anak kita katanya ada chip pelacaknya dari luar negeri",
    "t-kb-04": "besok listrik padam total 3 hari se kalsel kata orang PLN, siapkan genset dan lilin ya",
    "t-kb-05": "ada lowongan cpns pemkab tanpa tes, cukup transfer 500 ribu buat administrasi ke panitia",
    "t-kb-06": "gas elpiji 3 kg mulai bulan depan naik jadi 50 ribu per tabung, borong sekarang",
}


def sample_factchecks():
    """The six self-written Indonesian fact checks, read by the project's jsonl importer."""
    from factcheck_kb.importers import read

    result = read(KB_FILE, "jsonl")
    assert not result.errors, result.errors
    return result.records


class CountingEncoder:
    """Passes through to a real encoder and records how many texts and calls it was given."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.dim = encoder.dim
        self.calls: list[tuple[str, int]] = []

    @property
    def texts_encoded(self) -> int:
        return sum(n for _, n in self.calls)

    def reset(self) -> None:
        self.calls.clear()

    def encode(
        self, texts: Sequence[str], *, kind: str = "query", batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        self.calls.append((kind, len(texts)))
        return self.encoder.encode(texts, kind=kind, batch_size=batch_size, show_progress=show_progress)
