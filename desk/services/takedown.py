"""The takedown/report pack of an impersonation item: the impostor beside the genuine accounts, the evidence
(posts, numbers, timestamps, hashes), and the ready texts of a report to the platform, a report to the
police's cyber unit and a "Waspada akun palsu" clarification, in Indonesian. The texts only arrange facts
from the post, the flag and the registry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.services import audit
from desk.services.access import Viewer, load_item
from desk.services.accounts import flag_for_item, genuine_accounts
from desk.services.timefmt import local_text
from desk.settings import DeskSettings
from saring.db.base import utcnow
from saring.db.tables.core import Post

FORMAT = "saring-takedown/1"
PLATFORM_NAMES = {
    "facebook": "Facebook (Meta)",
    "instagram": "Instagram (Meta)",
    "x": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "whatsapp": "WhatsApp (Meta)",
    "telegram": "Telegram",
}


class NotImpersonation(LookupError):
    """The item carries no impersonation flag."""


@dataclass(slots=True)
class TakedownPack:
    item_id: int
    impostor: dict[str, Any]
    genuine: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    numbers: list[str]
    probability: float
    imitates: str
    platform_report: str
    police_report: str
    clarification: str
    created_at: str
    hashes: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **{k: getattr(self, k) for k in self.__slots__}}


def _sha(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _profile_url(post: Post) -> str:
    if post.url and post.author_handle and post.author_handle in post.url:
        return post.url.split(post.author_handle)[0] + post.author_handle
    return ""


def build_takedown_pack(
    session: Session,
    item_id: int,
    viewer: Viewer,
    settings: DeskSettings | None = None,
    *,
    record: bool = True,
    kabupaten: str = "Kotabaru",
) -> TakedownPack:
    """The pack of one flagged queue item (an audit row records that it was made)."""
    item = load_item(session, item_id, viewer)
    flag = flag_for_item(session, item)
    if flag is None:
        raise NotImpersonation(item_id)
    post = item.post
    tz = (settings or DeskSettings()).tz
    same_author = []
    if post.author_handle:
        same_author = list(
            session.scalars(
                select(Post)
                .where(Post.author_handle == post.author_handle, Post.platform == post.platform)
                .order_by(Post.posted_at)
                .limit(50)
            )
        )
    posts = same_author or [post]
    evidence = [
        {
            "post_id": p.id,
            "platform": p.platform,
            "url": p.url,
            "posted_at": local_text(p.posted_at, tz) if p.posted_at else "",
            "captured_at": local_text(p.captured_at, tz) if p.captured_at else "",
            "text": p.text,
            "sha256": _sha(p.text),
        }
        for p in posts
    ]
    genuine = [
        {
            "platform": g.platform,
            "handle": g.handle,
            "display_name": g.display_name,
            "profile_url": g.profile_url,
            "official": " ".join(x for x in (g.official_title, g.official_name) if x),
            "skpd": g.skpd_name or g.skpd,
            "phones": list(g.phones),
        }
        for g in genuine_accounts(session, flag)
    ]
    raw = post.raw or {}
    impostor = {
        "platform": post.platform,
        "handle": post.author_handle or "",
        "display_name": str(raw.get("author_name") or raw.get("display_name") or ""),
        "profile_url": _profile_url(post),
        "first_seen": evidence[0]["posted_at"],
        "last_seen": evidence[-1]["posted_at"],
    }
    target = flag.imitates
    who = (
        " ".join(x for x in (target.official_title, target.official_name) if x) or target.display_name
        if target is not None
        else flag.imitates_label
    )
    pemda = f"Pemerintah Kabupaten {kabupaten}"
    pack = TakedownPack(
        item_id=item.id,
        impostor=impostor,
        genuine=genuine,
        posts=evidence,
        signals=list(flag.signals or []),
        numbers=list(flag.numbers or []),
        probability=round(float(flag.probability), 3),
        imitates=flag.imitates_label,
        platform_report=platform_report(impostor, genuine, evidence, who, pemda),
        police_report=police_report(impostor, genuine, evidence, list(flag.numbers or []), who, pemda),
        clarification=clarification(impostor, genuine, list(flag.numbers or []), who, pemda),
        created_at=local_text(utcnow(), tz),
    )
    pack.hashes = {
        "posts": _sha("".join(e["sha256"] for e in evidence)),
        "report": _sha(pack.platform_report),
    }
    if record:
        audit.record(
            session,
            actor=viewer.username,
            action="item.takedown_pack",
            entity_type="queue_item",
            entity_id=item.id,
            item=item,
            after={"impostor": impostor["handle"], "imitates": flag.imitates_label, "hashes": pack.hashes},
        )
    return pack


def _accounts_list(genuine: list[dict]) -> str:
    if not genuine:
        return "- (belum ada akun resmi terdaftar untuk pejabat/instansi ini)"
    return "\n".join(
        f"- {PLATFORM_NAMES.get(g['platform'], g['platform'])}: @{g['handle']} ({g['display_name']})"
        + (f" {g['profile_url']}" if g["profile_url"] else "")
        for g in genuine
    )


def _posts_list(evidence: list[dict]) -> str:
    lines = []
    for e in evidence:
        when, link = e["posted_at"] or "waktu tidak diketahui", e["url"] or "(tanpa tautan)"
        lines.append(f"- {when}: {link} — SHA-256 {e['sha256'][:16]}…")
    return "\n".join(lines)


def platform_report(impostor: dict, genuine: list[dict], evidence: list[dict], who: str, pemda: str) -> str:
    """The report to the platform (impersonation form / trust and safety)."""
    platform = PLATFORM_NAMES.get(impostor["platform"], impostor["platform"])
    shown = f'"{impostor["display_name"]}"' if impostor["display_name"] else ""
    return f"""Kepada Tim {platform},

