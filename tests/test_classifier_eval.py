"""eval.classification: the disjoint splits are disjoint, and the benchmark skips without shared data."""

from __future__ import annotations

import numpy as np

from eval.classification import make_splits, run, summarise
from models.classifier.splits import text_key


def fake(source: str, year: int, label: int, i: int) -> dict:
    text = f"{source} {year} {label} pesan {i}"
    return {"text": text, "label": label, "source": source, "key": text_key(text), "date": f"{year}-03-01"}


def test_splits_are_time_and_source_disjoint():
    examples = [
        fake(s, y, lab, i)
        for i, (s, y, lab) in enumerate(
            [
                (s, y, lab)
                for s in ("bdc2020_mafindo", "umpo_tweets")
                for y in (2016, 2019, 2020, 2021)
                for lab in (0, 1)
            ]
            + [("zainoor_news_valid", 2025, 0), ("zainoor_tbh_claim", 2025, 1)] * 3
        )
    ]
    splits = {s.name: s for s in make_splits(examples)}
    for split in splits.values():
        assert not set(split.train) & set(split.val), split.name
    year = np.array([int(e["date"][:4]) for e in examples])
    source = np.array([e["source"] for e in examples])
    t = splits["time_2019|2020+"]
    assert year[t.train].max() <= 2019 < year[t.val].min()
    ts = splits["time+source_bdc|umpo2020+"]
    assert set(source[ts.train]) == {"bdc2020_mafindo"} and set(source[ts.val]) == {"umpo_tweets"}
    assert "umpo_tweets" not in set(source[splits["loso_umpo"].train])
    assert set(source[splits["within_umpo_time"].val]) == {"umpo_tweets"}


def test_summary_leaves_out_the_fixed_split():
    m = {"macro_f1": 0.5}
    report = {
        "splits": {
            "a": {"models": {"x": m}},
            "b": {"models": {"x": {"macro_f1": 0.7}}},
            "fixed_validation": {"models": {"x": {"macro_f1": 0.9}}},
        }
    }
    assert summarise(report)["x"] == {"mean_macro_f1_disjoint": 0.6, "splits": 2}


def test_skips_without_shared_data(monkeypatch, tmp_path, capsys):
    from saring.config import reset_settings

    monkeypatch.setenv("SARING_DATA_DIR", str(tmp_path))
    reset_settings()
    assert run(["tfidf"], "use-multilingual", None) == {}
    assert "skipped" in capsys.readouterr().out
