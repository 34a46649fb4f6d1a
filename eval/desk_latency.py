"""Desk response times with a full queue: queue page and item page p50/p95 on SQLite and PostgreSQL.

    python -m eval.desk_latency [--items 50000] [--db sqlite|postgres|both] [--requests 200]

Seeds the database in bulk (eval.desk_seed), logs in as a TRC officer and requests the pages in-process
through the ASGI app (FastAPI TestClient: routing, auth, database, templates; no network). Writes
eval/results/desk_latency.json. Target: p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from saring.config import PROJECT_ROOT, Settings, quiet_offline_environment

quiet_offline_environment()

from fastapi.testclient import TestClient  # noqa: E402

from desk.app import create_app  # noqa: E402
from desk.services.categories import CATEGORIES  # noqa: E402
from desk.services.routing import DEFAULT_SKPD  # noqa: E402
from desk.services.users import create_user  # noqa: E402
from desk.settings import KOTABARU_KECAMATAN, DeskSettings  # noqa: E402
from eval.desk_seed import PLATFORMS, seed_bulk  # noqa: E402
from eval.pg_cluster import PostgresUnavailable, server_version, throwaway_cluster  # noqa: E402
from saring.db import init_db  # noqa: E402
from saring.db.session import reset_engines, session_scope  # noqa: E402

log = logging.getLogger("eval.desk_latency")
RESULTS = PROJECT_ROOT / "eval" / "results" / "desk_latency.json"
TARGET_P95_MS = 200.0
PASSWORD = "Benchmark-Meja-TRC-2026"


def _quiet() -> None:
    for noisy in ("httpx", "httpx2", "alembic", "desk"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "max_ms": round(ordered[-1], 2),
    }


def _time(client: TestClient, urls: Callable[[], str], n: int) -> dict[str, float]:
    samples = []
    for _ in range(n):
        url = urls()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return percentiles(samples)


def measure(url: str, items: int, requests: int, seed: int = 11) -> dict:
    """Seed one database, then time the queue and item pages."""
    init_db(url)
    _quiet()
    started = time.perf_counter()
    with session_scope(url) as session:
        stats = seed_bulk(session, items)
        create_user(session, "bench.trc", PASSWORD, "trc", actor="bench")
        create_user(session, "bench.pic", PASSWORD, "pic", skpd_code="dinsos", actor="bench")
    seed_s = time.perf_counter() - started
    log.info("seeded %d items in %.1f s", stats.queue_items, seed_s)
    app = create_app(Settings(database_url=url), DeskSettings(route_interval_s=0), migrate=False)
    _quiet()
    rng = random.Random(seed)
    item_ids = list(range(1, stats.queue_items + 1))
    filters = [{"platform": p} for p in PLATFORMS] + [{"category": c} for c in CATEGORIES]
    filters += [{"kecamatan": k} for k in KOTABARU_KECAMATAN[:6]] + [{"skpd": s} for s in DEFAULT_SKPD]
    filters += [
        {"band": "auto"},
        {"band": "none"},
        {"status": "selesai"},
        {"status": "semua"},
        {"overdue": "1"},
        {"page": "20"},
        {"page": "200"},
        {"category": "bansos", "band": "suggest", "platform": "facebook"},
    ]

    def filtered() -> str:
        chosen = rng.choice(filters)
        return "/antrean?" + "&".join(f"{k}={v}" for k, v in chosen.items())

    results: dict[str, dict] = {}
    with TestClient(app) as client:
        for who in ("bench.trc", "bench.pic"):
            client.cookies.clear()
            page = client.get("/masuk")
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            client.post("/masuk", data={"username": who, "password": PASSWORD, "csrf_token": token})
            prefix = "trc" if who == "bench.trc" else "pic"
            _time(client, lambda: "/antrean", 5)  # warm caches and the connection pool
            results[f"{prefix}_queue_page"] = _time(client, lambda: "/antrean", requests)
            if prefix == "trc":
                results["trc_queue_page_filtered"] = _time(client, filtered, requests)
                results["trc_item_page"] = _time(client, lambda: f"/item/{rng.choice(item_ids)}", requests)
                results["trc_api_queue"] = _time(client, lambda: "/api/queue", requests)
    return {"seed": asdict(stats), "seed_seconds": round(seed_s, 1), "timings": results}


def _run_sqlite(items: int, requests: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="saring-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'desk.db'}"
        result = measure(url, items, requests)
        reset_engines()
    result["engine"] = f"SQLite {sqlite3.sqlite_version} (WAL, file on local disk)"
    return result


def _run_postgres(items: int, requests: int) -> dict:
    with ExitStack() as stack:
        url = stack.enter_context(throwaway_cluster())
        result = measure(url, items, requests)
        result["engine"] = f"PostgreSQL {server_version(url)} (local socket, fsync off)"
        reset_engines()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200, help="requests per page type")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    _quiet()
    os.environ.setdefault("SARING_HOME", tempfile.mkdtemp(prefix="saring-bench-home-"))
    report: dict = {
        "benchmark": "desk_latency",
        "items": args.items,
        "requests_per_page": args.requests,
        "target_p95_ms": TARGET_P95_MS,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "method": "in-process ASGI (FastAPI TestClient), logged-in TRC officer; PIC view too",
        "databases": {},
    }
    runs = {"sqlite": _run_sqlite, "postgres": _run_postgres}
    chosen = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for name in chosen:
        try:
            report["databases"][name] = runs[name](args.items, args.requests)
        except PostgresUnavailable as exc:
            print(f"SKIP {name}: {exc}")
            report["databases"][name] = {"skipped": str(exc)}
    passed = True
    for result in report["databases"].values():
        if "timings" not in result:
            continue
        seeded = result["seed"]["queue_items"]
        print(f"\n{result['engine']} — {seeded:,} queue items (seeded in {result['seed_seconds']} s)")
        for page, t in result["timings"].items():
            ok = t["p95_ms"] < TARGET_P95_MS
            passed &= ok
            print(
                f"  {page:26s} p50 {t['p50_ms']:7.1f} ms   p95 {t['p95_ms']:7.1f} ms   "
                f"p99 {t['p99_ms']:7.1f} ms   {'OK' if ok else 'OVER TARGET'}"
            )
    report["all_p95_under_target"] = passed
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
