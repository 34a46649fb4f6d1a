"""Generated images with ground truth for the OCR and near-duplicate benchmarks (self-made texts only).

Each sample is a poster, a chat screenshot (light or dark), a letter or a text-free photo, with a random
font, text size, colours and Indonesian text built from the lists below; ``degrade`` applies the noise,
blur, downscaling and JPEG quality of images passed around on chat apps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageFilter

from pipelines.demo_data import images as render

SUBJECTS = [
    "Bupati Kotabaru",
    "Dinas Sosial",
    "PLN Kotabaru",
    "PDAM",
    "Dinas Kesehatan",
    "BKD Kotabaru",
    "Camat Pulau Laut Utara",
    "RSUD Kotabaru",
    "Disdukcapil",
    "BPBD",
    "Kemensos",
    "Polres Kotabaru",
]
CLAIMS = [
    "membagikan bantuan tunai Rp 600.000 untuk setiap KK",
    "membuka pendaftaran PPPK jalur khusus tanpa tes",
    "memadamkan listrik total selama 3 hari mulai besok",
    "menyatakan air ledeng tercemar bakteri E. coli",
    "membagikan beras 20 kg di kantor kecamatan",
    "meminta biaya administrasi Rp 150.000 untuk pencairan PKH",
    "menutup pelabuhan Tanjung Serdang selama satu minggu",
    "memberikan token listrik gratis Rp 2.000.000",
    "menghapus peserta BPJS yang menunggak iuran",
    "membuka lowongan perawat kontrak dengan biaya Rp 5.000.000",
    "mengumumkan banjir bandang akan datang malam ini",
    "menjual kursi SMP negeri lewat jalur titipan",
]
TAILS = [
    "Daftar lewat tautan bantuan-kotabaru.xyz sebelum hari Jumat.",
    "Sebarkan ke grup keluarga sekarang juga!",
    "Kuota terbatas, hubungi admin di WhatsApp 0812-0000-4321.",
    "Siapkan NIK dan nomor KK untuk verifikasi.",
    "Info ini dari teman yang bekerja di kantor tersebut.",
    "Batas akhir pendaftaran tanggal 30 Agustus 2026.",
]
KINDS = ("poster", "chat_light", "chat_dark", "letter")
BACKGROUNDS = [
    (250, 214, 40),
    (255, 255, 255),
    (230, 240, 255),
    (255, 235, 220),
    (220, 250, 225),
    (40, 40, 60),
]
ACCENTS = [(200, 20, 30), (0, 90, 160), (20, 120, 60), (120, 0, 120), (230, 100, 0)]


@dataclass(slots=True)
class Sample:
    kind: str
    image: Image.Image
    text: str  # what is written in the image (for OCR ground truth), "" for a photo
    font: str
    size: int


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(CLAIMS)}. {rng.choice(TAILS)}"


def make_sample(rng: random.Random, kind: str | None = None) -> Sample:
    """One generated image with the text written in it."""
    fonts = [p.name for p in render.font_paths()]
    kind = kind or rng.choice(KINDS)
    name = rng.choice(fonts)
    if kind == "poster":
        size = rng.choice([24, 28, 32, 36])
        title = rng.choice(["INFO PENTING", "PENGUMUMAN", "BANTUAN TUNAI", "LOWONGAN KERJA", "WASPADA"])
        body = sentence(rng) + " " + sentence(rng)
        background = rng.choice(BACKGROUNDS)
        ink = (245, 245, 245) if sum(background) < 300 else (20, 20, 20)
        image = render.poster(
            title,
            body,
            background=background,
            ink=ink,
            accent=rng.choice(ACCENTS),
            body_font=name,
            body_size=size,
            size=(rng.choice([640, 720, 800]), 900),
        )
        lines = render._wrap(title, max(10, int((image.width - 150) / (46 * 0.7))))
        body_lines = render._wrap(body, max(12, int(image.width / (size * 0.56))))
        return Sample(kind, image, "\n".join(lines + body_lines), name, size)
    if kind in ("chat_light", "chat_dark"):
        size = rng.choice([20, 22, 24, 26])
        messages = [(sentence(rng), False), ("Serius ini?", True), (sentence(rng), False)]
        image = render.chat_screenshot(messages, dark=kind == "chat_dark", text_size=size, font_name=name)
        head = "09:41 4G 87%\nGrup Warga RT 05\n"  # the status and app bars are text in the image too
        return Sample(kind, image, head + "\n".join(m for m, _ in messages), name, size)
    if kind == "letter":
        size = rng.choice([20, 22, 24])
        body = " ".join(sentence(rng) for _ in range(3))
        heading = "PENGUMUMAN " + rng.choice(["PENERIMAAN PPPK", "BANTUAN SOSIAL"])
        image = render.letter(heading, body, text_size=size, font_name=name)
        head = "PEMERINTAH KABUPATEN KOTABARU\nBADAN KEPEGAWAIAN DAERAH\n" + heading
        return Sample(kind, image, head + "\n" + body, name, size)
    return Sample("photo", render.photo(rng.randint(0, 10**9)), "", "", 0)


def degrade(image: Image.Image, rng: random.Random) -> Image.Image:
    """What passing an image around does: a downscale, a little blur and noise, JPEG quality 30-60."""
    out = render.resize(image, rng.uniform(0.7, 0.9))
    if rng.random() < 0.5:
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    out = render.noise(out, rng.uniform(4, 10), seed=rng.randint(0, 10**6))
    return render.jpeg(out, rng.randint(30, 60))


#: the transforms of re-posts, each a function of (image, rng)
TRANSFORMS = {
    "jpeg_q30": lambda img, rng: render.jpeg(img, 30),
    "resize_50": lambda img, rng: render.resize(img, 0.5),
    "crop_90": lambda img, rng: render.crop(img, 0.9),
    "crop_top_left_85": lambda img, rng: render.crop(img, 0.85, anchor="top-left"),
    "caption_bar": lambda img, rng: render.caption_bar(img, "VIRAL!! " + rng.choice(SUBJECTS)),
    "screenshot_of": lambda img, rng: render.screenshot_of(img, dark=rng.random() < 0.3),
    "noise_jpeg": lambda img, rng: render.jpeg(render.noise(img, 8, seed=rng.randint(0, 999)), 50),
}
