"""Knowledge-base importers on small self-written samples in the real file shapes (tests/samples/kb)."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from factcheck_kb.importers import FORMATS, UnknownFormatError, claimreview, detect_format, jsonl, read
from factcheck_kb.importers._text import normalise_verdict, parse_date, parse_relative_date, split_references
from factcheck_kb.importers.pemda import pemda_clarification
from factcheck_kb.records import FactCheck, ImportResult

SAMPLES = Path(__file__).resolve().parent / "samples" / "kb"


def errors_of(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.line, e.reason) for e in result.errors]


def by_id(result: ImportResult) -> dict[str, FactCheck]:
    return {r.kb_id: r for r in result.records}


def line_at(name: str, number: int) -> str:
    """The physical line ``number`` (1-based) of a sample, to check reported lines point at the row."""
    return (SAMPLES / name).read_text(encoding="utf-8-sig").splitlines()[number - 1]


def assert_errors(result: ImportResult, expected: list[tuple[int, str]], file: str) -> None:
    assert len(result.errors) == len(expected), result.errors
    for error, (line, fragment) in zip(result.errors, expected, strict=True):
        assert error.file == file
        assert error.line == line, error
        assert fragment in error.reason, error


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("unified_sample.csv", "unified"),
        ("tbh_articles_sample.csv", "turnbackhoax"),
        ("tbh_scraped_sample.csv", "turnbackhoax"),
        ("tbh_claims_sample.csv", "turnbackhoax"),
        ("tbh_eya_sample.csv", "turnbackhoax"),
        ("tbh_headlines_sample.xlsx", "turnbackhoax"),
        ("mafindo_sample.csv", "mafindo"),
        ("mafindo_api_sample.json", "mafindo"),
        ("komdigi_fulltext_sample.csv", "komdigi"),
        ("komdigi_stemmed_sample.csv", "komdigi"),
        ("claimreview_graph.jsonld", "claimreview"),
        ("claimreview_list.json", "claimreview"),
        ("claimreview_single.json", "claimreview"),
        ("pemda_sample.csv", "pemda"),
        ("pemda_sample.jsonl", "pemda"),
        ("factchecks_sample.jsonl", "jsonl"),
    ],
)
def test_format_is_detected_and_same_as_explicit(name: str, fmt: str) -> None:
    path = SAMPLES / name
    assert detect_format(path) == fmt
    auto, explicit = read(path), read(path, fmt)
    assert [r.kb_id for r in auto.records] == [r.kb_id for r in explicit.records]
    assert auto.records, "every sample has good rows"


def test_formats_listed() -> None:
    assert set(FORMATS) == {"unified", "turnbackhoax", "mafindo", "komdigi", "claimreview", "pemda", "jsonl"}


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match=r"cannot tell the format.*foo.*unified"):
        read(odd)
    with pytest.raises(UnknownFormatError, match=r"unknown format 'nope'.*turnbackhoax"):
        read(SAMPLES / "unified_sample.csv", "nope")
    odd_json = tmp_path / "odd.json"
    odd_json.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="hello"):
        read(odd_json)
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "missing.csv")


def test_alias_names_work() -> None:
    assert [r.kb_id for r in read(SAMPLES / "tbh_claims_sample.csv", "tbh").records][:1] == [
        "tbh-alharkan7-9001"
    ]


# ---------------------------------------------------------------- unified


def test_unified_keeps_ids_and_reports_bad_rows() -> None:
    result = read(SAMPLES / "unified_sample.csv")
    assert [r.kb_id for r in result.records] == ["kb90001", "kb90002", "kb90005", "kb90006"]
    assert_errors(
        result,
        [(5, "expected 14 columns, found 3"), (6, "no text"), (7, "not a real date: '2024-13-45'")],
        "unified_sample.csv",
    )
    assert line_at("unified_sample.csv", 5).startswith("kb90003,")
    assert line_at("unified_sample.csv", 6).startswith("kb90004,")
    records = by_id(result)
    article = records["kb90002"]
    assert article.source == "turnbackhoax(luthfillawliet23)"
    assert article.publisher == "MAFINDO (TurnBackHoax)"
    assert article.published_date == date(2026, 1, 14)
    assert article.explanation.endswith("pada 2019.") and "\n" in article.explanation
    assert article.references == ["https://contoh.go.id/berita/jembatan-aman", "https://arsip.contoh.id/abc"]
    assert article.text_quality == "full"
    assert records["kb90001"].text_quality == "headline"
    assert records["kb90005"].published_date is None and records["kb90005"].verdict == "HOAKS"
    assert records["kb90006"].text_quality == "stemmed"


# ---------------------------------------------------------------- TurnBackHoax shapes


def test_tbh_articles_with_bom_crlf_and_bad_rows() -> None:
    result = read(SAMPLES / "tbh_articles_sample.csv")
    assert [r.kb_id for r in result.records] == ["tbh-40101", "tbh-40102", "tbh-40103"]
    assert_errors(
        result,
        [(4, "not a real date: '31/02/2026'"), (6, "expected 10 columns, found 3")],
        "tbh_articles_sample.csv",
    )
    assert "40102" in line_at("tbh_articles_sample.csv", 4)
    records = by_id(result)
    first = records["tbh-40101"]
    assert first.title == "Pemadaman listrik total kalimantan selatan seminggu"
    assert first.verdict == "SALAH" and first.category == "Bencana"
    assert first.published_date == date(2025, 12, 5)
    assert first.claim_text.startswith("Beredar pesan berantai")
    assert first.conclusion.endswith("(fabricated content).")
    assert first.references == ["https://archive.ph/contoh1", "https://web.pln.co.id/contoh-klarifikasi"]
    assert records["tbh-40102"].published_date is None  # bad date: reported, row kept
    assert records["tbh-40102"].verdict == "PENIPUAN"
    url_only = records["tbh-40103"]  # only the URL survived the scrape: a headline from its slug
    assert (url_only.title, url_only.verdict, url_only.text_quality) == (
        "Video buaya masuk pasar batulicin",
        "SALAH",
        "headline",
    )


def test_tbh_scraped_full_text_is_split() -> None:
    result = read(SAMPLES / "tbh_scraped_sample.csv")
    assert_errors(
        result,
        [(3, "date not understood: 'Bulan 40, 2025'"), (4, "no text")],
        "tbh_scraped_sample.csv",
    )
    first, second = result.records
    assert first.kb_id == "tbh-20250305-salah-gubernur-larang-warga-mudik-lewat-jalur-laut"
    assert first.title == "Gubernur Larang Warga Mudik Lewat Jalur Laut" and first.verdict == "SALAH"
    assert first.claim_text.startswith("Akun Facebook") and "Pemeriksaan Fakta" not in first.claim_text
    assert first.explanation.startswith("Tim Pemeriksa Fakta") and first.explanation.endswith("tersebut.")
    assert first.conclusion.endswith("(fabricated content).")  # the "(Ditulis oleh ...)" byline is dropped
    assert first.published_date == date(2025, 3, 5)
    assert second.verdict == "PENIPUAN"
    assert second.published_date == date(2025, 4, 10)  # the Date column did not parse; the URL's date is kept
    assert result.errors[0].reason.endswith("row imported with date 2025-04-10 from its URL")
    assert second.explanation.startswith("Beredar akun WhatsApp")  # no headings: all of it is explanation


def test_tbh_claims_only() -> None:
    result = read(SAMPLES / "tbh_claims_sample.csv")
    assert_errors(result, [(4, "not a real date: '30 Feb 2024'")], "tbh_claims_sample.csv")
    records = by_id(result)
    assert records["tbh-alharkan7-9001"].published_date == date(2024, 1, 2)
    assert records["tbh-alharkan7-9001"].text_quality == "claim_only"
    placeholder = records["tbh-alharkan7-9002"]
    assert placeholder.claim_text == "" and placeholder.text_quality == "headline"
    assert placeholder.category == "scam"
    assert records["tbh-alharkan7-9003"].published_date is None


def test_tbh_eya_sections_repeated_headers_and_duplicates() -> None:
    result = read(SAMPLES / "tbh_eya_sample.csv")
    kapal = "tbh-20190211-salah-kapal-feri-tenggelam-di-selat-laut"
    assert [r.kb_id for r in result.records] == [kapal, "tbh-20190212-salah-penculikan-anak-di-sekolah-dasar"]
    assert_errors(result, [(8, f"duplicate kb_id '{kapal}' (first at line 2)")], "tbh_eya_sample.csv")
    assert line_at("tbh_eya_sample.csv", 8).startswith("0,https://turnbackhoax.id/2019/02/11/")
    record = result.records[0]
    assert record.claim_text == "“Kapal feri tenggelam di Selat Laut, ratusan penumpang hilang”"
    assert record.explanation.startswith("Hasil penelusuran gambar")
    assert record.conclusion.startswith("Unggahan foto kapal tenggelam")
    assert record.category == "Konten yang Salah"
    assert record.references == [
        "https://contoh.com/kapal-2016",
        "https://contoh.org/arsip",
    ]  # glued URLs split
    assert record.published_date == date(2019, 2, 11) and record.verdict == "SALAH"


def test_tbh_headlines_xlsx() -> None:
    result = read(SAMPLES / "tbh_headlines_sample.xlsx")
    assert_errors(result, [(5, "no text")], "tbh_headlines_sample.xlsx")
    verdicts = [(r.verdict, r.language, r.text_quality) for r in result.records]
    assert verdicts == [
        ("SALAH", "id", "headline"),
        ("HOAKS", "id", "headline"),
        ("SALAH", "en", "headline"),
        ("BENAR", "id", "headline"),
    ]
    assert result.records[1].title == "Air Rebusan Daun Pepaya Sembuhkan Demam Berdarah"
    assert result.records[0].kb_id == "tbh-hl-20200921-salah-jalan-tol-kalimantan-ditutup-selamanya"
    assert result.records[0].published_date == date(2020, 9, 21)


# ---------------------------------------------------------------- MAFINDO


def test_mafindo_csv() -> None:
    result = read(SAMPLES / "mafindo_sample.csv")
    assert_errors(
        result,
        [(4, "date not understood: 'kemarin'"), (5, "expected 7 columns, found 2"), (6, "no text")],
        "mafindo_sample.csv",
    )
    garam, cpns = result.records
    assert garam.url == "https://turnbackhoax.id/2023/08/01/salah-garam-dapur-dicampur-plastik/"
    assert garam.references[1] == "https://contoh.go.id/uji-garam"
    assert garam.verdict == "SALAH" and garam.published_date == date(2023, 8, 1)
    assert (garam.claim_text, garam.text_quality) == (
        "Hati-hati!! Garam dapur di pasar sekarang dicampur plastik, sebarkan!",
        "full",
    )
    assert cpns.published_date is None and cpns.kb_id.startswith("mafindo-")


def test_mafindo_json_api() -> None:
    result = read(SAMPLES / "mafindo_api_sample.json")
    assert_errors(result, [(20, "expected a JSON object, found str")], "mafindo_api_sample.json")
    assert line_at("mafindo_api_sample.json", 20).strip() == '"bukan objek",'
    gempa, kuota = result.records
    assert gempa.kb_id == "mafindo-77001" and gempa.verdict == "SALAH"  # classification beats numeric status
    assert gempa.category == "bencana, gempa"
    assert "https://facebook.com/contoh/posts/1" in gempa.references
    assert kuota.published_date == date(2024, 3, 2) and kuota.verdict == "PENIPUAN"


# ---------------------------------------------------------------- Komdigi


def test_komdigi_full_text_relative_dates() -> None:
    result = read(SAMPLES / "komdigi_fulltext_sample.csv")
    assert_errors(result, [(13, "date not understood: 'kemarin lusa'")], "komdigi_fulltext_sample.csv")
    assert line_at("komdigi_fulltext_sample.csv", 13).startswith(",kemarin lusa,")
    bantuan, rekaman, sekolah = result.records
    assert bantuan.kb_id == "komdigi-hoaks-bantuan-tunai-rp5-juta-untuk-nelayan"
    assert bantuan.title == "Bantuan tunai rp5 juta untuk nelayan" and bantuan.verdict == "HOAKS"
    assert bantuan.published_date == date(2025, 12, 4)  # "15 jam lalu" on a date-only scrape stamp
    assert bantuan.claim_text.startswith("Beredar pesan") and bantuan.explanation.startswith("Faktanya")
    assert bantuan.references == [
        "https://contoh.go.id/klarifikasi-bantuan",
        "https://cekfakta.contoh.com/bantuan-nelayan",
    ]
    assert rekaman.title == "Rekaman Suara Kepala Daerah Minta Transfer Dana"
    assert rekaman.published_date == date(2025, 12, 1)  # "3 hari lalu"
    assert sekolah.claim_text == "" and sekolah.published_date is None


def test_komdigi_stemmed() -> None:
    result = read(SAMPLES / "komdigi_stemmed_sample.csv")
    assert_errors(result, [(4, "expected 4 columns, found 2")], "komdigi_stemmed_sample.csv")
    vaksin, undian = result.records
    assert (vaksin.kb_id, vaksin.title, vaksin.verdict, vaksin.text_quality) == (
        "komdigi-64001",
        "vaksin campak sebab autisme",
        "HOAKS",
        "stemmed",
    )
    assert undian.verdict is None and undian.title == "awas penipuan undian bank"


# ---------------------------------------------------------------- ClaimReview


def test_claimreview_graph_list_and_single() -> None:
    graph = read(SAMPLES / "claimreview_graph.jsonld")
    assert_errors(graph, [(44, "not a real date: '31 Juni 2024'")], "claimreview_graph.jsonld")
    assert '"@type": "ClaimReview"' in line_at("claimreview_graph.jsonld", 45)
    jembatan, garam = graph.records  # the WebPage node is skipped
    assert jembatan.title == "Jembatan utama Kotabaru ambruk karena banjir" and jembatan.verdict == "SALAH"
    assert jembatan.publisher == "Cek Fakta Contoh" and jembatan.published_date == date(2025, 6, 1)
    assert jembatan.references == [
        "https://archive.ph/contoh-jembatan",
        "https://facebook.com/kabarpesisir/posts/9",
    ]
    assert garam.verdict == "SALAH" and garam.published_date is None  # "Keliru" -> SALAH
    listed = read(SAMPLES / "claimreview_list.json")
    assert [r.verdict for r in listed.records] == ["HOAKS", "BENAR"]
    assert listed.records[0].published_date == date(2025, 2, 10)
    single = read(SAMPLES / "claimreview_single.json")
    assert single.records[0].kb_id == listed.records[0].kb_id  # stable id from url + claim


def _roundtrip_records() -> list[FactCheck]:
    records = [r for r in read(SAMPLES / "unified_sample.csv").records if r.text_quality != "stemmed"]
    records += read(SAMPLES / "pemda_sample.csv").records + read(SAMPLES / "tbh_eya_sample.csv").records
    return records


def test_claimreview_export_is_valid_and_round_trips(tmp_path: Path) -> None:
    records = _roundtrip_records()
    for record in records:
        review = claimreview.to_claimreview(record)
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["claimReviewed"] and review["reviewRating"]["@type"] == "Rating"
        assert review["reviewRating"]["alternateName"]
        assert review["itemReviewed"]["@type"] == "Claim"
        if record.publisher:
            assert review["author"] == {"@type": "Organization", "name": record.publisher}
        if record.verdict in {"SALAH", "HOAKS"}:
            assert review["reviewRating"]["ratingValue"] == 1
        json.dumps(review)  # JSON-serialisable
        assert claimreview.from_claimreview(review) == record
    out = tmp_path / "kb.jsonld"
    assert claimreview.write(records, out) == len(records)
    assert read(out).records == records


# ---------------------------------------------------------------- Pemda


def test_pemda_clarification_builder() -> None:
    record = pemda_clarification(
        "Tidak Ada Razia Kendaraan Malam Ini",
        "Pesan berantai: razia besar-besaran malam ini di jalan provinsi.",
        "Polres menyatakan tidak ada razia terjadwal.",
        published_date=date(2025, 10, 2),
    )
    assert record.source == "pemda" and record.verdict == "HOAKS"
    assert record.kb_id == "pemda-kotabaru-2025-10-02-tidak-ada-razia-kendaraan-malam-ini"
    assert record.publisher == "Pemerintah Kabupaten Kotabaru"  # from settings
    assert record.text_quality == "full"
    again = pemda_clarification(
        "Tidak Ada Razia Kendaraan Malam Ini", "lain", "lain", published_date=date(2025, 10, 2)
    )
    assert again.kb_id == record.kb_id  # re-issuing updates the same item
    assert (
        pemda_clarification("Judul", "", "", kabupaten="Kota Banjarbaru").publisher
        == "Pemerintah Kota Banjarbaru"
    )
    with pytest.raises(ValueError, match="needs a title"):
        pemda_clarification("", " ", "")


def test_pemda_batches() -> None:
    csv_result = read(SAMPLES / "pemda_sample.csv")
    assert_errors(
        csv_result, [(3, "date not understood: 'tanggal salah'"), (4, "needs a title")], "pemda_sample.csv"
    )
    ktp, air = csv_result.records
    assert ktp.references == ["https://kotabarukab.go.id/klarifikasi/ktp", "https://dukcapil.contoh.go.id"]
    assert air.kb_id == "pemda-klar-002" and air.verdict == "DISINFORMASI"
    jsonl_result = read(SAMPLES / "pemda_sample.jsonl")
    assert_errors(jsonl_result, [(2, "broken JSON line")], "pemda_sample.jsonl")
    assert [r.publisher for r in jsonl_result.records] == [
        "Pemerintah Kabupaten Kotabaru",
        "Pemerintah Kabupaten Tanah Bumbu",
    ]


# ---------------------------------------------------------------- FactCheck JSONL


def test_factcheck_jsonl_errors_and_round_trip(tmp_path: Path) -> None:
    result = read(SAMPLES / "factchecks_sample.jsonl")
    assert_errors(
        result,
        [
            (3, "broken JSON line"),
            (4, "kb_id and source are required"),
            (5, "not a real date: '2025-02-30'"),
            (6, "no text"),
        ],
        "factchecks_sample.jsonl",
    )
    demo, beras = result.records
    assert demo.verdict == "HOAKS" and demo.published_date == date(2025, 9, 1)
    assert beras.kb_id == "demo-0004" and beras.published_date is None
    everything = _roundtrip_records() + result.records
    out = tmp_path / "kb.jsonl"
    assert jsonl.write(everything, out) == len(everything)
    assert read(out).records == everything
    assert [r.content_hash() for r in read(out).records] == [r.content_hash() for r in everything]


# ---------------------------------------------------------------- helpers


def test_verdict_and_date_normalisation() -> None:
    assert normalise_verdict(" hoax ") == "HOAKS"
    assert normalise_verdict("Salah") == "SALAH"
    assert normalise_verdict("HOAX + HASUT") == "HOAKS, HASUT"
    assert normalise_verdict("") is None
    assert parse_date("2 Jan 2024") == date(2024, 1, 2)
    assert parse_date("September 30, 2024") == date(2024, 9, 30)
    assert parse_date("Senin, 3 Desember 2025 10:00 WIB") == date(2025, 12, 3)
    assert parse_date("24/06/2026") == date(2026, 6, 24)
    assert parse_date("2025-02-10T09:30:00+08:00") == date(2025, 2, 10)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("suatu hari")
    assert parse_relative_date("kemarin", date(2025, 12, 4)) == date(2025, 12, 3)
    assert parse_relative_date("2 minggu lalu", date(2025, 12, 15)) == date(2025, 12, 1)
    with pytest.raises(ValueError, match="no scrape time"):
        parse_relative_date("3 hari lalu", None)
    assert split_references("1. https://a.id/x\n2. Kompas.com") == ["https://a.id/x", "Kompas.com"]


def test_ids_are_stable_between_reads() -> None:
    for name in (
        "tbh_scraped_sample.csv",
        "mafindo_sample.csv",
        "claimreview_graph.jsonld",
        "pemda_sample.csv",
    ):
        first, second = read(SAMPLES / name), read(SAMPLES / name)
        assert [r.kb_id for r in first.records] == [r.kb_id for r in second.records]
        assert [r.content_hash() for r in first.records] == [r.content_hash() for r in second.records]


# ---------------------------------------------------------------- the real merged file


@pytest.mark.slow
def test_real_unified_csv_imports() -> None:
    from saring.config import get_settings

    data_dir = get_settings().data_dir
    path = data_dir / "derived" / "kb_factchecks_unified.csv" if data_dir else None
    if path is None or not path.is_file():
        pytest.skip(
            "real data not present: set SARING_DATA_DIR to the folder with derived/kb_factchecks_unified.csv"
        )
    started = time.perf_counter()
    result = read(path)
    seconds = time.perf_counter() - started
    print(f"\nimported {len(result.records)} rows, {len(result.errors)} errors, {path.name}: {seconds:.2f} s")
    assert 16_900 <= len(result.records) <= 17_100
    assert len(result.errors) <= 50, result.errors[:10]
    assert len({r.kb_id for r in result.records}) == len(result.records)
    qualities = {r.text_quality for r in result.records}
    assert qualities <= {"full", "claim_only", "headline", "stemmed"}
    assert sum(r.published_date is not None for r in result.records) > 12_000
