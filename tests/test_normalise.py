"""Normalisation of Indonesian social-media text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipelines.normalise import (
    SLANG_PATH,
    load_slang,
    normalise,
    normalise_text,
    parse_slang_tsv,
    split_hashtag,
    squeeze_letters,
)

FALLBACK = Path(__file__).parent / "samples" / "normalise" / "slang_fallback.tsv"


@pytest.fixture(scope="module")
def slang():
    """The tiny fallback dictionary (the real one may change; exact-text tests must not)."""
    return load_slang(FALLBACK)


def test_urls_mentions_hashtags_emoji(slang):
    result = normalise(
        "Beredar!!! Bansos Rp2.500.000 utk warga, daftar di https://t.co/AbC123, bit.ly/bansos-ktb "
        "atau bansos-kemensos.xyz/daftar 😱😱 #BansosKotabaru @dinsos_ktb cs@kemensos-bantuan.com",
        slang=slang,
    )
    assert result.text == "beredar! bansos rp2.500.000 untuk warga, daftar di, atau bansos kotabaru"
    assert result.urls == (
        "mailto:cs@kemensos-bantuan.com",
        "https://t.co/AbC123",
        "bit.ly/bansos-ktb",
        "bansos-kemensos.xyz/daftar",
    )
    assert result.mentions == ("dinsos_ktb",)
    assert result.hashtags == ("bansoskotabaru",)
    assert result.emojis == ("😱", "😱") and result.emoji_count == 2
    assert not result.is_url_only
    assert result.word_count == 10


def test_url_only_and_placeholder():
    only = normalise("https://www.tiktok.com/@infobansos/video/748 @akun 🙏")
    assert only.is_url_only and only.text == "" and only.word_count == 0
    kept = normalise("cek https://a.id/x sekarang", url_placeholder="URL")
    assert kept.text == "cek url sekarang"
    assert kept.word_count == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bangeeettt", "banget"),
        ("maaaaf", "maaf"),
        ("Saaaat ini", "saat ini"),
        ("S4Y4 b3r1t4", "saya berita"),
        ("P3K covid19 5G h1n1 K3L 10rb", "p3k covid19 5g h1n1 k3l 10rb"),
        ("anak2 hati2", "anak-anak hati-hati"),
        ("wkwkwkwk hahahaha", "wkwk haha"),
        ("Apa???  Serius?!?! Tunggu.....", "apa? serius?! tunggu..."),
        ("𝐇𝐎𝐀𝐊𝐒", "hoaks"),
        ("jam 08.00 WITA, Rp50.000", "jam 08.00 wita, rp50.000"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_word_rules(raw, expected):
    assert normalise_text(raw, slang={}) == expected


def test_slang(slang):
    assert (
        normalise_text("Gak bener, jgn percaya gaes", slang=slang)
        == "tidak benar, jangan percaya teman-teman"
    )
    assert normalise_text("gaaaak", slang=slang) == "tidak"  # stretched, then looked up
    assert normalise_text("Gak bener", use_slang=False) == "gak bener"


def test_context_rules(slang):
    table = {**slang, "km": "kamu", "dr": "dari"}
    assert normalise_text("jaraknya 5 km dr pasar", slang=table) == "jaraknya 5 km dari pasar"
    assert normalise_text("diperiksa dr. Andi", slang=table) == "diperiksa dr. andi"


@pytest.mark.skipif(not SLANG_PATH.exists(), reason="the project's slang dictionary is not there yet")
def test_project_dictionary_loads():
    table = load_slang(SLANG_PATH)
    assert len(table) > 100
    assert table["gak"] == "tidak"
    assert normalise_text("gak bener yg kyk gitu") != "gak bener yg kyk gitu"


def test_squeeze_uses_vocabulary():
    assert squeeze_letters("bangett", frozenset({"banget"})) == "banget"
    assert squeeze_letters("bangett") == "bangett"  # unknown: doubles are left alone
    assert squeeze_letters("sooo") == "so"


def test_hashtag_split():
    assert split_hashtag("HoaksBansosKotabaru") == "Hoaks Bansos Kotabaru"
    assert split_hashtag("COVID19") == "COVID19"
    assert split_hashtag("hoaks") == "hoaks"


def test_parse_slang_tsv_and_missing_file(tmp_path):
    table = parse_slang_tsv("alay\tbaku\n# komentar\n\ngk\ttidak\ngk\tgak\nbad line\nOTW\tsedang di jalan\n")
    assert table == {"gk": "tidak", "otw": "sedang di jalan"}
    assert load_slang(tmp_path / "nope.tsv") == {}
    assert load_slang(FALLBACK)["yg"] == "yang"


def test_empty_and_none():
    assert normalise(None).text == ""
    assert normalise("   ").word_count == 0


def test_fast_enough(slang):
    texts = [
        f"Info {i}: bansos Rp2.500.000 utk warga Kotabaru!!! daftar di bit.ly/x{i} sblm ditutup 😱 #Bansos{i}"
        for i in range(2000)
    ]
    start = time.perf_counter()
    for text in texts:
        normalise(text, slang=slang)
    assert time.perf_counter() - start < 2.0  # about 0.1 ms a post here; 10k posts in about a second
