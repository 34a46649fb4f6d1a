"""End-to-end flows on a Prefect test server: idempotent runs, kill and resume, quarantine, retries, Dask,
PostgreSQL, served schedules, and the demo. Real encoder (USE, the fast one), real KB index, real database."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pg import fresh_postgres_db, postgres_url  # noqa: F401
from sqlalchemy import func, select
from typer.testing import CliRunner

from pipelines import store
from saring.config import get_settings, reset_settings
from saring.db import init_db, session_scope
from saring.db.tables import Match, Post, QueueItem
from saring.db.tables.collection import IssueCluster, SourceCheckpoint

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "pipelines" / "demo_data"
ENCODER = "use-multilingual"
N_LINES = 80  # demo posts.jsonl lines 1-80: lines 23 and 71 are malformed -> 78 posts, 2 quarantined
N_POSTS, N_BAD = 78, 2


@pytest.fixture(scope="session")
def kb_template(tmp_path_factory) -> Path:
    """The demo KB indexed (and bands calibrated) once per session with USE; tests copy the folder."""
    from factcheck_kb.operations import calibrate_index, import_path
    from pipelines.runtime import _encoder

    base = tmp_path_factory.mktemp("kb-template")
    url = f"sqlite:///{base / 'kb.db'}"
    encoder = _encoder(ENCODER)
    import_path(DEMO / "kb_clarifications.jsonl", db_url=url, index_dir=base / "index", encoder=encoder)
    calibrate_index(DEMO / "labelled_pairs.jsonl", index_dir=base / "index", encoder=encoder)
    return base / "index"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kb_template: Path, prefect_harness) -> dict:
    """A home with the demo KB (database rows and a copy of the index), a drop folder and a sources file."""
    from factcheck_kb.operations import import_path
    from saring.db.session import reset_engines

    monkeypatch.setenv("SARING_ENCODER_MODEL", ENCODER)
    monkeypatch.setenv("SARING_SOURCE_RETRY_DELAY_SECONDS", "[0, 0, 0]")
    reset_settings()
    reset_engines()
    settings = get_settings()
    url = settings.resolved_database_url
    init_db(url)
    import_path(DEMO / "kb_clarifications.jsonl", db_url=url, update_index=False)
    shutil.copytree(kb_template, settings.index_dir)
    drop = tmp_path / "drop"
    drop.mkdir()
    lines = (DEMO / "posts.jsonl").read_text(encoding="utf-8").splitlines()[:N_LINES]
    (drop / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - name: test-drop\n"
        "    kind: jsonl_drop\n"
        "    location: drop/posts.jsonl\n"
        '    schedule: "*/15 * * * *"\n'
        "    region_tags: [kotabaru]\n",
        encoding="utf-8",
    )
    return {"url": url, "sources": str(sources), "drop": drop}


def _counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        out = store.counts(session)
        out["distinct_queue_posts"] = session.scalar(select(func.count(func.distinct(QueueItem.post_id))))
        out["distinct_posts"] = session.scalar(
            select(func.count()).select_from(select(Post.source_id, Post.external_id).distinct().subquery())
        )
        return out


def _queue_snapshot(url: str) -> dict[int, tuple[int, float]]:
    with session_scope(url) as session:
        return {q.post_id: (q.id, round(q.priority, 3)) for q in session.scalars(select(QueueItem))}


def test_watch_twice_adds_nothing_and_queues_with_reasons(world: dict) -> None:
    from pipelines.flows.watch import watch_flow

    first = watch_flow(world["sources"], 16)
    assert first["collected"]["test-drop"]["added"] == N_POSTS
    assert first["scored"]["scored"] == N_POSTS
    after_first = _counts(world["url"])
    assert after_first["posts"] == N_POSTS and after_first["scored"] == N_POSTS
    assert after_first["quarantined"] == N_BAD and after_first["clusters"] > 0
    assert 0 < after_first["queue_items"] < N_POSTS

    second = watch_flow(world["sources"], 16)
    assert second["collected"]["test-drop"]["added"] == 0
    assert second["scored"]["posts"] == 0
    assert _counts(world["url"]) == after_first

    with session_scope(world["url"]) as session:
        items = store.list_queue(session, limit=500)
        assert all(item.reasons for item in items)
        auto = [i for i in items if i.band == "auto"]
        assert auto, "some demo posts must auto-link to their fact check"
        assert any(r.startswith("cocok otomatis dengan cek fakta demo-kb-") for r in auto[0].reasons)
        # every auto-linked match to a known hoax is in the queue, whatever its priority
        auto_posts = set(session.scalars(select(Match.post_id).where(Match.band == "auto")))
        assert auto_posts <= {i.post_id for i in items}
        sizes = session.scalars(select(IssueCluster.post_count)).all()
        assert sum(sizes) == N_POSTS


def _run_killed(world: dict, body: str, kill_after: int) -> subprocess.CompletedProcess:
    """Run ``body`` in a fresh interpreter whose patched function SIGKILLs it after ``kill_after`` calls."""
    from prefect.settings import PREFECT_API_URL

    script = textwrap.dedent(
        """
        import os, signal, sys
        from saring.config import quiet_offline_environment
        quiet_offline_environment()
        calls = {"n": 0}
        def killing(original):
            def wrapper(*args, **kwargs):
                result = original(*args, **kwargs)  # committed
                calls["n"] += 1
                if calls["n"] >= int(os.environ["KILL_AFTER"]):
                    os.kill(os.getpid(), signal.SIGKILL)
                return result
            return wrapper
        """
    ) + textwrap.dedent(body)
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "KILL_AFTER": str(kill_after)}
    return subprocess.run(
        [sys.executable, "-c", script, world["sources"]],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_collect_killed_midway_resumes_without_loss_or_duplicates(world: dict) -> None:
    from pipelines.flows.collect import collect_flow

    killed = _run_killed(
        world,
        """
        import pipelines.collect as collect
        collect.write_chunk = killing(collect.write_chunk)
        from pipelines.flows.collect import collect_flow
        collect_flow("test-drop", sys.argv[1], 10)
        """,
        kill_after=3,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    stored = _counts(world["url"])["posts"]
    assert stored in (30, 40)  # whole chunks of 10 (two are written at a time), never part of one
    with session_scope(world["url"]) as session:
        assert store.load_cursor(session, "test-drop") is None  # the cursor goes with the last chunk

    resumed = collect_flow("test-drop", world["sources"], 10)
    assert resumed["added"] == N_POSTS - stored and resumed["unchanged"] == stored
    after = _counts(world["url"])
    assert after["posts"] == after["distinct_posts"] == N_POSTS
    assert after["quarantined"] == N_BAD
    with session_scope(world["url"]) as session:
        checkpoint = session.scalars(select(SourceCheckpoint)).one()
        assert checkpoint.cursor and checkpoint.posts_added == N_POSTS

    again = collect_flow("test-drop", world["sources"], 10)
    assert again["read"] == 0 and _counts(world["url"]) == after


def test_score_killed_midway_resumes_without_loss_or_duplicates(world: dict) -> None:
    from pipelines.flows.collect import collect_flow
    from pipelines.flows.score import run_score

    collect_flow("test-drop", world["sources"], 10)
    killed = _run_killed(
        world,
        """
        import pipelines.score_chunk as score_chunk
        score_chunk.finish_chunk = killing(score_chunk.finish_chunk)
        from pipelines.flows.score import run_score
        run_score(chunk_size=10)
        """,
        kill_after=2,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    partial = _counts(world["url"])
    assert 20 <= partial["scored"] < N_POSTS
    before = _queue_snapshot(world["url"])

    resumed = run_score(chunk_size=10)
    assert resumed["scored"] == N_POSTS - partial["scored"]
    after = _counts(world["url"])
    assert after["scored"] == N_POSTS
    assert after["queue_items"] == after["distinct_queue_posts"]
    snapshot = _queue_snapshot(world["url"])
    assert all(snapshot[post_id][0] == item_id for post_id, (item_id, _) in before.items())  # nothing lost

    # the same posts scored afresh give the same queue: the interrupted run changed nothing
    with session_scope(world["url"]) as session:
        for post in session.scalars(select(Post)):
            post.scored_at = None
    rescored = run_score(chunk_size=10)
    assert rescored["queue_added"] == 0 and rescored["queue_updated"] == after["queue_items"]
    assert _counts(world["url"]) == after
    assert {k: v[1] for k, v in _queue_snapshot(world["url"]).items()} == pytest.approx(
        {k: v[1] for k, v in snapshot.items()}, abs=0.002
    )


def test_chunks_encoded_while_clustering_are_prioritised_with_the_whole_runs_spread(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The score flow encodes the first chunks while it clusters; priorities must still count every post."""
    import pipelines.flows.score as score_flow_module
    from pipelines import score_chunk
    from pipelines.collect import chunked
    from pipelines.flows.collect import collect_flow
    from pipelines.flows.score import run_score

    collect_flow("test-drop", world["sources"], 10)
    monkeypatch.setattr(score_flow_module, "CLUSTER_BATCH", 8)  # ten batches; chunks of 10 analysed meanwhile
    assert run_score(chunk_size=10)["scored"] == N_POSTS
    streamed = _queue_snapshot(world["url"])
    with session_scope(world["url"]) as session:
        grown = session.scalar(
            select(func.count()).select_from(IssueCluster).where(IssueCluster.post_count > 1)
        )
        ids = list(session.scalars(select(Post.id).order_by(Post.id)))
        first_batch = set(ids[:8])
        late_joiners = session.scalar(
            select(func.count())
            .select_from(Post)
            .where(
                Post.id.not_in(first_batch),
                Post.cluster_id.in_(select(Post.cluster_id).where(Post.id.in_(first_batch))),
            )
        )
        for post in session.scalars(select(Post)):
            post.scored_at = None
    assert grown > 0 and late_joiners > 0  # some early posts' clusters grow in later batches

    # every post scored again, one chunk at a time, now that all clusters are complete
    for chunk in chunked(ids, 10):
        score_chunk.score_chunk(chunk)
    rescored = _queue_snapshot(world["url"])
    assert rescored.keys() == streamed.keys()
    assert {k: v[1] for k, v in rescored.items()} == pytest.approx(
        {k: v[1] for k, v in streamed.items()}, abs=0.002
    )


