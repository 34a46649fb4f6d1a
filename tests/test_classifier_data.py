"""Training data: labelled files (pool, raw formats, JSONL), TRC verdicts, and clear file:line errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import datasets
import pytest
from classifier_helpers import add_verdict

from models.training_data import (
    TrainingDataError,
    build_training_set,
    claim_part,
    count_verdicts,
    parse_label,
    read_labelled_file,
    read_verdicts,
    tweet_date,
)
from saring.db.session import session_scope

SAMPLES = Path(__file__).parent / "samples" / "classifier"
DEMO = Path(__file__).parent.parent / "models" / "classifier" / "demo_train.jsonl"


def test_pool_format_reads_with_dates_from_tweet_ids_and_urls():
    examples, info = read_labelled_file(SAMPLES / "pool_sample.csv")
    assert [e["label"] for e in examples] == [1, 0, 1, 0, 0, 1]
    assert info["labels"] == {"hoax": 3, "not_hoax": 3}
    by_source = {e["source"]: e for e in examples}
    assert by_source["zainoor_news_valid"]["date"] == "2025-07-02"
    assert examples[2]["date"] == "2020-04-11" and examples[3]["date"] == "2014-04-30"
    assert examples[0]["origin"].endswith("pool_sample.csv:2")


def test_raw_formats_bdc_and_turnbackhoax_article_cut_to_claim():
    examples, _ = read_labelled_file(SAMPLES / "bdc_raw_sample.csv")
    assert [(e["label"], e["date"]) for e in examples] == [(1, "2020-08-17"), (0, "2018-02-03")]
    examples, _ = read_labelled_file(SAMPLES / "zainoor_raw_hoax_sample.csv")
    assert "Pemeriksaan Fakta" not in examples[0]["text"] and examples[0]["text"].endswith(
        "dipotong setengah."
    )


def test_helpers():
    assert parse_label("hoaks") == 1 and parse_label("bukan_hoaks") == 0 and parse_label(0) == 0
    assert parse_label("perlu_investigasi") is None
    with pytest.raises(ValueError, match="unknown label"):
        parse_label("mungkin")
    with pytest.raises(ValueError, match="missing label"):
        parse_label("  ")
    assert tweet_date("https://twitter.com/a/status/1248969211054968834") == "2020-04-11"
    assert tweet_date("https://twitter.com/a/status/12345") == ""
    assert claim_part("klaim saja tanpa pemeriksaan") == "klaim saja tanpa pemeriksaan"


def test_build_training_set_is_a_datasets_dataset_with_snapshot():
    ts = build_training_set([DEMO, SAMPLES / "pool_sample.csv"])
    assert isinstance(ts.dataset, datasets.Dataset)
    assert set(ts.dataset.column_names) == {"text", "label", "source", "key", "date", "origin"}
    assert ts.snapshot["examples"] == 228 and len(ts.snapshot["files"]) == 2
    assert (
        ts.snapshot["fingerprint"]
        == build_training_set([DEMO, SAMPLES / "pool_sample.csv"]).snapshot["fingerprint"]
    )


@pytest.mark.parametrize(
    ("content", "suffix", "line", "reason"),
    [
        ("text,label\nhalo semua,1\n  ,0\n", ".csv", 3, "empty text"),
        ("text,label\nhalo semua,1\nberita biasa,\n", ".csv", 3, "missing label"),
        ("text,label\nhalo semua,1\nberita biasa,maybe\n", ".csv", 3, "unknown label value 'maybe'"),
        ("text,label\nhalo semua,1\nberita,0,extra\n", ".csv", 3, "more field(s) than the header"),
        ('text,label\nhalo semua,1\n"tidak ditutup,0\n', ".csv", 3, "CSV does not parse"),
        ("judul,label\nhalo,1\n", ".csv", 1, "no text column"),
        ('{"text": "halo", "label": 1}\n{"text": "rusak", "label": \n', ".jsonl", 2, "JSON does not parse"),
        ('{"text": "halo", "label": 1}\n[1, 2]\n', ".jsonl", 2, "expected a JSON object"),
        ('{"text": "halo", "label": 1}\n{"label": 0}\n', ".jsonl", 2, "no text field"),
    ],
)
def test_bad_rows_name_file_line_and_reason(tmp_path, content, suffix, line, reason):
    path = tmp_path / f"data{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TrainingDataError) as info:
        read_labelled_file(path)
    problem = info.value.problems[0]
    assert (problem.path, problem.line) == (str(path), line), str(info.value)
    assert reason in problem.reason
    assert f"{path}:{line}: " in str(info.value)


def test_skip_invalid_keeps_good_rows(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\nhalo semua,1\n,0\nberita biasa,0\n", encoding="utf-8")
    examples, info = read_labelled_file(path, skip_invalid=True)
    assert len(examples) == 2 and info["skipped_invalid"] == 1


def test_missing_or_unknown_files(tmp_path):
    with pytest.raises(TrainingDataError, match="file not found"):
        read_labelled_file(tmp_path / "nope.csv")
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    with pytest.raises(TrainingDataError, match="unknown file type"):
        read_labelled_file(tmp_path / "x.parquet")
    (tmp_path / "bin.csv").write_bytes(b"text,label\n\xff\xfe\x00bad,1\n")
    with pytest.raises(TrainingDataError, match="not UTF-8"):
        read_labelled_file(tmp_path / "bin.csv")


def test_one_class_only_is_an_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a b c", "label": 1}\n{"text": "d e f", "label": "hoaks"}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match="only one class"):
        build_training_set([path])


def test_verdicts_are_mapped_latest_wins_and_override_files(db_url, tmp_path):
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with session_scope(db_url) as s:
        add_verdict(s, "Pesan bansos palsu lewat tautan", "hoaks", external_id="1", when=t0)
        add_verdict(s, "Pengumuman resmi jadwal vaksin", "bukan_hoaks", external_id="2", when=t0)
        add_verdict(s, "Kabar yang belum jelas", "perlu_investigasi", external_id="3", when=t0)
        add_verdict(s, "Berita berubah status", "perlu_investigasi", external_id="4", when=t0)
        add_verdict(s, "Berita berubah status", "disinformasi", external_id="4", when=t0 + timedelta(hours=1))
    with session_scope(db_url) as s:
        examples, info = read_verdicts(s)
        assert sorted((e["text"], e["label"]) for e in examples) == [
            ("Berita berubah status", 1),
            ("Pengumuman resmi jadwal vaksin", 0),
            ("Pesan bansos palsu lewat tautan", 1),
        ]
        assert info["verdict_counts"]["perlu_investigasi"] == 1
        assert count_verdicts(s) == {"total": 5, "labelled": 3}
        assert count_verdicts(s, since=t0) == {"total": 1, "labelled": 1}
        file = tmp_path / "f.jsonl"
        file.write_text(
            json.dumps({"text": "Pengumuman resmi jadwal vaksin", "label": 1})
            + "\n"
            + json.dumps({"text": "Berita lain yang biasa", "label": 0})
            + "\n",
            encoding="utf-8",
        )
        ts = build_training_set([file], session=s, include_verdicts=True)
    labels = dict(zip(ts.dataset["text"], ts.dataset["label"], strict=True))
    assert labels["Pengumuman resmi jadwal vaksin"] == 0  # the TRC's verdict overrides the file
    assert ts.snapshot["label_conflicts"] == 1 and ts.snapshot["verdicts"]["rows"] == 3


def test_unknown_verdict_value_is_an_error(db_url):
    with session_scope(db_url) as s:
        add_verdict(s, "Teks apa saja", "entahlah", external_id="9", when=datetime(2026, 1, 1, tzinfo=UTC))
    with session_scope(db_url) as s, pytest.raises(TrainingDataError, match="verdicts:1: unknown verdict"):
        read_verdicts(s)
