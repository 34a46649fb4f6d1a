"""Channel texts: X length and threads, caption limits and hashtags, WhatsApp markup, unsafe article HTML."""

from __future__ import annotations

import re

import pytest

from desk.comms.channels import (
    LIMITS,
    VariantInvalid,
    check_variant,
    hashtags_in,
    render_variant,
    render_variants,
    split_thread,
    x_length,
)
from desk.comms.drafting import clean_claim, facts_from, first_sentences, shorten
from desk.comms.templates import DEFAULT_TEMPLATES, ActiveTemplate, sample_context
from saring.db.tables.core import KBItem

NUMBERING = re.compile(r" \((\d+)/(\d+)\)$")


def _words(text: str) -> list[str]:
    return text.split()


def test_x_counts_links_as_23_and_wide_characters_as_2():
    assert x_length("halo") == 4
    assert (
        x_length("lihat https://turnbackhoax.id/2026/04/12/salah-link-pendaftaran-blt-rp600-ribu/ ya")
        == 6 + 23 + 3
    )
    assert x_length("✅") == 2 and x_length("é") == 1
    assert x_length("e\u0301") == 1  # NFC first: e + combining accent is one character


def test_a_short_text_is_one_post_without_numbering():
    assert split_thread("[HOAKS] Tanggul jebol malam ini tidak benar.") == [
        "[HOAKS] Tanggul jebol malam ini tidak benar."
    ]


def test_long_text_becomes_a_numbered_thread_on_word_boundaries():
    paragraphs = [
        "[HOAKS] Pendaftaran BLT Rp600 Ribu Lewat Tautan",
        "Beredar informasi yang menyebutkan: "
        + "pendaftaran bantuan langsung tunai dibuka lewat tautan " * 6,
        "Faktanya: Dinas Sosial memastikan tidak ada pendaftaran BLT melalui tautan tersebut. " * 3,
        "Sumber: Cek fakta TurnBackHoax https://turnbackhoax.id/2026/04/12/salah-link-pendaftaran-blt/",
        "Informasi resmi: Call center (0518) 21000. Mohon tidak ikut menyebarkan. #SaringSebelumSharing",
    ]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_thread(text)
    assert len(parts) >= 3
    for number, part in enumerate(parts, start=1):
        assert x_length(part) <= 280, part
        match = NUMBERING.search(part)
        assert match and match.groups() == (str(number), str(len(parts)))
    rebuilt = [w for part in parts for w in _words(NUMBERING.sub("", part))]
    assert rebuilt == _words(text)  # nothing lost, nothing split inside a word
    assert any(paragraphs[-1] in part for part in parts)  # a paragraph that fits is never split


def test_numbering_widens_for_ten_or_more_posts_and_still_fits():
    text = " ".join(f"kata{n:04d}" for n in range(700))
    parts = split_thread(text)
    assert len(parts) >= 10
    assert all(x_length(p) <= 280 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})")


def test_a_word_longer_than_a_post_is_cut_by_characters():
    parts = split_thread("awal " + "x" * 600 + " akhir")
    assert all(x_length(p) <= 280 for p in parts)
    assert "".join(NUMBERING.sub("", p) for p in parts).replace(" ", "") == "awal" + "x" * 600 + "akhir"


def test_captions_over_the_limit_are_refused_when_edited_by_hand():
    with pytest.raises(VariantInvalid, match="2.200"):
        check_variant("instagram", "a" * 2201)
    with pytest.raises(VariantInvalid, match="TikTok"):
        check_variant("tiktok", "b" * 2201)
    assert check_variant("instagram", "a" * 2200).parts == ["a" * 2200]
    with pytest.raises(VariantInvalid, match="30 tagar"):
        check_variant("instagram", " ".join(f"#tagar{n}" for n in range(31)))
    with pytest.raises(VariantInvalid, match="kosong"):
        check_variant("facebook", "   ")


