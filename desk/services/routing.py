"""Routing table: category and place -> responsible SKPD, with a follow-up deadline set by priority."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from desk.services import audit
from desk.services.categories import CATEGORIES, guess_category, guess_kecamatan, normalise_category
from saring.db.base import utcnow
from saring.db.tables.core import KBItem, Post, QueueItem
from saring.db.tables.desk import Assignment, RoutingRule, Skpd

log = logging.getLogger(__name__)

DEFAULT_SKPD: dict[str, str] = {
    "diskominfo": "Dinas Komunikasi dan Informatika",
    "dinsos": "Dinas Sosial",
    "bkpsdm": "Badan Kepegawaian dan Pengembangan SDM (BKPSDM)",
    "bpbd": "Badan Penanggulangan Bencana Daerah (BPBD)",
    "dinkes": "Dinas Kesehatan",
    "kesbangpol": "Badan Kesatuan Bangsa dan Politik",
    "disdik": "Dinas Pendidikan",
    "pupr": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "satpolpp": "Satuan Polisi Pamong Praja",
    "perekonomian": "Bagian Perekonomian dan Sumber Daya Alam",
}
DEFAULT_RULES: dict[str | None, str] = {
    "bansos": "dinsos",
    "rekrutmen": "bkpsdm",
    "bencana": "bpbd",
    "kesehatan": "dinkes",
    "pemilu": "kesbangpol",
    "penipuan": "diskominfo",
    "akun_palsu": "diskominfo",  # the impersonated official's SKPD gets a copy (tembusan), see route_item
    "pendidikan": "disdik",
    "infrastruktur": "pupr",
    "keamanan": "satpolpp",
    "energi": "perekonomian",
    None: "diskominfo",  # everything else
}
# Priority tiers (priority is a 0..1 score): the tier picks the rule's deadline hours.
TIER_HIGH = 0.7
TIER_MEDIUM = 0.4
TIER_LABELS = {"tinggi": "Tinggi", "sedang": "Sedang", "rendah": "Rendah"}


class RoutingError(ValueError):
    """A routing change that cannot be made; the message is for the officer."""


@dataclass(frozen=True, slots=True)
class RuleInput:
    """A routing rule as an admin enters it."""

    category: str | None
    kecamatan: str | None
    skpd_code: str
    hours_high: int = 6
    hours_medium: int = 24
    hours_low: int = 72


def ensure_defaults(session: Session) -> bool:
    """Create the default SKPD list and routing table when there is none yet; True when created."""
    if session.scalar(select(Skpd.id).limit(1)) is not None:
        return False
    by_code = {code: Skpd(code=code, name=name, active=True) for code, name in DEFAULT_SKPD.items()}
    session.add_all(by_code.values())
    session.flush()
    for category, code in DEFAULT_RULES.items():
        session.add(RoutingRule(category=category, kecamatan=None, skpd_id=by_code[code].id))
    session.flush()
    log.info("created %d SKPD and %d default routing rules", len(by_code), len(DEFAULT_RULES))
    return True


def list_skpd(session: Session, *, active_only: bool = True) -> list[Skpd]:
    query = select(Skpd).order_by(Skpd.name)
    if active_only:
        query = query.where(Skpd.active.is_(True))
    return list(session.scalars(query))


def list_rules(session: Session) -> list[RoutingRule]:
    """All rules, most specific first (category and place, category, place, fallback)."""
    rules = list(session.scalars(select(RoutingRule).options(joinedload(RoutingRule.skpd))))
    return sorted(
        rules, key=lambda r: (r.category is None, r.kecamatan is None, r.category or "", r.kecamatan or "")
    )


def priority_tier(priority: float | None) -> str:
    value = priority or 0.0
    if value >= TIER_HIGH:
        return "tinggi"
    return "sedang" if value >= TIER_MEDIUM else "rendah"


def deadline_for(rule: RoutingRule | None, priority: float | None, start: datetime) -> datetime:
    """Start time plus the rule's hours for the item's priority tier."""
    tier = priority_tier(priority)
    hours = {"tinggi": 6, "sedang": 24, "rendah": 72}[tier]
    if rule is not None:
        hours = {"tinggi": rule.hours_high, "sedang": rule.hours_medium, "rendah": rule.hours_low}[tier]
    return start + timedelta(hours=hours)


def find_rule(
    rules: Sequence[RoutingRule], category: str | None, kecamatan: str | None
) -> RoutingRule | None:
    """The most specific rule that fits: category+place, then category, then place, then the fallback."""
    for want_cat, want_kec in ((category, kecamatan), (category, None), (None, kecamatan), (None, None)):
        for rule in rules:
            if (
                rule.category == want_cat
                and rule.kecamatan == want_kec
                and (rule.skpd is None or rule.skpd.active)
            ):
                return rule
    return None


def classify_place(session: Session, item: QueueItem, kecamatan_names: Sequence[str]) -> None:
    """Fill in category and kecamatan from the text and best match when the pipeline left them empty."""
    text = item.post.text if item.post else ""
    if item.category not in CATEGORIES:
        known = normalise_category(item.category)
        if known is None and item.best_kb_item_id is not None:
            kb_category = session.scalar(select(KBItem.category).where(KBItem.id == item.best_kb_item_id))
            known = normalise_category(kb_category)
        item.category = known or guess_category(text)
    if item.kecamatan is None:
        item.kecamatan = guess_kecamatan(text, kecamatan_names)


def route_item(
    session: Session,
    item: QueueItem,
    rules: Sequence[RoutingRule],
    kecamatan_names: Sequence[str],
    *,
    now: datetime | None = None,
    actor: str = "sistem",
) -> Assignment | None:
    """Assign an unrouted item to its SKPD by the table; None when no rule fits."""
    classify_place(session, item, kecamatan_names)
    rule = find_rule(rules, item.category, item.kecamatan)
    if rule is None:
        return None
    start = now or utcnow()
    assignment = Assignment(
        queue_item_id=item.id,
        skpd_id=rule.skpd_id,
        deadline=deadline_for(rule, item.priority, start),
        status="terbuka",
        routed_by=actor,
        rule_id=rule.id,
    )
    session.add(assignment)
    audit.record(
        session,
        actor=actor,
        action="item.route",
        entity_type="queue_item",
        entity_id=item.id,
        item=item,
        after={
            "skpd": rule.skpd.code if rule.skpd else rule.skpd_id,
            "deadline": assignment.deadline,
            "category": item.category,
            "kecamatan": item.kecamatan,
            "rule_id": rule.id,
            "tier": priority_tier(item.priority),
            **_copy_to(session, item),
        },
    )
    return assignment


def _copy_to(session: Session, item: QueueItem) -> dict:
    """For an impersonation item: the impersonated official's SKPD, who gets a copy (and may view it)."""
    if item.category != "akun_palsu":
        return {}
    from saring.db.tables.accounts import ImpersonationFlag

    skpd = session.scalar(select(ImpersonationFlag.skpd).where(ImpersonationFlag.post_id == item.post_id))
    return {"tembusan": skpd} if skpd else {}


