"""The registry of a Pemda's official accounts and contacts as plain records: CSV/YAML in and out, and an
index that answers "is this account, number or domain ours?".

One row is one account (or one contact: platform ``whatsapp`` or ``telepon`` with the number as handle) of an
SKPD or of one official, with the verified phone/WhatsApp numbers, website domains and payment accounts
(bank or e-wallet) that belong to it. Lists are ``;``-separated in CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from pipelines.lookalike import canonical_handle, fold

FIELDS = (
    "skpd",
    "skpd_name",
    "official_name",
    "official_title",
    "platform",
    "handle",
    "display_name",
    "profile_url",
    "phones",
    "domains",
    "payment_accounts",
    "notes",
)
LIST_FIELDS = ("phones", "domains", "payment_accounts")
PLATFORMS = ("facebook", "instagram", "x", "tiktok", "youtube", "whatsapp", "telegram", "telepon", "web")
_PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "wa": "whatsapp", "situs": "web"}


class RegistryError(ValueError):
    """A registry row that cannot be taken; the message names the row and is for the officer."""


@dataclass(slots=True)
class OfficialAccount:
    """One registered account or contact of an SKPD or an official."""

    skpd: str
    platform: str
    handle: str
    skpd_name: str = ""
    official_name: str = ""
    official_title: str = ""
    display_name: str = ""
    profile_url: str = ""
    phones: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    payment_accounts: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, canonical_handle(self.handle))

    @property
    def who(self) -> str:
        """The official or office: "Bupati Kotabaru H. Andi Rahmat" or the SKPD's name."""
        if self.official_name and self.official_title:
            return f"{self.official_title} {self.official_name}"
        return self.official_title or self.display_name or self.skpd_name or self.skpd

    @property
    def label(self) -> str:
        """Who and where, in the desk's words: "Bupati Kotabaru … (facebook @bupati.kotabaru)"."""
        return f"{self.who} ({self.platform} @{canonical_handle(self.handle)})"

    def as_row(self) -> dict[str, str | list[str]]:
        return asdict(self)


def digits(value: str) -> str:
    """A phone or account number as digits only; Indonesian ``+62``/``62`` becomes a leading ``0``."""
    only = re.sub(r"\D", "", value or "")
    if only.startswith("62") and len(only) >= 10:
        only = "0" + only[2:]
    return only


def domain_of(value: str) -> str:
    """The host of a URL or a bare domain, lower case, without ``www.``."""
    host = re.sub(r"^[a-z]+://", "", (value or "").strip().lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.")


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]
    if isinstance(value, Iterable):
        return [str(part).strip() for part in value if str(part).strip()]
    return [str(value).strip()]


def normalise_platform(value: str) -> str:
    key = (value or "").strip().lower()
    return _PLATFORM_ALIASES.get(key, key)


def make_account(row: dict, where: str = "") -> OfficialAccount:
    """An account from a CSV/YAML/form row (unknown columns refused, lists split, numbers checked)."""
    unknown = set(row) - set(FIELDS) - {"id", "active"}
    prefix = f"{where}: " if where else ""
    if unknown:
        raise RegistryError(f"{prefix}kolom tidak dikenal: {', '.join(sorted(unknown))}")
    skpd = str(row.get("skpd") or "").strip().lower()
    platform = normalise_platform(str(row.get("platform") or ""))
    handle = canonical_handle(str(row.get("handle") or ""))
    if not skpd:
        raise RegistryError(f"{prefix}kolom skpd wajib diisi")
    if platform not in PLATFORMS:
        raise RegistryError(f"{prefix}platform '{platform}' tidak dikenal (pilih: {', '.join(PLATFORMS)})")
    if not handle:
        raise RegistryError(f"{prefix}kolom handle wajib diisi")
    account = OfficialAccount(
        skpd=skpd,
        platform=platform,
        handle=handle,
        **{
            k: str(row.get(k) or "").strip()
            for k in FIELDS
            if k not in LIST_FIELDS and k not in ("skpd", "platform", "handle")
        },
        **{k: _as_list(row.get(k)) for k in LIST_FIELDS},
    )
    for number in account.phones + account.payment_accounts:
        if len(digits(number)) < 6:
            raise RegistryError(f"{prefix}nomor '{number}' terlalu pendek")
    account.domains = [domain_of(d) for d in account.domains]
    if len(account.handle) > 200 or len(account.display_name) > 200:
        raise RegistryError(f"{prefix}handle atau nama tampilan terlalu panjang (maks. 200)")
    return account


# --- files ------------------------------------------------------------------------------------------