def test_article_html_may_not_carry_scripts_or_handlers():
    for bad in (
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="x()">',
    ):
        with pytest.raises(VariantInvalid):
            check_variant("web", bad)
    assert check_variant("web", "<p>aman</p>").text == "<p>aman</p>"


def test_rendered_captions_are_fitted_to_their_limits():
    context = sample_context() | {"fakta": "Fakta panjang yang dijelaskan dinas terkait. " * 120}
    for channel in ("instagram", "tiktok"):
        variant = render_variant(ActiveTemplate(channel, 1, DEFAULT_TEMPLATES[channel]), context)
        assert len(variant.text) <= LIMITS[channel]
        assert any("Fakta dipendekkan" in note for note in variant.notes)
        assert variant.text.rstrip().endswith(context["tagar"])  # the hashtags survive the shortening
    thread = render_variant(ActiveTemplate("x", 1, DEFAULT_TEMPLATES["x"]), context)
    assert len(thread.parts) > 1 and all(x_length(p) <= 280 for p in thread.parts)


def test_instagram_keeps_at_most_30_hashtags():
    context = sample_context() | {"tagar": " ".join(f"#t{n}" for n in range(40))}
    variant = render_variant(ActiveTemplate("instagram", 1, DEFAULT_TEMPLATES["instagram"]), context)
    assert len(hashtags_in(variant.text)) == 30


def test_whatsapp_keeps_its_own_bold_and_italics_but_not_the_datas():
    context = sample_context() | {"klaim": "Transfer *sekarang* ke _rekening_ ~ini~", "judul": "Akun *palsu*"}
    text = render_variant(ActiveTemplate("whatsapp", 1, DEFAULT_TEMPLATES["whatsapp"]), context).text
    assert text.startswith("*[HOAKS] Akun palsu*")
    assert '_"Transfer sekarang ke rekening ini"_' in text
    assert "*Faktanya:*" in text and "*tidak meneruskan*" in text


def test_every_default_template_renders_within_its_channel():
    variants = render_variants(
        {c: ActiveTemplate(c, 1, body) for c, body in DEFAULT_TEMPLATES.items()}, sample_context()
    )
    assert list(variants) == ["x", "instagram", "facebook", "whatsapp", "tiktok", "web"]
    for channel, variant in variants.items():
        assert "HOAKS" in variant.text, channel
        if LIMITS[channel]:
            assert variant.length <= LIMITS[channel] or channel == "x"
    assert "<blockquote>" in variants["web"].text and "&lt;" not in variants["web"].text
    assert "tautan di bio" in variants["instagram"].text  # Instagram captions cannot link


def test_the_hoax_link_never_reaches_the_claim():
    claim = clean_claim(
        "Daftar BLT di bit.ly/blt-ktb26, isi NIK. Info https://daftar-blt.xyz/form?id=1. Sebarkan!"
    )
    assert "bit.ly" not in claim and "daftar-blt" not in claim
    assert claim == "Daftar BLT di [tautan dihapus], isi NIK. Info [tautan dihapus]. Sebarkan!"


def test_shortening_and_sentences():
    assert shorten("satu dua tiga empat lima", 14) == "satu dua tiga…"
    assert len(shorten("x" * 50, 10)) == 10
    assert first_sentences("Kalimat satu. Kalimat dua! Kalimat tiga?", 30) == "Kalimat satu. Kalimat dua!"


def test_facts_come_from_the_fact_check_not_from_thin_air():
    kb = KBItem(
        kb_id="k",
        source="turnbackhoax",
        claim_text="Klaim.",
        conclusion="Kemensos membantah.",
        explanation="Kemensos memastikan tidak ada pendaftaran lewat tautan. Data DTKS dipakai. " * 2,
    )
    facts = facts_from(kb)
    assert facts.startswith("Kemensos membantah.") and "Kemensos memastikan" in facts
    assert len(facts) <= 700
