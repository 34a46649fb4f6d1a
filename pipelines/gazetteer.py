"""The configured kabupaten's names (kecamatan, desa, places, SKPD, agencies, neighbours) found in post text.

The YAML shape (see ``pipelines/demo_data/gazetteer_kotabaru.yaml``)::

    kabupaten: {name: Kotabaru, official_name: Kabupaten Kotabaru, aliases: [...], province_aliases: [...]}
    kecamatan: [{name: Pulau Laut Utara, aliases: [PLU]}, ...]        # plain strings work too
    places:    [{name: Sebatung, kind: desa, kecamatan: Pulau Laut Utara}, ...]
    skpd:      [{name: Dinas Sosial, aliases: [Dinsos], categories: [bansos]}, ...]
    agencies:  [{name: BMKG, aliases: [...], categories: [bencana]}, ...]
    neighbours: [{name: Tanah Bumbu, aliases: [Tanbu], places: [Batulicin]}, ...]
    weights:   {kabupaten: 1.0, kecamatan: 0.9, place: 0.8, skpd: 0.6, agency: 0.4, ...}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

#: Local relevance of a mention of each kind (the YAML's ``weights`` override these).
DEFAULT_WEIGHTS: dict[str, float] = {
    "kabupaten": 1.0,
    "kecamatan": 0.9,
    "place": 0.8,
    "skpd": 0.6,
    "agency": 0.4,
    "neighbour": 0.4,
    "province": 0.3,
}
_ORDER = {"kecamatan": 0, "place": 1, "skpd": 2, "agency": 3, "kabupaten": 4, "neighbour": 5, "province": 6}
_PREFIXED = {"kecamatan": "Kecamatan", "desa": "Desa", "kelurahan": "Kelurahan", "kabupaten": "Kabupaten"}


@dataclass(frozen=True, slots=True)
class Place:
    """A name in the gazetteer; ``kind`` is one of DEFAULT_WEIGHTS' keys, ``subkind`` the YAML's own word."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    kecamatan: str | None = None
    subkind: str | None = None
    categories: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How a reason names the place: "Kecamatan Pulau Laut Utara", "Desa Sebatung", "Dinas Sosial"."""
        word = self.subkind or self.kind
        prefix = _PREFIXED.get(word)
        if prefix:
            return self.name if self.name.lower().startswith(prefix.lower()) else f"{prefix} {self.name}"
        if self.kind == "neighbour":
            return f"{self.name} (daerah tetangga)"
        if self.kind == "province":
            return f"{self.name} (provinsi)"
        if self.kind == "place" and word != "place":
            return f"{self.name} ({word})"
        return self.name


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a post, with the words that named it."""

    place: Place
    matched: str


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


class Gazetteer:
    """Whole-word, case-insensitive lookup of every name and alias; the longest name wins an overlap."""

    def __init__(self, kabupaten: str, places: Iterable[Place], weights: Mapping[str, float] | None = None):
        self.kabupaten = kabupaten
        self.places = list(places)
        self.weights = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (weights or {}).items()}}
        self._by_name: dict[str, Place] = {}
        for place in self.places:
            for name in (place.name, *place.aliases):
                key = _fold(name)
                if len(key) >= 2 and key not in self._by_name:
                    self._by_name[key] = place
        names = sorted(self._by_name, key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) or r"(?!x)x"
        # names are folded to lower case and so is the text (faster than a case-insensitive pattern)
        self._pattern = re.compile(rf"(?<![\w])({body})(?![\w])")

    @classmethod
    def from_yaml(cls, path: str | Path) -> Gazetteer:
        """Load a gazetteer YAML file."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return parse_gazetteer(data)

    def mentions(self, text: str) -> list[PlaceMention]:
        """Places named in the text, most specific first, each once."""
        seen: dict[Place, PlaceMention] = {}
        for match in self._pattern.finditer((text or "").lower()):
            place = self._by_name.get(_fold(match.group(1)))
            if place is not None and place not in seen:
                seen[place] = PlaceMention(place, match.group(1))
        return sorted(seen.values(), key=lambda m: _ORDER.get(m.place.kind, 9))

    def relevance(self, mentions: Iterable[PlaceMention]) -> float:
        """Local relevance in [0, 1]: the weight of the most local kind named (0 when none)."""
        return max((self.weights.get(m.place.kind, 0.3) for m in mentions), default=0.0)

    def __len__(self) -> int:
        return len(self.places)


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _strings(*values: object) -> tuple[str, ...]:
    return tuple(str(v).strip() for value in values for v in _as_list(value) if str(v).strip())


def _entry(entry: object, kind: str, kecamatan: str | None = None) -> Place | None:
    """One YAML entry (a name, or a mapping with name/aliases/kind/kecamatan/categories) as a place."""
    if isinstance(entry, str):
        return Place(entry.strip(), kind, kecamatan=kecamatan) if entry.strip() else None
    if not isinstance(entry, Mapping):
        return None
    name = str(entry.get("name") or entry.get("nama") or "").strip()
    if not name:
        return None
    subkind = str(entry["kind"]).strip().lower() if entry.get("kind") else None
    return Place(
        name=name,
        kind=kind,
        aliases=_strings(entry.get("aliases"), entry.get("alias"), entry.get("official_name")),
        kecamatan=str(entry.get("kecamatan") or kecamatan or "").strip() or None,
        subkind=subkind,
        categories=_strings(entry.get("categories")),
    )


def parse_gazetteer(data: Mapping) -> Gazetteer:
    """Build a gazetteer from the YAML mapping (unknown keys are ignored)."""
    places: list[Place] = []
    kab = data.get("kabupaten") or {}
    kab_place = _entry(kab, "kabupaten")
    kabupaten = kab_place.name if kab_place else ""
    if kab_place:
        places.append(kab_place)
    if isinstance(kab, Mapping):
        province = _strings(kab.get("province"), kab.get("province_aliases"))
        if province:
            places.append(Place(province[0], "province", province[1:]))
    for entry in _as_list(data.get("kecamatan")):
        kec = _entry(entry, "kecamatan")
        if kec:
            places.append(Place(kec.name, "kecamatan", kec.aliases, kec.name, "kecamatan", kec.categories))
            for child in _as_list(entry.get("desa") if isinstance(entry, Mapping) else None):
                desa = _entry(child, "place", kec.name)
                if desa:
                    places.append(Place(desa.name, "place", desa.aliases, kec.name, desa.subkind or "desa"))
    for key in ("places", "desa", "kelurahan"):
        default_subkind = None if key == "places" else key
        for entry in _as_list(data.get(key)):
            place = _entry(entry, "place")
            if place:
                places.append(
                    Place(
                        place.name, "place", place.aliases, place.kecamatan, place.subkind or default_subkind
                    )
                )
    for key, kind in (("skpd", "skpd"), ("opd", "skpd"), ("agencies", "agency"), ("neighbours", "neighbour")):
        for entry in _as_list(data.get(key)):
            place = _entry(entry, kind)
            if not place:
                continue
            places.append(place)
            if kind == "neighbour" and isinstance(entry, Mapping):
                for child in _as_list(entry.get("places")):
                    sub = _entry(child, "neighbour")
                    if sub:
                        places.append(Place(f"{sub.name}", "neighbour", sub.aliases, subkind=None))
    return Gazetteer(
        kabupaten, places, data.get("weights") if isinstance(data.get("weights"), Mapping) else None
    )
