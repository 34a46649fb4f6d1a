"""After approval, the clarification joins the KB search index (the index is factcheck_kb's; we only ask)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from desk.comms.queries import get_clarification
from desk.comms.workflow import IndexUpdater, audit_step
from factcheck_kb.records import FactCheck


def index_updater_for(encoder, index_dir: Path | None = None) -> IndexUpdater:  # noqa: ANN001
    """An updater that adds records to the KB index folder incrementally (only they are embedded)."""
    from factcheck_kb.index import build_or_update
    from saring.config import get_settings

    folder = Path(index_dir) if index_dir is not None else get_settings().index_dir

    def update(records: Sequence[FactCheck]) -> None:
        build_or_update(folder, list(records), encoder, remove_missing=False)

    return update


def index_pending(
    session: Session, clarification_id: int, encoder=None, index_dir: Path | None = None
) -> str:  # noqa: ANN001
    """Add an approved clarification to an existing index now (the desk runs this after approval).

    Returns the new index status; nothing is done when no index has been built yet.
    """
    from factcheck_kb.index import KBIndex
    from saring.config import get_settings

    clarification = get_clarification(session, clarification_id)
    folder = Path(index_dir) if index_dir is not None else get_settings().index_dir
    if clarification.kb_id is None or clarification.index_status == "terindeks" or not KBIndex.exists(folder):
        return clarification.index_status or ""
    if encoder is None:
        from models.encoder import load_encoder

        encoder = load_encoder(get_settings().encoder_model)
    from factcheck_kb.store import get_factcheck

    record = get_factcheck(session, clarification.kb_id)
    if record is None:
        return clarification.index_status or ""
    index_updater_for(encoder, folder)([record])
    clarification.index_status = "terindeks"
    audit_step(session, clarification, "sistem", "clarification.indexed", kb_id=clarification.kb_id)
    session.flush()
    return clarification.index_status
