"""The flow benchmark runs end to end on a few synthetic posts and reports every stage and the ratio."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from saring.config import PROJECT_ROOT


@pytest.mark.slow
def test_benchmark_runs_the_watch_flow_and_writes_its_report(tmp_path):
    out = tmp_path / "flow.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SARING_", "PREFECT_"))}
    # the benchmark sets up its own temporary SARING_HOME and Prefect server; it runs in its own process
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eval.flow_throughput",
            "--n",
            "80",
            "--encoder",
            "use-multilingual",
            "--chunk-size",
            "32",
            "--quiet",
            "--output",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["counts"]["posts"] == 80 and report["counts"]["scored"] == 80
    assert report["collected"]["chunks"] == 3 and report["scored"]["chunks"] == 3
    assert {"normalise", "cluster", "embed", "match", "write"} <= set(report["stages"])
    assert report["bare_encoder"]["before"]["concurrent_chunks"] == report["flow_max_workers"] == 2
    assert report["ratio_end_to_end_to_encoder"] > 0 and report["cpu"]["ratio_encoder_to_flow"] > 0
    assert "ratio end-to-end / encoder" in done.stdout
