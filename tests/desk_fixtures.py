"""Realistic Indonesian queue data for the desk tests, inserted straight through the ORM (no flows).

Also a pytest plugin (`pytest_plugins = ["desk_fixtures"]`) with app and login fixtures. PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from desk.services.routing import ensure_defaults, route_new_items
from desk.services.users import create_user
from desk.settings import KOTABARU_KECAMATAN
from saring.db.base import utcnow
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import KBItem, Match, Post, QueueItem, Source
from saring.db.tables.desk import User

PASSWORD = "Uji-Meja-TRC-2026!"
MATCHER = "multilingual-e5-small+bm25"
CLASSIFIER = "tfidf-lr-2026.05.1"

KB = {
    "blt": (
        "tbh-2026-0412",
        "[SALAH] Link Pendaftaran BLT Rp600 Ribu Mengatasnamakan Kemensos",
        "Beredar tautan pendaftaran BLT Rp600 ribu yang meminta NIK dan data pribadi.",
        "Kemensos memastikan tidak ada pendaftaran BLT melalui tautan tersebut.",
        "bansos",
    ),
    "cpns": (
        "tbh-2026-0388",
        "[SALAH] Formasi CPNS Tanpa Tes dengan Biaya Administrasi",
        "Pesan berantai menyebut formasi CPNS daerah dibuka tanpa tes asal membayar biaya administrasi.",
        "BKN menegaskan seleksi CPNS hanya melalui SSCASN dan tidak dipungut biaya.",
        "rekrutmen",
    ),
    "banjir": (
        "komdigi-2026-1120",
        "[HOAKS] Tanggul Jebol dan Banjir Besar Malam Ini",
        "Pesan suara menyebut tanggul jebol dan warga diminta mengungsi malam ini.",
        "BPBD menyatakan kondisi tanggul aman dan tidak ada perintah evakuasi.",
        "bencana",
    ),
    "vaksin": (
        "tbh-2025-2207",
        "[SALAH] Vaksin Campak Mengandung Chip Pelacak",
        "Unggahan mengklaim vaksin campak berisi chip pelacak.",
        "Vaksin campak tidak mengandung chip; klaim ini sudah berulang kali dibantah.",
        "kesehatan",
    ),
    "bupati": (
        "pemda-2026-017",
        "[HOAKS] Akun WhatsApp Mengatasnamakan Bupati Minta Transfer",
        "Akun WhatsApp memakai foto Bupati meminta transfer dana bantuan.",
        "Bupati tidak pernah meminta transfer melalui WhatsApp; nomor tersebut palsu.",
        "penipuan",
    ),
}


@dataclass
class Seeded:
    """Ids of what was inserted, by a short name."""

    items: dict[str, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    kb: dict[str, int] = field(default_factory=dict)
    cluster_ids: dict[str, int] = field(default_factory=dict)


def _kb(session: Session, key: str) -> KBItem:
    kb_id, title, claim, conclusion, category = KB[key]
    item = KBItem(
        kb_id=kb_id,
        source="turnbackhoax" if kb_id.startswith("tbh") else kb_id.split("-")[0],
        url=f"https://turnbackhoax.id/2026/{kb_id}/",
        publisher="MAFINDO",
        published_date=date(2026, 4, 12),
        verdict="SALAH",
        category=category,
        title=title,
        claim_text=claim,
        explanation=claim,
        conclusion=conclusion,
        references=[],
        content_hash=hashlib.sha256(kb_id.encode()).hexdigest(),
    )
    session.add(item)
    return item


def _post(
    session: Session,
    source: Source,
    ext: str,
    platform: str,
    text: str,
    *,
    hours_ago: float,
    author: str,
    engagement: dict[str, int],
    cluster: IssueCluster | None = None,
    now: datetime,
) -> Post:
    posted = now - timedelta(hours=hours_ago)
    post = Post(
        source_id=source.id,
        platform=platform,
        external_id=ext,
        author_handle=author,
        url=f"https://{platform}.example/{author.strip('@')}/{ext}",
        text=text,
        language="id",
        posted_at=posted,
        captured_at=posted + timedelta(minutes=20),
        engagement=engagement,
        raw={"id": ext, "platform": platform, "text": text, "author": author, "metrics": engagement},
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        cluster_id=cluster.id if cluster else None,
    )
    session.add(post)
    session.flush()
    return post


def _item(
    session: Session,
    post: Post,
    *,
    priority: float,
    prob: float,
    kb: KBItem | None,
    score: float | None,
    band: str,
    category: str | None = None,
    kecamatan: str | None = None,
    reasons: list[str] | None = None,
    now: datetime,
) -> QueueItem:
    item = QueueItem(
        post_id=post.id,
        status="baru",
        priority=priority,
        band=band,
        best_kb_item_id=kb.id if kb else None,
        best_score=score,
        hoax_probability=prob,
        model_version=CLASSIFIER,
        category=category,
        kecamatan=kecamatan,
        reasons=reasons or ["Cocok dengan cek fakta yang sudah ada", "Sebaran cepat di beberapa platform"],
        created_at=post.captured_at or now,
    )
    session.add(item)
    if kb is not None and score is not None:
        session.add(
            Match(
                post_id=post.id,
                kb_item_id=kb.id,
                rank=1,
                score=score,
                dense_score=score + 0.02,
                lexical_score=score - 0.1,
                band=band,
                model_id=MATCHER,
                probability=min(score + 0.05, 1.0),
                p_spreads=0.97,
                stance="spreads",
                evidence={
                    "cosine": score + 0.02,
                    "coverage_post": 0.6,
                    "coverage_title": 0.8,
                    "shared_terms": 7,
                    "rare_shared": 2,
                    "rare_missing": 0,
                    "numbers_shared": 1,
                    "numbers_conflict": 0,
                },
                judge_version="default",
            )
        )
    session.flush()
    return item


def seed_queue(session: Session, *, now: datetime | None = None, route: bool = True) -> Seeded:
    """Nine queue items: a three-post bansos issue, CPNS, flood, vaccine, fake Bupati, election, PLN."""
    now = now or utcnow()
    ensure_defaults(session)
    seeded = Seeded()
    source = Source(name="contoh-pemantauan", kind="jsonl", location="tests", region_tags=["kotabaru"])
    session.add(source)
    kb = {key: _kb(session, key) for key in KB}
    session.flush()
    seeded.kb = {key: item.id for key, item in kb.items()}
    blt_text = (
        "Pendaftaran BLT Rp600 ribu untuk warga Kotabaru dibuka lewat bit.ly/blt-ktb26, isi NIK dan "
        "nomor KK sebelum 30 Juni. Sebarkan ke keluarga di Kelumpang Hilir!"
    )
    cluster = IssueCluster(
        label="BLT Rp600 ribu lewat tautan",
        first_seen_at=now - timedelta(days=2),
        last_seen_at=now - timedelta(hours=3),
        post_count=3,
        platform_counts={"facebook": 1, "whatsapp": 1, "tiktok": 1},
    )
    session.add(cluster)
    session.flush()
    seeded.cluster_ids["blt"] = cluster.id
    rows = [
        (
            "blt",
            "fb-1001",
            "facebook",
            blt_text,
            30,
            "@info.kotabaru.terkini",
            {"likes": 820, "shares": 1310, "comments": 96},
            cluster,
            0.93,
            0.91,
            "blt",
            0.89,
            "suggest",
            "bansos",
            "Kelumpang Hilir",
        ),
        (
            "blt_wa",
            "wa-2001",
            "whatsapp",
            "Info BLT 600rb Kotabaru daftar di bit.ly/blt-ktb26 pakai NIK & KK sebelum 30 Juni, sebarkan!",
            20,
            "+62812xxxx771",
            {"forwards": 240},
            cluster,
            0.81,
            0.88,
            "blt",
            0.86,
            "suggest",
            "bansos",
            None,
        ),
        (
            "blt_tt",
            "tt-3001",
            "tiktok",
            "BLT 600 ribu warga Kotabaru cair! daftar lewat link di bio, isi NIK",
            3,
            "@kabar_kalsel",
            {"likes": 5400, "shares": 710, "views": 88000},
            cluster,
            0.77,
            0.84,
            "blt",
            0.8,
            "suggest",
            "bansos",
            None,
        ),
        (
            "cpns",
            "fb-1002",
            "facebook",
            "Formasi CPNS Pemkab Kotabaru 2026 dibuka 1.200 kursi tanpa tes, cukup "
            "bayar biaya administrasi Rp2 juta ke admin.",
            52,
            "@lowongan.kalsel",
            {"likes": 410, "shares": 530},
            None,
            0.86,
            0.87,
            "cpns",
            0.96,
            "auto",
            None,
            None,
        ),
        (
            "banjir",
            "x-4001",
            "x",
            "Waspada! Tanggul jebol, banjir besar akan melanda Pulau Laut Utara malam ini. "
            "Warga diminta segera mengungsi.",
            6,
            "@kalsel_update",
            {"likes": 150, "shares": 920, "comments": 44},
            None,
            0.83,
            0.79,
            "banjir",
            0.9,
            "suggest",
            None,
            None,
        ),
        (
            "vaksin",
            "ig-5001",
            "instagram",
            "Vaksin campak di Puskesmas Sampanan mengandung chip pelacak, jangan bawa anak ke posyandu!",
            75,
            "@bunda_waspada",
            {"likes": 230, "comments": 58},
            None,
            0.62,
            0.74,
            "vaksin",
            0.83,
            "suggest",
            None,
            None,
        ),
        (
            "bupati",
            "wa-2002",
            "whatsapp",
            "Assalamualaikum, saya Bupati Kotabaru. Mohon bantu transfer dana "
            "pembangunan masjid ke rekening berikut, nanti saya ganti.",
            12,
            "+62813xxxx402",
            {"forwards": 35},
            None,
            0.74,
            0.93,
            "bupati",
            0.97,
            "auto",
            None,
            None,
        ),
        (
            "pemilu",
            "fb-1003",
            "facebook",
            "Surat suara Pilkada sudah dicoblos duluan di TPS 05 Hampang, bagikan sebelum dihapus!",
            40,
            "@suara_rakyat_ktb",
            {"likes": 95, "shares": 140},
            None,
            0.58,
            0.66,
            None,
            None,
            "none",
            None,
            None,
        ),
        (
            "pln",
            "web-6001",
            "web",
            "Jadwal pemadaman listrik PLN wilayah Pulau Laut Barat hari Sabtu pukul "
            "09.00-14.00 WITA untuk pemeliharaan jaringan.",
            100,
            "pln-ulp-kotabaru",
            {"views": 300},
            None,
            0.18,
            0.12,
            None,
            None,
            "none",
            None,
            None,
        ),
    ]
    for (
        name,
        ext,
        platform,
        text,
        hours,
        author,
        engagement,
        clus,
        priority,
        prob,
        kb_key,
        score,
        band,
        category,
        kecamatan,
    ) in rows:
        post = _post(
            session,
            source,
            ext,
            platform,
            text,
            hours_ago=hours,
            author=author,
            engagement=engagement,
            cluster=clus,
            now=now,
        )
        item = _item(
            session,
            post,
            priority=priority,
            prob=prob,
            kb=kb.get(kb_key) if kb_key else None,
            score=score,
            band=band,
            category=category,
            kecamatan=kecamatan,
            now=now,
        )
        seeded.items[name] = item.id
        seeded.posts[name] = post.id
    if route:
        route_new_items(session, KOTABARU_KECAMATAN)
    session.flush()
    return seeded


def add_officers(session: Session, password: str = PASSWORD) -> dict[str, User]:
    """One account per role; the PICs belong to Dinas Sosial and BPBD."""
    ensure_defaults(session)
    accounts = {
        "admin": ("admin.kominfo", "admin", None, "Admin Diskominfo"),
        "trc": ("rina.trc", "trc", None, "Rina (TRC)"),
        "trc2": ("budi.trc", "trc", None, "Budi (TRC)"),
        "analyst": ("sari.analis", "analyst", None, "Sari (Analis)"),
        "comms": ("dedi.humas", "comms", None, "Dedi (Humas)"),
        "pic": ("andi.dinsos", "pic", "dinsos", "Andi (PIC Dinas Sosial)"),
        "pic_bpbd": ("wati.bpbd", "pic", "bpbd", "Wati (PIC BPBD)"),
    }
    return {
        key: create_user(session, username, password, role, skpd_code=skpd, display_name=name, actor="tests")
        for key, (username, role, skpd, name) in accounts.items()
    }


# --- pytest fixtures: a test module imports the ones it uses by name ---

ROLE_USERNAMES = {
    "admin": "admin.kominfo",
    "trc": "rina.trc",
    "trc2": "budi.trc",
    "analyst": "sari.analis",
    "comms": "dedi.humas",
    "pic": "andi.dinsos",
    "pic_bpbd": "wati.bpbd",
}


@pytest.fixture
def cheap_hashing():
    """Argon2id with tiny cost so tests that log in often stay fast (the production cost is the default)."""
    from desk.services import passwords

    saved = passwords._HASHER, passwords._DUMMY_HASH
    passwords.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._HASHER, passwords._DUMMY_HASH = saved


@pytest.fixture
def desk_seed(db_url, cheap_hashing) -> Seeded:
    """The migrated test database with the nine queue items and one officer per role."""
    from saring.db.session import session_scope

    with session_scope(db_url) as session:
        seeded = seed_queue(session)
        add_officers(session)
    return seeded


@pytest.fixture
def desk_app(db_url, desk_seed):
    """The desk app on the seeded database (no background routing thread)."""
    from desk.app import create_app
    from desk.settings import DeskSettings
    from saring.config import Settings

    return create_app(Settings(database_url=db_url), DeskSettings(route_interval_s=0), migrate=False)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def version_from(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no version field on the page"
    return match.group(1)


def login(client: TestClient, role: str, password: str = PASSWORD) -> str:
    """Log in through the form as the officer of a role; returns the session's CSRF token."""
    page = client.get("/masuk")
    response = client.post(
        "/masuk",
        data={
            "username": ROLE_USERNAMES.get(role, role),
            "password": password,
            "csrf_token": csrf_from(page.text),
            "next": "/antrean",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return client.get("/api/me").json()["csrf_token"]


@pytest.fixture
def client_as(desk_app):
    """Factory: a fresh TestClient logged in as a role, with its CSRF token."""
    clients: list[TestClient] = []

    def make(role: str | None) -> tuple[TestClient, str]:
        client = TestClient(desk_app)
        clients.append(client)
        token = login(client, role) if role else ""
        return client, token

    yield make
    for client in clients:
        client.close()


def seed_impersonation(session: Session, post_id: int) -> None:
    """The demo registry, and the fake-Bupati post flagged as impersonation as the score flow writes it."""
    from desk.services.accounts import import_accounts
    from pipelines.account_store import save_flags
    from pipelines.accounts import Registry, read_registry
    from pipelines.demo_data import demo_path
    from pipelines.impersonation import assess
    from pipelines.scoring import ScoredPost

    accounts = read_registry(demo_path("accounts_kotabaru.yaml"))
    import_accounts(session, accounts, actor="uji")
    post = session.get(Post, post_id)
    post.author_handle = "bupatl.kotabaru"
    post.platform = "facebook"
    post.raw = {**(post.raw or {}), "author_name": "Bupati Kotabaru"}
    judgement = assess(
        Registry(accounts),
        platform="facebook",
        handle=post.author_handle,
        display_name="Bupati Kotabaru",
        text=post.text + " Rek BRI 0217010099885, WA 0852-4711-3390.",
    )
    scored = ScoredPost(post_id=post_id, priority=0.9, queue=True, components={}, band="none")
    scored.impersonation = judgement
    save_flags(session, [scored])
    session.flush()
