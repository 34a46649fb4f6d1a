"""Impersonation signals on a post and its author, against the registry of official accounts.

Each signal is a feature in [0, 1] with a reason in Indonesian; a logistic model (weights in
``impersonation_model.json``, fitted by ``python -m eval.impersonation --fit`` on a calibration split of the
generated benchmark) turns them into one probability that the post comes from an account or number that
imitates the Pemda or one of its officials. A registered account is never its own impostor: its
probability is 0.

Numbers, links and money asks count only together with something imitated (a look-alike name, an
official's name or title, a claim to be one): a trader's "transfer ke rek BCA" is no impersonation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.accounts import OfficialAccount, Registry, digits, domain_of
from pipelines.lookalike import canonical_handle, fold, glyphs, resemblance, words

#: The queue category of impersonation items (desk.services.categories knows its label).
CATEGORY = "akun_palsu"
MODEL_FILE = Path(__file__).with_name("impersonation_model.json")
#: Platforms whose "author" is the citizen who forwarded a message, not its sender.
FORWARDING_PLATFORMS = frozenset({"whatsapp-tipline", "tipline", "aduan"})
FEATURES = (
    "handle",
    "display",
    "same_elsewhere",
    "claim",
    "mention",
    "phone",
    "wa_link",
    "payment",
    "money",
    "domain",
    "warning",
)
#: Hand-set starting weights (used until a fitted model file exists).
DEFAULT_MODEL = {
    "intercept": -4.0,
    "weights": {
        "handle": 5.5,
        "display": 5.0,
        "same_elsewhere": 3.0,
        "claim": 3.5,
        "mention": 0.8,
        "phone": 1.5,
        "wa_link": 1.5,
        "payment": 2.0,
        "money": 2.0,
        "domain": 4.5,
        "warning": -3.0,
    },
    "threshold": 0.5,
}

_PHONE = re.compile(r"(?<![\d*])(?:\+62|62|0)\s?8\d(?:[\s.\-]?\d){6,11}(?![\d*])")
_WA_LINK = re.compile(r"(?:wa\.me/|api\.whatsapp\.com/send\?phone=|wa\.link/)\+?(\d{8,15})", re.IGNORECASE)
_PAYMENT = re.compile(
    r"\b(rek(?:ening)?|no\.?\s?rek|norek|bri|bni|bca|mandiri|bsi|btn|bank kalsel|cimb|dana|ovo|gopay|"
    r"shopeepay|linkaja|va|virtual account)\b[^\d\n]{0,25}(\d(?:[\s.\-]?\d){6,18})",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://)?((?:[a-z0-9\-]+\.)+[a-z]{2,})(?:/\S*)?", re.IGNORECASE)
_MONEY = (
    "transfer", "trf", "tf dulu", "ditransfer", "biaya admin", "biaya administrasi", "pulsa", "kode otp",
    "otp", "kirim uang", "kirimkan dana", "kirim dana", "dana talangan", "pinjam dulu", "uang muka",
    "biaya pendaftaran", "biaya verifikasi", "biaya pencairan", "top up", "isi saldo", "deposit",
    "uang pelicin", "uang jaminan", "biaya berkas", "token listrik", "saldo dana", "voucher",
)  # fmt: skip
_MONEY_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _MONEY) + r")\b", re.IGNORECASE)
_CLAIM = re.compile(
    r"\b(?:(?:saya|sy|aku)\s+(?:adalah\s+|selaku\s+)?(?:bupati|wakil bupati|wabup|sekda|sekretaris daerah|"
    r"kadis|kepala dinas|kepala badan|camat|ajudan|staf(?:f)? (?:pribadi|khusus)|admin resmi)"
    r"|(?:nomor|no|nmr|wa|whatsapp|hp)\s+(?:baru|pribadi)\s+(?:saya|bapak|bupati|sekda|ibu)"
    r"|(?:tolong|mohon|silakan)?\s*simpan\s+(?:nomor|no|nmr|wa)"
    r"|ganti\s+(?:nomor|no|nmr)|ini\s+(?:nomor|no|wa)\s+(?:saya|bupati|sekda|bapak)"
    r"|akun\s+(?:resmi\s+)?(?:saya|bupati)\s+yang\s+baru|akun\s+lama\s+(?:saya\s+)?(?:di\s?hack|diretas))",
    re.IGNORECASE,
)
_WARNING = re.compile(
    r"\b(?:waspada|hati[\s-]?hati|hati2|akun palsu|penipuan|modus|mengatasnamakan|mencatut|catut|"
    r"jangan percaya|jangan (?:mau )?transfer|bukan akun resmi|hoaks|hoax|tidak pernah meminta|"
    r"abaikan|laporkan)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """One impersonation signal: its feature, value, the reason in Indonesian and what it saw."""

    code: str
    value: float
    reason: str
    evidence: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "value": round(self.value, 3),
            "reason": self.reason,
            "evidence": self.evidence,
        }


@dataclass(slots=True)
class Impersonation:
    """The judgement on one post: probability, the registered account imitated, the signals behind it."""

    probability: float
    flagged: bool
    imitates: OfficialAccount | None = None
    signals: list[Signal] = field(default_factory=list)
    registered: OfficialAccount | None = None  # the author is this registered account
    numbers: list[str] = field(default_factory=list)  # unregistered phone / payment numbers seen

    @property
    def features(self) -> dict[str, float]:
        out = dict.fromkeys(FEATURES, 0.0)
        for s in self.signals:
            out[s.code] = max(out[s.code], s.value)
        return out

    def reasons(self) -> list[str]:
        """The reasons for the queue item (empty when nothing points at impersonation)."""
        if not self.flagged and self.probability < 0.2:
            return []
        lines = [s.reason for s in self.signals if s.code != "warning" or self.flagged]
        head = f"peluang akun palsu / penipuan {self.probability:.2f}"
        if self.imitates is not None:
            head += f", meniru {self.imitates.label}"
        return [head, *lines]

    def as_contract(self) -> dict:
        """The ``impersonation`` object of ``saring triage``'s output (``imitates`` only when flagged)."""
        return {
            "probability": round(self.probability, 4),
            "imitates": None
            if self.imitates is None or not self.flagged
            else {
                "skpd": self.imitates.skpd,
                "platform": self.imitates.platform,
                "handle": self.imitates.handle,
                "label": self.imitates.label,
            },
            "signals": [s.as_dict() for s in self.signals],
        }


