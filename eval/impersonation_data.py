"""A generated benchmark for the impersonation signals: accounts (genuine, look-alikes of many kinds,
unrelated local accounts) and posts (fraud asks, genuine announcements, ordinary posts naming officials).

Everything is generated from the demo registry (fictional Kotabaru officials) with a seed. Two splits:
``calibration`` (seed 1) uses only the SEEN look-alike kinds and template set A; ``test`` (seed 2) uses every
kind, HELD_OUT ones included, and template set B (other phrasings), so the fitted weights are not measured on
the phrasing they were fitted to. Both were still written by the author of the rules: see the README.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipelines.accounts import OfficialAccount, Registry

SEEN_KINDS = (
    "leet",
    "suffix",
    "separator",
    "homoglyph_cyrillic",
    "display_copy",
    "display_official_name",
)
HELD_OUT_KINDS = (
    "transposition",
    "double_or_drop",
    "prefix",
    "fullwidth_or_greek",
    "leet_and_suffix",
    "display_lookalike",
    "handle_elsewhere",
)

_LEET = {"i": ["1", "l"], "o": ["0"], "a": ["4"], "e": ["3"], "s": ["5"], "l": ["1", "i"]}
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і", "x": "х", "y": "у"}
_GREEK = {"o": "ο", "a": "α", "i": "ι", "k": "κ", "t": "τ", "u": "υ"}
_SUFFIXES = ["_official", ".official", "_resmi", ".resmi", "_real", ".id", "2", "_01", "official", "_asli"]
_PREFIXES = ["real_", "official.", "the.", "resmi_", "new."]
_LOCAL_WORDS = [
    "info", "warga", "kuliner", "jualbeli", "berita", "pasar", "ojek", "kabar", "seputar", "wisata", "sport",
    "mancing", "komunitas", "otomotif", "properti", "loker", "cafe", "foto", "event", "pemuda", "bola",
]  # fmt: skip
_PLACES = [
    "kotabaru",
    "ktb",
    "pulaulaut",
    "sebuku",
    "sampanan",
    "kelumpang",
    "saijaan",
    "kalsel",
    "batulicin",
]
_PEOPLE = [
    "andi", "rahman", "siti", "nurhaliza", "dimas", "fitri", "yusuf", "rina", "budi", "ahmad", "dewi",
    "hendra", "rahmadi", "fajar", "nurul", "rizky", "lestari", "ilham", "maulana", "saleh", "putri", "agus",
    "wahyu",
]  # fmt: skip
_PLATFORMS = ["facebook", "instagram", "x", "tiktok", "youtube"]


@dataclass(slots=True)
class AccountCase:
    platform: str
    handle: str
    display_name: str
    label: str  # genuine | lookalike | unrelated
    kind: str
    imitates: str = ""  # handle of the genuine account

    @property
    def positive(self) -> bool:
        return self.label == "lookalike"


@dataclass(slots=True)
class PostCase:
    platform: str
    handle: str
    display_name: str
    text: str
    label: str  # fraud | genuine | ordinary | warning
    kind: str = ""

    @property
    def positive(self) -> bool:
        return self.label == "fraud"


@dataclass(slots=True)
class Benchmark:
    split: str
    accounts: list[AccountCase] = field(default_factory=list)
    posts: list[PostCase] = field(default_factory=list)


def _swap(rng: random.Random, s: str, table: dict[str, list[str] | str], n: int = 1) -> str:
    positions = [i for i, ch in enumerate(s) if ch in table]
    if not positions:
        return s
    chars = list(s)
    for i in rng.sample(positions, min(n, len(positions))):
        options = table[chars[i]]
        chars[i] = rng.choice(options) if isinstance(options, list) else options
    return "".join(chars)


def _separator(rng: random.Random, s: str) -> str:
    if any(c in s for c in "._-"):
        return rng.choice(
            [
                s.replace(".", "_"),
                s.replace("_", "."),
                s.replace(".", "").replace("_", ""),
                s.replace(".", "-").replace("_", "-"),
            ]
        )
    cut = rng.randrange(3, max(4, len(s) - 3))
    return s[:cut] + rng.choice("._") + s[cut:]


def _letters(s: str) -> list[int]:
    return [i for i, c in enumerate(s) if c.isalpha()]


def handle_variant(rng: random.Random, handle: str, kind: str) -> str:
    """One look-alike of ``handle`` made by the trick ``kind``."""
    if kind == "leet":
        return _swap(rng, handle, _LEET, rng.choice([1, 2]))
    if kind == "suffix":
        return handle + rng.choice(_SUFFIXES)
    if kind == "separator":
        return _separator(rng, handle)
    if kind == "homoglyph_cyrillic":
        return _swap(rng, handle, _CYRILLIC, rng.choice([1, 2]))
    if kind == "transposition":
        letters = [
            i for i in _letters(handle)[1:-1] if handle[i] != handle[i + 1] and handle[i + 1].isalpha()
        ]
        i = rng.choice(letters)
        return handle[:i] + handle[i + 1] + handle[i] + handle[i + 2 :]
    if kind == "double_or_drop":
        i = rng.choice(_letters(handle)[1:])
        return handle[:i] + handle[i] + handle[i:] if rng.random() < 0.5 else handle[:i] + handle[i + 1 :]
    if kind == "prefix":
        return rng.choice(_PREFIXES) + handle
    if kind == "fullwidth_or_greek":
        if rng.random() < 0.5:
            i = rng.choice(_letters(handle))
            return handle[:i] + chr(ord(handle[i]) + 0xFEE0) + handle[i + 1 :]
        return _swap(rng, handle, _GREEK, 1)
    if kind == "leet_and_suffix":
        return _swap(rng, handle, _LEET, 1) + rng.choice(_SUFFIXES)
    raise ValueError(kind)


def _random_handle(rng: random.Random) -> str:
    return (
        rng.choice(_PEOPLE) + rng.choice(["", ".", "_"]) + rng.choice(_PEOPLE) + str(rng.randrange(10, 999))
    )


def lookalike(rng: random.Random, account: OfficialAccount, kind: str, registry: Registry) -> AccountCase:
    platform = account.platform
    display = account.display_name
    if kind == "display_copy":
        return AccountCase(platform, _random_handle(rng), display, "lookalike", kind, account.handle)
    if kind == "display_official_name":
        base = account.who if rng.random() < 0.5 else (account.official_title or display)
        name = rng.choice([base, f"{base} (Akun Baru)", f"{base} Official", base.upper()])
        return AccountCase(platform, _random_handle(rng), name, "lookalike", kind, account.handle)
    if kind == "display_lookalike":
        name = _swap(rng, display, {**_CYRILLIC, **{k: v[0] for k, v in _LEET.items()}}, 1)
        return AccountCase(platform, _random_handle(rng), name, "lookalike", kind, account.handle)
    if kind == "handle_elsewhere":
        others = [p for p in _PLATFORMS if registry.is_registered(p, account.handle) is None]
        return AccountCase(rng.choice(others), account.handle, display, "lookalike", kind, account.handle)
    handle = handle_variant(rng, account.handle, kind)
    while handle.lower() == account.handle.lower():
        handle = handle_variant(rng, account.handle, kind)
    shown = rng.choice([display, "", _random_handle(rng).split(".")[0].title()])
    return AccountCase(platform, handle, shown, "lookalike", kind, account.handle)


_NEAR = [
    ("bupaticup.kotabaru", "Bupati Cup Kotabaru 2026"), ("kotabaru.hits", "Kotabaru Hits"),
    ("pemuda.kotabaru", "Pemuda Kotabaru"), ("dishub.kotabaru.fans", "Pecinta Angkutan Kotabaru"),
    ("alumni.sman1kotabaru", "Alumni SMAN 1 Kotabaru"), ("kotabaru.hebat.fc", "Kotabaru Hebat FC"),
    ("relawan.banjir.ktb", "Relawan Banjir Kotabaru"),
    ("rahmadi.jaya88", "Rahmadi Jaya"),
    ("nurul.aulia.store", "Nurul Aulia Store"), ("pemancing.kotabaru", "Pemancing Kotabaru"),
    ("dinas.kuliner.kotabaru", "Dinas Kuliner Kotabaru (akun humor)"),
    ("sekolah.kotabaru", "Sekolah Kotabaru"),
    ("ojol.kotabaru", "Ojol Kotabaru"), ("kotabaru.tv.news", "Kotabaru TV News"),
]  # fmt: skip


def unrelated(rng: random.Random) -> AccountCase:
    word, place = rng.choice(_LOCAL_WORDS), rng.choice(_PLACES)
    sep = rng.choice(["_", ".", ""])
    form = rng.randrange(5)
    if form == 4:
        handle, name = rng.choice(_NEAR)
        return AccountCase(rng.choice(_PLATFORMS), handle, name, "unrelated", "near")
    if form == 0:
        handle, name = f"{word}{sep}{place}", f"{word.title()} {place.title()}"
    elif form == 1:
        handle, name = f"{place}{sep}{word}", f"{place.title()} {word.title()}"
    elif form == 2:
        handle, name = f"{word}{sep}{place}{rng.randrange(1, 99)}", f"{word.title()} {place.title()} Terkini"
    else:
        handle = _random_handle(rng)
        name = " ".join(p.title() for p in handle.rstrip("0123456789").replace("_", ".").split(".") if p)
    return AccountCase(rng.choice(_PLATFORMS), handle, name, "unrelated", "local")


def genuine(rng: random.Random, account: OfficialAccount) -> AccountCase:
    """The registered account as a post or report may write it (case, @, profile URL)."""
    handle = rng.choice(
        [account.handle, "@" + account.handle, account.handle.upper(), account.profile_url or account.handle]
    )
    return AccountCase(
        account.platform, handle, account.display_name, "genuine", "registered", account.handle
    )


# --- posts ----------------------------------------------------------------------------------------

FRAUD = {
    "A": [
        "Assalamualaikum bapak/ibu, ini akun baru saya. Mohon bantu transfer dulu {amount} untuk bantuan "
        "korban banjir ke rek {bank} {account} a.n. {name}. Nanti saya ganti.",
        "Selamat siang, saya {title}. Nomor lama saya bermasalah, simpan nomor baru ini {phone}. Ada "
        "program bantuan UMKM, cukup bayar biaya admin {amount}.",
        "Info resmi: pendaftaran bantuan sosial {kab} dibuka. Kirim kode OTP yang masuk ke HP anda ke "
        "wa.me/{wa} untuk verifikasi.",
        "Dicari 20 tenaga honorer {kab} tanpa tes. Biaya pendaftaran {amount} transfer ke {wallet} {phone}.",
    ],
    "B": [
        "Halo, sy {title} {kab}. Ini nomor pribadi saya, tolong disimpan ya. Bisa minta tolong isi pulsa "
        "{amount} ke {phone}? Sedang rapat, nanti diganti.",
        "Bapak/Ibu ASN yth, tunjangan triwulan ini cair lebih cepat asal bayar biaya pencairan {amount} ke "
        "{bank} {account}. Konfirmasi via wa.me/{wa}. Ttd {title}",
        "Akun lama saya di hack. Mulai sekarang hubungi saya di {phone}. Saya butuh dana talangan "
        "{amount} untuk kegiatan, transfer ke {wallet} {phone2}.",
        "Selamat! Anda terpilih menerima bantuan Rp5 juta dari {title}. Ambil dengan top up saldo "
        "{amount} ke {wallet} {phone}.",
    ],
}
GENUINE = {
    "A": [
        "{title} meresmikan jembatan penghubung di Kecamatan {kec} pagi ini bersama warga.",
        "Pembayaran PBB tahun ini dapat dilakukan melalui rekening kas daerah {payment} atau loket Bapenda.",
        "Layanan pengaduan masyarakat dapat menghubungi WhatsApp resmi {official_phone}. Kami tidak pernah "
        "meminta transfer.",
    ],
    "B": [
        "Rapat koordinasi penanganan banjir dipimpin {title} bersama BPBD dan camat se-{kab}.",
        "Donasi untuk korban kebakaran di {kec} dapat disalurkan melalui rekening resmi {payment}.",
        "Hati-hati penipuan mengatasnamakan pejabat! Akun resmi hanya yang terdaftar di {domain}.",
    ],
}
ORDINARY = {
    "A": [
        "Tadi lihat {title} datang ke pasar {kec}, ramah sekali orangnya.",
        "Semoga {title} cepat perbaiki jalan rusak di {kec}, sudah parah banget.",
        "Berita: {title} menghadiri peringatan hari jadi {kab} ke-76 di lapangan Siring Laut.",
        "{name} tadi pidato soal stunting, bagus programnya.",
    ],
    "B": [
        "Kapan ya {title} kunjungan ke desa kami di {kec}? Jalan masih becek.",
        "Foto bareng {title} waktu jalan sehat kemarin, alhamdulillah dapat doorprize.",
        "Warga {kec} berterima kasih kepada {title} atas bantuan perahu nelayan.",
        "Di grup ada yang bilang {name} mau mencalonkan lagi, benar kah?",
    ],
}
WARNING = [
    "Waspada! Ada akun palsu mengatasnamakan {title} minta transfer ke nomor {phone}. Jangan percaya.",
    "Hati-hati modus penipuan catut nama {title}, minta pulsa lewat WA. Laporkan ke Diskominfo.",
]
_BANKS = ["BRI", "BNI", "BCA", "Mandiri", "BSI"]
_WALLETS = ["DANA", "OVO", "GoPay", "ShopeePay"]
_KEC = ["Pulau Laut Utara", "Sampanan", "Kelumpang Hilir", "Pulau Sebuku", "Hampang", "Sungai Durian"]


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["0812", "0813", "0852", "0821", "+62812"]) + "-" + f"{rng.randrange(1000, 9999)}-"
        f"{rng.randrange(1000, 9999)}"
    )


def _fill(rng: random.Random, template: str, account: OfficialAccount, registry: Registry) -> str:
    payments = [p for a in registry.accounts for p in a.payment_accounts] or ["Bank Kalsel 001"]
    phones = [p for a in registry.accounts for p in a.phones] or ["0811"]
    domains = sorted(registry.domains) or ["kotabarukab.go.id"]
    phone = _phone(rng)
    return template.format(
        amount=rng.choice(["Rp500.000", "2jt", "Rp1.500.000", "350rb", "Rp250 ribu"]),
        bank=rng.choice(_BANKS),
        account=f"{rng.randrange(10**9, 10**10)}",
        name=account.official_name or account.display_name,
        title=account.official_title or account.display_name,
        kab=registry.kabupaten,
        phone=phone,
        phone2=_phone(rng),
        wa=phone.replace("-", "").replace("+", "").replace("0812", "62812", 1),
        wallet=rng.choice(_WALLETS),
        kec=rng.choice(_KEC),
        payment=rng.choice(payments),
        official_phone=rng.choice(phones),
        domain=rng.choice(domains),
    )


def generate(registry: Registry, split: str) -> Benchmark:
    """The benchmark split ``calibration`` or ``test``."""
    rng = random.Random(1 if split == "calibration" else 2)
    kinds = SEEN_KINDS if split == "calibration" else SEEN_KINDS + HELD_OUT_KINDS
    templates = "A" if split == "calibration" else "B"
    social = [a for a in registry.accounts if a.platform in _PLATFORMS]
    people = [a for a in social if a.official_title]
    bench = Benchmark(split)
    for account in social:
        for _ in range(5):
            bench.accounts.append(genuine(rng, account))
    per_kind = max(1, 1100 // (len(kinds) * len(social)))
    for kind in kinds:
        for account in social:
            if kind == "display_official_name" and not account.official_title:
                continue
            for _ in range(per_kind + 1):
                bench.accounts.append(lookalike(rng, account, kind, registry))
    while len(bench.accounts) < 2100:
        bench.accounts.append(unrelated(rng))
    lookalikes = [c for c in bench.accounts if c.positive]
    locals_ = [c for c in bench.accounts if c.label == "unrelated"]
    by_handle = {a.handle: a for a in social}
    for _ in range(160):  # fraud asks from look-alike accounts
        case = rng.choice(lookalikes)
        account = by_handle[case.imitates]
        text = _fill(rng, rng.choice(FRAUD[templates]), account, registry)
        bench.posts.append(PostCase(case.platform, case.handle, case.display_name, text, "fraud", case.kind))
    for _ in range(40):  # the same asks forwarded by citizens to the tipline
        account = rng.choice(people)
        text = _fill(rng, rng.choice(FRAUD[templates]), account, registry) + " -- ini benar dari beliau?"
        bench.posts.append(PostCase("whatsapp-tipline", "wa:+62813****0000", "", text, "fraud", "forwarded"))
    for _ in range(140):  # genuine announcements from registered accounts
        account = rng.choice(social)
        text = _fill(rng, rng.choice(GENUINE[templates]), rng.choice(people), registry)
        bench.posts.append(PostCase(account.platform, account.handle, account.display_name, text, "genuine"))
    for _ in range(140):  # ordinary posts that name an official
        case = rng.choice(locals_)
        text = _fill(rng, rng.choice(ORDINARY[templates]), rng.choice(people), registry)
        bench.posts.append(PostCase(case.platform, case.handle, case.display_name, text, "ordinary"))
    for _ in range(20):  # citizens warning about a fake account (numbers and money words, no impostor)
        case = rng.choice(locals_)
        text = _fill(rng, rng.choice(WARNING), rng.choice(people), registry)
        bench.posts.append(PostCase(case.platform, case.handle, case.display_name, text, "warning"))
    return bench


# --- a stress set, written after the rules and weights were frozen and never used to change them -----------
# (platform, handle, display name, text, label). Harder than the generator: abbreviations, reordering, several
# tricks at once, fan pages that use a title, ordinary posts with numbers beside an official's name.
STRESS: list[tuple[str, str, str, str, str]] = [
    ("facebook", "bupatii_kotabaruu", "Bupati Kotabaru", "", "lookalike"),
    ("facebook", "kotabaru.bupati", "Bupati Kotabaru", "", "lookalike"),
    ("facebook", "kotabaru.bupati", "", "", "lookalike"),
    ("instagram", "pemkab.ktb", "Pemkab Kotabaru", "", "lookalike"),
    ("instagram", "pemkab.ktb", "", "", "lookalike"),
    ("facebook", "rahmadi.saleh.official", "H. Rahmadi Saleh", "", "lookalike"),
    ("facebook", "user.8812931", "Bpk. Rahmadi Saleh (Bupati)", "", "lookalike"),
    ("instagram", "bupatikotabaru_", "Rahmadi Saleh - Bupati Kotabaru 🇮🇩", "", "lookalike"),
    ("tiktok", "kotabaru.hebat.official", "Kotabaru Hebat", "", "lookalike"),
    ("x", "kominfo_ktb1", "Kominfo Kotabaru", "", "lookalike"),
    ("x", "kominfoktb", "", "", "lookalike"),
    ("facebook", "dinsos.kotabaru.bantuan", "Dinas Sosial Kotabaru", "", "lookalike"),
    ("facebook", "sekda.kotabaru.new", "", "", "lookalike"),
    ("facebook", "diskominfo.kotabaru", "Diskominfo Kotabaru", "", "lookalike"),  # the IG handle, on Facebook
    ("facebook", "fans.bupati.kotabaru", "Pendukung Bupati Kotabaru", "", "unrelated"),
    ("facebook", "relawan.rahmadi", "Relawan Rahmadi Saleh", "", "unrelated"),
    ("instagram", "kotabaru_update", "Kotabaru Update", "", "unrelated"),
    ("instagram", "bpbd.kalsel", "BPBD Provinsi Kalsel", "", "unrelated"),
    ("facebook", "dinkes.tanbu", "Dinas Kesehatan Tanah Bumbu", "", "unrelated"),
    ("facebook", "pemkab.tanahbumbu", "Pemkab Tanah Bumbu", "", "unrelated"),
    ("x", "kominfo_kalsel", "Diskominfo Kalsel", "", "unrelated"),
    ("tiktok", "kotabaru.hits", "Kotabaru Hits", "", "unrelated"),
    ("facebook", "siti.hajar.88", "Siti Hajar", "", "unrelated"),
    ("facebook", "bupati.kotabaru.fanpage", "Bupati Kotabaru", "", "lookalike"),
    (
        "facebook",
        "warga.ktb",
        "Warga KTB",
        "Lowongan sopir di Kotabaru, hubungi 0813-5522-1100. Bukan dari Pemkab ya, Bupati tidak terlibat.",
        "ordinary",
    ),
    (
        "facebook",
        "info_kotabaru",
        "Info Kotabaru",
        "Bupati Kotabaru minta warga transfer zakat hanya lewat BAZNAS, rekening BSI 7150-0020-26.",
        "ordinary",
    ),
    (
        "instagram",
        "kuliner.ktb",
        "Kuliner KTB",
        "Pesan nasi kuning langganan Sekda Kotabaru, transfer DANA 0852-1234-9876 ya kak",
        "ordinary",
    ),
    (
        "facebook",
        "pasar.kotabaru",
        "Pasar Kotabaru",
        "Rahmadi Saleh blusukan ke pasar, pedagang minta harga elpiji turun.",
        "ordinary",
    ),
    (
        "facebook",
        "bupatl.kotabaru",
        "",
        "Klik link ini untuk daftar bantuan banjir: bit.ly/bantuan-ktb",
        "fraud",
    ),
    (
        "facebook",
        "ahmad.fauzi77",
        "Ahmad Fauzi",
        "Saya Kadinkes Kotabaru, tolong simpan nomor baru saya 0852-7788-1122, ada titipan obat gratis, "
        "cukup ganti ongkir via DANA.",
        "fraud",
    ),
    (
        "whatsapp-tipline",
        "wa:+62813****1111",
        "",
        "Pesan dari Sekda Kotabaru: ASN wajib ikut arisan Korpri, setor 500rb ke rek BRI 0011-2233-4455.",
        "fraud",
    ),
    (
        "instagram",
        "pemkab_kotabaru.resmi",
        "Pemkab Kotabaru",
        "Giveaway HUT Kotabaru! Isi data dan kirim kode OTP ke admin untuk klaim hadiah.",
        "fraud",
    ),
    (
        "facebook",
        "bapenda.kotabaru",
        "Bapenda Kotabaru",
        "Bayar PBB lewat transfer ke rek Bank Kalsel 0010-2030-4050-6, jangan ke rekening pribadi.",
        "genuine",
    ),
    (
        "whatsapp",
        "0811-5100-0110",
        "Layanan Aduan Kotabaru",
        "Terima kasih, aduan anda sudah kami terima. Kami tidak pernah meminta pulsa.",
        "genuine",
    ),
]
