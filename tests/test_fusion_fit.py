"""Fusion fitted from labelled pairs: the grid search, its persistence in the manifest, the CLI path."""

from __future__ import annotations

import json

import numpy as np
import pytest
from matching_helpers import KB_FILE, PAIRS_FILE, POSTS, sample_factchecks

from factcheck_kb.fusion import (
    FitQuery,
    FusionConfig,
    default_fusion,
    fit_weighted,
    mean_reciprocal_rank,
)
from factcheck_kb.index import KBIndex, build_or_update
from factcheck_kb.matcher import Matcher
from factcheck_kb.operations import fit_fusion_index

E5 = "multilingual-e5-small"


def _queries(gold: tuple[float, float], other: tuple[float, float], n: int = 25) -> list[FitQuery]:
    """n queries of two candidates: the right one (dense, lexical) = gold and a wrong one = other."""
    return [
        FitQuery(
            dense=np.array([other[0], gold[0]], np.float32),
            lexical=np.array([other[1], gold[1]], np.float32),
            gold=np.array([False, True]),
        )
        for _ in range(n)
    ]


def test_fit_prefers_dense_when_the_lexical_channel_misleads():
    queries = _queries(gold=(0.95, 0.3), other=(0.85, 0.6))
    fitted, grid = fit_weighted(queries, E5)
    assert fitted.source == "fitted" and fitted.fitted_for == E5 and fitted.fitted_queries == 25
    assert fitted.w_dense >= 0.5 and fitted.w_dense + fitted.w_lexical == pytest.approx(1.0)
    assert mean_reciprocal_rank(queries, fitted) == pytest.approx(1.0)
    assert grid and max(grid.values()) == pytest.approx(1.0)
    assert mean_reciprocal_rank(queries, FusionConfig(w_dense=0.1, w_lexical=0.9)) == pytest.approx(0.5)


def test_fit_prefers_lexical_when_the_dense_channel_misleads():
    fitted, _ = fit_weighted(_queries(gold=(0.85, 0.9), other=(0.95, 0.2)), E5)
    assert fitted.w_dense <= 0.5


def test_too_few_labelled_queries_keep_the_default():
    base = default_fusion(E5)
    fitted, grid = fit_weighted(_queries(gold=(0.95, 0.3), other=(0.85, 0.6), n=3), E5)
    assert fitted == base and fitted.source == "default" and grid == {}
    # a query whose right answer is not among the candidates tells nothing
    lost = [FitQuery(np.array([0.9]), np.array([0.5]), np.array([False]))] * 30
    assert fit_weighted(lost, E5)[0] == base


def test_fitted_config_round_trips_and_old_manifests_still_load():
    cfg = FusionConfig(w_dense=0.2, w_lexical=0.8, dense_floor=0.3, source="fitted", fitted_for=E5)
    assert FusionConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    old = {"method": "weighted", "w_dense": 0.5, "w_lexical": 0.5, "dense_floor": 0.75, "rrf_k": 60}
    loaded = FusionConfig.from_dict(old)
    assert loaded.source == "default" and loaded.fitted_for is None


# ------------------------------------------------------------------ matcher and index


@pytest.fixture(scope="module")
def built(tmp_path_factory, use_encoder):
    folder = tmp_path_factory.mktemp("fusion-fit") / "index"
    build_or_update(folder, sample_factchecks(), use_encoder)
    return folder


def test_matcher_fits_on_labelled_posts_and_still_ranks_them_first(built, use_encoder):
    matcher = Matcher(KBIndex.open(built, use_encoder), use_encoder)
    golds = [{kb_id} for kb_id in POSTS]
    fit = matcher.fit_queries(list(POSTS.values()), golds)
    assert len(fit) == len(POSTS) and all(q.gold.sum() == 1 for q in fit)
    assert matcher.fit_queries(["elpiji 3 kg"], [{"t-kb-06"}]) == []  # short: lexical only, nothing to fuse
    fitted, _ = matcher.fit_fusion(list(POSTS.values()), golds, min_queries=1)
    assert fitted.source == "fitted" and fitted.fitted_for == use_encoder.model_id
    assert mean_reciprocal_rank(fit, fitted) == pytest.approx(1.0)
    tuned = Matcher(KBIndex.open(built, use_encoder), use_encoder, fusion=fitted)
    assert [row[0].kb_id for row in tuned.match(list(POSTS.values()), top_k=3)] == list(POSTS)


