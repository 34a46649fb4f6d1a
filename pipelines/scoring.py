"""Priority of a post for the TRC queue: likelihood (the judged match, hoax probability) times impact
(spread, recency, local relevance).

    priority   = likelihood × (0.5 + 0.5 × impact)                      in [0, 1]
    likelihood = max(match, hoax probability)                           is it a hoax?
    impact     = 0.40 spread + 0.25 recency + 0.35 local relevance      how much does it matter here?

With the match judge (models.judge), a match's value is its probability of being *the same claim, spread*:
P(same claim) × P(spreads); the hoax probability combines the classifier's text signal with it
(:func:`combined_hoax_probability`), and a post whose linked fact check it *refutes* (it reports the debunk)
is linked but never queued. Without a judge (an encoder it was not fitted for), the band values below apply.

====================  ======  =====================================================================
component             weight  value in [0, 1]
====================  ======  =====================================================================
match                 –       1.0 auto-linked to a known hoax; a suggestion 0.3–0.8, rising with its
                              score from the suggest to the auto threshold (0.6 when unknown); else 0
hoax probability      –       the active classifier's probability (none when no model exists)
spread                0.40    0.5 engagement (log scale, 5,000 weighted interactions = 1)
                              + 0.3 cluster size (log scale, 20 posts = 1) + 0.2 platforms (4 = 1)
recency               0.25    0.5 ** (age in hours / half-life), half-life 48 h by default
local relevance       0.35    most local name in the gazetteer: kabupaten 1.0, kecamatan 0.9, desa or
                              place 0.8, SKPD 0.6, agency or neighbour 0.4, province 0.3
====================  ======  =====================================================================

Likelihood decides whether a post matters at all; impact can at most halve it. So a viral, local but
harmless post (a festival, a weather notice) stays out of the queue, and among likely hoaxes the ones that
spread, are recent and name the kabupaten's places come first. Without a classifier the likelihood is the
match alone.

A post is queued when its priority reaches the threshold (0.40 by default), and always when any of its
matches is auto-linked to a known hoax.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipelines.gazetteer import DEFAULT_WEIGHTS, Gazetteer, Place, PlaceMention, parse_gazetteer

#: Weights of the impact components (they sum to 1).
WEIGHTS: dict[str, float] = {"spread": 0.40, "recency": 0.25, "local": 0.35}
#: The share of the priority that does not depend on impact: impact 0 halves a post's likelihood.
IMPACT_FLOOR = 0.5
DEFAULT_THRESHOLD = 0.40
BAND_VALUE = {"auto": 1.0, "suggest": 0.6, "none": 0.0}
#: KB verdicts that mark a claim as true: a match to such an item is not a match to a known hoax.
NOT_HOAX_VERDICTS = frozenset(
    {"benar", "fakta", "bukan_hoaks", "bukan hoaks", "valid", "true", "sahih", "akurat"}
)
ENGAGEMENT_REFERENCE = 5000.0
CLUSTER_REFERENCE = 20
PLATFORM_REFERENCE = 4
#: Citizen reports (/lapor, platform "aduan") in an issue: 10 reports close half of the gap to spread 1.
REPORT_REFERENCE = 10
REPORT_PLATFORM = "aduan"


# --- components ---------------------------------------------------------------------------------


def local_relevance(
    mentions: Sequence[PlaceMention], weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> float:
    """The weight of the most local kind named (kabupaten 1.0 … province 0.3), 0 when none."""
    return max((weights.get(m.place.kind, 0.3) for m in mentions), default=0.0)


def interactions(engagement: Mapping[str, int] | None) -> float:
    """Weighted interactions: shares count most, views least."""
    e = engagement or {}
    return (
        float(e.get("likes", 0) or 0)
        + 2.0 * float(e.get("comments", 0) or 0)
        + 3.0 * float(e.get("shares", 0) or 0)
        + float(e.get("views", 0) or 0) / 100.0
    )


def spread(engagement: Mapping[str, int] | None, cluster_size: int = 1, platform_count: int = 1) -> float:
    """Engagement at capture, issue-cluster size and number of platforms, on a log scale, in [0, 1]."""
    eng = min(1.0, math.log1p(interactions(engagement)) / math.log1p(ENGAGEMENT_REFERENCE))
    cluster = min(1.0, math.log(max(cluster_size, 1)) / math.log(CLUSTER_REFERENCE))
    platforms = min(1.0, max(platform_count - 1, 0) / (PLATFORM_REFERENCE - 1))
    return 0.5 * eng + 0.3 * cluster + 0.2 * platforms


def with_reports(spread_value: float, report_count: int) -> float:
    """Spread raised by the citizen reports of the issue: each report closes part of the gap to 1."""
    if report_count <= 0:
        return spread_value
    share = min(1.0, math.log1p(report_count) / math.log1p(REPORT_REFERENCE))
    return spread_value + (1.0 - spread_value) * 0.5 * share


def recency(posted_at: datetime | None, now: datetime, half_life_hours: float = 48.0) -> float:
    """1.0 for a post from now, halving every ``half_life_hours``; 0.5 when the time is unknown."""
    if posted_at is None:
        return 0.5
    if posted_at.tzinfo is None:
        posted_at = posted_at.replace(tzinfo=UTC)
    age_hours = max(0.0, (now - posted_at).total_seconds() / 3600.0)
    return 0.5 ** (age_hours / max(half_life_hours, 1e-6))


def is_known_hoax(verdict: str | None) -> bool:
    """A KB item is a known hoax unless its verdict says the claim is true (clarifications count)."""
    return (verdict or "").strip().lower() not in NOT_HOAX_VERDICTS


def match_value(
    band: str | None,
    known_hoax: bool,
    score: float | None = None,
    suggest_range: tuple[float, float] | None = None,
) -> float:
    """The match component of one match: 1.0 auto, 0.3–0.8 for a suggestion by where its score lies
    between the suggest and auto thresholds (``suggest_range``; 0.6 without them), 0 otherwise or when
    the matched item is not a known hoax."""
    if not known_hoax:
        return 0.0
    if band == "suggest" and score is not None and suggest_range is not None:
        low, high = suggest_range
        strength = (score - low) / (high - low) if high > low else 0.5
        return 0.3 + 0.5 * min(1.0, max(0.0, strength))
    return BAND_VALUE.get(band or "none", 0.0)


def judged_match_value(m: MatchRow) -> float:
    """A judged match's component: P(same claim) × P(spreads), 0 when the item is no known hoax."""
    return float(m.spreads_value or 0.0) if m.known_hoax else 0.0


