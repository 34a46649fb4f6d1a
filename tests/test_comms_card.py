"""The clarification card: 1080×1080 PNG, the Pemda's colours and name, long texts fitted; kept for review."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from desk.comms import card as card_module
from desk.comms.card import SIZE, CardData, font_source, render_card
from desk.comms.settings import CommsSettings

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "comms"
DATA = CardData(
    label="HOAKS",
    title="Link Pendaftaran BLT Rp600 Ribu Mengatasnamakan Kemensos",
    claim="Pendaftaran BLT Rp600 ribu untuk warga Kotabaru dibuka lewat [tautan dihapus], isi NIK dan "
    "nomor KK sebelum 30 Juni. Sebarkan ke keluarga di Kelumpang Hilir!",
    facts="Kemensos memastikan tidak ada pendaftaran BLT melalui tautan tersebut. Dinas Sosial Kabupaten "
    "Kotabaru menegaskan penyaluran bantuan sosial hanya berdasarkan Data Terpadu Kesejahteraan Sosial "
    "(DTKS) dan tidak pernah meminta NIK atau nomor KK melalui tautan. Warga yang sudah mengisi data "
    "diminta melapor.",
    source="Cek fakta TurnBackHoax (MAFINDO), 12 April 2026; Dinas Sosial Kabupaten Kotabaru",
    date_text="23 November 2026",
)
COMMS = CommsSettings(
    kabupaten="Kotabaru", phone="(0518) 21000", whatsapp="0811-5000-123", website="https://kotabarukab.go.id"
)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_card_is_a_1080_square_png_in_the_pemda_colours():
    png = render_card(DATA, COMMS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "kartu-klarifikasi.png").write_bytes(png)
    image = _image(png)
    assert image.format == "PNG" and image.size == (SIZE, SIZE) == (1080, 1080) and image.mode == "RGB"
    assert image.getpixel((5, 5)) == (0x0B, 0x5C, 0x8A)  # header in the primary colour
    assert image.getpixel((5, 155)) == (0xF2, 0xB7, 0x05)  # the stripe
    assert image.getpixel((70, 200)) == (0xB3, 0x26, 0x1E)  # the HOAKS stamp
    assert image.getpixel((5, 1075)) == (0x0B, 0x5C, 0x8A)  # footer


def test_other_colours_and_a_long_text_still_fit():
    other = CommsSettings(kabupaten="Kota Banjarbaru", colour_primary="#1B5E20", colour_secondary="#FFC107")
    long = CardData(
        label="DISINFORMASI",
        title="Judul sangat panjang " * 12,
        claim="klaim " * 200,
        facts="fakta " * 400,
        source="sumber " * 40,
        date_text="1 Januari 2027",
    )
    image = _image(render_card(long, other))
    assert image.size == (1080, 1080)
    assert image.getpixel((5, 5)) == (0x1B, 0x5E, 0x20)
    assert other.resolved_pemda_name() == "Pemerintah Kota Banjarbaru"


def test_without_dejavu_the_card_falls_back_to_pillows_font(monkeypatch, tmp_path):
    assert font_source() in {"dejavu", "pillow-default"}
    monkeypatch.setattr(card_module, "FONT_DIRS", (tmp_path,))
    card_module.font.cache_clear()
    try:
        assert font_source() == "pillow-default"
        assert _image(render_card(DATA, COMMS)).size == (1080, 1080)
    finally:
        card_module.font.cache_clear()