def test_index_ignores_fusion_fitted_for_another_model(built, use_encoder, tmp_path):
    import shutil

    folder = tmp_path / "index"
    shutil.copytree(built, folder)
    index = KBIndex.open(folder, use_encoder)
    index.fusion = FusionConfig(w_dense=0.9, w_lexical=0.1, source="fitted", fitted_for="another-model")
    index.save()
    assert KBIndex.open(folder, use_encoder).fusion == default_fusion(use_encoder.model_id)
    index.fusion = FusionConfig(w_dense=0.9, w_lexical=0.1, source="fitted", fitted_for=use_encoder.model_id)
    index.save()
    reopened = KBIndex.open(folder, use_encoder)
    assert reopened.fusion.w_dense == 0.9
    assert Matcher(reopened, use_encoder).fusion.w_dense == 0.9


def test_fit_fusion_index_writes_the_manifest(built, use_encoder, tmp_path):
    import shutil

    folder = tmp_path / "index"
    shutil.copytree(built, folder)
    kept, errors, n = fit_fusion_index(PAIRS_FILE, index_dir=folder, encoder=use_encoder)
    assert n == 6 and len(errors) == 1 and kept.source == "default"  # 6 positive texts < 20
    fitted, _, _ = fit_fusion_index(PAIRS_FILE, index_dir=folder, encoder=use_encoder, min_queries=3)
    assert fitted.source == "fitted"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["fusion"]["source"] == "fitted"
    assert manifest["fusion"]["fitted_for"] == manifest["model_id"] == use_encoder.model_id


def test_calibrate_cli_fits_fusion_then_bands(monkeypatch, use_encoder):  # noqa: ARG001 - loads USE once
    from typer.testing import CliRunner

    from saring.cli.main import app
    from saring.config import get_settings, reset_settings

    monkeypatch.setenv("SARING_ENCODER_MODEL", "use-multilingual")
    monkeypatch.setenv("COLUMNS", "200")
    reset_settings()
    runner = CliRunner()
    assert runner.invoke(app, ["kb", "import", str(KB_FILE)], catch_exceptions=False).exit_code == 0
    args = ["kb", "calibrate", "--pairs", str(PAIRS_FILE), "--fusion", "--min-queries", "3"]
    out = runner.invoke(app, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "fusion fitted on 6 labelled texts" in out.output
    manifest = json.loads((get_settings().index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["fusion"]["source"] == "fitted" and manifest["thresholds"]["source"] == "calibrated"


def test_an_encoder_fine_tuned_by_saring_gets_its_own_defaults(tmp_path, monkeypatch):
    """`saring kb finetune` marks its folder: fusion and band defaults follow it, by path or cache name."""
    from factcheck_kb.bands import default_thresholds
    from factcheck_kb.fusion import model_family
    from models.encoder import FINETUNE_INFO_FILE
    from saring.config import reset_settings

    folder = tmp_path / "models" / "kotabaru-claims"
    folder.mkdir(parents=True)
    assert model_family(str(folder)) == "other"
    (folder / FINETUNE_INFO_FILE).write_text(json.dumps({"base_model": "/cache/multilingual-e5-small"}))
    monkeypatch.setenv("SARING_MODEL_CACHE_DIR", str(tmp_path / "models"))
    reset_settings()

    for model_id in (str(folder), "kotabaru-claims"):
        assert model_family(model_id) == "e5-ft"
        assert default_fusion(model_id) != default_fusion(E5)
        assert default_fusion(model_id).dense_floor == 0.0
        assert default_thresholds(model_id).suggest_fused < default_thresholds(E5).suggest_fused
    # a name that merely contains "e5" is the base family
    assert model_family("/models/e5-finetuned-claims") == "e5"
    (folder / FINETUNE_INFO_FILE).write_text("{broken")
    assert model_family(str(folder)) == "other"