def prior_shift(
    probability: float | None, trained_rate: float | None, live_rate: float | None
) -> float | None:
    """A probability calibrated where a share ``trained_rate`` were hoaxes, moved to ``live_rate``.

    The classifier learns from pools that are mostly hoaxes (74% in the shared data); a Pemda's stream is
    mostly not. Bayes' rule on the odds: odds_live = odds × (live / (1 − live)) / (trained / (1 − trained)).
    """
    if probability is None or not trained_rate or not live_rate:
        return probability
    p = min(max(float(probability), 1e-6), 1 - 1e-6)
    ratio = (live_rate / (1 - live_rate)) / (trained_rate / (1 - trained_rate))
    odds = p / (1 - p) * ratio
    return odds / (1 + odds)


def combined_hoax_probability(text_probability: float | None, matches: Sequence[MatchRow]) -> float | None:
    """One judgement of whether the post spreads a hoax, from the classifier's text signal and the judged
    matches: the post spreads a known hoax (s = best P(same) × P(spreads)), or its text reads as a hoax and
    it is not a report of a debunk (r = best P(same) × P(refutes)):

        p = 1 − (1 − s) × (1 − text × (1 − r))

    Unjudged matches leave the text signal as it is. None when there is neither.
    """
    judged = [m for m in matches if m.probability is not None and m.known_hoax]
    if not judged:
        return text_probability
    s = max(judged_match_value(m) for m in judged)
    r = max(float(m.refutes_value or 0.0) for m in judged)
    text = float(text_probability or 0.0)
    return 1.0 - (1.0 - s) * (1.0 - text * (1.0 - r))


