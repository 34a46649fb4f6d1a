"""Tipline (aduan) CSV connector."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.sources.tipline import platform_of, read, split_links

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_tipline_export():
    result = read(SAMPLES / "tipline_aduan.csv", source_name="aduan")
    by_id = {p.external_id: p for p in result.posts}
    assert list(by_id) == ["ADU-2025-000101", "ADU-2025-000102", "ADU-2025-000103", "ADU-2025-000106"]
    wa = by_id["ADU-2025-000101"]
    assert wa.platform == "whatsapp"  # a bit.ly link reported over WhatsApp
    assert wa.url == "https://bit.ly/bansos-ktb"
    assert wa.posted_at == datetime(2025, 3, 14, 0, 40, tzinfo=UTC)  # 08:40 WITA
    assert wa.author_handle is None
    assert wa.raw["pelapor"] == "0812****7788"
    assert wa.raw["lampiran_list"] == ["ss_wa_01.jpg"]
    assert by_id["ADU-2025-000102"].platform == "facebook"
    link_only = by_id["ADU-2025-000103"]
    assert link_only.platform == "tiktok"
    assert link_only.text == link_only.url
    assert by_id["ADU-2025-000106"].platform == "tipline"
    assert by_id["ADU-2025-000106"].raw["kanal_normalised"] == "langsung"
    assert [(q.position, q.reason) for q in result.quarantined] == [
        ("tipline_aduan.csv line 5", "missing text (isi_laporan and tautan are empty)"),
        ("tipline_aduan.csv line 6", "bad date 'kemarin'"),
        ("tipline_aduan.csv line 8", "expected 9 columns, found 4"),
    ]
    again = read(SAMPLES / "tipline_aduan.csv", source_name="aduan", cursor=result.next_cursor)
    assert [p.external_id for p in again.posts] == ["ADU-2025-000106"]


def test_comma_delimited_and_missing_columns(tmp_path):
    ok = tmp_path / "a.csv"
    ok.write_text(
        "Nomor Laporan,Tanggal Laporan,Kanal,Isi Laporan\n"
        "L-1,2025-03-14T08:00:00+08:00,Email,Katanya ada pembagian sembako\n"
    )
    result = read(ok, source_name="t")
    assert result.posts[0].platform == "tipline"
    bad = tmp_path / "b.csv"
    bad.write_text("no,tanggal\n1,2\n")
    assert read(bad, source_name="t").quarantined[0].reason.startswith("not a tipline export")


def test_links_and_platform():
    assert split_links("https://a.id/x; www.b.id\nteks") == ["https://a.id/x", "www.b.id"]
    assert platform_of(["https://m.facebook.com/story.php?id=1"], "email") == "facebook"
    assert platform_of(["https://vt.tiktok.com/abc"], "email") == "tiktok"
    assert platform_of([], "whatsapp") == "whatsapp"