Kami, {pemda}, melaporkan akun yang menyamar sebagai {who}
(peniruan identitas / impersonation):

Akun peniru: @{impostor["handle"]} {shown}
{impostor["profile_url"] or ""}

Akun resmi yang ditiru:
{_accounts_list(genuine)}

Akun tersebut memakai nama/jabatan {who} tanpa hak dan menggunakannya untuk meminta uang atau data pribadi
kepada masyarakat. Unggahan yang kami simpan sebagai bukti:
{_posts_list(evidence)}

Kami memohon akun tersebut ditinjau dan ditutup sesuai kebijakan peniruan identitas {platform}.
Bukti lengkap (teks unggahan, waktu, dan nilai hash SHA-256) terlampir.

Hormat kami,
Dinas Komunikasi dan Informatika, {pemda}"""


def police_report(
    impostor: dict, genuine: list[dict], evidence: list[dict], numbers: list[str], who: str, pemda: str
) -> str:
    """The report to the police's cyber unit (Direktorat Reserse Siber / patrolisiber)."""
    platform = PLATFORM_NAMES.get(impostor["platform"], impostor["platform"])
    nums = "\n".join(f"- {n}" for n in numbers) or "- (tidak ada nomor dalam unggahan)"
    return f"""Kepada Yth. Direktorat Reserse Siber Polda / Unit Siber Polres
Perihal: Laporan dugaan penipuan dengan mencatut nama {who}

Dengan hormat,
{pemda} melaporkan dugaan tindak pidana penipuan dan manipulasi data elektronik dengan menyamar sebagai
{who} melalui {platform}, akun @{impostor["handle"]}.

Pertama terlihat: {impostor["first_seen"] or "-"}; terakhir terlihat: {impostor["last_seen"] or "-"}.

Nomor telepon / rekening / dompet digital yang dipakai pelaku (tidak terdaftar sebagai milik Pemda):
{nums}

Unggahan (waktu, tautan, hash SHA-256 teks):
{_posts_list(evidence)}

Akun resmi {who} yang sebenarnya:
{_accounts_list(genuine)}

Kami memohon laporan ini ditindaklanjuti. Salinan bukti dan data pendukung tersedia pada kami.

Hormat kami,
Dinas Komunikasi dan Informatika, {pemda}"""


def clarification(impostor: dict, genuine: list[dict], numbers: list[str], who: str, pemda: str) -> str:
    """The "Waspada akun palsu" clarification naming the genuine accounts from the registry."""
    nums = ", ".join(numbers)
    platform = PLATFORM_NAMES.get(impostor["platform"], impostor["platform"])
    return f"""[WASPADA AKUN PALSU] Akun {platform} @{impostor["handle"]} bukan milik {who}

Beredar akun yang mengatasnamakan {who} dan meminta uang, pulsa, kode OTP atau data pribadi.
{("Nomor yang dipakai: " + nums + ". ") if nums else ""}Akun dan nomor tersebut BUKAN milik {pemda}.

{who} dan {pemda} tidak pernah meminta transfer uang, pulsa atau kode OTP melalui media sosial atau
WhatsApp. Akun resmi hanya:
{_accounts_list(genuine)}

Jangan menanggapi, jangan mentransfer, dan laporkan akun tersebut. #SaringSebelumSharing"""


def waspada_parts(session: Session, item, pemda: str) -> tuple[str, str, str] | None:  # noqa: ANN001
    """Title, facts and source of a "Waspada akun palsu" clarification for a flagged item (else None):
    the comms workflow renders them with its per-channel templates, naming the genuine accounts."""
    flag = flag_for_item(session, item)
    if flag is None:
        return None
    post = item.post
    target = flag.imitates
    who = (
        " ".join(x for x in (target.official_title, target.official_name) if x) or target.display_name
        if target is not None
        else (flag.imitates_label or pemda)
    )
    platform = PLATFORM_NAMES.get(post.platform, post.platform)
    genuine = [
        {
            "platform": g.platform,
            "handle": g.handle,
            "display_name": g.display_name,
            "profile_url": g.profile_url,
        }
        for g in genuine_accounts(session, flag)
    ]
    numbers = ", ".join(flag.numbers or [])
    title = f"Waspada akun palsu: {platform} @{post.author_handle or '?'} bukan milik {who}"
    facts = (
        f"Akun {platform} @{post.author_handle or '?'}"
        + (f" dan nomor {numbers}" if numbers else "")
        + f" bukan milik {who} maupun {pemda}. {who} tidak pernah meminta transfer uang, pulsa atau kode OTP "
        "melalui media sosial atau WhatsApp. Akun resmi hanya:\n" + _accounts_list(genuine)
    )
    return title[:200], facts, f"Daftar akun resmi {pemda}"
