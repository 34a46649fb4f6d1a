"""The light USE multilingual backend: shape, normalisation, ranking, and the same interface as E5."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.encoder import SentenceEncoder

TRIPLES = [  # (claim, paraphrase or rebuttal of it, unrelated)
    (
        "Vaksin COVID-19 mengandung microchip untuk melacak warga",
        "Ada chip pelacak yang disuntikkan lewat vaksin corona",
        "Harga cabai rawit di pasar Kotabaru naik minggu ini",
    ),
    (
        "Besok listrik padam total di seluruh Kalimantan Selatan",
        "PLN: tidak benar ada pemadaman listrik se-Kalsel besok",
        "Siswa SMAN 1 Kotabaru juara olimpiade sains",
    ),
    (
        "Bantuan sosial Rp 600 ribu cair hari ini, daftar lewat tautan",
        "Link pendaftaran bansos 600 ribu itu penipuan",
        "Kapal feri ke Batulicin berangkat pukul tujuh pagi",
    ),
]


def test_use_shape_and_normalisation(use_encoder):
    assert use_encoder.model_id == "use-multilingual" and use_encoder.dim == 512
    assert use_encoder.backend == "use"
    vectors = use_encoder.encode(["Halo dunia", "wkwk hoaks lg 😂", "", "Harga BBM naik 30%"], batch_size=2)
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert use_encoder.encode([], kind="passage").shape == (0, 512)


def test_use_ranks_related_above_unrelated(use_encoder):
    for claim, related, unrelated in TRIPLES:
        q = use_encoder.encode([claim])[0]
        related_vec, unrelated_vec = use_encoder.encode([related, unrelated], kind="passage")
        assert related_vec @ q > unrelated_vec @ q, claim


def test_use_save_and_reload(use_encoder, tmp_path: Path):
    folder = use_encoder.save_pretrained(tmp_path / "use")
    again = SentenceEncoder.from_pretrained(folder)
    assert (again.model_id, again.dim, again.backend) == ("use-multilingual", 512, "use")
    texts = [t for triple in TRIPLES for t in triple]
    np.testing.assert_allclose(again.encode(texts), use_encoder.encode(texts), atol=1e-6)