def test_malformed_records_are_quarantined_and_listed_by_the_cli(world: dict) -> None:
    from pipelines.flows.collect import collect_flow
    from saring.cli.main import app

    stats = collect_flow("test-drop", world["sources"], 32)
    assert stats["added"] == N_POSTS and stats["quarantined_new"] == N_BAD
    result = CliRunner().invoke(app, ["quarantine", "list", "--source", "test-drop"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "posts.jsonl line 23" in result.output and "invalid JSON" in result.output
    assert "posts.jsonl line 71" in result.output and "missing text" in result.output
    other = CliRunner().invoke(app, ["quarantine", "list", "--source", "elsewhere"])
    assert "Tidak ada" in other.output


def test_cli_runs_flows_and_lists_the_queue(world: dict) -> None:
    from saring.cli.main import app

    runner = CliRunner()
    env = {"COLUMNS": "220"}
    collect = runner.invoke(app, ["flows", "run", "collect", "--sources", world["sources"]], env=env)
    assert collect.exit_code == 0, collect.output
    score = runner.invoke(app, ["flows", "run", "score", "--chunk-size", "40"], env=env)
    assert score.exit_code == 0, score.output
    queue = runner.invoke(app, ["queue", "list", "--limit", "5"], env=env)
    assert queue.exit_code == 0, queue.output
    assert "cocok otomatis dengan cek fakta" in queue.output


def test_transient_source_errors_are_retried_and_permanent_ones_are_not(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.collect as collect
    from pipelines.flows.collect import collect_flow
    from pipelines.sources import SourceError, TransientSourceError

    original = collect.read_from_checkpoint
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TransientSourceError("503 from the feed")
        return original(*args, **kwargs)

    monkeypatch.setattr(collect, "read_from_checkpoint", flaky)
    assert collect_flow("test-drop", world["sources"], 32)["added"] == N_POSTS
    assert calls["n"] == 2

    calls["n"] = 0

    def broken(*args, **kwargs):
        calls["n"] += 1
        raise SourceError("location not found")

    monkeypatch.setattr(collect, "read_from_checkpoint", broken)
    with pytest.raises(SourceError):
        collect_flow("test-drop", world["sources"], 32)
    assert calls["n"] == 1


def test_dask_task_runner_with_a_local_cluster(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect_dask import DaskTaskRunner

    from pipelines.flows.collect import collect_flow
    from pipelines.flows.runner import make_task_runner
    from pipelines.flows.score import run_score

    monkeypatch.setenv("SARING_TASK_RUNNER", "dask")
    monkeypatch.setenv("SARING_DASK_WORKERS", "1")
    monkeypatch.setenv("SARING_DASK_PROCESSES", "false")
    reset_settings()
    assert isinstance(make_task_runner(), DaskTaskRunner)
    collect_flow("test-drop", world["sources"], 20)
    stats = run_score(chunk_size=20)
    assert stats["chunks"] == 4 and stats["scored"] == N_POSTS
    assert _counts(world["url"])["scored"] == N_POSTS
    assert run_score(chunk_size=20)["posts"] == 0


def test_flows_on_postgresql(
    world: dict,
    fresh_postgres_db: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from factcheck_kb.operations import import_path
    from pipelines.flows.collect import collect_flow
    from pipelines.flows.score import run_score

    monkeypatch.setenv("SARING_DATABASE_URL", fresh_postgres_db)
    reset_settings()
    url = get_settings().resolved_database_url
    assert url.startswith("postgresql+psycopg://")
    init_db(url)
    import_path(DEMO / "kb_clarifications.jsonl", db_url=url, update_index=False)

    assert collect_flow("test-drop", world["sources"], 25)["added"] == N_POSTS
    assert run_score(chunk_size=25)["scored"] == N_POSTS
    first = _counts(url)
    assert first["posts"] == N_POSTS and first["quarantined"] == N_BAD and first["queue_items"] > 0
    assert collect_flow("test-drop", world["sources"], 25)["read"] == 0
    assert run_score(chunk_size=25)["posts"] == 0
    assert _counts(url) == first
    # the SQLite database of this test's home was not touched
    assert _counts(world["url"])["posts"] == 0


def test_served_deployments_have_a_cron_per_source(world: dict) -> None:
    from prefect import get_client

    from pipelines.flows.serve import build_deployments

    deployments = {d.name: d for d in build_deployments(world["sources"])}
    assert set(deployments) == {
        "collect-test-drop",
        "score",
        "retrain",
        "watch",
        "report-outbox",
        "report-digest",
        "report-retention",
    }
    assert [s.schedule.cron for s in deployments["report-outbox"].schedules] == ["*/2 * * * *"]
    collect = deployments["collect-test-drop"]
    assert collect.parameters == {
        "source": "test-drop",
        "sources_file": str(Path(world["sources"]).resolve()),
    }
    deployment_id = collect.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert [s.schedule.cron for s in stored.schedules] == ["*/15 * * * *"]
    assert [s.schedule.cron for s in deployments["score"].schedules] == [get_settings().score_cron]
    assert not deployments["watch"].schedules


def test_demo_flags_items_with_reasons_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness
) -> None:
    from pipelines.demo import run_demo

    monkeypatch.setenv("SARING_ENCODER_MODEL", ENCODER)
    reset_settings()
    report = run_demo(get_settings(), limit=10)
    # 239 demo posts, 6 of the fake-account source (issue 13), 6 image posts (issue 12)
    assert report.counts["posts"] == 239 + 6 + 6 and report.counts["quarantined"] == 5
    # issue 13: the look-alikes of the Bupati, the Pemkab and the Sekda are caught; the genuine Bapenda
    # notice, the ordinary mention and the citizen's warning are not
    caught = {row["author"] for row in report.impersonation}
    assert {"bupatl.kotabaru", "pemkab.kotabaru.official", "sekda_kotabaru_resmi"} <= caught
    assert not caught & {"bapenda.kotabaru", "info_kotabaru", "warga.sampanan"}
    assert report.accounts["added"] == 20
    assert report.ocr.startswith(("tesseract", "NOT AVAILABLE"))
    if report.ocr.startswith("tesseract"):  # issue 12: every image-only hoax lands on its fact check
        assert all(outcome["ok"] for outcome in report.image_posts.values()), report.image_posts
    assert report.classifier_version == "v1" and report.classifier_trained
    assert report.items and all(item.reasons for item in report.items)
    assert any(r.startswith("probabilitas hoaks") for r in report.items[0].reasons)
    again = run_demo(get_settings(), limit=10)
    assert again.counts == report.counts and not again.classifier_trained
    assert again.collected["demo-posts"]["added"] == 0 and again.scored["posts"] == 0
    assert again.accounts == {"added": 0, "updated": 0, "unchanged": 20}
    assert again.collected["demo-media-posts"]["added"] == 0
    json.dumps([item.reasons for item in again.items])  # plain data the CLI can print


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.calls: list[int] = []

    def encode(self, texts, **kwargs):
        self.calls.append(len(texts))
        return self.inner.encode(texts, **kwargs)


def test_a_chunk_is_encoded_once_for_matcher_and_classifier(kb_template: Path) -> None:
    from factcheck_kb.matcher import Matcher
    from models.classifier.demo import train_demo_model
    from pipelines.runtime import SharedEncoder, _encoder
    from pipelines.score import score_posts
    from pipelines.scoring import PostToScore

    real = _encoder(ENCODER)
    classifier, _ = train_demo_model(encoder=real, register=False)
    counting = CountingEncoder(real)
    shared = SharedEncoder(counting)
    matcher = Matcher.open(kb_template, encoder=shared)
    posts = []
    for number, line in enumerate((DEMO / "posts.jsonl").read_text(encoding="utf-8").splitlines()[:40]):
        try:
            post = json.loads(line)
        except ValueError:
            continue  # the demo's malformed lines
        if isinstance(post, dict) and isinstance(post.get("text"), str) and post["text"].strip():
            posts.append(PostToScore(post_id=number, text=post["text"], platform=post["platform"]))
    scored = score_posts(posts, shared, matcher, classifier, top_k=3)
    assert counting.calls == [len(posts)]  # one call, every post, shared by matcher and classifier
    assert all(s.hoax_probability is not None for s in scored)
    assert any(s.band == "auto" for s in scored)