def route_new_items(session: Session, kecamatan_names: Sequence[str], *, limit: int = 500) -> int:
    """Route up to ``limit`` queue items that have no assignment yet, highest priority first."""
    ensure_defaults(session)
    rules = list_rules(session)
    unrouted = (
        select(QueueItem)
        .outerjoin(Assignment, Assignment.queue_item_id == QueueItem.id)
        .where(Assignment.id.is_(None))
        .order_by(QueueItem.priority.desc())
        .limit(limit)
        .options(joinedload(QueueItem.post).load_only(Post.id, Post.text))
    )
    count = 0
    for item in session.scalars(unrouted):
        if route_item(session, item, rules, kecamatan_names) is not None:
            count += 1
    session.flush()
    return count


def set_rule(session: Session, rule: RuleInput, *, actor: str) -> RoutingRule:
    """Add or change the rule for one category/kecamatan pair."""
    category = (rule.category or "").strip().lower() or None
    kecamatan = (rule.kecamatan or "").strip() or None
    if category is not None and category not in CATEGORIES:
        raise RoutingError(f"Kategori tidak dikenal: {category} (pilih: {', '.join(CATEGORIES)}).")
    if kecamatan is not None and len(kecamatan) > 100:
        raise RoutingError("Nama kecamatan terlalu panjang (maksimal 100 karakter).")
    for hours in (rule.hours_high, rule.hours_medium, rule.hours_low):
        if not 1 <= hours <= 24 * 60:
            raise RoutingError("Jam tenggat harus antara 1 dan 1440.")
    skpd = session.scalar(select(Skpd).where(Skpd.code == rule.skpd_code.strip()))
    if skpd is None:
        raise RoutingError(f"SKPD '{rule.skpd_code}' tidak dikenal.")
    existing = session.scalar(
        select(RoutingRule).where(
            RoutingRule.category.is_(None) if category is None else RoutingRule.category == category,
            RoutingRule.kecamatan.is_(None) if kecamatan is None else RoutingRule.kecamatan == kecamatan,
        )
    )
    before = _rule_view(existing) if existing else None
    target = existing or RoutingRule(category=category, kecamatan=kecamatan)
    target.skpd_id = skpd.id
    target.skpd = skpd
    target.hours_high, target.hours_medium, target.hours_low = (
        rule.hours_high,
        rule.hours_medium,
        rule.hours_low,
    )
    target.updated_by = actor
    session.add(target)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="routing.set",
        entity_type="routing_rule",
        entity_id=target.id,
        before=before,
        after=_rule_view(target),
    )
    return target


def delete_rule(session: Session, rule_id: int, *, actor: str) -> None:
    """Remove one rule; the fallback rule (no category, no place) stays."""
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise LookupError(rule_id)
    if rule.category is None and rule.kecamatan is None:
        raise RoutingError("Aturan cadangan (semua kategori, semua tempat) tidak dapat dihapus.")
    audit.record(
        session,
        actor=actor,
        action="routing.delete",
        entity_type="routing_rule",
        entity_id=rule.id,
        before=_rule_view(rule),
    )
    session.delete(rule)
    session.flush()


def add_skpd(session: Session, code: str, name: str, *, actor: str) -> Skpd:
    """Add an SKPD to the list (admin)."""
    code, name = code.strip().lower(), name.strip()
    if not code or not name or len(code) > 50 or len(name) > 200:
        raise RoutingError("Kode (≤50) dan nama SKPD (≤200) wajib diisi.")
    if session.scalar(select(Skpd.id).where(Skpd.code == code)) is not None:
        raise RoutingError(f"Kode SKPD '{code}' sudah ada.")
    skpd = Skpd(code=code, name=name, active=True)
    session.add(skpd)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="skpd.add",
        entity_type="skpd",
        entity_id=skpd.id,
        after={"code": code, "name": name},
    )
    return skpd


def _rule_view(rule: RoutingRule) -> dict:
    return {
        "category": rule.category,
        "kecamatan": rule.kecamatan,
        "skpd": rule.skpd.code if rule.skpd else rule.skpd_id,
        "hours": [rule.hours_high, rule.hours_medium, rule.hours_low],
    }
