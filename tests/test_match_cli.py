"""CLI contract: `saring kb import|stats|add-clarification|calibrate|reindex` and `saring match`."""

from __future__ import annotations

import json

import pytest
from matching_helpers import KB_FILE, PAIRS_FILE, POSTS_FILE
from typer.testing import CliRunner

from saring.config import get_settings, reset_settings


@pytest.fixture
def cli(monkeypatch, use_encoder):  # noqa: ARG001 - loads the USE weights once per session
    monkeypatch.setenv("SARING_ENCODER_MODEL", "use-multilingual")
    monkeypatch.setenv("COLUMNS", "200")
    reset_settings()
    from saring.cli.main import app

    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return result

    return run


def _manifest():
    return json.loads((get_settings().index_dir / "manifest.json").read_text())


def test_match_without_an_index_fails_clearly(cli, tmp_path):
    result = cli("match", "--input", str(POSTS_FILE), "--output", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "no KB index" in result.output


def test_import_then_match_writes_the_contract_shape(cli, tmp_path):
    first = cli("kb", "import", str(KB_FILE), "--format", "jsonl")
    assert first.exit_code == 0, first.output
    assert "6 inserted" in first.output
    manifest = _manifest()
    assert manifest["item_count"] == 6 and manifest["model_id"] == "use-multilingual"

    again = cli("kb", "import", str(KB_FILE))
    assert again.exit_code == 0, again.output
    assert "6 unchanged" in again.output and "0 views embedded" in again.output

    out = tmp_path / "matches.jsonl"
    result = cli("match", "--input", str(POSTS_FILE), "--output", str(out), "--top-k", "3")
    assert result.exit_code == 0, result.output
    for line_no in (3, 5, 7, 9):  # broken JSON, no text, an array, a numeric id
        assert f"posts.jsonl:{line_no}:" in result.output
    assert "4 bad lines skipped" in result.output

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["p-01", "p-02", "p-03", "p-05", "p-06", "p-08"]
    for row in rows:
        assert set(row) == {"id", "matches"}
        assert len(row["matches"]) <= 3
        for match in row["matches"]:
            assert set(match) == {"kb_id", "score", "band"}
            assert match["band"] in ("auto", "suggest", "none")
            assert isinstance(match["score"], float)
    by_id = {r["id"]: r["matches"] for r in rows}
    assert by_id["p-01"][0]["kb_id"] == "t-kb-01"
    assert by_id["p-03"][0]["kb_id"] == "t-kb-03"
    assert by_id["p-05"][0]["band"] != "auto"  # three words: lexical only, never auto
    assert all(m["band"] != "auto" for m in by_id["p-06"])  # URL only


def test_stats_clarification_calibrate_and_reindex(cli, tmp_path):
    assert cli("kb", "import", str(KB_FILE)).exit_code == 0

    stats = cli("kb", "stats", "--json")
    assert stats.exit_code == 0, stats.output
    payload = json.loads(stats.output)
    assert payload["database"]["total"] == 6 and payload["index"]["items"] == 6

    added = cli(
        "kb",
        "add-clarification",
        "--title",
        "Tidak Ada Pungutan Biaya Pembuatan KTP-el",
        "--claim",
        "Bikin KTP elektronik di Disdukcapil sekarang bayar Rp150 ribu",
        "--facts",
        "Disdukcapil menegaskan pelayanan KTP-el gratis dan tidak dipungut biaya.",
        "--category",
        "layanan",
    )
    assert added.exit_code == 0, added.output
    assert _manifest()["item_count"] == 7

    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        json.dumps(
            {
                "id": "x1",
                "text": "katanya bikin KTP elektronik di disdukcapil sekarang "
                "harus bayar 150 ribu, benar tidak?",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert cli("match", "-i", str(posts), "-o", str(out), "--top-k", "1").exit_code == 0
    assert json.loads(out.read_text())["matches"][0]["kb_id"].startswith("pemda-")

    calibrated = cli("kb", "calibrate", "--pairs", str(PAIRS_FILE))
    assert calibrated.exit_code == 0, calibrated.output
    assert "labelled_pairs.jsonl:13:" in calibrated.output
    assert _manifest()["thresholds"]["source"] == "calibrated"

    reindex = cli("kb", "reindex")
    assert reindex.exit_code == 0 and "0 views embedded" in reindex.output
    full = cli("kb", "reindex", "--full")
    assert full.exit_code == 0 and "7 added" in full.output
    assert _manifest()["thresholds"]["source"] == "calibrated"  # kept across a rebuild for the same model
