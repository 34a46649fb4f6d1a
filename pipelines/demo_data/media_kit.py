"""The demo's posts with images, written at demo time into a drop folder (images rendered, not committed).

Five self-made hoaxes whose words are in a picture, each posted with a caption that says little by itself
("cek ini!!"): a fake aid poster (JPEG quality 30 with a caption bar; a crop of it re-posted elsewhere), a
dark-mode chat screenshot, a light chat screenshot re-shot as a screenshot of a screenshot, a fake
recruitment letter, and an old "flood photo" (no text at all) that a clarification carries: the last is
linked only because its picture is the clarification's picture. Two new fact checks carry images.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.demo_data import images as render

POSTER_TITLE = "BANTUAN TUNAI Rp 600.000 DARI BUPATI KOTABARU"
POSTER_BODY = (
    "Setiap KK di Kabupaten Kotabaru berhak menerima bantuan tunai Rp 600.000 dari Bupati. "
    "Daftar sekarang lewat formulir online bantuan-bupati-kotabaru.xyz, isi NIK dan nomor KK. "
    "Pendaftaran ditutup hari Jumat!"
)
PLN_CHAT = [
    ("Info dari teman yang kerja di PLN:", False),
    (
        "Listrik akan dipadamkan TOTAL selama 3 hari di seluruh Kotabaru mulai besok pagi. "
        "Siapkan lilin, isi air dan cas semua HP!!",
        False,
    ),
    ("Serius ini?", True),
    ("Sebarkan ke grup keluarga ya", False),
]
PDAM_CHAT = [
    ("Pesan dari grup sebelah:", False),
    (
        "Warga Kotabaru jangan minum air PDAM dulu. Air PDAM tercemar bakteri E. coli, "
        "sudah ada yang masuk puskesmas. Rebus pun tidak mempan!",
        False,
    ),
    ("Astaga, makasih infonya", True),
]
LETTER_HEADING = "PENGUMUMAN PENERIMAAN PPPK JALUR KHUSUS TAHUN 2026"
LETTER_BODY = (
    "Dibuka penerimaan PPPK Pemerintah Kabupaten Kotabaru jalur khusus tanpa tes. "
    "Peserta yang membayar biaya pengurusan sebesar Rp 75.000.000 dijamin lulus dan langsung "
    "mendapat SK. Hubungi panitia melalui WhatsApp 0812-0000-1234 sebelum kuota penuh."
)
FLOOD_SEED = 7


@dataclass(frozen=True, slots=True)
class MediaPost:
    """A demo post with images, the fact check it must land on, and whether its text alone says enough."""

    id: str
    platform: str
    text: str
    images: tuple[str, ...]
    expected_kb: str
    author: str


POSTS = (
    MediaPost(
        "demo-img-0001",
        "facebook",
        "cek ini!!",
        ("poster_q30_caption.jpg",),
        "demo-kb-img-001",
        "info.bansos.kalsel",
    ),
    MediaPost(
        "demo-img-0002",
        "instagram",
        "beneran gak sih? 😳",
        ("poster_crop.jpg",),
        "demo-kb-img-001",
        "mama.kotabaru",
    ),
    MediaPost(
        "demo-img-0003", "facebook", "waduh.. 😱", ("chat_pln_dark.png",), "demo-kb-041", "warga.sebatung"
    ),
    MediaPost(
        "demo-img-0004", "x", "fwd dari grup RT", ("chat_pdam_screenshot.jpg",), "demo-kb-037", "ktb_update"
    ),
    MediaPost(
        "demo-img-0005",
        "facebook",
        "ada yg minat? DM aja",
        ("letter_pppk.jpg",),
        "demo-kb-009",
        "lowongan.kalsel",
    ),
    MediaPost(
        "demo-img-0006",
        "tiktok",
        "Sampanahan pagi ini, doakan warga 🙏",
        ("flood_reposted.jpg",),
        "demo-kb-img-002",
        "kabar.pamukan",
    ),
)

KB_ITEMS = (
    {
        "kb_id": "demo-kb-img-001",
        "source": "pemda-kotabaru",
        "url": "https://kotabarukab.go.id/klarifikasi/2026/08/poster-bantuan-tunai-rp600-ribu-dari-bupati",
        "publisher": "Diskominfo Kabupaten Kotabaru",
        "published_date": "2026-08-20",
        "verdict": "HOAKS",
        "category": "bansos",
        "title": "[HOAKS] Poster Bantuan Tunai Rp600.000 dari Bupati Kotabaru lewat Formulir Online",
        "claim_text": "Poster: setiap KK di Kotabaru menerima bantuan tunai Rp600.000 dari Bupati, "
        "daftar lewat formulir online dengan NIK dan nomor KK.",
        "explanation": "Bupati Kotabaru tidak pernah mengumumkan bantuan tunai Rp600.000 per KK. Situs pada "
        "poster bukan situs pemerintah dan meminta NIK serta nomor KK untuk mencuri data pribadi.",
        "conclusion": "Poster bantuan tunai Rp600.000 dari Bupati Kotabaru adalah hoaks.",
        "references": [],
        "language": "id",
        "text_quality": "full",
        "images": ["poster_original.png"],
    },
    {
        "kb_id": "demo-kb-img-002",
        "source": "pemda-kotabaru",
        "url": "https://kotabarukab.go.id/klarifikasi/2026/09/foto-banjir-lama-sampanahan",
        "publisher": "BPBD Kabupaten Kotabaru",
        "published_date": "2026-09-02",
        "verdict": "SALAH",
        "category": "bencana",
        "title": "[SALAH] Foto Banjir Lama Disebarkan sebagai Banjir Hari Ini",
        "claim_text": "Foto jalan dan rumah terendam banjir disebut kejadian hari ini.",
        "explanation": "Foto tersebut diambil saat banjir beberapa tahun lalu. BPBD memastikan tidak ada "
        "banjir hari ini; foto lama itu diunggah ulang dengan keterangan baru.",
        "conclusion": "Foto banjir itu foto lama, bukan kejadian hari ini.",
        "references": [],
        "language": "id",
        "text_quality": "full",
        "images": ["flood_original.jpg"],
    },
)


def render_images(folder: Path) -> dict[str, Path]:
    """Render every demo image (originals and the re-posted copies) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    original = render.poster(POSTER_TITLE, POSTER_BODY)
    flood = render.photo(FLOOD_SEED)
    pdam = render.chat_screenshot(PDAM_CHAT, title="Info Warga Kotabaru")
    made = {
        "poster_original.png": original,
        "poster_q30_caption.jpg": render.jpeg(render.caption_bar(original, "VIRAL!! cepat daftar"), 30),
        "poster_crop.jpg": render.crop(render.resize(original, 0.8), 0.92),
        "chat_pln_dark.png": render.chat_screenshot(PLN_CHAT, dark=True),
        "chat_pdam_screenshot.jpg": render.screenshot_of(pdam),
        "letter_pppk.jpg": render.resize(render.letter(LETTER_HEADING, LETTER_BODY), 0.8),
        "flood_original.jpg": flood,
        "flood_reposted.jpg": render.jpeg(render.resize(flood, 0.6), 40),
    }
    return {name: render.save(img, folder / name) for name, img in made.items()}


def write_media_kit(folder: Path) -> tuple[Path, Path]:
    """Images, a drop-folder JSONL of the posts and a KB JSONL of the two image-carrying fact checks."""
    folder = Path(folder)
    render_images(folder / "images")
    posts = folder / "posts_media.jsonl"
    lines = [
        {
            "id": p.id,
            "platform": p.platform,
            "author_handle": p.author,
            "url": f"https://www.{p.platform}.example/{p.author}/{p.id}",
            "text": p.text,
            "posted_at": "2026-10-27T08:00:00+08:00",
            "engagement": {"likes": 240, "shares": 90, "comments": 30, "views": 6000},
            "media": [{"path": f"images/{name}"} for name in p.images],
        }
        for p in POSTS
    ]
    posts.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    kb = folder / "kb_media.jsonl"
    items = [{**item, "images": [f"images/{name}" for name in item["images"]]} for item in KB_ITEMS]
    kb.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
    return posts, kb
