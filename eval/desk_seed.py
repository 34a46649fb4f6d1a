"""Bulk-fill a database with a realistic TRC queue: posts, clusters, KB items, matches, routing, audit."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desk.services.routing import DEFAULT_RULES, deadline_for, ensure_defaults, list_rules, priority_tier
from desk.settings import KOTABARU_KECAMATAN
from saring.db.base import utcnow
from saring.db.tables.collection import IssueCluster
from saring.db.tables.core import AuditLog, KBItem, Match, Post, QueueItem, Source, Verdict
from saring.db.tables.desk import Assignment

PLATFORMS = ["facebook", "whatsapp", "tiktok", "x", "instagram", "youtube", "web"]
CLAIMS = {
    "bansos": "Pendaftaran BLT Rp{n}00 ribu untuk warga {kec} dibuka lewat tautan, isi NIK sebelum {d} Juni",
    "rekrutmen": "Formasi PPPK Pemkab Kotabaru dibuka {n}00 kursi tanpa tes, cukup bayar biaya administrasi",
    "bencana": "Waspada! Tanggul jebol, banjir besar akan melanda {kec} malam ini, warga diminta mengungsi",
    "kesehatan": "Vaksin di Puskesmas {kec} mengandung zat berbahaya, {n} anak sakit setelah imunisasi",
    "pemilu": "Surat suara Pilkada sudah dicoblos duluan di TPS {n} {kec}, bagikan sebelum dihapus",
    "penipuan": "Akun WhatsApp mengatasnamakan Bupati minta transfer Rp{n} juta untuk masjid di {kec}",
    "pendidikan": "Beasiswa daerah untuk {n}00 siswa {kec} dibatalkan karena anggaran dialihkan",
    "infrastruktur": "Jembatan di {kec} ambruk dan ditutup {n} bulan, proyek jalan dihentikan",
    "keamanan": "Penculikan anak marak di {kec}, {n} kasus dalam seminggu, jangan biarkan anak keluar rumah",
    "energi": "Elpiji 3 kg langka di {kec}, harga tembus Rp{n}0 ribu, SPBU tutup sampai akhir bulan",
}
CATEGORIES = [c for c in DEFAULT_RULES if c and c in CLAIMS]  # not akun_palsu (issue 13): no claim here
FRAMES = [
    "{claim}. Sebarkan!",
    "INFO PENTING: {claim}!!",
    "Benarkah? {claim}",
    "{claim}, mohon dicek kebenarannya",
    "Viral: {claim}. Share ke grup keluarga",
]


@dataclass(slots=True)
class SeedStats:
    posts: int = 0
    queue_items: int = 0
    matches: int = 0
    clusters: int = 0
    kb_items: int = 0
    audit_rows: int = 0
    verdicts: int = 0


def _batched(session: Session, table, rows: list[dict], size: int = 5000) -> None:  # noqa: ANN001
    for start in range(0, len(rows), size):
        session.execute(insert(table), rows[start : start + size])


def seed_bulk(session: Session, items: int, *, seed: int = 7, kb_size: int = 2000) -> SeedStats:
    """Insert ``items`` posts with one queue item each (about a third in clusters), routed, some decided."""
    rng = random.Random(seed)
    now = utcnow()
    stats = SeedStats()
    ensure_defaults(session)
    rules = {(r.category, r.kecamatan): r for r in list_rules(session)}
    source = Source(name="bench", kind="bench", location="eval", region_tags=[])
    session.add(source)
    session.flush()
    kb_rows = []
    for i in range(kb_size):
        category = CATEGORIES[i % len(CATEGORIES)]
        claim = CLAIMS[category].format(
            n=rng.randint(1, 9), kec=rng.choice(KOTABARU_KECAMATAN), d=rng.randint(1, 28)
        )
        kb_rows.append(
            {
                "kb_id": f"bench-{i}",
                "source": "turnbackhoax",
                "url": f"https://turnbackhoax.id/bench/{i}",
                "publisher": "MAFINDO",
                "published_date": date(2025, 1, 1) + timedelta(days=i % 500),
                "verdict": "SALAH",
                "category": category,
                "title": f"[SALAH] {claim[:90]}",
                "claim_text": claim,
                "explanation": claim,
                "conclusion": "Tidak benar.",
                "references": [],
                "language": "id",
                "content_hash": hashlib.sha256(f"kb{i}".encode()).hexdigest(),
                "created_at": now,
                "updated_at": now,
            }
        )
    _batched(session, KBItem, kb_rows)
    kb_ids = list(session.scalars(select(KBItem.id).where(KBItem.source == "turnbackhoax")))
    stats.kb_items = len(kb_ids)

    clusters: list[int] = []
    cluster_of: list[int | None] = []
    while len(cluster_of) < items:
        if rng.random() < 0.12:  # an issue of 2-12 posts
            size = min(rng.randint(2, 12), items - len(cluster_of))
            clusters.append(size)
            cluster_of.extend([len(clusters)] * size)
        else:
            cluster_of.append(None)
    cluster_rows = [
        {
            "label": f"isu {i + 1}",
            "post_count": size,
            "platform_counts": {},
            "first_seen_at": now,
            "last_seen_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for i, size in enumerate(clusters)
    ]
    _batched(session, IssueCluster, cluster_rows)
    first_cluster = session.scalar(select(IssueCluster.id).order_by(IssueCluster.id).limit(1)) or 1
    stats.clusters = len(clusters)

    post_rows, meta = [], []
    for i in range(items):
        category = rng.choice(CATEGORIES)
        kec = rng.choice(KOTABARU_KECAMATAN)
        claim = CLAIMS[category].format(n=rng.randint(1, 9), kec=kec, d=rng.randint(1, 28))
        text = rng.choice(FRAMES).format(claim=claim)
        platform = rng.choice(PLATFORMS)
        posted = now - timedelta(minutes=rng.randint(5, 60 * 24 * 30))
        engagement = {
            "likes": rng.randint(0, 3000),
            "shares": rng.randint(0, 2000),
            "comments": rng.randint(0, 300),
        }
        post_rows.append(
            {
                "source_id": source.id,
                "platform": platform,
                "external_id": f"b{i}",
                "author_handle": f"@akun{i % 5000}",
                "url": f"https://{platform}.example/p/{i}",
                "text": text,
                "language": "id",
                "posted_at": posted,
                "captured_at": posted + timedelta(minutes=10),
                "engagement": engagement,
                "raw": {"id": f"b{i}", "text": text, "metrics": engagement},
                "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                "created_at": now,
                "cluster_id": None if cluster_of[i] is None else first_cluster + cluster_of[i] - 1,
            }
        )
        meta.append((category, kec if rng.random() < 0.5 else None))
    _batched(session, Post, post_rows)
    post_ids = list(session.scalars(select(Post.id).where(Post.source_id == source.id).order_by(Post.id)))
    stats.posts = len(post_ids)

    queue_rows, match_rows = [], []
    for post_id, (category, kec) in zip(post_ids, meta, strict=True):
        band = rng.choices(["auto", "suggest", "none"], weights=[1, 3, 2])[0]
        picks = rng.sample(kb_ids, 3)
        kb = picks[0] if band != "none" else None
        score = round(rng.uniform(0.9, 0.99) if band == "auto" else rng.uniform(0.75, 0.9), 3) if kb else None
        status = rng.choices(["baru", "investigasi", "selesai"], weights=[85, 5, 10])[0]
        queue_rows.append(
            {
                "post_id": post_id,
                "status": status,
                "priority": round(rng.random(), 4),
                "band": band,
                "best_kb_item_id": kb,
                "best_score": score,
                "hoax_probability": round(rng.random(), 3),
                "model_version": "bench-clf-1",
                "reasons": ["Cocok dengan cek fakta"],
                "version_id": 1,
                "created_at": now,
                "updated_at": now,
                "category": category,
                "kecamatan": kec,
            }
        )
        if kb:
            for rank, kb_id in enumerate(picks, start=1):
                match_rows.append(
                    {
                        "post_id": post_id,
                        "kb_item_id": kb_id,
                        "rank": rank,
                        "score": (score or 0.8) - 0.05 * (rank - 1),
                        "dense_score": score,
                        "lexical_score": score,
                        "band": band if rank == 1 else "suggest",
                        "model_id": "bench-matcher",
                        "created_at": now,
                    }
                )
    _batched(session, QueueItem, queue_rows)
    _batched(session, Match, match_rows)
    stats.matches = len(match_rows)
    items_rows = session.execute(
        select(
            QueueItem.id,
            QueueItem.post_id,
            QueueItem.priority,
            QueueItem.category,
            QueueItem.kecamatan,
            QueueItem.status,
        ).order_by(QueueItem.id)
    ).all()
    stats.queue_items = len(items_rows)

    assignment_rows, audit_rows, verdict_rows = [], [], []
    for row in items_rows:
        rule = rules.get((row.category, None)) or rules[(None, None)]
        start = now - timedelta(hours=rng.randint(0, 96))
        deadline = deadline_for(rule, row.priority, start)
        assignment_rows.append(
            {
                "queue_item_id": row.id,
                "skpd_id": rule.skpd_id,
                "deadline": deadline,
                "status": "terbuka",
                "routed_by": "sistem",
                "rule_id": rule.id,
                "created_at": start,
                "updated_at": start,
            }
        )
        audit_rows.append(
            {
                "at": start,
                "actor": "sistem",
                "action": "item.route",
                "entity_type": "queue_item",
                "entity_id": str(row.id),
                "details": {"after": {"skpd": rule.skpd_id, "tier": priority_tier(row.priority)}},
            }
        )
        if row.status != "baru":
            verdict = "perlu_investigasi" if row.status == "investigasi" else "hoaks"
            verdict_rows.append(
                {
                    "queue_item_id": row.id,
                    "post_id": row.post_id,
                    "verdict": verdict,
                    "reason": "bench",
                    "kb_item_id": None,
                    "decided_by": "bench",
                    "decided_at": now,
                }
            )
            audit_rows.append(
                {
                    "at": now,
                    "actor": "bench",
                    "action": "item.verdict",
                    "entity_type": "queue_item",
                    "entity_id": str(row.id),
                    "details": {"after": {"verdict": verdict}},
                }
            )
    _batched(session, Assignment, assignment_rows)
    _batched(session, AuditLog, audit_rows)
    _batched(session, Verdict, verdict_rows)
    stats.audit_rows, stats.verdicts = len(audit_rows), len(verdict_rows)
    return stats
