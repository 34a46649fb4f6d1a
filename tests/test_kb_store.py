"""The KB store: idempotent upsert by kb_id, updates on change, stats, and reading records back."""

from __future__ import annotations

import dataclasses
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from factcheck_kb.importers import read
from factcheck_kb.records import FactCheck
from factcheck_kb.store import (
    get_factcheck,
    iter_kb_items,
    kb_stats,
    load_factchecks,
    upsert_factchecks,
)
from saring.db import session_scope
from saring.db.tables.core import KBItem

SAMPLES = Path(__file__).resolve().parent / "samples" / "kb"
SAMPLE_FILES = (
    "unified_sample.csv",
    "tbh_articles_sample.csv",
    "tbh_scraped_sample.csv",
    "tbh_eya_sample.csv",
    "tbh_headlines_sample.xlsx",
    "mafindo_sample.csv",
    "komdigi_fulltext_sample.csv",
    "komdigi_stemmed_sample.csv",
    "claimreview_graph.jsonld",
    "pemda_sample.csv",
    "factchecks_sample.jsonl",
)


@pytest.fixture
def sample_records() -> list[FactCheck]:
    records: list[FactCheck] = []
    for name in SAMPLE_FILES:
        records.extend(read(SAMPLES / name).records)
    assert len({r.kb_id for r in records}) == len(records)
    return records


def test_upsert_is_idempotent(db_url: str, sample_records: list[FactCheck]) -> None:
    with session_scope(db_url) as session:
        first = upsert_factchecks(session, sample_records)
    assert (first.inserted, first.updated, first.unchanged) == (len(sample_records), 0, 0)
    with session_scope(db_url) as session:
        second = upsert_factchecks(session, sample_records)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, len(sample_records))
    with session_scope(db_url) as session:
        assert session.scalar(select(KBItem.id).order_by(KBItem.id.desc()).limit(1)) == len(sample_records)


def test_changed_row_is_updated(db_url: str, sample_records: list[FactCheck]) -> None:
    with session_scope(db_url) as session:
        upsert_factchecks(session, sample_records)
    with session_scope(db_url) as session:
        before = session.scalar(select(KBItem).where(KBItem.kb_id == "tbh-40101"))
        created, updated, old_hash = before.created_at, before.updated_at, before.content_hash
    changed = [
        dataclasses.replace(r, conclusion=r.conclusion + " (diperbarui)") if r.kb_id == "tbh-40101" else r
        for r in sample_records
    ]
    extra = FactCheck(kb_id="pemda-baru", source="pemda", title="Klarifikasi baru")
    with session_scope(db_url) as session:
        stats = upsert_factchecks(session, [*changed, extra])
    assert (stats.inserted, stats.updated, stats.unchanged) == (1, 1, len(sample_records) - 1)
    with session_scope(db_url) as session:
        after = session.scalar(select(KBItem).where(KBItem.kb_id == "tbh-40101"))
        assert after.conclusion.endswith("(diperbarui)")
        assert after.content_hash != old_hash
        assert after.created_at == created and after.updated_at > updated
        assert get_factcheck(session, "tbh-40101").conclusion.endswith("(diperbarui)")


def test_stored_records_read_back_unchanged(db_url: str, sample_records: list[FactCheck]) -> None:
    with session_scope(db_url) as session:
        upsert_factchecks(session, sample_records, chunk_size=3)  # several chunks
    with session_scope(db_url) as session:
        loaded = load_factchecks(session)
        stored_hashes = dict(session.execute(select(KBItem.kb_id, KBItem.content_hash)).all())
        pemda_only = [item.kb_id for item in iter_kb_items(session, source="pemda")]
    assert loaded == sample_records  # same order (insert order), same fields, dates as dates
    assert all(isinstance(r.published_date, date | None) for r in loaded)
    assert {r.kb_id: r.content_hash() for r in loaded} == stored_hashes
    assert pemda_only == [r.kb_id for r in sample_records if r.source == "pemda"]


def test_duplicate_ids_in_one_batch_keep_the_last(db_url: str) -> None:
    a = FactCheck(kb_id="x-1", source="pemda", title="versi pertama")
    b = FactCheck(kb_id="x-1", source="pemda", title="versi kedua")
    with session_scope(db_url) as session:
        stats = upsert_factchecks(session, [a, b])
        assert stats.inserted == 1 and stats.total == 1
        assert get_factcheck(session, "x-1").title == "versi kedua"
        assert get_factcheck(session, "tidak-ada") is None


def test_kb_stats(db_url: str, sample_records: list[FactCheck]) -> None:
    with session_scope(db_url) as session:
        empty = kb_stats(session)
        upsert_factchecks(session, sample_records)
        stats = kb_stats(session)
    assert empty.total == 0 and empty.first_date is None
    assert stats.total == len(sample_records)
    assert stats.by_source["turnbackhoax"] == sum(r.source == "turnbackhoax" for r in sample_records)
    assert sum(stats.by_verdict.values()) == stats.total
    assert stats.by_text_quality["stemmed"] == 3  # one from the unified sample, two Komdigi stemmed rows
    dates = [r.published_date for r in sample_records if r.published_date]
    assert (stats.first_date, stats.last_date) == (min(dates), max(dates))
    assert stats.undated == sum(r.published_date is None for r in sample_records)


@pytest.mark.slow
def test_real_unified_upsert(db_url: str) -> None:
    from saring.config import get_settings

    data_dir = get_settings().data_dir
    path = data_dir / "derived" / "kb_factchecks_unified.csv" if data_dir else None
    if path is None or not path.is_file():
        pytest.skip(
            "real data not present: set SARING_DATA_DIR to the folder with derived/kb_factchecks_unified.csv"
        )
    started = time.perf_counter()
    records = read(path).records
    read_s = time.perf_counter() - started
    with session_scope(db_url) as session:
        first = upsert_factchecks(session, records)
    upsert_s = time.perf_counter() - started - read_s
    with session_scope(db_url) as session:
        second = upsert_factchecks(session, records)
    print(f"\nread {len(records)}: {read_s:.2f} s; first upsert {upsert_s:.2f} s {first}; again {second}")
    assert first.inserted == len(records)
    assert (second.inserted, second.updated) == (0, 0)