def read_registry(path: Path) -> list[OfficialAccount]:
    """The accounts of a ``.csv`` or ``.yaml``/``.yml`` file (a YAML list, or a mapping with ``accounts``)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        return [make_account(row, f"{path.name} baris {i}") for i, row in enumerate(rows, start=2)]
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text) or []
        rows = data.get("accounts", []) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise RegistryError(f"{path.name}: harus berisi daftar akun (accounts: [...])")
        return [make_account(dict(row), f"{path.name} akun ke-{i}") for i, row in enumerate(rows, start=1)]
    raise RegistryError(f"{path.name}: format tidak dikenal (pakai .csv atau .yaml)")


def dump_registry(accounts: Sequence[OfficialAccount], path: Path) -> int:
    """Write the accounts as CSV or YAML by the file's suffix; returns the count written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [a.as_row() for a in accounts]
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(FIELDS))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif path.suffix.lower() in (".yaml", ".yml"):
        path.write_text(
            yaml.safe_dump({"accounts": rows}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    else:
        raise RegistryError(f"{path.name}: format tidak dikenal (pakai .csv atau .yaml)")
    return len(rows)


# --- the index --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Official:
    """A person or office whose name an impostor may use: the words to look for and their account."""

    name: str  # "Bupati Kotabaru H. Andi ..." as shown
    patterns: tuple[str, ...]  # folded phrases: the official's name, "bupati kotabaru", ...
    account: OfficialAccount


_HONORIFICS = re.compile(r"^(h|hj|dr|drs|ir|prof|kh|st|se|mm|mh|msi|mpd|spd|skm|sh)\.?$")
_TITLE_ONLY = {"bupati", "wakil bupati", "sekda", "sekretaris daerah", "camat", "kepala dinas", "kadis"}


def _name_patterns(account: OfficialAccount, kabupaten: str) -> tuple[str, ...]:
    patterns: set[str] = set()
    name_words = [
        w for w in fold(account.official_name).replace(",", " ").split() if not _HONORIFICS.match(w)
    ]
    if len(name_words) >= 2:
        patterns.add(" ".join(name_words))
    title = fold(account.official_title).strip()
    kab = fold(kabupaten)
    if title:
        patterns.add(title)
        if kab and kab not in title and title in _TITLE_ONLY:
            patterns.add(f"{title} {kab}")
        # the short forms that signed messages use: Kadisdik, Kadinkes, Sekda, Wabup (+ the kabupaten)
        short = {"kepala": f"ka{account.skpd}", "sekretaris daerah": "sekda", "wakil bupati": "wabup"}
        for prefix, alias in short.items():
            if title.startswith(prefix) or prefix in title:
                patterns.add(f"{alias} {kab}" if alias in ("sekda", "wabup") else alias)
                if alias not in ("sekda", "wabup"):
                    patterns.add(f"{alias} kab {kab}")
                break
    return tuple(sorted(p for p in patterns if len(p) >= 6 and p not in _TITLE_ONLY))


class Registry:
    """The registered accounts, indexed for the impersonation signals."""

    def __init__(self, accounts: Iterable[OfficialAccount], *, kabupaten: str = "Kotabaru") -> None:
        self.accounts = list(accounts)
        self.kabupaten = kabupaten
        self.by_key = {a.key: a for a in self.accounts}
        self.handles = {canonical_handle(a.handle) for a in self.accounts}
        self.phones = {digits(p) for a in self.accounts for p in a.phones}
        self.phones |= {digits(a.handle) for a in self.accounts if a.platform in ("whatsapp", "telepon")}
        self.payments = {digits(p) for a in self.accounts for p in a.payment_accounts}
        self.domains = {d for a in self.accounts for d in a.domains}
        officials: dict[str, Official] = {}
        for account in self.accounts:
            for pattern in _name_patterns(account, kabupaten):
                officials.setdefault(pattern, Official(account.label, (pattern,), account))
        self.officials = list(officials.values())

    def __len__(self) -> int:
        return len(self.accounts)

    def is_registered(self, platform: str | None, handle: str | None) -> OfficialAccount | None:
        """The registry row of this exact account (same platform, same handle), else None."""
        return self.by_key.get((normalise_platform(platform or ""), canonical_handle(handle)))

    def same_handle_elsewhere(self, platform: str | None, handle: str | None) -> OfficialAccount | None:
        """A registered account with this handle on another platform."""
        wanted = canonical_handle(handle)
        if not wanted or wanted not in self.handles:
            return None
        return next((a for a in self.accounts if canonical_handle(a.handle) == wanted), None)

    def genuine_for(self, account: OfficialAccount) -> list[OfficialAccount]:
        """Every registered account of the same official (or the same SKPD when it is an office's)."""
        if account.official_name:
            return [a for a in self.accounts if a.official_name == account.official_name]
        return [a for a in self.accounts if a.skpd == account.skpd and not a.official_name]

    @property
    def stamp(self) -> tuple:
        """Changes whenever the registry does (for caches of loaded registries)."""
        return tuple(
            sorted((a.key, a.display_name, tuple(a.phones), tuple(a.payment_accounts)) for a in self.accounts)
        )


__all__ = [
    "FIELDS",
    "PLATFORMS",
    "Official",
    "OfficialAccount",
    "Registry",
    "RegistryError",
    "digits",
    "domain_of",
    "dump_registry",
    "make_account",
    "read_registry",
]
