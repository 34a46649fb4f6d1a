"""The desk latency benchmark runs end to end on a small database and writes its report."""

from __future__ import annotations

import json

import pytest

from eval.desk_latency import main, percentiles

pytest_plugins = ["desk_fixtures"]


def test_percentiles():
    stats = percentiles([float(v) for v in range(1, 101)])
    assert stats["p50_ms"] == 50.5 and stats["p95_ms"] == 95 and stats["max_ms"] == 100


@pytest.mark.slow
def test_benchmark_on_a_small_sqlite_queue(tmp_path, cheap_hashing):
    out = tmp_path / "desk_latency.json"
    assert main(["--items", "300", "--db", "sqlite", "--requests", "5", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    result = report["databases"]["sqlite"]
    assert result["seed"]["queue_items"] == 300 and result["seed"]["matches"] > 0
    assert set(result["timings"]) == {
        "trc_queue_page",
        "trc_queue_page_filtered",
        "trc_item_page",
        "trc_api_queue",
        "pic_queue_page",
    }
    assert all(t["n"] == 5 and t["p95_ms"] > 0 for t in result["timings"].values())
