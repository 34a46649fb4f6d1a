"""Loading: plain BERT folders get mean pooling + normalisation; save/load; settings; errors; mismatch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_bert import build_tiny_bert

from models.encoder import (
    EncoderMismatchError,
    EncoderNotAvailableError,
    SentenceEncoder,
    assert_compatible,
    load_encoder,
    model_defaults,
)

SENTENCES = [
    "Pemerintah membagikan bantuan sosial kepada warga Kotabaru.",
    "Hoaks vaksin menyebar lewat grup WhatsApp keluarga.",
    "Banjir merendam rumah warga di pesisir Pulau Laut.",
    "Ulun handak tulak ka pasar, pian umpat kah?",
    "Aku arep mangan sego pecel ning pasar.",
    "Polisi membantah kabar penculikan anak di sekolah.",
]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain Hugging Face BERT folder (no modules.json) in IndoBERT's shape."""
    folder = build_tiny_bert(
        tmp_path_factory.mktemp("tiny-indobert"), SENTENCES * 3, vocab_size=300, hidden_size=48
    )
    assert not (folder / "modules.json").exists()
    return folder


def _manual_mean_pool(folder: Path, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()


def test_plain_bert_folder_gets_mean_pooling_and_normalisation(tiny_bert: Path):
    encoder = load_encoder(str(tiny_bert))
    assert encoder.dim == 48 and encoder.model_id == str(tiny_bert.resolve())
    assert (encoder.query_prefix, encoder.passage_prefix) == ("", "")
    vectors = encoder.encode(SENTENCES, batch_size=4)
    assert vectors.shape == (len(SENTENCES), 48) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors, _manual_mean_pool(tiny_bert, SENTENCES), atol=1e-5)


def test_prefixes_are_added_per_kind(tiny_bert: Path):
    encoder = load_encoder(str(tiny_bert), query_prefix="cari: ", passage_prefix="dokumen: ", model_id="tiny")
    assert encoder.model_id == "tiny"
    text = SENTENCES[:1]
    np.testing.assert_allclose(
        encoder.encode(text), _manual_mean_pool(tiny_bert, ["cari: " + text[0]]), atol=1e-5
    )
    np.testing.assert_allclose(
        encoder.encode(text, kind="passage"), _manual_mean_pool(tiny_bert, ["dokumen: " + text[0]]), atol=1e-5
    )
    with pytest.raises(ValueError, match="kind"):
        encoder.encode(text, kind="document")  # type: ignore[arg-type]


def test_save_and_from_pretrained_round_trip(tiny_bert: Path, tmp_path: Path):
    encoder = load_encoder(str(tiny_bert), query_prefix="q: ", max_seq_length=32, model_id="tiny-indobert")
    saved = encoder.save_pretrained(tmp_path / "saved")
    assert (saved / "modules.json").is_file() and (saved / "saring_encoder.json").is_file()
    again = SentenceEncoder.from_pretrained(saved)
    assert (again.model_id, again.dim, again.query_prefix, again.max_seq_length) == (
        "tiny-indobert",
        48,
        "q: ",
        32,
    )
    np.testing.assert_allclose(again.encode(SENTENCES), encoder.encode(SENTENCES), atol=1e-6)
    # a saved folder given to load_encoder keeps its recorded id
    assert load_encoder(str(saved)).model_id == "tiny-indobert"


def test_settings_choose_the_default_encoder(tiny_bert: Path, monkeypatch: pytest.MonkeyPatch):
    from saring.config import reset_settings

    monkeypatch.setenv("SARING_ENCODER_MODEL", str(tiny_bert))
    monkeypatch.setenv("SARING_ENCODER_QUERY_PREFIX", "tanya: ")
    monkeypatch.setenv("SARING_ENCODER_MAX_SEQ_LENGTH", "40")
    reset_settings()
    encoder = load_encoder()
    assert encoder.dim == 48 and encoder.query_prefix == "tanya: " and encoder.max_seq_length == 40
    assert load_encoder(str(tiny_bert), query_prefix="arg: ").query_prefix == "arg: "  # args win


def test_model_defaults_table():
    for e5 in ("multilingual-e5-small", "intfloat/multilingual-e5-base", "LazarusNLP/all-indo-e5-small-v4"):
        assert (
            model_defaults(e5).query_prefix == "query: " and model_defaults(e5).passage_prefix == "passage: "
        )
    assert model_defaults("indobenchmark/indobert-base-p1").query_prefix == ""
    assert model_defaults("/models/some-bge5-model").query_prefix == ""


def test_missing_model_explains_how_to_get_it():
    with pytest.raises(EncoderNotAvailableError, match="SARING_ENCODER_MODEL") as info:
        load_encoder("saring-tests/not-downloaded-anywhere")
    assert "never downloads" in str(info.value)


def test_folder_without_model_files_is_refused(tmp_path: Path):
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(EncoderNotAvailableError, match="modules.json"):
        load_encoder(str(tmp_path / "empty-model"))


def test_assert_compatible(use_encoder):
    assert_compatible("use-multilingual", 512, use_encoder)
    with pytest.raises(EncoderMismatchError, match="multilingual-e5-small"):
        assert_compatible("multilingual-e5-small", 384, use_encoder)
    with pytest.raises(EncoderMismatchError, match="dimension 384"):
        assert_compatible("use-multilingual", 384, use_encoder)


def test_auto_keeps_the_variant_the_installed_index_was_built_with(tmp_path):
    import json

    from models.encoder.loading import installed_index_variant

    assert installed_index_variant(tmp_path, "multilingual-e5-small") is None  # no index yet: the fastest
    manifest = {"model_id": "multilingual-e5-small", "dim": 384}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    # an index from before variants were recorded holds torch vectors: an upgrade must not refuse it
    assert installed_index_variant(tmp_path, "multilingual-e5-small") == "torch"
    manifest["encoder"] = {"variant": "onnx-int8"}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert installed_index_variant(tmp_path, "multilingual-e5-small") == "onnx-int8"
    assert installed_index_variant(tmp_path, "use-multilingual") is None  # built with another model
