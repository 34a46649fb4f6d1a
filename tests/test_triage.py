"""`saring triage` end to end on the demo KB with the default encoder and judge, and the judgement rules
it shows: bands never rest on a query-relative score, debunk reports are linked but never queued."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipelines.demo_data import demo_path

pytestmark = pytest.mark.slow

MOON = "bulan malam ini bagus bgt, langit kotabaru bersih"
FISH = (
    "Jangan beli ikan laut dulu!! ada virus baru dari ikan yg bikin puluhan org di Kalimantan masuk RS. "
    "Info dari perawat teman saya"
)
DEBUNK = (
    "Bunda2, info vaksin MR bikin mandul itu HOAKS. Dinkes Kotabaru sudah jelaskan vaksinnya aman & ada "
    "izin BPOM. Jangan ikut disebar ya"
)


@pytest.fixture
def cli(monkeypatch, e5_encoder):  # noqa: ARG001 - loads E5 once per session
    monkeypatch.setenv("COLUMNS", "200")
    from saring.cli.main import app

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def demo_kb(cli):
    result = cli("kb", "import", str(demo_path("kb_clarifications.jsonl")))
    assert result.exit_code == 0, result.output
    from pipelines.runtime import reset_contexts

    reset_contexts()
    yield
    reset_contexts()


def _triage(cli, tmp_path, lines: list[str]) -> tuple[list[dict], str]:
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "triage.jsonl"
    result = cli("triage", "--input", str(src), "--output", str(out))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], result.output


def _post(post_id: str, text: str, **extra) -> str:
    return json.dumps({"id": post_id, "text": text, "platform": "facebook", **extra}, ensure_ascii=False)


def test_triage_writes_the_contract_and_reports_bad_lines(cli, demo_kb, tmp_path):
    rows, output = _triage(
        cli,
        tmp_path,
        [
            _post("fish", FISH, engagement={"likes": 300, "shares": 60, "comments": 20, "views": 5000}),
            '{"id": 7, "text": "id is a number"}',
            "{not json",
            _post("moon", MOON),
            _post("debunk", DEBUNK),
        ],
    )
    assert "posts.jsonl:2: id has wrong type int" in output
    assert "posts.jsonl:3: invalid JSON" in output
    assert [r["id"] for r in rows] == ["fish", "moon", "debunk"]
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        contract = {"id", "queued", "priority", "hoax_probability", "stance", "matches", "reasons"}
        # issue 13 adds the impersonation object, issue 12 three keys for posts with images
        assert set(row) == contract | {"impersonation", "ocr_text", "image_matches", "media_errors"}
        assert row["impersonation"] == {"probability": None, "imitates": None, "signals": []}  # no registry
        assert row["ocr_text"] is None and row["image_matches"] == [] == row["media_errors"]
        assert row["stance"] in ("spreads", "refutes", "unrelated", "unclear")
        for m in row["matches"]:
            assert set(m) == {"kb_id", "probability", "band"} and 0.0 <= m["probability"] <= 1.0

    fish = by_id["fish"]
    assert fish["matches"][0] == {**fish["matches"][0], "kb_id": "demo-kb-036", "band": "auto"}
    assert fish["queued"] and fish["stance"] == "spreads"

    moon = by_id["moon"]
    assert all(m["band"] != "auto" for m in moon["matches"]) and not moon["queued"]

    debunk = by_id["debunk"]
    assert debunk["matches"][0]["kb_id"] == "demo-kb-033" and debunk["matches"][0]["band"] != "auto"
    assert debunk["stance"] == "refutes" and not debunk["queued"]
    assert any("melaporkan bantahan" in r for r in debunk["reasons"])


def test_a_post_that_denies_the_event_is_linked_not_queued(cli, demo_kb, tmp_path):
    # no "hoaks", no "klarifikasi": the post denies the blackout and says what really happens
    denial = (
        "Barusan tanya ke PLN Kotabaru, tidak ada pemadaman listrik total tiga hari. Yang ada hanya "
        "pemeliharaan jaringan beberapa jam di beberapa penyulang"
    )
    spreading = "PLN akan memadamkan listrik total tiga hari di seluruh Kotabaru mulai besok!! siapkan lilin"
    rows, _ = _triage(cli, tmp_path, [_post("denial", denial), _post("spreading", spreading)])
    by_id = {r["id"]: r for r in rows}
    assert by_id["spreading"]["matches"][0]["kb_id"] == "demo-kb-041" and by_id["spreading"]["queued"]
    assert by_id["denial"]["matches"][0]["kb_id"] == "demo-kb-041"
    assert by_id["denial"]["stance"] == "refutes" and not by_id["denial"]["queued"]


def test_a_band_does_not_change_when_unrelated_words_are_appended(cli, demo_kb, tmp_path):
    noise = " kucing oren hilang pakai kalung merah, jual amplang 25rb, futsal malam 120rb"
    rows, _ = _triage(
        cli,
        tmp_path,
        [_post("a", MOON), _post("b", MOON + noise), _post("c", FISH), _post("d", FISH + noise)],
    )
    by_id = {r["id"]: r for r in rows}
    assert all(m["band"] != "auto" for m in by_id["b"]["matches"])
    best = {r["id"]: max((m["probability"] for m in r["matches"]), default=0.0) for r in rows}
    assert best["b"] <= best["a"] + 0.05
    assert best["d"] <= best["c"] + 1e-6


def test_judge_train_registers_a_version_that_can_be_promoted_and_rolled_back(cli, demo_kb):
    trained = cli("judge", "train", "--no-promote")
    assert trained.exit_code == 0, trained.output
    assert "registered judge v1: held-out AUC" in trained.output
    listed = cli("judge", "list")
    assert "v1" in listed.output and "default (packaged)" in listed.output
    assert cli("judge", "promote", "v1", "--reason", "test").exit_code == 0
    from models.judge import JudgeRegistry

    assert JudgeRegistry().active_version() == "v1"
    assert cli("judge", "promote", "v9").exit_code == 1
    rolled = cli("judge", "rollback")
    assert rolled.exit_code == 0 and "packaged default" in rolled.output
    assert JudgeRegistry().active_version() is None


def test_classify_uses_the_same_judgement_as_triage(cli, demo_kb, tmp_path):
    from models.classifier.demo import DEMO_TRAIN_FILE as DEMO_TRAIN  # self-written

    trained = cli("train", "--data", str(DEMO_TRAIN))
    assert trained.exit_code == 0, trained.output
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join([_post("fish", FISH), _post("debunk", DEBUNK)]) + "\n", encoding="utf-8")
    out = tmp_path / "preds.jsonl"
    assert cli("classify", "--input", str(src), "--output", str(out)).exit_code == 0
    preds = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    rows, _ = _triage(cli, tmp_path, [_post("fish", FISH), _post("debunk", DEBUNK)])
    for row in rows:
        assert preds[row["id"]]["hoax_probability"] == pytest.approx(row["hoax_probability"], abs=1e-3)
    assert preds["fish"]["label"] == "hoax" and preds["debunk"]["label"] == "not_hoax"


def test_the_scoring_context_takes_the_image_distance_setting_and_no_registry(demo_kb, monkeypatch):
    from pipelines.runtime import load_context, reset_contexts
    from saring.config import reset_settings

    monkeypatch.setenv("SARING_IMAGE_MATCH_MAX_DISTANCE", "20")
    reset_settings()
    reset_contexts()
    context = load_context()
    assert context.image_max_distance == 20
    assert context.registry is None  # no accounts registered: no impersonation signals
