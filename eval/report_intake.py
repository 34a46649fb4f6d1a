"""Citizen reports end to end: N reports of H hoaxes through the /lapor HTTP form into issue clusters.

    python -m eval.report_intake [--reports 1000] [--hoaxes 50] [--concurrency 4] [--round 100]

Starts the desk with uvicorn on a free 127.0.0.1 port (loopback only, nothing else is reached) over a
fresh SQLite home, and submits reports the way a phone does: GET /lapor (CSRF cookie and token), then a
multipart POST. The hoaxes are the first H claims of the self-written demo KB
(pipelines/demo_data/kb_clarifications.jsonl); each report frames its hoax as citizens do (a question
around it, a cut copy, the link alone, a screenshot with a few words). Every ``--round`` reports the
report grouping step (``pipelines.report_clusters.group_reports``, the first step of the score flow
and of the report-outbox flow) puts the new reports into issues. Prints reports/s, form latency
p50/p95 and the clusters, and writes eval/results/report_intake.json. Target: one cluster per hoax.
The per-address rate limit is raised for the run (every report comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from saring.config import PROJECT_ROOT, quiet_offline_environment

quiet_offline_environment()

log = logging.getLogger("eval.report_intake")
RESULTS = PROJECT_ROOT / "eval" / "results" / "report_intake.json"
DEMO_KB = PROJECT_ROOT / "pipelines" / "demo_data" / "kb_clarifications.jsonl"
FRAMES = [
    ("", ""),
    ("Tolong dicek, ini hoaks atau bukan? ", ""),
    ("Dapat dari grup WA keluarga: ", ""),
    ("Min, benarkah info ini? ", " Mohon penjelasannya."),
    ("", " Sudah banyak yang percaya di kampung kami."),
    ("Ramai di Facebook: ", ""),
]
PLATFORMS = ["whatsapp", "facebook", "tiktok", "instagram", "x"]


def hoaxes(n: int) -> list[tuple[str, str]]:
    """(claim, link) of the first n demo claims of 12 words or more."""
    out = []
    for line in DEMO_KB.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        claim = " ".join(record.get("claim_text", "").split())
        if len(claim.split()) >= 12:
            out.append((claim, f"https://www.facebook.com/share/p/{record['kb_id']}-{len(out)}"))
        if len(out) == n:
            return out
    raise SystemExit(f"the demo KB has only {len(out)} claims of 12+ words")


def _png(seed: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 240), (seed * 37 % 256, seed * 91 % 256, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def make_report(rng: random.Random, hoax: int, claim: str, link: str) -> tuple[dict, bytes | None]:
    """The form fields of one citizen's report of a hoax."""
    kind = rng.random()
    fields = {"platform": rng.choice(PLATFORMS), "seen_on": date.today().isoformat()}
    if kind < 0.10:
        return {**fields, "link": link}, None  # the link alone
    words = claim.split()
    if kind < 0.25:
        words = words[: max(12, int(len(words) * 0.85))]  # a cut copy
    prefix, suffix = rng.choice(FRAMES)
    text = prefix + " ".join(words) + suffix
    if rng.random() < 0.3:
        text = text.lower()
    fields["text"] = text
    if rng.random() < 0.5:
        fields["link"] = link
    if rng.random() < 0.3:
        fields["answer_channel"], fields["contact"], fields["consent"] = (
            "email",
            f"warga{hoax}@contoh.id",
            "ya",
        )
    return fields, (_png(hoax) if kind > 0.85 else None)


class _Server:
    def __init__(self, app) -> None:  # noqa: ANN001
        import socket

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _submit(base: str, fields: dict, png: bytes | None) -> tuple[float, float, str]:
    import httpx

    with httpx.Client(base_url=base, timeout=60) as client:
        started = time.perf_counter()
        page = client.get("/lapor")
        got = time.perf_counter()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        files = {"screenshot": ("layar.png", png, "image/png")} if png else None
        response = client.post("/lapor", data={"csrf_token": token, **fields}, files=files)
        done = time.perf_counter()
    if response.status_code != 303:
        raise RuntimeError(f"report refused ({response.status_code}): {response.text[:300]}")
    return got - started, done - got, response.headers["location"].split("/")[-1].split("?")[0]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _cluster_new(url: str) -> float:
    """What the report-outbox flow runs first: every new report into an issue (pipelines.report_clusters)."""
    from pipelines.report_clusters import group_reports

    started = time.perf_counter()
    group_reports(url)
    return time.perf_counter() - started


