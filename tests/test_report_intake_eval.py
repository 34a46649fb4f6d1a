"""The citizen-report benchmark runs end to end over HTTP on a few reports and writes its numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from saring.config import PROJECT_ROOT


@pytest.mark.slow
def test_benchmark_submits_through_the_form_and_counts_clusters(tmp_path):
    out = tmp_path / "reports.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SARING_", "PREFECT_"))}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eval.report_intake",
            "--reports",
            "60",
            "--hoaxes",
            "6",
            "--round",
            "20",
            "--output",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["reports"] == 60 and result["unclustered"] == 0
    assert result["form_post_ms"]["p95"] > 0 and result["reports_per_s_form"] > 0
    assert result["clusters_mixing_hoaxes"] == 0 and result["clusters"] >= 6
    assert "reports of 6 hoaxes" in done.stderr + done.stdout
