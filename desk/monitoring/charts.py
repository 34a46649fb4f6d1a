"""Server-side charts of the monitoring report (matplotlib, Agg) as SVG, sized to stay readable on a phone."""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from desk.monitoring.metrics import Report  # noqa: E402

BRAND = "#0B5C8A"
ACCENT = "#F2B705"
OK = "#1B7A3D"
BAD = "#B3261E"
GREY = "#9AA5B1"
INK = "#1D2430"
WIDTH = 4.6  # inches: narrow, so that on a phone (about 340 px) text still shows at about 11 px
_LOCK = threading.Lock()  # pyplot's state is global; pages render charts from worker threads
_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 11.5,
    "axes.titlesize": 12.5,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#C3CCD6",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.fonttype": "none",
    "svg.hashsalt": "saring",
}

STAGE_LABELS = {
    "flag": "Unggah → ditandai",
    "verdict": "Ditandai → putusan",
    "clarification": "Ditandai → klarifikasi",
}


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    """An <img src> value for an SVG (inline <svg> would fight the desk's style CSP)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colour: str = BRAND,
    value_format: str = "{:.0f}",
    xlabel: str = "",
) -> str:
    """Horizontal bars, largest first from the top, each with its value written beside it."""
    with _LOCK, plt.rc_context(_STYLE):
        height = 0.9 + 0.42 * max(len(labels), 1)
        fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH, height))
        if not labels:
            ax.text(0.5, 0.5, "Belum ada data", ha="center", va="center", color=GREY, transform=ax.transAxes)
            ax.set_axis_off()
        else:
            positions = list(range(len(labels)))[::-1]
            ax.barh(positions, values, color=colour, height=0.62)
            ax.set_yticks(positions, [_short(lab) for lab in labels])
            peak = max(values) if max(values) > 0 else 1
            for y, v in zip(positions, values, strict=True):
                ax.text(v + peak * 0.01, y, value_format.format(v), va="center", fontsize=10.5, color=INK)
            ax.set_xlim(0, peak * 1.18)
            ax.tick_params(axis="y", length=0)
            if value_format == "{:.0f}":
                ax.xaxis.get_major_locator().set_params(integer=True)
            if xlabel:
                ax.set_xlabel(xlabel)
        if title:
            ax.set_title(title, loc="left")
        return _svg(fig)


def funnel(report: Report) -> str:
    labels = ["Ditandai", "Diverifikasi TRC", "Terkonfirmasi hoaks", "Diklarifikasi"]
    values = [report.flagged, report.verified, report.hoax, report.clarified]
    return hbar("", labels, values)


def durations(report: Report) -> str:
    """Median and 90th percentile of each stage, in hours."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH, 2.9))
        stages = list(STAGE_LABELS)
        positions = list(range(len(stages)))[::-1]
        med = [report.durations[s].median_hours or 0 for s in stages]
        p90 = [report.durations[s].p90_hours or 0 for s in stages]
        ax.barh([p + 0.18 for p in positions], med, height=0.34, color=BRAND, label="Median")
        ax.barh([p - 0.18 for p in positions], p90, height=0.34, color=ACCENT, label="Persentil 90")
        peak = max([*med, *p90, 1])
        for p, m, n, s in zip(positions, med, p90, stages, strict=True):
            stats = report.durations[s]
            ax.text(m + peak * 0.01, p + 0.18, _hours(stats.median_hours), va="center", fontsize=10)
            ax.text(n + peak * 0.01, p - 0.18, _hours(stats.p90_hours), va="center", fontsize=10)
        ax.set_yticks(positions, [STAGE_LABELS[s] for s in stages])
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, peak * 1.25)
        ax.set_xlabel("jam")
        fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=9.5)
        return _svg(fig)


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} j" if value < 48 else f"{value / 24:.1f} hr"