@dataclass(frozen=True, slots=True)
class Model:
    """Logistic weights over the features and the flag threshold."""

    intercept: float
    weights: Mapping[str, float]
    threshold: float = 0.5

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(w * float(features.get(k, 0.0)) for k, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def from_dict(cls, data: Mapping) -> Model:
        return cls(float(data["intercept"]), dict(data["weights"]), float(data.get("threshold", 0.5)))


@lru_cache(maxsize=4)
def _model_from(path: str, mtime: float) -> Model:
    return Model.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def load_model(path: Path | None = None) -> Model:
    """The fitted model shipped beside this module, else the hand-set defaults."""
    path = Path(path or MODEL_FILE)
    if path.is_file():
        return _model_from(str(path), path.stat().st_mtime)
    return Model.from_dict(DEFAULT_MODEL)


# --- signals ------------------------------------------------------------------------------------


def _best_account_resemblance(
    value: str, registry: Registry, attr: str
) -> tuple[float, OfficialAccount | None, str]:
    best: tuple[float, OfficialAccount | None, str] = (0.0, None, "")
    for account in registry.accounts:
        genuine = getattr(account, attr)
        if attr == "handle" and account.platform in ("whatsapp", "telepon", "web"):
            continue
        if not genuine:
            continue
        if attr == "display_name" and " ".join(fold(value).split()) == " ".join(fold(genuine).split()):
            return (1.0, account, "sama dengan nama tampilan akun resmi")
        found = resemblance(value, genuine)
        if found is not None and found.strength > best[0]:
            best = (found.strength, account, found.how)
    return best


def _official_in(text: str, registry: Registry):
    folded = " ".join(fold(text).split())
    for official in registry.officials:
        for pattern in official.patterns:
            if re.search(r"\b" + re.escape(pattern) + r"\b", folded):
                return official
    return None


# not "asli" or "real": "anak.kotabaru.asli" is a native of Kotabaru, not a claim to be the Pemda
_OFFICIAL_WORDS = frozenset(glyphs(w) for w in ("official", "offical", "oficial", "ofc", "resmi"))


_TITLE_WORDS = re.compile(
    r"\b(?:bupati|wabup|wakil|sekda|sekretaris|kepala|kadis\w*|kadin\w*|camat|pemkab|pemda|dinas|official|"
    r"resmi|asli|real|ajudan)\b"
)


def _claims_official(name: str, registry: Registry) -> bool:
    """An unregistered name that says it is official and names the kabupaten or a registered office."""
    parts = [glyphs(w) for w in words(name)]
    glued = "".join(parts)
    if not any(p in _OFFICIAL_WORDS for p in parts) and not any(glued.endswith(w) for w in _OFFICIAL_WORDS):
        return False
    places = {glyphs(fold(registry.kabupaten))} | {glyphs(a.skpd) for a in registry.accounts}
    return any(len(p) >= 4 and p in glued for p in places)


def account_signals(
    platform: str, handle: str | None, display_name: str | None, registry: Registry
) -> tuple[list[Signal], OfficialAccount | None]:
    """Signals of the author alone: a look-alike handle or display name, or a handle registered elsewhere."""
    signals: list[Signal] = []
    imitated: OfficialAccount | None = None
    handle = canonical_handle(handle)
    if handle:
        strength, account, how = _best_account_resemblance(handle, registry, "handle")
        if account is not None:
            imitated = account
            signals.append(
                Signal(
                    "handle",
                    strength,
                    f"nama akun @{handle} meniru akun resmi @{account.handle} ({how})",
                    handle,
                )
            )
        elif _claims_official(handle, registry):
            signals.append(
                Signal("handle", 0.8, f"nama akun @{handle} mengaku resmi tetapi tidak terdaftar", handle)
            )
        elsewhere = registry.same_handle_elsewhere(platform, handle)
        if elsewhere is not None and elsewhere.platform != platform:
            imitated = imitated or elsewhere
            signals.append(
                Signal(
                    "same_elsewhere",
                    1.0,
                    f"handle @{handle} terdaftar sebagai akun resmi di {elsewhere.platform}, "
                    f"tetapi tidak di {platform}",
                    handle,
                )
            )
    if display_name:
        strength, account, how = _best_account_resemblance(display_name, registry, "display_name")
        official = _official_in(display_name, registry)
        if account is not None:
            imitated = imitated or account
            same = how.startswith("sama dengan")
            signals.append(
                Signal(
                    "display",
                    strength,
                    f'nama tampilan "{display_name}" sama dengan akun resmi @{account.handle}'
                    if same
                    else f'nama tampilan "{display_name}" meniru "{account.display_name}" ({how})',
                    display_name,
                )
            )
        elif official is None and _claims_official(display_name, registry):
            signals.append(
                Signal(
                    "display",
                    0.8,
                    f'nama tampilan "{display_name}" mengaku resmi tetapi akun tidak terdaftar',
                    display_name,
                )
            )
        elif official is not None:
            imitated = imitated or official.account
            # a person who shares an official's name ("Nurul Aulia Store") is weak evidence alone;
            # the name with a title or "official" is strong
            titled = _TITLE_WORDS.search(fold(display_name)) is not None
            signals.append(
                Signal(
                    "display",
                    1.0 if titled else 0.3,
                    f'nama tampilan "{display_name}" memakai nama/jabatan {official.account.who}'
                    ", tetapi akun ini tidak terdaftar",
                    display_name,
                )
            )
    return signals, imitated


def text_signals(text: str, registry: Registry) -> tuple[list[Signal], OfficialAccount | None, list[str]]:
    """Signals in the text: a claim to be an official, an official named, numbers, links, money asks."""
    text = text or ""
    signals: list[Signal] = []
    numbers: list[str] = []
    official = _official_in(text, registry)
    claim = _CLAIM.search(text)
    if claim:
        signals.append(
            Signal(
                "claim",
                1.0,
                f'mengaku pejabat atau akun resmi: "{claim.group(0).strip()}"',
                claim.group(0).strip(),
            )
        )
    if official is not None:
        signals.append(
            Signal(
                "mention",
                1.0,
                f"menyebut {official.account.who} dari akun yang tidak terdaftar",
                official.patterns[0],
            )
        )
    wa_numbers = {digits(m.group(1)) for m in _WA_LINK.finditer(text)}
    for number in sorted(n for n in wa_numbers if n not in registry.phones):
        numbers.append(number)
        signals.append(
            Signal("wa_link", 1.0, f"tautan WhatsApp ke nomor {number} yang tidak terdaftar resmi", number)
        )
    payments = {digits(m.group(2)): m.group(1) for m in _PAYMENT.finditer(text)}
    for number, where in sorted(payments.items()):
        if len(number) >= 7 and number not in registry.payments and number not in registry.phones:
            numbers.append(number)
            signals.append(
                Signal(
                    "payment",
                    1.0,
                    f"nomor rekening / dompet digital ({where}) {number} "
                    "tidak terdaftar sebagai rekening resmi",
                    number,
                )
            )
    for match in _PHONE.finditer(text):
        number = digits(match.group(0))
        if (
            number in registry.phones
            or number in wa_numbers
            or number in payments
            or not 10 <= len(number) <= 13
        ):
            continue
        numbers.append(number)
        signals.append(
            Signal(
                "phone", 1.0, f"nomor telepon/WhatsApp {number} tidak terdaftar sebagai nomor resmi", number
            )
        )
    money = sorted({m.group(0).lower() for m in _MONEY_RE.finditer(text)})
    if money:
        signals.append(Signal("money", 1.0, f"meminta uang: {', '.join(money[:4])}", ", ".join(money)))
    for match in _URL.finditer(text):
        host = domain_of(match.group(1))
        if not host or host in registry.domains or any(host.endswith("." + d) for d in registry.domains):
            continue
        for genuine in registry.domains:
            found = resemblance(host, genuine)
            if found is not None:
                signals.append(
                    Signal(
                        "domain",
                        found.strength,
                        f"tautan ke situs {host} yang meniru situs resmi {genuine}",
                        host,
                    )
                )
                break
    if _WARNING.search(text):
        signals.append(
            Signal(
                "warning",
                1.0,
                "berisi peringatan tentang penipuan (ciri unggahan warga atau klarifikasi, bukan pelaku)",
                _WARNING.search(text).group(0),
            )
        )
    return signals, official.account if official is not None else None, numbers


_GATED = ("phone", "wa_link", "payment", "money")
#: What an impersonation needs: something imitated (a name, a title, a claim to be an official, a site).
ANCHORS = ("handle", "display", "same_elsewhere", "claim", "mention", "domain")


def features_of(signals: Sequence[Signal]) -> dict[str, float]:
    """Feature values; numbers and money asks count as much as the strongest imitation beside them."""
    values = dict.fromkeys(FEATURES, 0.0)
    for s in signals:
        values[s.code] = max(values[s.code], s.value)
    anchor = max(values[k] for k in ANCHORS)
    for key in _GATED:
        values[key] *= anchor
    return values


def assess(
    registry: Registry,
    *,
    platform: str,
    handle: str | None,
    display_name: str | None = None,
    text: str = "",
    model: Model | None = None,
) -> Impersonation:
    """The impersonation judgement of one post (or of an account alone, with no text)."""
    model = model or load_model()
    platform = (platform or "").lower()
    forwarded = platform in FORWARDING_PLATFORMS
    if not forwarded:
        registered = registry.is_registered(platform, handle)
        if registered is not None:
            return Impersonation(0.0, False, None, [], registered=registered)
    signals: list[Signal] = []
    imitated = None
    if not forwarded:
        signals, imitated = account_signals(platform, handle, display_name, registry)
    more, named, numbers = text_signals(text, registry)
    signals += more
    imitated = imitated or named
    values = features_of(signals)
    probability = model.probability(values) if any(values[k] for k in ANCHORS) else 0.0
    return Impersonation(probability, probability >= model.threshold, imitated, signals, None, numbers)


def apply(scored, impersonation: Impersonation, config) -> None:  # noqa: ANN001
    """Put the judgement on a scored post: the probability enters the likelihood like the hoax probability,
    the reasons are added, and a flagged post gets the category ``akun_palsu`` and may be queued."""
    from pipelines.scoring import priority, should_queue

    scored.impersonation = impersonation
    scored.components["impersonation"] = impersonation.probability
    likely = float(scored.components.get("likelihood") or 0.0)
    if impersonation.probability > likely:
        impact_value = float(scored.components.get("impact") or 0.0)
        scored.components["likelihood"] = impersonation.probability
        scored.priority = round(priority(impersonation.probability, impact_value, config.impact_floor), 6)
    scored.reasons.extend(impersonation.reasons())
    if impersonation.flagged:
        if impersonation.probability >= likely or scored.category is None:
            scored.category = CATEGORY
        if not scored.queue and should_queue(scored.priority, False, config.threshold):
            scored.queue = True
            scored.reasons.append(f"prioritas {scored.priority:.2f} ≥ ambang {config.threshold:.2f}")


def judge(scored, post, registry: Registry, config) -> Impersonation:  # noqa: ANN001
    """Assess a scored post (:class:`pipelines.scoring.PostToScore` ``post``) and :func:`apply` the result."""
    result = assess(
        registry,
        platform=post.platform,
        handle=post.author_handle,
        display_name=post.author_name,
        text=post.text,
    )
    apply(scored, result, config)
    return result


def display_name_of(raw: Mapping | None) -> str | None:
    """The author's display name in a connector's raw record, when it carries one."""
    if not raw:
        return None
    for key in ("author_name", "author_display_name", "display_name", "user_name", "from"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    author = raw.get("author")
    if isinstance(author, Mapping):
        for key in ("name", "display_name"):
            if isinstance(author.get(key), str):
                return author[key]
    return None


__all__ = [
    "FEATURES",
    "Impersonation",
    "Model",
    "Signal",
    "CATEGORY",
    "account_signals",
    "apply",
    "assess",
    "display_name_of",
    "judge",
    "features_of",
    "load_model",
    "text_signals",
]
