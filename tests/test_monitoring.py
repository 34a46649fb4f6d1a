"""Monitoring numbers against a small database whose answers were worked out by hand (see the comments).

Period: 1–7 May 2026, local time WITA (UTC+8), i.e. 2026-04-30 16:00 UTC .. 2026-05-07 16:00 UTC.
``B`` = 2026-05-02 00:00 UTC (08:00 WITA). Report computed as of 2026-05-10 12:00 UTC.

Items (posted -> flagged; verdicts; SKPD deadline and follow-up):
I1 facebook, bansos, Kelumpang Hilir, suggest kb1: B-2h -> B; hoaks kb1 B+4h; dinsos due B+24h, done B+10h
I2 whatsapp, bansos, no place, suggest kb1: B+1h -> B+2h; hoaks kb1 at B+6h; dinsos due B+26h, open (missed)
I3 x, bencana, Pulau Laut Utara, auto kb2: B+20h -> B+24h; disinformasi kb1 B+26h; bpbd due B+30h, done B+40h
I4 instagram, kesehatan, Sampanan, auto kb2: B+46h -> B+48h; bukan_hoaks kb2 B+49h; dinkes due later (pending)
I5 tiktok, bansos, band none: flagged B+72h, no post time, no verdict, not assigned
I6 facebook, kesehatan, Sampanan, suggest kb2: B+70h -> B+80h; perlu_investigasi B+81h, hoaks (no KB) B+90h
I7 facebook, flagged 2026-05-08 01:00 UTC (8 May WITA): outside the period
I8 web, no category, band none: posted 04-30 16:00 UTC -> flagged 16:30 UTC (1 May 00:30 WITA): inside
I1, I2 form one issue; clarification CL1 (of I1) was published on Facebook B+12h (reach 5000, likes 100,
shares 50)
and Instagram B+20h (reach 3000); CL2 (of I6) on X at B+100h (no reach, views 800, likes 10); CL3 (of I3) is a
draft; CL4 (of I7) was published 2026-05-08 02:00 UTC (outside).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from desk.monitoring.metrics import percentile, split_engagement
from desk.monitoring.report import build_report, csv_rows, render, render_csv, render_standalone
from desk.services.categories import CATEGORIES
from desk.services.routing import DEFAULT_SKPD, ensure_defaults
from desk.settings import DeskSettings
from saring.db.session import session_scope
from saring.db.tables.collection import IssueCluster
from saring.db.tables.comms import Publication
from saring.db.tables.core import AuditLog, Clarification, KBItem, Post, QueueItem, Source, Verdict
from saring.db.tables.desk import Assignment, Skpd

B = datetime(2026, 5, 2, 0, 0, tzinfo=UTC)
AS_OF = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
TZ = DeskSettings().tz
START, END = date(2026, 5, 1), date(2026, 5, 7)


def h(hours: float) -> datetime:
    return B + timedelta(hours=hours)


def _seed(session) -> dict[str, int]:
    ensure_defaults(session)
    skpd = {s.code: s for s in session.scalars(select(Skpd))}
    source = Source(name="uji-pemantauan", kind="jsonl")
    session.add(source)
    kb = {}
    for key in ("kb1", "kb2"):
        kb[key] = KBItem(kb_id=key, source="turnbackhoax", title=f"[SALAH] {key}", content_hash=key * 8)
        session.add(kb[key])
    cluster = IssueCluster(label="BLT", post_count=2)
    session.add(cluster)
    session.flush()
    ids: dict[str, int] = {}

    def item(
        name,
        platform,
        flagged,
        *,
        posted=None,
        category=None,
        kecamatan=None,
        band="none",
        best=None,
        engagement=None,
        clustered=False,
    ):
        post = Post(
            source_id=source.id,
            platform=platform,
            external_id=name,
            text=f"unggahan {name}",
            posted_at=posted,
            captured_at=flagged,
            engagement=engagement or {},
            content_hash=hashlib.sha256(name.encode()).hexdigest(),
            cluster_id=cluster.id if clustered else None,
            url=f"https://{platform}.example/{name}",
        )
        session.add(post)
        session.flush()
        queued = QueueItem(
            post_id=post.id,
            status="baru",
            priority=0.5,
            band=band,
            best_kb_item_id=kb[best].id if best else None,
            category=category,
            kecamatan=kecamatan,
            created_at=flagged,
            reasons=[],
        )
        session.add(queued)
        session.flush()
        ids[name] = queued.id
        return queued

    def verdict(queued, value, at, kb_key=None):
        session.add(
            Verdict(
                queue_item_id=queued.id,
                post_id=queued.post_id,
                verdict=value,
                reason="uji",
                kb_item_id=kb[kb_key].id if kb_key else None,
                decided_by="rina.trc",
                decided_at=at,
            )
        )

    def assign(queued, code, deadline, done=None):
        session.add(
            Assignment(
                queue_item_id=queued.id,
                skpd_id=skpd[code].id,
                deadline=deadline,
                status="ditindaklanjuti" if done else "terbuka",
                created_at=queued.created_at,
                updated_at=done or queued.created_at,
            )
        )
        if done:
            session.add(
                AuditLog(
                    at=done,
                    actor="andi.dinsos",
                    action="item.followup",
                    entity_type="queue_item",
                    entity_id=str(queued.id),
                    details={"after": {"status": "ditindaklanjuti"}},
                )
            )

    i1 = item(
        "I1",
        "facebook",
        h(0),
        posted=h(-2),
        category="bansos",
        kecamatan="Kelumpang Hilir",
        band="suggest",
        best="kb1",
        engagement={"likes": 200, "shares": 300, "views": 10000},
        clustered=True,
    )
    i2 = item(
        "I2",
        "whatsapp",
        h(2),
        posted=h(1),
        category="bansos",
        band="suggest",
        best="kb1",
        engagement={"forwards": 240},
        clustered=True,
    )
    i3 = item(
        "I3",
        "x",
        h(24),
        posted=h(20),
        category="bencana",
        kecamatan="Pulau Laut Utara",
        band="auto",
        best="kb2",
    )
    i4 = item(
        "I4",
        "instagram",
        h(48),
        posted=h(46),
        category="kesehatan",
        kecamatan="Sampanan",
        band="auto",
        best="kb2",
    )
    item("I5", "tiktok", h(72), category="bansos")
    i6 = item(
        "I6",
        "facebook",
        h(80),
        posted=h(70),
        category="kesehatan",
        kecamatan="Sampanan",
        band="suggest",
        best="kb2",
        engagement={"likes": 40, "comments": 5},
    )
    i7 = item(
        "I7",
        "facebook",
        datetime(2026, 5, 8, 1, 0, tzinfo=UTC),
        posted=datetime(2026, 5, 8, tzinfo=UTC),
        category="bansos",
        band="auto",
        best="kb1",
    )
    item("I8", "web", datetime(2026, 4, 30, 16, 30, tzinfo=UTC), posted=datetime(2026, 4, 30, 16, tzinfo=UTC))

    verdict(i1, "hoaks", h(4), "kb1")
    verdict(i2, "hoaks", h(6), "kb1")
    verdict(i3, "disinformasi", h(26), "kb1")
    verdict(i4, "bukan_hoaks", h(49), "kb2")
    verdict(i6, "perlu_investigasi", h(81))
    verdict(i6, "hoaks", h(90))
    verdict(i7, "hoaks", datetime(2026, 5, 8, 2, tzinfo=UTC), "kb1")
    assign(i1, "dinsos", h(24), done=h(10))
    assign(i2, "dinsos", h(26))
    assign(i3, "bpbd", h(30), done=h(40))
    assign(i4, "dinkes", AS_OF + timedelta(days=10))

    def clarification(queued, status, publications):
        row = Clarification(
            queue_item_id=queued.id,
            label="HOAKS",
            title=f"Klarifikasi {queued.id}",
            body="fakta",
            status=status,
            created_by="dedi.humas",
            created_at=queued.created_at,
        )
        session.add(row)
        session.flush()
        for channel, at, reach, engagement in publications:
            session.add(
                Publication(
                    clarification_id=row.id,
                    channel=channel,
                    url=f"https://{channel}.example/p",
                    published_at=at,
                    recorded_by="dedi.humas",
                    reach=reach,
                    engagement=engagement,
                )
            )
        return row.id

    ids["CL1"] = clarification(
        i1,
        "diterbitkan",
        [("facebook", h(12), 5000, {"likes": 100, "shares": 50}), ("instagram", h(20), 3000, {})],
    )
    ids["CL2"] = clarification(i6, "diterbitkan", [("x", h(100), None, {"likes": 10, "views": 800})])
    ids["CL3"] = clarification(i3, "draft", [])
    ids["CL4"] = clarification(
        i7, "diterbitkan", [("facebook", datetime(2026, 5, 8, 2, tzinfo=UTC), 999, {})]
    )
    session.flush()
    return ids


@pytest.fixture
def report_db(db_url):
    with session_scope(db_url) as session:
        ids = _seed(session)
    return db_url, ids


@pytest.fixture
def report(report_db):
    db_url, _ = report_db
    with session_scope(db_url) as session:
        return build_report(session, START, END, TZ, as_of=AS_OF)


def test_percentile_interpolates_linearly_like_numpy():
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([0.5, 1, 2, 2, 4, 10], 50) == 2.0
    assert percentile([0.5, 1, 2, 2, 4, 10], 90) == pytest.approx(7.0)
    assert percentile([10, 12, 20], 90) == pytest.approx(18.4)


def test_engagement_is_split_into_views_and_interactions():
    assert split_engagement(
        {"likes": 3, "shares": 2, "views": 100, "reach": 5, "note": "x", "flag": True}
    ) == (105, 5)
    assert split_engagement(None) == (0, 0)


def test_counts_cover_the_period_in_local_time(report):
    # I1..I6 and I8 (1 May 00:30 WITA); I7 (8 May WITA) is outside
    assert report.flagged == 7
    assert report.verified == 5  # I1 I2 I3 I4 I6 (I6's first verdict "perlu investigasi" does not count)
    assert report.hoax == 4  # I1 I2 I3 I6; I4 is bukan_hoaks
    assert report.clarified == 3  # I1 and I2 (one issue, CL1) and I6 (CL2); CL3 is a draft


def test_durations_median_and_p90(report):
    flag = report.durations["flag"]  # 2 1 4 2 10 0.5 h; I5 has no posted_at
    assert (flag.n, flag.median_hours, flag.p90_hours) == (6, 2.0, pytest.approx(7.0))
    verdict = report.durations["verdict"]  # 4 4 2 1 10 h
    assert (verdict.n, verdict.median_hours, verdict.p90_hours) == (5, 4.0, pytest.approx(7.6))
    clar = report.durations["clarification"]  # I1 12 h, I2 10 h, I6 20 h
    assert (clar.n, clar.median_hours, clar.p90_hours) == (3, 12.0, pytest.approx(18.4))


def test_volumes_by_platform_category_kecamatan_and_skpd(report):
    assert report.volumes["platform"] == [
        ("Facebook", 2),
        ("Instagram", 1),
        ("Situs web", 1),
        ("TikTok", 1),
        ("WhatsApp", 1),
        ("X", 1),
    ]
    expected_categories = sorted(
        [
            (CATEGORIES["bansos"], 3),
            (CATEGORIES["kesehatan"], 2),
            (CATEGORIES["bencana"], 1),
            ("Belum dikategorikan", 1),
        ],
        key=lambda kv: (-kv[1], kv[0]),
    )
    assert report.volumes["category"] == expected_categories
    assert report.volumes["kecamatan"] == [
        ("Tidak diketahui", 3),
        ("Sampanan", 2),
        ("Kelumpang Hilir", 1),
        ("Pulau Laut Utara", 1),
    ]
    expected_skpd = sorted(
        [
            (DEFAULT_SKPD["dinsos"], 2),
            (DEFAULT_SKPD["bpbd"], 1),
            (DEFAULT_SKPD["dinkes"], 1),
            ("Belum ditugaskan", 3),
        ],
        key=lambda kv: (-kv[1], kv[0]),
    )
    assert report.volumes["skpd"] == expected_skpd


def test_band_precision_is_the_share_of_suggestions_the_trc_confirmed(report):
    bands = {b.band: b for b in report.bands}
    # auto: I3 cited another fact check, I4 the suggested one
    assert (bands["auto"].reviewed, bands["auto"].confirmed, bands["auto"].share) == (2, 1, 0.5)
    # suggest: I1 and I2 confirmed, I6 decided without a fact check
    assert (bands["suggest"].reviewed, bands["suggest"].confirmed) == (3, 2)
    assert bands["suggest"].share == pytest.approx(2 / 3)


def test_skpd_deadlines_met_missed_and_pending(report):
    rows = {r.skpd: (r.met, r.missed, r.pending) for r in report.deadlines}
    assert rows == {
        DEFAULT_SKPD["dinsos"]: (1, 1, 0),
        DEFAULT_SKPD["bpbd"]: (0, 1, 0),
        DEFAULT_SKPD["dinkes"]: (0, 0, 1),
    }
    total = report.deadline_total
    assert (total.met, total.missed, total.pending, total.share_met) == (1, 2, 1, pytest.approx(1 / 3))


def test_reach_of_each_clarification_beside_the_hoax(report_db, report):
    _, ids = report_db
    assert [r.clarification_id for r in report.reach] == [ids["CL1"], ids["CL2"]]  # CL4 published 8 May
    cl1, cl2 = report.reach
    assert cl1.channels == ["instagram", "facebook"]
    assert (cl1.reach, cl1.interactions, cl1.hoax_posts, cl1.hoax_reach, cl1.hoax_interactions) == (
        8000,
        150,
        2,
        10000,
        740,
    )
    assert cl1.reach_ratio == pytest.approx(0.8)
    assert (cl2.reach, cl2.interactions, cl2.hoax_posts, cl2.hoax_reach, cl2.hoax_interactions) == (
        800,
        10,
        1,
        0,
        45,
    )
    assert cl2.reach_ratio is None


def test_daily_counts_use_local_days(report):
    daily = {d.isoformat(): (f, v, c) for d, f, v, c in report.daily}
    assert list(daily) == [f"2026-05-0{n}" for n in range(1, 8)]
    assert daily["2026-05-01"] == (1, 0, 0)  # I8 at 00:30 WITA
    assert daily["2026-05-02"] == (2, 2, 2)
    assert daily["2026-05-03"] == (1, 1, 0)
    assert daily["2026-05-05"] == (2, 0, 0)
    assert daily["2026-05-06"] == (0, 1, 1)  # I6's verdict at 02:00 WITA on 6 May; CL2 at 12:00 WITA


def test_outcomes_after_as_of_are_not_counted(report_db):
    db_url, _ = report_db
    with session_scope(db_url) as session:
        early = build_report(session, START, END, TZ, as_of=h(11))
    assert (early.flagged, early.verified, early.clarified) == (3, 2, 0)  # only I8, I1, I2 queued by then
    total = early.deadline_total
    assert (total.met, total.missed, total.pending) == (1, 0, 1)  # I1 done at B+10h, I2 due at B+26h


def test_csv_and_html_carry_the_same_numbers(report):
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert rows[0] == ["bagian", "metrik", "kunci", "nilai", "satuan"]
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("ringkasan", "ditandai", "")] == "7"
    assert values[("ringkasan", "diklarifikasi", "")] == "3"
    assert values[("durasi", "verdict", "p90")] == "7.6"
    assert values[("pita", "suggest", "presisi")] == "0.6667"
    assert values[("tenggat", "Semua SKPD", "terlambat")] == "2"
    assert len(rows) - 1 == len(csv_rows(report))
    html = render_standalone(render(report, TZ), kabupaten="Kotabaru")
    assert '<span class="stat-num" data-metric="flagged">7</span>' in html
    assert (
        '<tr data-stage="verdict"><td>Ditandai → putusan</td><td>5</td><td>4,0 jam</td><td>7,6 jam</td></tr>'
        in html
    )
    assert html.count("data:image/svg+xml;base64,") == 10  # every chart is inside the file
    assert "<script" not in html
