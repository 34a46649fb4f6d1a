"""Telegram Desktop export connector."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.sources.base import RecordError
from pipelines.sources.telegram import flatten_text, read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_channel_export():
    result = read(SAMPLES / "telegram_result.json", source_name="tg", options={"channel_username": "infoktb"})
    ids = [p.external_id for p in result.posts]
    assert ids == ["1733445566/2", "1733445566/3", "1733445566/8"]  # service and photo-only skipped
    bansos = result.posts[0]
    assert bansos.text.startswith("PENTING! Pendaftaran bansos Rp2,5 juta")
    assert "https://bit.ly/bansos-ktb" in bansos.text and bansos.text.endswith("#BansosKotabaru")
    assert bansos.posted_at == datetime(2025, 3, 14, 1, 15, tzinfo=UTC)  # from date_unixtime
    assert bansos.engagement["likes"] == 35
    assert bansos.url == "https://t.me/infoktb/2"
    assert result.posts[1].raw["forwarded_from"] == "Grup Warga Sebuku"
    assert result.posts[2].text.endswith("di sini (https://web.pln.co.id/klarifikasi)")
    assert [(q.position, q.reason) for q in result.quarantined] == [
        ("telegram_result.json messages[4]", "missing text"),
        ("telegram_result.json messages[5]", "bad date '14 Maret 2025'"),
        ("telegram_result.json messages[6]", "text has wrong type int"),
    ]
    assert result.next_cursor == {"last_ids": {"1733445566": 8}}


def test_cursor_reads_only_newer_messages():
    result = read(SAMPLES / "telegram_result.json", source_name="tg", cursor={"last_ids": {"1733445566": 3}})
    assert [p.external_id for p in result.posts] == ["1733445566/8"]


def test_full_account_export_and_bad_file(tmp_path):
    chat = json.loads((SAMPLES / "telegram_result.json").read_text())
    (tmp_path / "result.json").write_text(json.dumps({"chats": {"about": "", "list": [chat]}}))
    (tmp_path / "broken.json").write_text("{not json")
    result = read(tmp_path, source_name="tg")
    assert len(result.posts) == 3
    assert any(q.position == "broken.json" for q in result.quarantined)


def test_flatten_text():
    assert flatten_text(["a ", {"type": "bold", "text": "b"}, " c"]) == "a b c"
    assert flatten_text(None) == ""
    with pytest.raises(RecordError):
        flatten_text([1])