def bands(report: Report) -> str:
    labels = [f"{'Otomatis' if b.band == 'auto' else 'Saran'} (n={b.reviewed})" for b in report.bands]
    values = [(b.share or 0) * 100 for b in report.bands]
    return hbar("", labels, values, colour=OK, value_format="{:.0f}%", xlabel="% dikonfirmasi")


def deadlines(report: Report) -> str:
    """Per SKPD: follow-ups done on time, late or missed, and still within the deadline."""
    with _LOCK, plt.rc_context(_STYLE):
        rows = report.deadlines
        fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH, 1.0 + 0.45 * max(len(rows), 1)))
        if not rows:
            ax.text(
                0.5, 0.5, "Belum ada penugasan", ha="center", va="center", color=GREY, transform=ax.transAxes
            )
            ax.set_axis_off()
        else:
            positions = list(range(len(rows)))[::-1]
            met = [r.met for r in rows]
            missed = [r.missed for r in rows]
            pending = [r.pending for r in rows]
            ax.barh(positions, met, color=OK, height=0.6, label="Tepat waktu")
            ax.barh(positions, missed, left=met, color=BAD, height=0.6, label="Terlambat")
            ax.barh(
                positions,
                pending,
                left=[a + b for a, b in zip(met, missed, strict=True)],
                color=GREY,
                height=0.6,
                label="Belum jatuh tempo",
            )
            ax.set_yticks(positions, [_short(r.skpd) for r in rows])
            ax.tick_params(axis="y", length=0)
            ax.xaxis.get_major_locator().set_params(integer=True)
            fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=9.5)
        return _svg(fig)


def reach(report: Report) -> str:
    """Each clarification's reach beside the hoax posts' views."""
    with _LOCK, plt.rc_context(_STYLE):
        rows = report.reach[:12]
        fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH, 1.0 + 0.62 * max(len(rows), 1)))
        if not rows:
            ax.text(
                0.5,
                0.5,
                "Belum ada klarifikasi terbit",
                ha="center",
                va="center",
                color=GREY,
                transform=ax.transAxes,
            )
            ax.set_axis_off()
        else:
            positions = list(range(len(rows)))[::-1]
            hoax = [r.hoax_reach for r in rows]
            clar = [r.reach or 0 for r in rows]
            ax.barh([p + 0.18 for p in positions], hoax, height=0.34, color=BAD, label="Hoaks (tayangan)")
            ax.barh(
                [p - 0.18 for p in positions], clar, height=0.34, color=BRAND, label="Klarifikasi (jangkauan)"
            )
            ax.set_yticks(positions, [_short(f"#{r.clarification_id} {r.title}", 26) for r in rows])
            ax.tick_params(axis="y", length=0)
            fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=9.5)
        return _svg(fig)


def daily(report: Report) -> str:
    """Items flagged, verified and clarified per day."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(layout="constrained", figsize=(WIDTH, 3.0))
        days = [d for d, *_ in report.daily]
        for index, (label, colour) in enumerate(
            (("Ditandai", BRAND), ("Diverifikasi", ACCENT), ("Diklarifikasi", OK)), start=1
        ):
            ax.plot(
                days,
                [row[index] for row in report.daily],
                marker="o",
                markersize=3.5,
                color=colour,
                label=label,
                linewidth=2,
            )
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(DateFormatter("%d/%m"))
        fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=9.5)
        return _svg(fig)


def all_charts(report: Report, volume_titles: dict[str, str] | list[str]) -> dict[str, str]:
    """Every chart of the report, as data URIs, by name."""
    charts = {
        "funnel": funnel(report),
        "durations": durations(report),
        "daily": daily(report),
        "bands": bands(report),
        "deadlines": deadlines(report),
        "reach": reach(report),
    }
    for dimension in volume_titles:
        rows = report.volumes.get(dimension, [])[:10]
        charts[f"volume_{dimension}"] = hbar("", [k for k, _ in rows], [v for _, v in rows])
    return {name: data_uri(svg) for name, svg in charts.items()}
