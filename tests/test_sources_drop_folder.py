"""Drop-folder connector: JSONL/CSV/JSON, quarantine, resumable cursor."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.sources import read_source
from pipelines.sources.drop_folder import read

SAMPLES = Path(__file__).parent / "samples" / "sources"


def _line(post_id: str, text: str = "Info bansos Kotabaru") -> str:
    record = {"id": post_id, "platform": "fb", "text": text, "posted_at": "2025-03-14T08:00:00+08:00"}
    return json.dumps(record) + "\n"


def test_sample_folder():
    result = read_source("drop_folder", SAMPLES / "drop", "drop")
    ids = [p.external_id for p in result.posts]
    assert ids == ["fb-1001", "fb-1002", "fb-0001", "wa-0002", "yt-0007"]
    csv_post = result.posts[1]
    assert (
        csv_post.text
        == "Klarifikasi: tidak ada pemadaman total.\nPemeliharaan hanya 2 jam di Pulau Laut Utara."
    )
    assert csv_post.engagement == {"likes": 300, "shares": 80, "comments": 25, "views": 7000}
    assert result.posts[0].platform == "facebook"  # "fb" alias
    wa = result.posts[3]
    assert wa.platform == "whatsapp"
    assert wa.posted_at == datetime(2025, 3, 14, 1, 2, tzinfo=UTC)  # naive -> WITA
    assert [(q.position, q.reason) for q in result.quarantined] == [
        ("posts.csv line 5", "empty text"),
        ("posts.csv line 6", "expected 10 columns, found 5"),
        ("posts.jsonl line 3", "missing text"),
        ("posts.jsonl line 4", "bad date '14 Maret pagi'"),
        ("posts.jsonl line 5", "engagement has wrong type str"),
        ("posts.jsonl line 6", "invalid JSON: Expecting ',' delimiter: line 1 column 61 (char 60)"),
    ]
    again = read_source("drop_folder", SAMPLES / "drop", "drop", result.next_cursor)
    assert again.posts == [] and again.quarantined == []


def test_append_resumes_and_rewrite_restarts(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(_line("a") + _line("b"))
    first = read(path, source_name="d")
    assert [p.external_id for p in first.posts] == ["a", "b"]
    with path.open("a") as handle:
        handle.write(_line("c"))
    second = read(path, source_name="d", cursor=first.next_cursor)
    assert [p.external_id for p in second.posts] == ["c"]
    assert second.next_cursor["files"]["posts.jsonl"]["line"] == 3
    path.write_text(_line("x") + _line("y"))  # replaced by a new export
    third = read(path, source_name="d", cursor=second.next_cursor)
    assert [p.external_id for p in third.posts] == ["x", "y"]


def test_half_written_last_line_waits_for_the_next_run(tmp_path):
    path = tmp_path / "posts.jsonl"
    full = _line("a")
    partial = _line("b")[:20]
    path.write_text(full + partial)
    first = read(path, source_name="d")
    assert [p.external_id for p in first.posts] == ["a"]
    assert first.quarantined == []
    path.write_text(full + _line("b"))
    second = read(path, source_name="d", cursor=first.next_cursor)
    assert [p.external_id for p in second.posts] == ["b"]


def test_csv_append_resumes(tmp_path):
    src = SAMPLES / "drop" / "posts.csv"
    path = tmp_path / "posts.csv"
    lines = src.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:4]))  # header + fb-1001 + multi-line fb-1002
    first = read(path, source_name="d")
    assert [p.external_id for p in first.posts] == ["fb-1001", "fb-1002"]
    path.write_text("".join(lines[:4]) + "fb-1005;ig;a;;Teks baru;2025-03-16T00:00:00Z;1;2;3;4\n")
    second = read(path, source_name="d", cursor=first.next_cursor)
    assert [p.external_id for p in second.posts] == ["fb-1005"]
    assert second.posts[0].platform == "instagram"


def test_json_list_file_and_platform_option(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    records = [
        {"id": "1", "text": "Satu", "posted_at": "2025-03-01T00:00:00Z"},
        {"id": "2"},
        {"id": 3, "text": "Tiga", "posted_at": "2025-03-01T00:00:00Z"},
    ]
    (folder / "batch.json").write_text(json.dumps(records))
    shutil.copy(SAMPLES / "drop" / "posts.jsonl", folder / "posts.jsonl")
    result = read(folder, source_name="d", options={"platform": "telegram"})
    json_posts = [p for p in result.posts if p.external_id == "1"]
    assert json_posts[0].platform == "telegram"
    reasons = {q.position: q.reason for q in result.quarantined}
    assert reasons["batch.json [1]"] == "missing text"
    assert reasons["batch.json [2]"] == "id has wrong type int (must be a string)"
    again = read(folder, source_name="d", cursor=result.next_cursor)
    assert again.posts == []


def test_project_demo_posts_when_present():
    demo = Path(__file__).parent.parent / "pipelines" / "demo_data" / "posts.jsonl"
    if not demo.exists():
        pytest.skip("demo posts not written yet")
    result = read_source("jsonl_drop", demo, "demo-posts")
    assert len(result.quarantined) == 5  # the demo's README lists five malformed lines
    assert len(result.posts) >= 200
