"""Throughput of the whole flow (watch = collect + score) against the bare encoder on the same texts.

    python -m eval.flow_throughput [--n 10000] [--encoder use-multilingual] [--chunk-size 256] [--workers 2]

Generates N synthetic posts (scripts/generate_posts.py, seeded) into a drop folder, builds the demo KB index
with the chosen encoder, trains the demo classifier on the same encoder (so it reuses the flow's vectors),
then times one watch run from raw JSONL to queue items: posts/s end to end and per stage (normalise, cluster,
embed, match, classify, prioritise, write), peak memory (RSS of this process, sampled; and of the Prefect
server it started), and the ratio of the end-to-end rate to the bare encoder's rate on the texts the flow
embeds. The flow encodes each distinct text once (a third of the synthetic posts repeat another's text), so
the bare encoder runs on the distinct texts only, with its vector cache off: the ratio measures the flow's
own overhead. Prefect's temporary server is started before the clock starts (a warm-up flow) and reported
apart.
On a shared machine wall-clock rates swing with other load, so CPU seconds per post (this process plus the
Prefect server, against the bare encoder's) are reported too.
Everything runs in a temporary SARING_HOME; writes eval/results/flow_throughput[-<tag>].json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
STAGES = ("read", "normalise", "cluster", "load", "embed", "match", "classify", "prioritise", "write")


class PeakMemory:
    """Peak RSS of this process and of its children, sampled in a background thread."""

    def __init__(self, interval: float = 0.2):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak_self = self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        self.peak_self = max(self.peak_self, self.process.memory_info().rss)
        children = 0
        for child in self.process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except Exception:  # noqa: BLE001 - a child may exit while sampled
                continue
        self.peak_children = max(self.peak_children, children)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def _generate(n: int, seed: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("generate_posts", ROOT / "scripts" / "generate_posts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(n, seed)


def _setup_environment(home: Path, args: argparse.Namespace) -> None:
    os.environ["SARING_HOME"] = str(home / "saring")
    os.environ.setdefault("PREFECT_HOME", str(home / "prefect"))
    os.environ["SARING_ENCODER_MODEL"] = args.encoder
    os.environ["SARING_TASK_RUNNER"] = args.runner
    os.environ["SARING_FLOW_CHUNK_SIZE"] = str(args.chunk_size)
    os.environ["SARING_FLOW_MAX_WORKERS"] = str(args.workers)
    os.environ.pop("SARING_DATABASE_URL", None) if not args.database_url else None
    if args.database_url:
        os.environ["SARING_DATABASE_URL"] = args.database_url
    from saring.config import quiet_offline_environment, reset_settings

    quiet_offline_environment()
    reset_settings()


def _prepare(home: Path, posts: list[dict], args: argparse.Namespace, say) -> dict:
    """Drop folder, sources file, KB index (+ calibration) and the demo classifier; not timed as flow."""
    from factcheck_kb.operations import calibrate_index, import_path
    from models.classifier.demo import train_demo_model
    from pipelines.demo_data import demo_path
    from pipelines.runtime import _encoder
    from saring.config import get_settings
    from saring.db import init_db

    settings = get_settings()
    settings.ensure_dirs()
    url = settings.resolved_database_url
    init_db(url)
    drop = home / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    with (drop / "posts.jsonl").open("w", encoding="utf-8") as handle:
        for post in posts:
            handle.write(json.dumps(post, ensure_ascii=False) + "\n")
    sources = home / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: synthetic\n    kind: jsonl_drop\n    location: drop/posts.jsonl\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    encoder = _encoder(args.encoder)
    say(f"encoder {encoder.model_id} loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    import_path(
        demo_path("kb_clarifications.jsonl"), db_url=url, index_dir=settings.index_dir, encoder=encoder
    )
    calibrate_index(demo_path("labelled_pairs.jsonl"), index_dir=settings.index_dir, encoder=encoder)
    say(f"demo KB indexed and calibrated in {time.perf_counter() - started:.1f} s")
    classifier = None
    if not args.no_classifier:
        started = time.perf_counter()
        _model, info = train_demo_model(encoder=encoder, db_url=url)
        classifier = info.version if info else None
        say(f"demo classifier {classifier} trained in {time.perf_counter() - started:.1f} s")
    return {"url": url, "sources": str(sources), "classifier": classifier}


def _warm_prefect() -> float:
    """Start Prefect's temporary server (or reach the configured one) before the clock starts."""
    from prefect import flow

    @flow(name="warm-up")
    def warm_up() -> int:
        return 1

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def _cpu_seconds(children: bool = False) -> float:
    """User + system CPU seconds of this process (or of its live children: the Prefect server)."""
    import psutil

    process = psutil.Process()
    if not children:
        times = process.cpu_times()
        return times.user + times.system
    total = 0.0
    for child in process.children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except Exception:  # noqa: BLE001 - a child may exit while read
            continue
    return total