def run(n_reports: int, n_hoaxes: int, concurrency: int, round_size: int, home: Path) -> dict:
    os.environ["SARING_HOME"] = str(home)
    os.environ["SARING_REPORT_MAX_PER_IP_HOUR"] = str(n_reports + 1)
    os.environ["SARING_REPORT_MAX_PER_CONTACT_DAY"] = str(n_reports + 1)
    os.environ["SARING_REPORT_SCREENSHOT_DIR"] = str(home / "shots")
    from sqlalchemy import select

    from desk.app import create_app
    from desk.reports.settings import reset_report_settings
    from desk.settings import DeskSettings
    from saring.config import Settings
    from saring.db import session_scope
    from saring.db.tables.core import Post
    from saring.db.tables.reports import CitizenReport

    reset_report_settings()
    settings = Settings(home=home)
    url = settings.resolved_database_url
    app = create_app(settings, DeskSettings(route_interval_s=0))
    rng = random.Random(14)
    claims = hoaxes(n_hoaxes)
    plan = [(i % n_hoaxes, *make_report(rng, i % n_hoaxes, *claims[i % n_hoaxes])) for i in range(n_reports)]
    rng.shuffle(plan)
    get_s, post_s, hoax_of, cluster_s = [], [], {}, 0.0
    with _Server(app) as base, ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        for start in range(0, n_reports, round_size):
            batch = plan[start : start + round_size]
            for (hoax, _, _), (g, p, code) in zip(
                batch, pool.map(lambda r: _submit(base, r[1], r[2]), batch), strict=True
            ):
                get_s.append(g)
                post_s.append(p)
                hoax_of[code] = hoax
            cluster_s += _cluster_new(url)
        wall = time.perf_counter() - started
    with session_scope(url) as session:
        rows = session.execute(
            select(CitizenReport.tracking_code, Post.cluster_id).join(Post, Post.id == CitizenReport.post_id)
        ).all()
    clusters_of = defaultdict(set)
    hoaxes_in = defaultdict(set)
    for code, cluster_id in rows:
        clusters_of[hoax_of[code]].add(cluster_id)
        hoaxes_in[cluster_id].add(hoax_of[code])
    sizes = Counter(cluster_id for _, cluster_id in rows)
    submit_wall = wall - cluster_s
    return {
        "reports": len(rows),
        "hoaxes": n_hoaxes,
        "concurrency": concurrency,
        "round_size": round_size,
        "reports_per_s_form": round(len(rows) / submit_wall, 1),
        "reports_per_s_end_to_end": round(len(rows) / wall, 1),
        "form_post_ms": {
            "p50": round(statistics.median(post_s) * 1000, 1),
            "p95": round(_percentile(post_s, 95) * 1000, 1),
        },
        "form_get_ms": {
            "p50": round(statistics.median(get_s) * 1000, 1),
            "p95": round(_percentile(get_s, 95) * 1000, 1),
        },
        "clustering_seconds": round(cluster_s, 2),
        "clusters": len(sizes),
        "clusters_per_hoax": dict(sorted(Counter(len(c) for c in clusters_of.values()).items())),
        "hoaxes_in_one_cluster": sum(1 for c in clusters_of.values() if len(c) == 1),
        "clusters_mixing_hoaxes": sum(1 for h in hoaxes_in.values() if len(h) > 1),
        "unclustered": sum(1 for _, c in rows if c is None),
        "machine": {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--hoaxes", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--round", type=int, default=100, help="Reports between two clustering runs")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "desk", "pipelines"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="saring-report-bench-") as tmp:
        result = run(args.reports, args.hoaxes, args.concurrency, args.round, Path(tmp))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    log.info(
        "%d reports of %d hoaxes: %.1f reports/s through the form (%.1f/s with clustering), "
        "POST p50 %.1f ms p95 %.1f ms; %d clusters (%d hoaxes in exactly one, %d clusters mixing hoaxes, "
        "clusters per hoax %s)",
        result["reports"],
        result["hoaxes"],
        result["reports_per_s_form"],
        result["reports_per_s_end_to_end"],
        result["form_post_ms"]["p50"],
        result["form_post_ms"]["p95"],
        result["clusters"],
        result["hoaxes_in_one_cluster"],
        result["clusters_mixing_hoaxes"],
        result["clusters_per_hoax"],
    )
    log.info("wrote %s", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
