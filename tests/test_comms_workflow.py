"""The clarification workflow: draft from a verified hoax, edit, submit, return, approve (into the knowledge
base), publish per channel, export; ClaimReview validity; the next copy of the hoax matches the Pemda item."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from desk_fixtures import seed_queue
from sqlalchemy import select

from desk.comms import publishing, queries
from desk.comms import workflow as wf
from desk.comms.channels import x_length
from desk.comms.drafting import DraftRefused, clarification_date
from desk.comms.export import claimreview, export_bundle
from desk.comms.indexing import index_pending, index_updater_for
from desk.comms.settings import CommsSettings
from desk.services.access import Forbidden, Viewer
from desk.services.decisions import VerdictInput, decide
from desk.services.timefmt import input_value
from desk.services.validation import InputError
from desk.settings import DeskSettings
from factcheck_kb.importers.claimreview import from_claimreview, is_claimreview
from factcheck_kb.store import get_factcheck
from saring.db.base import utcnow
from saring.db.session import session_scope
from saring.db.tables.core import AuditLog, KBItem, QueueItem

TRC = Viewer(username="rina.trc", role="trc")
COMMS = Viewer(username="dedi.humas", role="comms")
ANALYST = Viewer(username="sari.analis", role="analyst")
SETTINGS = CommsSettings(
    kabupaten="Kotabaru",
    phone="(0518) 21000",
    whatsapp="0811-5000-123",
    website="https://kotabarukab.go.id",
    article_base_url="https://kotabarukab.go.id/klarifikasi",
)
TZ = DeskSettings().tz
COPY = (
    "Info BLT Rp600 ribu buat warga Kotabaru dibuka lagi, daftar di bit.ly/blt-ktb27 pakai NIK dan nomor KK "
    "sebelum 30 Juni ya, sebarkan ke keluarga di Kelumpang Hilir"
)


def _verdict(session, item_id, verdict="hoaks", kb_item_id=None):
    item = session.get(QueueItem, item_id)
    decide(
        session,
        item_id,
        VerdictInput(verdict, "Sesuai cek fakta rujukan", item.version_id, kb_item_id=kb_item_id),
        TRC,
    )


@pytest.fixture
def seeded(db_url):
    with session_scope(db_url) as session:
        seeded = seed_queue(session)
        _verdict(session, seeded.items["blt"], kb_item_id=seeded.kb["blt"])
    return seeded


def _draft(db_url, seeded) -> int:
    with session_scope(db_url) as session:
        return wf.create_clarification(session, seeded.items["blt"], COMMS, SETTINGS).id


def _approved(db_url, seeded, updater=None) -> int:
    clarification_id = _draft(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        wf.submit(session, c.id, c.revision, COMMS)
        wf.approve(session, c.id, c.revision, TRC, SETTINGS, index_updater=updater)
    return clarification_id


def test_a_draft_is_built_from_the_verdict_and_the_matched_fact_check(db_url, seeded):
    clarification_id = _draft(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        kb = session.get(KBItem, seeded.kb["blt"])
        assert (c.status, c.label, c.verdict, c.kb_item_id, c.revision) == (
            "draft",
            "HOAKS",
            "hoaks",
            kb.id,
            1,
        )
        assert c.title == "Link Pendaftaran BLT Rp600 Ribu Mengatasnamakan Kemensos"  # "[SALAH]" dropped
        assert c.body.startswith(kb.conclusion)
        assert "bit.ly" not in c.claim_text and "[tautan dihapus]" in c.claim_text
        assert c.source_text == "Cek fakta MAFINDO, 12 April 2026" and c.source_url == kb.url
        variants = queries.variants_of(session, c.id)
        assert list(variants) == ["x", "instagram", "facebook", "whatsapp", "tiktok", "web"]
        assert all(v.template_version == 1 and not v.edited for v in variants.values())
        assert all(x_length(p) <= 280 for p in variants["x"].parts)
        assert "Dinas Sosial" in variants["facebook"].text  # the SKPD the item was routed to
        assert "Call center (0518) 21000" in variants["whatsapp"].text
        actions = [a.action for a in queries.trail(session, c.id)]
        assert actions == ["clarification.create"]


def test_one_clarification_per_issue(db_url, seeded):
    first = _draft(db_url, seeded)
    with session_scope(db_url) as session:
        again = wf.create_clarification(session, seeded.items["blt_wa"], COMMS, SETTINGS)  # same cluster
        assert again.id == first
        assert queries.clarification_for_item(session, seeded.items["blt_tt"]).id == first
        assert queries.clarification_for_item(session, seeded.items["cpns"]) is None


def test_only_verified_hoaxes_and_only_comms_or_admin_draft(db_url, seeded):
    with session_scope(db_url) as session:
        with pytest.raises(DraftRefused, match="hoaks"):
            wf.create_clarification(session, seeded.items["cpns"], COMMS, SETTINGS)  # not decided
        _verdict(session, seeded.items["pln"], "bukan_hoaks")
        with pytest.raises(DraftRefused):
            wf.create_clarification(session, seeded.items["pln"], COMMS, SETTINGS)
        with pytest.raises(Forbidden):
            wf.create_clarification(session, seeded.items["blt"], ANALYST, SETTINGS)


def test_editing_keeps_hand_edits_and_refuses_stale_forms(db_url, seeded):
    clarification_id = _draft(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        wf.update_variant(session, c.id, "tiktok", "Teks TikTok buatan Humas #LawanHoaks", c.revision, COMMS)
        data = wf.FieldsInput(
            "DISINFORMASI",
            "Judul baru",
            c.claim_text,
            "Fakta dari Dinas Sosial.",
            "Keterangan Dinas Sosial",
            "",
            c.revision,
        )
        kept = wf.update_fields(session, c.id, data, COMMS, SETTINGS)
        assert kept == ["tiktok"]
        variants = queries.variants_of(session, c.id)
        assert variants["tiktok"].text == "Teks TikTok buatan Humas #LawanHoaks" and variants["tiktok"].edited
        assert variants["facebook"].text.startswith("[DISINFORMASI] Judul baru")
        assert c.source_url is None and c.revision == 3
        with pytest.raises(wf.StaleClarification):
            wf.update_fields(
                session, c.id, wf.FieldsInput("HOAKS", "x", "y", "z", "s", "", 1), COMMS, SETTINGS
            )
        with pytest.raises(InputError) as bad:
            wf.update_fields(
                session,
                c.id,
                wf.FieldsInput("SATIRE", "", "k", "f", "s", "ftp://x", c.revision),
                COMMS,
                SETTINGS,
            )
        assert set(bad.value.errors) == {"label", "title", "source_url"}
        with pytest.raises(InputError, match="2.200"):
            wf.update_variant(session, c.id, "instagram", "a" * 2300, c.revision, COMMS)
        wf.reset_variants(session, c.id, c.revision, COMMS, SETTINGS)
        assert not queries.variants_of(session, c.id)["tiktok"].edited


def test_submit_return_and_approve_with_the_right_roles(db_url, seeded):
    clarification_id = _draft(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        with pytest.raises(wf.WorkflowError, match="menyetujui"):
            wf.approve(session, c.id, c.revision, TRC, SETTINGS)  # still a draft
        wf.submit(session, c.id, c.revision, COMMS)
        with pytest.raises(wf.WorkflowError, match="mengubah"):
            wf.update_variant(session, c.id, "x", "teks", c.revision, COMMS)
        with pytest.raises(Forbidden):
            wf.approve(session, c.id, c.revision, COMMS, SETTINGS)
        with pytest.raises(InputError):
            wf.return_to_draft(session, c.id, "  ", c.revision, TRC)
        wf.return_to_draft(session, c.id, "Tambahkan nomor pengaduan Dinas Sosial.", c.revision, TRC)
        assert (c.status, c.review_note) == ("draft", "Tambahkan nomor pengaduan Dinas Sosial.")
        wf.submit(session, c.id, c.revision, COMMS)
        assert c.review_note == ""
        wf.approve(session, c.id, c.revision, TRC, SETTINGS)
        assert (c.status, c.approved_by) == ("disetujui", "rina.trc")
        assert c.kb_id == f"pemda-kotabaru-klarifikasi-{c.id}" and c.index_status == "perlu_reindeks"
        with pytest.raises(wf.WorkflowError):
            wf.update_fields(
                session, c.id, wf.FieldsInput("HOAKS", "t", "k", "f", "s", "", c.revision), COMMS, SETTINGS
            )
        actions = [a.action for a in queries.trail(session, c.id)]
        assert actions == [
            "clarification.create",
            "clarification.submit",
            "clarification.return",
            "clarification.submit",
            "clarification.approve",
        ]
        approval = queries.trail(session, c.id)[-1]
        assert approval.actor == "rina.trc" and approval.details["after"]["kb_id"] == c.kb_id


def test_approval_adds_the_pemda_item_to_the_knowledge_base(db_url, seeded):
    clarification_id = _approved(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        record = get_factcheck(session, c.kb_id)
        assert record.source == "pemda" and record.publisher == "Pemerintah Kabupaten Kotabaru"
        assert record.verdict == "HOAKS" and record.title == f"[HOAKS] {c.title}"
        assert record.claim_text == c.claim_text and record.explanation == c.body
        assert (
            record.url == f"https://kotabarukab.go.id/klarifikasi/{c.id}-link-pendaftaran-blt-rp600-ribu-"
            "mengatasnamakan-kemensos"
        )
        assert record.category == "bansos" and record.references == [c.source_url]


def test_claimreview_is_valid_and_round_trips(db_url, seeded):
    clarification_id = _approved(db_url, seeded)
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        review = claimreview(session, c, SETTINGS)
    assert review["@context"] == "https://schema.org" and is_claimreview(review)
    # Google's required properties for ClaimReview
    assert review["claimReviewed"] == c.claim_text
    assert review["reviewRating"]["alternateName"] == "HOAKS" and review["reviewRating"]["ratingValue"] == 1
    assert review["author"] == {
        "@type": "Organization",
        "name": "Pemerintah Kabupaten Kotabaru",
        "url": "https://kotabarukab.go.id",
    }
    assert review["url"].startswith("https://kotabarukab.go.id/klarifikasi/")
    assert review["datePublished"] == clarification_date(c).isoformat()
    appearances = [a["url"] for a in review["itemReviewed"]["appearance"]]
    assert appearances == [
        "https://facebook.example/info.kotabaru.terkini/fb-1001",
        "https://tiktok.example/kabar_kalsel/tt-3001",
    ]  # WhatsApp is private: left out
    back = from_claimreview(json.loads(json.dumps(review)))
    assert (back.kb_id, back.source, back.verdict, back.claim_text) == (
        c.kb_id,
        "pemda",
        "HOAKS",
        c.claim_text,
    )


def test_publishing_per_channel_and_reach(db_url, seeded):
    clarification_id = _approved(db_url, seeded)
    now = input_value(utcnow() - timedelta(minutes=30), TZ)
    with session_scope(db_url) as session:
        with pytest.raises(InputError) as bad:
            publishing.record_publication(
                session,
                clarification_id,
                publishing.PublicationInput("facebook", "", input_value(utcnow() + timedelta(days=1), TZ)),
                COMMS,
                TZ,
            )
        assert set(bad.value.errors) == {"url", "published_at"}
        publishing.record_publication(
            session,
            clarification_id,
            publishing.PublicationInput(
                "facebook", "https://facebook.com/pemkabkotabaru/posts/1", now, reach="5.200", likes="120"
            ),
            COMMS,
            TZ,
        )
        publishing.record_publication(
            session, clarification_id, publishing.PublicationInput("whatsapp", "", now), COMMS, TZ
        )  # a broadcast has no link
        c = queries.get_clarification(session, clarification_id)
        assert c.status == "diterbitkan"
        pubs = queries.publications_of(session, clarification_id)
        assert list(pubs) == ["facebook", "whatsapp"]
        assert (pubs["facebook"].reach, pubs["facebook"].engagement) == (5200, {"likes": 120})
        publishing.update_reach(
            session, clarification_id, "facebook", "9100", {"likes": "300", "shares": "41"}, COMMS
        )
        assert (pubs["facebook"].reach, pubs["facebook"].engagement) == (9100, {"likes": 300, "shares": 41})
        with pytest.raises(wf.WorkflowError):
            publishing.update_reach(session, clarification_id, "tiktok", "1", {}, COMMS)
        with pytest.raises(Forbidden):
            publishing.record_publication(
                session,
                clarification_id,
                publishing.PublicationInput("x", "https://x.com/a/status/1", now),
                ANALYST,
                TZ,
            )
        actions = [a.action for a in queries.trail(session, clarification_id)]
        assert actions[-3:] == ["clarification.publish", "clarification.publish", "clarification.reach"]


def test_drafts_cannot_be_published(db_url, seeded):
    clarification_id = _draft(db_url, seeded)
    with session_scope(db_url) as session, pytest.raises(wf.WorkflowError, match="penerbitan"):
        publishing.record_publication(
            session,
            clarification_id,
            publishing.PublicationInput("x", "https://x.com/a/status/1", input_value(utcnow(), TZ)),
            COMMS,
            TZ,
        )


def test_export_has_every_channel_the_card_and_the_article(db_url, seeded):
    clarification_id = _approved(db_url, seeded)
    with session_scope(db_url) as session:
        bundle = export_bundle(session, clarification_id, SETTINGS)
    names = set(bundle.files)
    assert {
        "x.txt",
        "instagram.txt",
        "facebook.txt",
        "whatsapp.txt",
        "tiktok.txt",
        "artikel.html",
        "claimreview.json",
        "ringkasan.json",
        "BACA-SAYA.txt",
    } <= names
    assert any(n.startswith("kartu-") and n.endswith(".png") for n in names)
    posts = bundle.files["x.txt"].decode().strip().split("\n\n---\n\n")
    assert all(x_length(p) <= 280 for p in posts)
    html = bundle.files["artikel.html"].decode()
    assert '<script type="application/ld+json">' in html and "<article" in html
    ld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["@type"] == "ClaimReview"
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes())) as archive:
        assert set(archive.namelist()) == names


@pytest.mark.slow
def test_after_approval_the_next_copy_of_the_hoax_matches_the_pemda_item(
    db_url, seeded, use_encoder, tmp_path
):
    from factcheck_kb.index import KBIndex
    from factcheck_kb.matcher import Matcher
    from factcheck_kb.operations import sync_index

    index_dir = tmp_path / "index"
    sync_index(db_url=db_url, index_dir=index_dir, encoder=use_encoder)
    before = Matcher(KBIndex.open(index_dir, use_encoder), use_encoder).match([COPY], top_k=3)[0]
    assert not any(m.kb_id.startswith("pemda-kotabaru-klarifikasi") for m in before)

    clarification_id = _approved(db_url, seeded, updater=index_updater_for(use_encoder, index_dir))
    with session_scope(db_url) as session:
        c = queries.get_clarification(session, clarification_id)
        kb_id, status = c.kb_id, c.index_status
    assert status == "terindeks"
    after = Matcher(KBIndex.open(index_dir, use_encoder), use_encoder).match([COPY], top_k=3)[0]
    assert after[0].kb_id == kb_id, [(m.kb_id, round(m.score, 3)) for m in after]
    assert after[0].band in ("auto", "suggest")


@pytest.mark.slow
def test_a_pending_clarification_is_indexed_later(db_url, seeded, use_encoder, tmp_path):
    from factcheck_kb.index import KBIndex
    from factcheck_kb.operations import sync_index

    index_dir = tmp_path / "index"
    clarification_id = _approved(db_url, seeded)  # no index yet: waits for a reindex
    with session_scope(db_url) as session:
        assert (
            index_pending(session, clarification_id, encoder=use_encoder, index_dir=index_dir)
            == "perlu_reindeks"
        )
    sync_index(db_url=db_url, index_dir=index_dir, encoder=use_encoder)
    with session_scope(db_url) as session:
        kb_id = queries.get_clarification(session, clarification_id).kb_id
        assert kb_id in KBIndex.open(index_dir).items  # a full reindex takes the Pemda item too
        assert (
            index_pending(session, clarification_id, encoder=use_encoder, index_dir=index_dir) == "terindeks"
        )
        assert session.scalar(select(AuditLog.action).where(AuditLog.action == "clarification.indexed"))


def test_a_published_clarification_card_is_a_kb_image_its_re_posts_match(db_url, seeded, tmp_path):
    from PIL import Image

    from desk.comms.export import card_png
    from pipelines.demo_data import images as render
    from pipelines.store import kb_image_index
    from saring.db.tables.media import KBMedia, MediaFile
    from saring.media.phash import image_hash

    clarification_id = _approved(db_url, seeded)
    now = input_value(utcnow() - timedelta(minutes=30), TZ)
    with session_scope(db_url) as session:
        for channel, url in (("facebook", "https://facebook.com/p/1"), ("x", "https://x.com/a/status/1")):
            publishing.record_publication(
                session, clarification_id, publishing.PublicationInput(channel, url, now), COMMS, TZ
            )
        c = queries.get_clarification(session, clarification_id)
        kb_item_id = session.scalar(select(KBItem.id).where(KBItem.kb_id == c.kb_id))
        [media] = session.scalars(
            select(MediaFile)
            .join(KBMedia, KBMedia.media_id == MediaFile.id)
            .where(KBMedia.kb_item_id == kb_item_id)
        ).all()  # two channels, one card linked once
        card = Image.open(io.BytesIO(card_png(c, CommsSettings())))
        assert media.width == card.width == 1080 and media.phash == image_hash(card)
        index = kb_image_index(session)
        kb_id = c.kb_id
    for name, copy in (
        ("jpeg", render.jpeg(card, 40)),
        ("corner", render.crop(card, 0.85, anchor="top-left")),
        ("screenshot", render.screenshot_of(card)),
    ):
        render.save(copy, tmp_path / f"{name}.png")
        hits = index.nearest([image_hash(copy)], paths=[str(tmp_path / f"{name}.png")])
        assert [h.key for h in hits][:1] == [kb_id], name