def _bare_encoder(texts: list[str], args: argparse.Namespace) -> dict:
    """The encoder alone on the same texts, in the same chunks as the flow and with as many chunks at once
    (``--workers`` threads, as the thread runner runs them): what the flow could do if it only encoded.

    ``--bare-mode whole`` times one ``encode`` call over all the texts in the main thread instead.
    """
    import random
    from concurrent.futures import ThreadPoolExecutor

    from pipelines.runtime import _encoder

    all_texts = len(texts)
    texts = list(dict.fromkeys(texts))  # the flow encodes each distinct text once; so does the baseline
    distinct = len(texts)
    if args.bare_sample and args.bare_sample < len(texts):
        texts = random.Random(args.seed).sample(texts, args.bare_sample)
    encoder = _encoder(args.encoder)

    def encode(part: list[str]):
        return encoder.encode(part, kind="query", use_cache=False)  # the model, not the cache

    chunks = [texts[start : start + args.chunk_size] for start in range(0, len(texts), args.chunk_size)]
    streams = 1 if args.bare_mode == "whole" or args.runner != "thread" else max(1, args.workers)
    encode(texts[:64])  # warm
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    if args.bare_mode == "whole":
        encode(texts)
    else:
        with ThreadPoolExecutor(max_workers=streams) as pool:
            list(pool.map(encode, chunks))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    return {
        "mode": args.bare_mode,
        "concurrent_chunks": streams,
        "flow_texts": all_texts,
        "distinct_texts": distinct,
        "texts": len(texts),
        "seconds": round(seconds, 3),
        "posts_per_s": round(len(texts) / seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_post": round(1000 * cpu / len(texts), 3),
    }


def _variant(name: str) -> str:
    from pipelines.runtime import _encoder

    return str(getattr(_encoder(name), "variant", "?"))


def _flow_texts(posts: list[dict]) -> list[str]:
    """What the flow embeds for each post: the matcher's query text (its cleaned query, else the post)."""
    from factcheck_kb.matcher import Matcher
    from pipelines.runtime import _encoder
    from pipelines.score import query_texts
    from saring.config import get_settings

    settings = get_settings()
    matcher = Matcher.open(settings.index_dir, encoder=_encoder(settings.encoder_model))
    return query_texts(matcher, [p["text"] for p in posts])


def run(args: argparse.Namespace) -> dict:
    say = (lambda m: None) if args.quiet else (lambda m: print(f"[flow_throughput] {m}", flush=True))
    home = Path(tempfile.mkdtemp(prefix="saring-flowbench-"))
    try:
        _setup_environment(home, args)
        posts = _generate(args.n, args.seed)
        say(f"{len(posts)} synthetic posts generated in {home}")
        setup = _prepare(home, posts, args, say)
        texts = _flow_texts(posts)

        bare_before = None
        if args.bare in ("before", "both"):
            say("timing the bare encoder on the same texts")
            bare_before = _bare_encoder(texts, args)
            say(f"bare encoder: {bare_before['posts_per_s']} posts/s")
        startup = _warm_prefect()
        say(f"Prefect server ready in {startup:.1f} s (not counted)")

        from pipelines import store
        from pipelines.flows.watch import watch_flow
        from saring.db import session_scope

        say("running the watch flow")
        with PeakMemory() as memory:
            started, cpu_started, server_started = time.perf_counter(), _cpu_seconds(), _cpu_seconds(True)
            stats = watch_flow(setup["sources"], args.chunk_size)
            wall = time.perf_counter() - started
            cpu, server_cpu = _cpu_seconds() - cpu_started, _cpu_seconds(True) - server_started
        with session_scope(setup["url"]) as session:
            counts = store.counts(session)
        bare_after = None
        if args.bare in ("after", "both"):
            say("timing the bare encoder again")
            bare_after = _bare_encoder(texts, args)
        bare_runs = [b for b in (bare_before, bare_after) if b]
        bare_rate = sum(b["posts_per_s"] for b in bare_runs) / len(bare_runs)
        bare_cpu = sum(b["cpu_ms_per_post"] for b in bare_runs) / len(bare_runs)
        flow_cpu = 1000 * (cpu + server_cpu) / args.n

        collected = stats["collected"]["synthetic"]
        scored = stats["scored"]
        seconds: dict[str, float] = {}
        for part in (collected.get("seconds", {}), scored.get("seconds", {})):
            for stage, spent in part.items():
                seconds[stage] = seconds.get(stage, 0.0) + spent
        stages = {
            stage: {"seconds": round(seconds[stage], 3), "posts_per_s": round(args.n / seconds[stage], 1)}
            for stage in STAGES
            if seconds.get(stage)
        }
        e2e_rate = args.n / wall
        distinct = (bare_runs[0]["distinct_texts"] if bare_runs else args.n) or args.n
        # the bare rate is per distinct text; the flow's per post: compare like with like
        e2e_distinct_rate = distinct / wall
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "n_posts": args.n,
            "encoder": args.encoder,
            "encoder_variant": _variant(args.encoder),
            "classifier": setup["classifier"],
            "chunk_size": args.chunk_size,
            "task_runner": args.runner,
            "flow_max_workers": args.workers,
            "database": "postgresql" if args.database_url else "sqlite",
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "end_to_end": {"seconds": round(wall, 2), "posts_per_s": round(e2e_rate, 2)},
            "stages": stages,
            "stage_seconds_sum": round(sum(v["seconds"] for v in stages.values()), 2),
            "embed_share_of_stage_time": round(
                stages.get("embed", {}).get("seconds", 0.0)
                / max(1e-9, sum(v["seconds"] for v in stages.values())),
                3,
            ),
            "bare_encoder": {"before": bare_before, "after": bare_after, "posts_per_s": round(bare_rate, 2)},
            "distinct_texts": distinct,
            "end_to_end_distinct_texts_per_s": round(e2e_distinct_rate, 2),
            "ratio_end_to_end_to_encoder": round(e2e_distinct_rate / bare_rate, 3),
            "ratio_note": "distinct texts per second of the flow / of the bare encoder on those texts",
            "cpu": {
                "flow_ms_per_post": round(flow_cpu, 3),
                "flow_process_seconds": round(cpu, 2),
                "prefect_server_seconds": round(server_cpu, 2),
                "bare_encoder_ms_per_post": round(bare_cpu, 3),
                "ratio_encoder_to_flow": round(bare_cpu / flow_cpu, 3),
            },
            "target_ratio": 0.95,
            "peak_rss_mb": round(memory.peak_self / 2**20, 1),
            "peak_rss_prefect_server_mb": round(memory.peak_children / 2**20, 1),
            "prefect_startup_seconds": round(startup, 1),
            "counts": counts,
            "collected": {k: v for k, v in collected.items() if k != "seconds"},
            "scored": {k: v for k, v in scored.items() if k != "seconds"},
        }
        return result
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept {home}", file=sys.stderr)


