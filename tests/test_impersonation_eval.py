"""The impersonation benchmark runs, has the sizes the issue asks for, and its JSON carries every number."""

from __future__ import annotations

import json

from eval import impersonation
from eval.impersonation_data import HELD_OUT_KINDS, SEEN_KINDS, generate
from pipelines.accounts import Registry, read_registry
from pipelines.demo_data import demo_path


def test_splits_have_the_sizes_and_kinds_the_issue_asks_for():
    registry = Registry(read_registry(demo_path("accounts_kotabaru.yaml")))
    calibration, test = generate(registry, "calibration"), generate(registry, "test")
    for bench in (calibration, test):
        assert len(bench.accounts) >= 2000 and len(bench.posts) >= 500
        labels = {c.label for c in bench.accounts}
        assert labels == {"genuine", "lookalike", "unrelated"}
    assert {c.kind for c in calibration.accounts if c.positive} == set(SEEN_KINDS)
    assert {c.kind for c in test.accounts if c.positive} == set(SEEN_KINDS) | set(HELD_OUT_KINDS)
    registered = {(a.platform, a.handle) for a in registry.accounts}
    assert all((c.platform, c.handle) not in registered for c in test.accounts if c.positive)


def test_benchmark_writes_its_results(tmp_path, monkeypatch):
    monkeypatch.setattr(impersonation, "RESULTS", tmp_path / "impersonation.json")
    result = impersonation.run(do_fit=False)
    saved = json.loads((tmp_path / "impersonation.json").read_text(encoding="utf-8"))
    test = saved["test_split"]
    assert test["accounts"]["registered_flagged"] == 0 and test["posts"]["registered_flagged"] == 0
    assert set(test["per_signal"]) == set(impersonation.FEATURES)
    assert saved["stress"]["n"] == len(impersonation.STRESS)
    assert result["targets_met"]["registered_flagged"]