def refuted_link(matches: Sequence[MatchRow]) -> MatchRow | None:
    """The linked known hoax that the post refutes (its best linked match, read as a debunk report)."""
    best = next((m for m in matches if m.known_hoax and m.band != "none"), None)
    return best if best is not None and best.stance == "refutes" else None


def likelihood(match_component: float, hoax_probability: float | None) -> float:
    """How likely the post spreads a hoax: the stronger of the match and the classifier."""
    return max(match_component, hoax_probability or 0.0)


def impact(components: Mapping[str, float], weights: Mapping[str, float] = WEIGHTS) -> float:
    """Weighted mean of spread, recency and local relevance, in [0, 1]."""
    total = sum(weights.values())
    return sum(w * float(components.get(k, 0.0)) for k, w in weights.items()) / total if total else 0.0


def priority(likely: float, impact_value: float, floor: float = IMPACT_FLOOR) -> float:
    """likelihood × (floor + (1 − floor) × impact), in [0, 1]."""
    return max(0.0, min(1.0, likely)) * (floor + (1.0 - floor) * max(0.0, min(1.0, impact_value)))


def should_queue(priority_value: float, auto_linked_hoax: bool, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """At or above the threshold, and always when auto-linked to a known hoax."""
    return auto_linked_hoax or priority_value >= threshold


# --- records ------------------------------------------------------------------------------------


@dataclass(slots=True)
class PostToScore:
    """What scoring needs of a stored post (including its issue cluster's spread)."""

    post_id: int
    text: str
    platform: str
    posted_at: datetime | None = None
    text_normalised: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    cluster_size: int = 1
    cluster_platforms: int = 1
    report_count: int = 0  # citizen reports in the issue cluster (issue 14)
    author_handle: str | None = None  # for the impersonation signals (issue 13)
    author_name: str | None = None
    image_hashes: tuple[str, ...] = ()  # perceptual hashes of the post's images (issue 12)
    image_files: tuple[str, ...] = ()  # the stored files of those images, for local features ("" unknown)


@dataclass(frozen=True, slots=True)
class KBInfo:
    """What scoring needs of a matched KB item."""

    verdict: str | None = None
    category: str | None = None
    title: str = ""


@dataclass(slots=True)
class MatchRow:
    """One match of a post to a KB item, as stored."""

    kb_id: str
    rank: int
    score: float
    band: str
    dense_score: float | None = None
    lexical_score: float | None = None
    known_hoax: bool = True
    #: the match judge's P(same claim) and P(spreads), stance and evidence (None without a judge)
    probability: float | None = None
    p_spreads: float | None = None
    stance: str | None = None
    evidence: dict | None = None
    judge_version: str | None = None

    @property
    def spreads_value(self) -> float | None:
        """P(same claim and the post spreads it), when judged."""
        if self.probability is None:
            return None
        return self.probability * (self.p_spreads if self.p_spreads is not None else 1.0)

    @property
    def refutes_value(self) -> float | None:
        """P(same claim and the post refutes it or reports its debunk), when judged."""
        if self.probability is None:
            return None
        return self.probability * (1.0 - (self.p_spreads if self.p_spreads is not None else 1.0))


@dataclass(slots=True)
class ScoredPost:
    """A post's scores, queue decision and the human-readable reasons."""

    post_id: int
    priority: float
    queue: bool
    components: dict[str, float | None]
    band: str
    matches: list[MatchRow] = field(default_factory=list)
    hoax_probability: float | None = None
    model_version: str | None = None
    reasons: list[str] = field(default_factory=list)
    kecamatan: str | None = None
    category: str | None = None
    stance: str = "unrelated"
    #: pipelines.impersonation.Impersonation when a registry was given (issue 13)
    impersonation: Any = None

    @property
    def best(self) -> MatchRow | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Knobs of the priority rule (from settings)."""

    threshold: float = DEFAULT_THRESHOLD
    half_life_hours: float = 48.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    impact_floor: float = IMPACT_FLOOR
    #: (suggest, auto) thresholds of the matcher's fused score, to grade suggestions; None: flat 0.6
    suggest_range: tuple[float, float] | None = None
    #: share of hoaxes among watched posts, for the classifier's prior shift (None: no shift)
    hoax_base_rate: float | None = None


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def _hours_ago(posted_at: datetime | None, now: datetime) -> str | None:
    if posted_at is None:
        return None
    if posted_at.tzinfo is None:
        posted_at = posted_at.replace(tzinfo=UTC)
    hours = (now - posted_at).total_seconds() / 3600.0
    if hours < 0:
        return None
    if hours < 1:
        return "kurang dari 1 jam lalu"
    if hours < 48:
        return f"{int(hours)} jam lalu"
    return f"{int(hours // 24)} hari lalu"


def score_one(
    post: PostToScore,
    matches: Sequence[MatchRow],
    hoax_probability: float | None,
    mentions: Sequence[PlaceMention],
    *,
    now: datetime,
    config: ScoringConfig = ScoringConfig(),  # noqa: B008
    model_version: str | None = None,
    kb_info: Mapping[str, KBInfo] | None = None,
    local_weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> ScoredPost:
    """Combine one post's signals into its priority, queue decision and reasons."""
    kb_info = kb_info or {}
    best = matches[0] if matches else None
    best_hoax = next((m for m in matches if m.known_hoax and m.band != "none"), None)
    match_c = max(
        (
            judged_match_value(m)
            if m.probability is not None
            else match_value(m.band, m.known_hoax, m.score, config.suggest_range)
            for m in matches
        ),
        default=0.0,
    )
    auto_hoax = any(m.band == "auto" and m.known_hoax for m in matches)
    refuted = refuted_link(matches)
    spread_c = with_reports(
        spread(post.engagement, post.cluster_size, post.cluster_platforms), post.report_count
    )
    recency_c = recency(post.posted_at, now, config.half_life_hours)
    local_c = local_relevance(mentions, local_weights)
    likely = likelihood(match_c, hoax_probability)
    impact_c = impact({"spread": spread_c, "recency": recency_c, "local": local_c}, config.weights)
    value = priority(likely, impact_c, config.impact_floor)
    # a post that reports a debunk is linked, not queued; a citizen's report is always looked at (the TRC
    # answers every reporter), whatever it says
    queued = (should_queue(value, auto_hoax, config.threshold) and refuted is None) or (
        post.platform == REPORT_PLATFORM
    )
    components: dict[str, float | None] = {
        "match": match_c,
        "hoax": hoax_probability,
        "likelihood": likely,
        "spread": spread_c,
        "recency": recency_c,
        "local": local_c,
        "impact": impact_c,
    }

    reasons: list[str] = []
    if refuted is not None:
        reasons.append(
            f"melaporkan bantahan: unggahan ini meneruskan klarifikasi cek fakta {refuted.kb_id} "
            f"(peluang menyebarkan {_fmt(refuted.p_spreads or 0.0)}), tidak masuk antrean"
        )
    for m in matches:
        if (m.evidence or {}).get("image_distance") is not None and m.known_hoax:
            from pipelines.image_matching import image_reason

            reasons.append(image_reason(m))
            if m.probability is None:
                continue
        if m.probability is not None:
            reasons.extend(_judged_reasons(m))
        elif m.band == "auto" and m.known_hoax:
            reasons.append(f"cocok otomatis dengan cek fakta {m.kb_id} (skor {_fmt(m.score)})")
        elif m.band == "suggest" and m.known_hoax:
            reasons.append(f"mirip cek fakta {m.kb_id} (skor {_fmt(m.score)}), perlu diperiksa")
    if hoax_probability is not None:
        reasons.append(f"probabilitas hoaks {_fmt(hoax_probability)}")
    for mention in mentions:
        reasons.append(f"menyebut {mention.place.label}")
    if post.cluster_size > 1:
        reasons.append(f"menyebar: {post.cluster_size} unggahan di {post.cluster_platforms} platform")
    if post.report_count:
        reasons.append(f"dilaporkan warga: {post.report_count} laporan")
    total = interactions(post.engagement)
    if total >= 100:
        reasons.append(f"interaksi tinggi: {int(total):,} interaksi berbobot".replace(",", "."))
    ago = _hours_ago(post.posted_at, now)
    if ago and recency_c >= 0.5:
        reasons.append(f"baru: diunggah {ago}")
    if queued and not auto_hoax:
        reasons.append(f"prioritas {_fmt(value)} ≥ ambang {_fmt(config.threshold)}")

    kecamatan = next((m.place.kecamatan for m in mentions if m.place.kecamatan), None)
    category_item = best_hoax or best
    category = kb_info.get(category_item.kb_id, KBInfo()).category if category_item else None
    return ScoredPost(
        post_id=post.post_id,
        priority=round(value, 6),
        queue=queued,
        components=components,
        band=best.band if best else "none",
        matches=list(matches),
        hoax_probability=hoax_probability,
        model_version=model_version,
        reasons=reasons,
        kecamatan=kecamatan,
        category=category,
        stance=_post_stance(matches),
    )


_STANCE_WORDS = {
    "spreads": "menyebarkan klaim",
    "refutes": "membantah / melaporkan bantahan",
    "unclear": "belum jelas",
}


def _post_stance(matches: Sequence[MatchRow]) -> str:
    """The post's stance toward its best linked fact check ('unrelated' when nothing is linked)."""
    best = next((m for m in matches if m.band != "none"), None)
    if best is None:
        return "unrelated"
    return best.stance or "unclear"


def _judged_reasons(m: MatchRow) -> list[str]:
    if not m.known_hoax or m.band == "none":
        return []
    how = "cocok otomatis dengan" if m.band == "auto" else "mungkin sama dengan"
    stance = _STANCE_WORDS.get(m.stance or "", "belum jelas")
    line = (
        f"{how} cek fakta {m.kb_id}: peluang klaim sama {_fmt(m.probability or 0.0)}, sikap {stance} "
        f"({_fmt(m.p_spreads if m.p_spreads is not None else 0.0)})"
    )
    ev = m.evidence or {}
    if ev:
        line += (
            f"; bukti: kosinus {_fmt(ev.get('cosine') or 0.0)}, {ev.get('shared_terms', 0)} kata sama "
            f"({int(round(100 * float(ev.get('coverage_post', 0.0))))}% kata unggahan)"
        )
        if ev.get("rare_shared"):
            line += f", {ev['rare_shared']} nama/kata khas sama"
        if ev.get("numbers_conflict"):
            line += f", {ev['numbers_conflict']} angka berbeda"
        if ev.get("denied_terms"):
            line += ", menyangkal kata klaim: " + ", ".join(f"«{w}»" for w in ev["denied_terms"])
    return [line + (", perlu diperiksa" if m.band == "suggest" else "")]


__all__ = [
    "DEFAULT_THRESHOLD",
    "IMPACT_FLOOR",
    "WEIGHTS",
    "Gazetteer",
    "KBInfo",
    "MatchRow",
    "Place",
    "PlaceMention",
    "PostToScore",
    "ScoredPost",
    "ScoringConfig",
    "combined_hoax_probability",
    "interactions",
    "impact",
    "is_known_hoax",
    "likelihood",
    "local_relevance",
    "match_value",
    "parse_gazetteer",
    "priority",
    "recency",
    "score_one",
    "should_queue",
    "spread",
    "with_reports",
]
