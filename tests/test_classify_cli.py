"""`saring train`, `saring classify`, `saring models list|show|history|promote|rollback` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.classifier.demo import DEMO_TRAIN_FILE
from models.registry import ModelRegistry
from saring.cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def trained(use_encoder, _isolated_home, monkeypatch):
    """A home with one active demo model (USE body, so it is quick)."""
    monkeypatch.setenv("SARING_USER", "ana")
    result = runner.invoke(app, ["train", "--demo", "--encoder", "use-multilingual"])
    assert result.exit_code == 0, result.output
    return _isolated_home


def write_posts(path: Path, rows: list) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_train_then_classify(trained, tmp_path):
    posts = write_posts(
        tmp_path / "posts.jsonl",
        [
            {
                "id": "p1",
                "text": "SEBARKAN!! Pendaftaran CPNS tanpa tes, transfer biaya Rp 500 ribu ke panitia",
            },
            {"id": 2, "text_normalised": "Jadwal posyandu di balai desa besok pagi, bawa buku KIA"},
        ],
    )
    out = tmp_path / "out" / "preds.jsonl"
    result = runner.invoke(app, ["classify", "--input", str(posts), "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["p1", 2]
    assert all(set(r) == {"id", "hoax_probability", "label"} for r in lines)
    assert all(0.0 <= r["hoax_probability"] <= 1.0 and r["label"] in {"hoax", "not_hoax"} for r in lines)
    assert lines[0]["hoax_probability"] > lines[1]["hoax_probability"]

    listing = runner.invoke(app, ["models", "list"])
    assert listing.exit_code == 0 and "v1" in listing.output and "active" in listing.output
    assert "Model card" in runner.invoke(app, ["models", "show"]).output


def test_classify_bad_input_names_line_and_writes_nothing(trained, tmp_path):
    posts = write_posts(
        tmp_path / "posts.jsonl", [{"id": "a", "text": "teks"}, '{"id": "b", "text": ', {"id": "c"}]
    )
    out = tmp_path / "preds.jsonl"
    result = runner.invoke(app, ["classify", "--input", str(posts), "--output", str(out)])
    assert result.exit_code == 2
    assert f"{posts}:2: JSON does not parse" in result.output and f"{posts}:3: empty text" in result.output
    assert not out.exists() and not list(tmp_path.glob(".preds*"))


def test_classify_without_model_is_a_clear_error(tmp_path):
    posts = write_posts(tmp_path / "posts.jsonl", [{"id": "a", "text": "teks"}])
    result = runner.invoke(app, ["classify", "--input", str(posts), "--output", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "no active model" in result.output


def test_train_bad_data_writes_nothing(tmp_path, _isolated_home):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nPesan biasa saja,0\nPesan palsu,mungkin\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(bad), "--encoder", "use-multilingual"])
    assert result.exit_code == 2
    assert (
        f"{bad}:3: unknown label value 'mungkin'" in result.output and "nothing was written" in result.output
    )
    assert ModelRegistry().list_versions() == []
    registry_dir = _isolated_home / "registry"
    assert not registry_dir.exists() or not [p for p in registry_dir.rglob("*") if p.is_file()]


def test_promote_refusal_force_and_rollback_commands(trained, tmp_path):
    flipped = tmp_path / "flipped.jsonl"
    rows = [json.loads(line) for line in DEMO_TRAIN_FILE.read_text().splitlines()]
    from models.classifier.splits import in_fixed_validation, text_key

    for row in rows:  # labels flipped outside the fixed validation split: a worse model
        if not in_fixed_validation(text_key(row["text"])):
            row["label"] = "not_hoax" if row["label"] == "hoax" else "hoax"
    write_posts(flipped, rows)
    result = runner.invoke(app, ["train", "--data", str(flipped), "--encoder", "use-multilingual"])
    assert result.exit_code == 1 and "v2 not promoted" in result.output
    refused = runner.invoke(app, ["models", "promote", "v2"])
    assert refused.exit_code == 1 and "worse than active v1" in refused.output
    forced = runner.invoke(app, ["models", "promote", "v2", "--force", "--reason", "uji", "--by", "budi"])
    assert forced.exit_code == 0 and "(forced)" in forced.output
    back = runner.invoke(app, ["models", "rollback"])
    assert back.exit_code == 0 and "v1 is active" in back.output
    history = runner.invoke(app, ["models", "history"])
    assert "force_promote" in history.output and "rollback" in history.output
    assert runner.invoke(app, ["models", "promote", "v7"]).exit_code == 2
