"""Evidence pack: one item as a self-contained, hashed bundle (HTML + JSON) for a takedown or escalation."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from desk.services import audit
from desk.services.access import Viewer, require
from desk.services.items import item_detail, item_summary
from desk.services.media import image_file
from desk.services.timefmt import as_utc, local_text
from desk.settings import DeskSettings
from saring.config import get_settings
from saring.db.base import utcnow

FORMAT = "saring-evidence/1"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(slots=True)
class EvidencePack:
    """The bundle's files and its manifest (hashes of every part)."""

    filename: str
    files: dict[str, bytes]
    manifest: dict[str, Any]

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        stamp = as_utc(self.manifest["exported_at_dt"]).timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                info = zipfile.ZipInfo(f"{self.filename.removesuffix('.zip')}/{name}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env


def build_evidence_pack(
    session: Session, item_id: int, viewer: Viewer, desk: DeskSettings | None = None
) -> EvidencePack:
    """Collect the item, hash each part, render the HTML, and log the export."""
    require(viewer, "item.evidence")
    desk = desk or DeskSettings()
    detail = item_detail(session, item_id, viewer)
    summary = item_summary(detail)
    now = utcnow()
    decided_at = max((v["decided_at"] for v in summary["verdicts"]), default=None)
    parts = {
        "post.json": _json_bytes(
            {
                "post": summary["post"],
                "engagement_snapshot": {
                    "captured_at": summary["post"]["captured_at"],
                    "counts": summary["post"]["engagement"],
                },
            }
        ),
        "raw.json": _json_bytes(detail.post.raw),
        "matches.json": _json_bytes(summary["matches"]),
        "decision.json": _json_bytes(
            {
                "status": summary["status"],
                "verdicts": summary["verdicts"],
                "assignment": summary["assignment"],
                "comments": summary["comments"],
                "audit_trail": summary["audit"],
                "in_force": summary["in_force"],
                "scores": {
                    k: summary[k]
                    for k in (
                        "priority",
                        "band",
                        "best_score",
                        "hoax_probability",
                        "model_version",
                        "reasons",
                        "category",
                        "kecamatan",
                    )
                },
            }
        ),
    }
    for image in detail.images:  # each image file as captured, named by its SHA-256
        path = image_file(image.relpath)
        if path.is_file():
            parts[f"images/{image.filename}"] = path.read_bytes()
    hashes = {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in parts.items()}
    manifest = {
        "format": FORMAT,
        "item_id": item_id,
        "kabupaten": get_settings().kabupaten,
        "exported_at": now.isoformat(),
        "exported_by": viewer.username,
        "captured_at": summary["post"]["captured_at"],
        "posted_at": summary["post"]["posted_at"],
        "decided_at": decided_at,
        "parts": hashes,
        "images": [
            {"file": i["file"], "sha256": i["sha256"], "captured_at": i["captured_at"], "bytes": i["bytes"]}
            for i in summary["post"]["images"]
        ],
    }
    document = {**manifest, "item": summary, "raw_payload": detail.post.raw}
    files = dict(parts)
    files["evidence.json"] = _json_bytes(document)
    html = (
        _environment()
        .get_template("evidence.html")
        .render(
            manifest=manifest,
            item=summary,
            detail=detail,
            raw_json=parts["raw.json"].decode("utf-8"),
            evidence_sha256=sha256(files["evidence.json"]),
            exported_local=local_text(now, desk.tz),
        )
    )
    files["evidence.html"] = html.encode("utf-8")
    files["SHA256SUMS"] = "".join(f"{sha256(data)}  {name}\n" for name, data in files.items()).encode("ascii")
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    audit.record(
        session,
        actor=viewer.username,
        action="item.evidence_export",
        entity_type="queue_item",
        entity_id=item_id,
        item=detail.item,
        after={"sha256": {name: sha256(data) for name, data in files.items() if name != "SHA256SUMS"}},
    )
    session.flush()
    return EvidencePack(
        filename=f"bukti-item-{item_id}-{stamp}.zip",
        files=files,
        manifest={**manifest, "exported_at_dt": now},
    )