def _print(result: dict) -> None:
    e2e = result["end_to_end"]
    print(
        f"\nflow throughput: {result['n_posts']} posts, encoder {result['encoder']}, "
        f"chunk {result['chunk_size']}, runner {result['task_runner']}, classifier {result['classifier']}"
    )
    print(f"  end to end      {e2e['seconds']:>9.2f} s  {e2e['posts_per_s']:>9.1f} posts/s")
    for stage, value in result["stages"].items():
        print(f"  {stage:<15} {value['seconds']:>9.2f} s  {value['posts_per_s']:>9.1f} posts/s")
    bare = result["bare_encoder"]["posts_per_s"]
    print(f"  bare encoder    {'':>9}    {bare:>9.1f} posts/s")
    ratio = result["ratio_end_to_end_to_encoder"]
    print(f"  ratio end-to-end / encoder: {ratio:.3f} (distinct texts; target >= 0.95)")
    cpu = result["cpu"]
    print(
        f"  CPU per post: flow {cpu['flow_ms_per_post']:.2f} ms (Prefect server "
        f"{cpu['prefect_server_seconds']} s in all), bare encoder {cpu['bare_encoder_ms_per_post']:.2f} ms; "
        f"ratio {cpu['ratio_encoder_to_flow']:.3f}"
    )
    print(f"  encoder share of the stage time: {result['embed_share_of_stage_time']:.3f}")
    print(
        f"  peak RSS {result['peak_rss_mb']} MB (Prefect server {result['peak_rss_prefect_server_mb']} MB); "
        f"Prefect start-up {result['prefect_startup_seconds']} s (not counted)"
    )
    print(f"  counts {result['counts']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Throughput of the watch flow vs the bare encoder.")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--encoder",
        default=None,
        help="encoder name or folder (default: the product's, SARING_ENCODER_MODEL; e.g. use-multilingual)",
    )
    parser.add_argument("--chunk-size", type=int, default=256)
    parser.add_argument("--runner", default="thread", choices=("thread", "dask"))
    parser.add_argument("--workers", type=int, default=2, help="thread runner: concurrent chunk tasks")
    parser.add_argument("--bare", default="both", choices=("before", "after", "both"))
    parser.add_argument(
        "--bare-sample", type=int, default=0, help="time the bare encoder on this many of the texts (0: all)"
    )
    parser.add_argument(
        "--bare-mode",
        default="chunked",
        choices=("chunked", "whole"),
        help="bare encoder in the flow's chunks in a worker thread (default), or one call over all texts",
    )
    parser.add_argument("--no-classifier", action="store_true")
    parser.add_argument("--database-url", default=None, help="e.g. a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument("--output", type=Path, default=None, help="results file (default: from --tag)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.encoder is None:
        from saring.config import get_settings

        args.encoder = get_settings().encoder_model
    result = run(args)
    _print(result)
    out = args.output or RESULTS / (
        f"flow_throughput-{args.tag}.json" if args.tag else "flow_throughput.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
