"""Generate synthetic but realistic Indonesian posts in the drop-folder JSONL shape (seeded, for benchmarks).

    python scripts/generate_posts.py --n 10000 --out eval/results/synthetic_posts.jsonl [--seed 7]

The mix follows the demo data: paraphrases of the demo knowledge base's claims (slang, ALL CAPS, emoji,
typos, "dari grup sebelah", "benar gak?"), near-duplicate re-posts across platforms, debunk reports, new
hoax-like rumours, and everyday local posts (announcements, trade, sport, weather, daily life), with
Kotabaru's kecamatan, desa and SKPD names, platform-typical engagement and timestamps over the 30 days
before ``--end``.
Every line is a valid post; nothing here is real.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "pipelines" / "demo_data"

PLATFORMS = {
    "facebook": 45,
    "x": 16,
    "whatsapp-tipline": 12,
    "instagram": 10,
    "tiktok": 9,
    "news": 5,
    "youtube": 3,
}
MIX = {"hoax_paraphrase": 0.30, "repost": 0.12, "debunk": 0.06, "hoax_new": 0.06, "everyday": 0.46}

PREFIXES = [
    "",
    "",
    "",
    "Info dari grup sebelah: ",
    "Copas dari WA keluarga: ",
    "Benar gak nih? ",
    "PENTING!! ",
    "Mohon dibaca sampai habis. ",
    "Katanya ",
    "Barusan dapat kabar, ",
    "Assalamualaikum, mau tanya, ",
    "Waspada ya warga {place}! ",
    "Tolong diviralkan: ",
    "[INFO] ",
    "Heboh di {place}: ",
]
SUFFIXES = [
    "",
    "",
    "",
    " Sebarkan!!",
    " bagikan ke keluarga ya",
    " 🙏🙏",
    " benar tidak ya?",
    " mohon infonya admin",
    " cek link: bit.ly/{code}",
    " #kotabaru #infokotabaru",
    " sumber: grup RT",
    " jgn lupa share",
    " 😱😱",
    " (belum tau benar apa ngga)",
    " katanya sih dari orang dinas",
]
DEBUNK = [
    "Ternyata hoaks ya: {claim} Sudah diklarifikasi {skpd}.",
    'Hati-hati, kabar "{claim}" itu tidak benar. Cek klarifikasi resmi di situs Pemkab.',
    "Update: {skpd} menegaskan bahwa {claim} adalah HOAKS. Jangan disebar lagi ya.",
    "Sudah dicek, info {claim} itu bohong. Saring sebelum sharing!",
]
HOAX_NEW = [
    "Beredar kabar {thing} di {place} bakal {event} mulai minggu depan. Siapkan diri dari sekarang!!",
    "katanya {thing} di {place} {event}, sudah ada korban. jgn keluar rumah dulu",
    "BREAKING: {skpd} umumkan {thing} {event} di seluruh Kotabaru. sebarkan!!",
    "Pesan berantai: {thing} akan {event}. Kirim ke 10 kontak biar tidak kena.",
    "Info orang dalam: {thing} di {place} {event}. Jangan bilang dari saya",
]
THINGS = [
    "air PDAM",
    "listrik",
    "harga beras",
    "sekolah",
    "jalan poros",
    "pelabuhan",
    "puskesmas",
    "bantuan beras",
    "BBM subsidi",
    "sinyal internet",
    "pasar",
    "gas elpiji 3 kg",
    "kapal feri",
    "bandara",
]
EVENTS = [
    "ditutup total",
    "mati seminggu",
    "naik dua kali lipat",
    "dihentikan",
    "diliburkan sebulan",
    "dibagikan gratis",
    "langka",
    "disegel aparat",
    "tercemar racun",
    "dipindah ke Batulicin",
]
EVERYDAY = [
    "Jadwal pelayanan {skpd} keliling di Kecamatan {kecamatan} hari {day} pukul 08.00 WITA. Bawa KTP dan KK.",
    "Dijual {item} kondisi mulus di {place}, harga nego. Minat hubungi 08{phone}.",
    "Alhamdulillah panen {crop} di Desa {desa} tahun ini lumayan 🙏",
    "ada yg tau {shop} yg buka hari minggu di sekitar {place}? {need}",
    "Sunset di {place} sore ini cantik banget 🌅 #kotabaru",
    "Hasil turnamen voli antar-kecamatan: {kecamatan} menang 3-1. Selamat!",
    "Imbauan {skpd}: warga {kecamatan} diminta menjaga kebersihan lingkungan menjelang musim hujan.",
    "Macet di dekat {place} karena ada perbaikan jalan, cari jalan lain dulu ya gaes",
    "Posyandu Desa {desa} hari {day}: penimbangan, imunisasi, dan PMT balita. Jangan lupa bawa buku KIA.",
    "Selamat ulang tahun Kotabaru! Semoga makin maju dan sejahtera warganya 🎉",
    "Lowongan kerja admin toko di {place}, lulusan SMA/SMK, kirim lamaran ke toko langsung ya.",
    "Gowes santai Minggu pagi rute {place} – {place2}, kumpul jam 6 di depan masjid raya 🚴",
    "Kuliner malam di {place}: nasi kuning, soto banjar, dan es kelapa. Murah meriah 😋",
    "Rapat koordinasi {skpd} dengan camat se-Kabupaten Kotabaru membahas persiapan musim hujan.",
    "mancing di {place} dapat kakap 3 ekor 🎣 spot rahasia wkwk",
]
ITEMS = [
    "motor bekas",
    "kulkas 2 pintu",
    "rumah type 36",
    "tanah kavling",
    "HP second",
    "sepeda anak",
    "lemari jati",
]
CROPS = ["padi", "jagung", "sawit", "karet", "cabai"]
SHOPS = ["bengkel motor", "apotek", "warung makan", "tukang jahit", "servis HP"]
NEEDS = ["ban bocor nih", "butuh cepat", "makasih infonya", "darurat", ""]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]
EMOJI = ["😱", "🙏", "😡", "⚠️", "‼️", "😭", "🔥", "👇", "📢"]


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _slang(path: Path) -> dict[str, list[str]]:
    """standard word -> slang spellings (the reverse of the normaliser's dictionary)."""
    reverse: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        slang, standard = line.split("\t", 1)
        if slang == "slang" or " " in standard.strip():
            continue
        reverse.setdefault(standard.strip(), []).append(slang.strip())
    return reverse


def _gazetteer(path: Path) -> dict[str, list[str]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kecamatan = [k["name"] if isinstance(k, dict) else k for k in data.get("kecamatan", [])]
    places = [p["name"] for p in data.get("places", []) if isinstance(p, dict)]
    desa = [
        p["name"]
        for p in data.get("places", [])
        if isinstance(p, dict) and p.get("kind") in ("desa", "kelurahan")
    ]
    skpd = [s["name"] for s in data.get("skpd", []) if isinstance(s, dict)]
    return {"kecamatan": kecamatan, "places": places + kecamatan, "desa": desa or places, "skpd": skpd}


class Generator:
    """Seeded post generator over the demo KB, the demo posts, the gazetteer and the slang dictionary."""

    def __init__(self, seed: int, end: datetime):
        self.rng = random.Random(seed)
        self.end = end
        self.kb = [r for r in _read_jsonl(DEMO / "kb_clarifications.jsonl") if r.get("claim_text")]
        demo_posts = _read_jsonl(DEMO / "posts.jsonl")
        self.hoax_posts = [p["text"] for p in demo_posts if str(p.get("expected", "")).startswith("hoax")]
        self.everyday_posts = [p["text"] for p in demo_posts if p.get("expected") == "unrelated"]
        self.slang = _slang(DEMO / "slang_id.tsv")
        self.gaz = _gazetteer(DEMO / "gazetteer_kotabaru.yaml")
        self.generated: list[dict] = []

    # --- pieces -------------------------------------------------------------------------------
    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def fill(self, template: str, **extra: str) -> str:
        values = {
            "place": self.pick(self.gaz["places"]),
            "place2": self.pick(self.gaz["places"]),
            "kecamatan": self.pick(self.gaz["kecamatan"]),
            "desa": self.pick(self.gaz["desa"]),
            "skpd": self.pick(self.gaz["skpd"]),
            "day": self.pick(DAYS),
            "item": self.pick(ITEMS),
            "crop": self.pick(CROPS),
            "shop": self.pick(SHOPS),
            "need": self.pick(NEEDS),
            "thing": self.pick(THINGS),
            "event": self.pick(EVENTS),
            "phone": "".join(str(self.rng.randrange(10)) for _ in range(10)),
            "code": "".join(self.pick("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6)),
        }
        values.update(extra)
        return template.format(**values)

    def slangify(self, text: str, rate: float) -> str:
        words = text.split(" ")
        for i, word in enumerate(words):
            key = word.lower().strip(".,!?")
            if key in self.slang and self.rng.random() < rate:
                words[i] = word.lower().replace(key, self.pick(self.slang[key]))
        return " ".join(words)

    def typo(self, text: str) -> str:
        chars = list(text)
        for _ in range(self.rng.randint(1, 3)):
            i = self.rng.randrange(max(1, len(chars) - 1))
            if chars[i].isalpha() and chars[i + 1].isalpha():
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)

    def dress(self, text: str) -> str:
        """Framing, slang, case, emoji and typos as people write them."""
        text = self.fill(self.pick(PREFIXES)) + text + self.fill(self.pick(SUFFIXES))
        text = self.slangify(text, self.rng.choice([0.0, 0.3, 0.7]))
        roll = self.rng.random()
        if roll < 0.08:
            text = text.upper()
        elif roll < 0.30:
            text = text.lower()
        if self.rng.random() < 0.3:
            text += " " + "".join(self.pick(EMOJI) for _ in range(self.rng.randint(1, 3)))
        if self.rng.random() < 0.2:
            text = self.typo(text)
        return " ".join(text.split())

    def shorten(self, text: str) -> str:
        words = text.split()
        if len(words) > 14 and self.rng.random() < 0.4:
            return " ".join(words[: self.rng.randint(8, len(words))])
        return text

    # --- kinds ----------------------------------------------------------------------------------
    def hoax_paraphrase(self) -> tuple[str, dict]:
        if self.hoax_posts and self.rng.random() < 0.35:
            return self.dress(self.pick(self.hoax_posts)), {"expected": "hoax_demo_variant"}
        item = self.pick(self.kb)
        return self.dress(self.shorten(item["claim_text"])), {"expected": f"hoax_match:{item['kb_id']}"}

    def repost(self) -> tuple[str, dict]:
        earlier = [g for g in self.generated[-500:] if g["raw_kind"] in ("hoax_paraphrase", "hoax_new")]
        if not earlier:
            return self.hoax_paraphrase()
        source = self.pick(earlier)
        text = source["text"]
        if self.rng.random() < 0.5:
            text = self.fill(self.pick(["Repost: ", "Fwd: ", "", "Ini benar? ", "share ulang "])) + text
        return text, {"expected": source["expected"], "dup_of": source["id"]}

    def debunk(self) -> tuple[str, dict]:
        item = self.pick(self.kb)
        claim = " ".join(item["claim_text"].split()[:12]).rstrip(".,!") + "…"
        return self.dress(self.fill(self.pick(DEBUNK), claim=claim)), {"expected": "debunk_report"}

    def hoax_new(self) -> tuple[str, dict]:
        return self.dress(self.fill(self.pick(HOAX_NEW))), {"expected": "hoax_new"}

    def everyday(self) -> tuple[str, dict]:
        if self.everyday_posts and self.rng.random() < 0.3:
            text = self.pick(self.everyday_posts)
        else:
            text = self.fill(self.pick(EVERYDAY))
        if self.rng.random() < 0.3:
            text = self.slangify(text, 0.5)
        return " ".join(text.split()), {"expected": "unrelated"}

    # --- posts ----------------------------------------------------------------------------------
    def engagement(self, platform: str, viral: bool) -> dict[str, int]:
        if platform == "whatsapp-tipline":
            return {"likes": 0, "shares": 0, "comments": 0, "views": 0}
        scale = {"tiktok": 3.0, "youtube": 2.5, "x": 1.5, "instagram": 1.8}.get(platform, 1.0) * (
            4 if viral else 1
        )
        likes = int(math.exp(self.rng.gauss(3.0, 1.3)) * scale)
        return {
            "likes": likes,
            "shares": int(likes * self.rng.uniform(0.05, 0.6)),
            "comments": int(likes * self.rng.uniform(0.02, 0.3)),
            "views": int(likes * self.rng.uniform(8, 40)),
        }

    def post(self, number: int) -> dict:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        text, extra = getattr(self, kind)()
        platform = self.rng.choices(list(PLATFORMS), weights=list(PLATFORMS.values()))[0]
        posted = self.end - timedelta(seconds=self.rng.randrange(30 * 24 * 3600))
        prefix = self.pick(["warga", "info", "akun", "mama", "bang", "kabar", "toko"])
        handle = f"{prefix}.{self.rng.randrange(10_000)}"
        post_id = f"syn-{number:06d}"
        row = {
            "id": post_id,
            "platform": platform,
            "author_handle": None if platform == "whatsapp-tipline" else handle,
            "url": None
            if platform == "whatsapp-tipline"
            else f"https://{platform}.example/{handle}/{post_id}",
            "text": text,
            "posted_at": posted.astimezone(UTC).isoformat(timespec="seconds"),
            "engagement": self.engagement(platform, kind in ("repost", "hoax_new")),
            **extra,
        }
        self.generated.append({**row, "raw_kind": kind})
        return row


def generate(n: int, seed: int = 7, end: datetime | None = None) -> list[dict]:
    """``n`` posts, the same for the same seed and end time."""
    generator = Generator(seed, end or datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    return [generator.post(i) for i in range(1, n + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of posts (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "synthetic_posts.jsonl")
    parser.add_argument("--end", default="2026-11-22T12:00:00+00:00", help="latest posted_at (ISO 8601)")
    args = parser.parse_args(argv)
    posts = generate(args.n, args.seed, datetime.fromisoformat(args.end))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for post in posts:
            handle.write(json.dumps(post, ensure_ascii=False) + "\n")
    print(f"wrote {len(posts)} posts to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
