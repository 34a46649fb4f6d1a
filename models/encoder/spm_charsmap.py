"""Build a SentencePiece "precompiled charsmap" (darts-clone double-array trie + replacement strings).

This is the byte layout that `tokenizers.normalizers.Precompiled` reads: a little-endian uint32 with the
trie's byte size, the trie as uint32 units, then NUL-terminated UTF-8 replacement strings. Each key (UTF-8
bytes) maps to the byte offset of its replacement. Unit layout (darts-clone): bits 0-7 label, bit 8
has-leaf, bit 9 offset extension, bits 10-31 offset (node position XOR children base); a leaf unit is
value | 1 << 31.
"""

from __future__ import annotations

import struct
import unicodedata
from collections import deque
from collections.abc import Mapping

_LEAF_BIT = 1 << 31
_MAX_OFFSET = 1 << 21  # without the extension bit; plenty for tens of thousands of keys


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None


def build_precompiled_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Serialise `key -> replacement` (keys non-empty, no NUL) as a SentencePiece precompiled charsmap."""
    blob = bytearray()
    value_offset: dict[str, int] = {}
    for replacement in sorted(set(mapping.values())):
        if "\0" in replacement:
            raise ValueError("replacements must not contain NUL")
        value_offset[replacement] = len(blob)
        blob += replacement.encode("utf-8") + b"\0"
    root = _Node()
    for key, replacement in mapping.items():
        encoded = key.encode("utf-8")
        if not encoded or b"\0" in encoded:
            raise ValueError(f"invalid charsmap key {key!r}")
        node = root
        for byte in encoded:
            node = node.children.setdefault(byte, _Node())
        node.value = value_offset[replacement]
    units = _DoubleArrayBuilder().build(root)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


class _DoubleArrayBuilder:
    """Greedy breadth-first placement of trie nodes into a darts-clone double array."""

    def __init__(self) -> None:
        self.units: list[int] = []
        self.used = bytearray()
        self.used_bases: set[int] = set()
        self.next_free = 1

    def _grow(self, size: int) -> None:
        if size > len(self.units):
            size = (size | 0xFF) + 1  # whole 256-unit blocks: every base ^ label stays in bounds
            self.units.extend([0] * (size - len(self.units)))
            self.used.extend(bytes(size - len(self.used)))

    def _fits(self, base: int, labels: list[int]) -> bool:
        if base in self.used_bases:
            return False
        self._grow(base + 1)
        return not any(self.used[base ^ label] for label in labels)

    def _find_base(self, labels: list[int]) -> int:
        position = self.next_free
        while True:
            position = self.used.find(0, position)
            if position < 0:  # no free unit left: open a fresh block
                position = len(self.used)
                self._grow(position + 1)
            base = position ^ labels[0]
            if self._fits(base, labels):
                return base
            position += 1

    def build(self, root: _Node) -> list[int]:
        self._grow(1)
        self.used[0] = 1
        queue: deque[tuple[_Node, int, int]] = deque([(root, 0, 0)])
        while queue:
            node, position, label = queue.popleft()
            child_labels = sorted(node.children)
            labels = [0, *child_labels]  # slot 0 holds the leaf; reserved anyway so no hole is left there
            base = self._find_base(labels)
            self.used_bases.add(base)
            for lab in labels:
                self.used[base ^ lab] = 1
            self.next_free = max(self.used.find(0, self.next_free), self.next_free)
            offset = position ^ base
            if offset >= _MAX_OFFSET:
                raise ValueError("charsmap trie too large for this builder")
            self.units[position] = (offset << 10) | ((node.value is not None) << 8) | label
            if node.value is not None:
                self.units[base] = node.value | _LEAF_BIT
            for lab in child_labels:
                queue.append((node.children[lab], base ^ lab, lab))
        return self.units


def charsmap_entries(code_point_map: Mapping[int, str], *, compose: bool = True) -> dict[str, str]:
    """Charsmap keys: the per-code-point map plus canonical decompositions -> normalised composed form.

    SentencePiece's nmt_nfkc tables also map a decomposed sequence (e + U+0301) to the normalised composed
    character; a per-code-point map alone leaves such input decomposed, so `compose` adds those keys.
    """
    entries = {chr(cp): out for cp, out in code_point_map.items() if cp != 0}
    if compose:
        for cp in range(0x110000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            char = chr(cp)
            decomposed = unicodedata.normalize("NFD", char)
            if len(decomposed) > 1 and unicodedata.normalize("NFC", decomposed) == char:
                entries.setdefault(decomposed, code_point_map.get(cp, char))
    return entries
