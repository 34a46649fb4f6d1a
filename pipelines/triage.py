"""Triage a file of posts without storing anything: the score flow's judgement, one line per post.

The same library functions as the score flow, in the same order: each line is read as the drop-folder
connector reads a post (:func:`pipelines.sources.drop_folder.parse_post`), normalised as collection does
(:func:`pipelines.collect.prepare_text`), clustered into issues with the same near-duplicate index (within
the file), then :func:`pipelines.score.analyse_posts` and :func:`pipelines.score.prioritise_posts` against
the installed KB index, match judge and classifier (:func:`pipelines.runtime.load_context`). The queue is
not touched.

Output per post (a stable contract)::

    {"id", "queued", "priority", "hoax_probability", "stance": "spreads"|"refutes"|"unrelated"|"unclear",
     "matches": [{"kb_id", "probability", "band"}], "reasons": [...],
     "impersonation": {"probability", "imitates": {"skpd", "platform", "handle", "label"} | null,
                       "signals": [{"code", "value", "reason", "evidence"}]},
     "ocr_text": "…"|null, "media_errors": [...],
     "image_matches": [{"kb_id", "distance", "method", "inliers", "agreement"}]}

``impersonation`` is judged against the registry of official accounts (the database's, or a registry file);
its probability is null when there is no registry.

A line may carry ``media`` as the drop folder reads it (``[{"path": …}]`` relative to the input file, or
``{"url": …}``, fetched only with ``fetch_media``): the images are stored under SARING_HOME, read (OCR) and
hashed; their text is judged with the post's, their hashes are matched to the KB's images.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from factcheck_kb.records import RowError
from pipelines.records import PostRecord
from pipelines.scoring import PostToScore, ScoredPost

log = logging.getLogger(__name__)
BATCH = 256
SOURCE = "triage"


@dataclass(slots=True)
class TriageReport:
    read: int = 0
    written: int = 0
    queued: int = 0
    impersonation: int = 0  # posts flagged as impersonation
    stances: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def iter_records(
    path: Path, errors: list[RowError], tz=UTC, *, fetch_media: bool = False
) -> Iterator[PostRecord]:
    """Post records of a JSONL file; a bad line goes to ``errors`` (file:line: reason), the rest go on."""
    from factcheck_kb.match_io import json_lines
    from pipelines.sources.base import RecordError
    from pipelines.sources.drop_folder import parse_post

    for line_no, obj in json_lines(path, errors):
        try:  # posted_at is optional here: an undated post gets the neutral recency of an unknown time
            yield parse_post(
                obj,
                source_name=SOURCE,
                tz=tz,
                date_required=False,
                base_dir=Path(path).parent,
                options={"fetch_media": fetch_media},
            )
        except (RecordError, ValueError, TypeError) as exc:
            errors.append(RowError(str(path), line_no, str(exc)))


def posts_to_score(records: Sequence[PostRecord]) -> list[PostToScore]:
    """The records as the score flow sees stored posts: normalised, with their issue cluster's spread
    (clusters of near-duplicates within the batch, by the collection's dedup index)."""
    from pipelines.collect import prepare_text
    from pipelines.dedup import DedupIndex
    from pipelines.impersonation import display_name_of
    from pipelines.post_media import analysis_text
    from pipelines.store import image_index, media_path
    from saring.config import get_settings

    texts = [analysis_text(r) for r in records]
    prepared = [prepare_text(text)[0] for text in texts]
    index, images = DedupIndex(), image_index()
    max_distance = get_settings().image_match_max_distance
    clusters = []
    for i, (r, text) in enumerate(zip(records, prepared, strict=True)):
        hashes = [image.phash for image in r.images]
        files = [media_path(image.relpath) for image in r.images]
        hit = images.nearest(hashes, max_distance, files) if hashes else []
        # a re-post of the same picture joins the picture's issue, whatever its caption
        cluster = hit[0].key if hit else index.assign(str(i), text or texts[i]).cluster_id
        for value, path in zip(hashes, files, strict=True):
            images.add(cluster, value, path)
        clusters.append(cluster)
    size: dict[str, int] = {}
    platforms: dict[str, set[str]] = {}
    for record, cluster in zip(records, clusters, strict=True):
        size[cluster] = size.get(cluster, 0) + 1
        platforms.setdefault(cluster, set()).add(record.platform)
    return [
        PostToScore(
            post_id=i,
            text=texts[i],
            platform=record.platform,
            posted_at=record.posted_at,
            text_normalised=prepared[i],
            engagement=dict(record.engagement),
            cluster_size=size[clusters[i]],
            cluster_platforms=len(platforms[clusters[i]]),
            author_handle=record.author_handle,
            author_name=display_name_of(record.raw),
            image_hashes=tuple(image.phash for image in record.images),
            image_files=tuple(media_path(image.relpath) for image in record.images),
        )
        for i, record in enumerate(records)
    ]


def stored_kb_lookup(url: str | None = None) -> Callable[[set[str]], Any]:
    """Verdict and category of matched KB items from the database, as the score flow reads them."""
    from pipelines import store
    from saring.db import session_scope

    def lookup(kb_ids: set[str]):
        with session_scope(url) as session:
            return store.kb_info(session, kb_ids)

    return lookup


def stored_image_index(url: str | None = None) -> Any:
    """The images of the KB items in the database (a HashIndex keyed by kb_id)."""
    from pipelines import store
    from saring.db import session_scope

    with session_scope(url) as session:
        return store.kb_image_index(session)


def triage_records(
    records: Sequence[PostRecord],
    context: Any,
    *,
    now: datetime | None = None,
    kb_lookup: Callable | None = None,
    on_batch: Callable[[int], None] | None = None,
    registry: Any = None,
    image_index: Any = None,
) -> list[ScoredPost]:
    """The scored posts of a batch (post_id = position in ``records``); nothing is stored.

    ``registry`` (official accounts) defaults to the context's, the database's registry.

    The whole batch is clustered at once (re-posts within it count towards spread); scoring goes in
    chunks of BATCH, like the score flow's.
    """
    from pipelines.score import analyse_posts, prioritise_posts

    posts = posts_to_score(records)
    registry = registry if registry is not None else getattr(context, "registry", None)
    scored: list[ScoredPost] = []
    for start in range(0, len(posts), BATCH):
        chunk = posts[start : start + BATCH]
        analysis = analyse_posts(
            chunk,
            context.encoder,
            context.matcher,
            context.classifier,
            kb_lookup=kb_lookup,
            top_k=context.top_k,
            hoax_base_rate=context.config.hoax_base_rate,
            image_index=image_index,
            image_max_distance=getattr(context, "image_max_distance", None),
        )
        scored += prioritise_posts(
            chunk,
            analysis,
            context.matcher,
            gazetteer=context.gazetteer,
            config=context.config,
            model_version=context.model_version,
            now=now,
            registry=registry,
        )
        if on_batch:
            on_batch(len(chunk))
    return scored


def triage_line(record: PostRecord, scored: ScoredPost, media_errors: Sequence[str] = ()) -> dict:
    """One output line of the triage contract."""
    return {
        "id": record.external_id,
        "queued": bool(scored.queue),
        "priority": round(float(scored.priority), 4),
        "hoax_probability": None
        if scored.hoax_probability is None
        else round(float(scored.hoax_probability), 4),
        "stance": scored.stance,
        "matches": [
            {
                "kb_id": m.kb_id,
                "probability": None if m.probability is None else round(float(m.probability), 4),
                "band": m.band,
            }
            for m in scored.matches
        ],
        "reasons": list(scored.reasons),
        "impersonation": _impersonation(scored),
        # added by issue 12 (images): the text read in the post's images, and its image matches
        "ocr_text": record.ocr_text or None,
        # added with local image features: how the match was found ("phash" or "local") and, for "local",
        # its RANSAC inliers and the share of the aligned picture that agrees
        "image_matches": [
            {
                "kb_id": m.kb_id,
                "distance": int(m.evidence["image_distance"]),
                "method": m.evidence.get("image_method", "phash"),
                "inliers": int(m.evidence.get("image_inliers", 0)),
                "agreement": m.evidence.get("image_agreement"),
            }
            for m in scored.matches
            if (m.evidence or {}).get("image_distance") is not None
        ],
        "media_errors": list(media_errors),
    }


def _impersonation(scored: ScoredPost) -> dict:
    judgement = scored.impersonation
    if judgement is None:
        return {"probability": None, "imitates": None, "signals": []}
    return judgement.as_contract()


def triage_file(
    input_path: Path,
    output_path: Path,
    context: Any,
    *,
    kb_lookup: Callable | None = None,
    now: datetime | None = None,
    on_batch: Callable[[int], None] | None = None,
    registry: Any = None,
    fetch_media: bool = False,
    image_index: Any = None,
) -> TriageReport:
    """Triage every good line of ``input_path`` into ``output_path`` (written whole, then renamed).

    Media problems (a missing, oversized or broken image) are reported per post; the post is judged on
    its text and its other images."""
    from pipelines.post_media import attach_media

    report = TriageReport()
    records = list(iter_records(input_path, report.errors, fetch_media=fetch_media))
    report.read = len(records)
    problems, _ = attach_media(records)
    media_errors: dict[str, list[str]] = {}
    for problem in problems:
        post_id = problem.position.split(" media ")[0].removeprefix("post ")
        what = f"{problem.raw}: {problem.reason}"
        media_errors.setdefault(post_id, []).append(what)
        report.errors.append(RowError(str(input_path), 0, f"{post_id}: media {what}"))
    scored = triage_records(
        records,
        context,
        now=now,
        kb_lookup=kb_lookup,
        on_batch=on_batch,
        registry=registry,
        image_index=image_index,
    )
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(output_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for s in scored:
            record = records[s.post_id]
            line = triage_line(record, s, media_errors.get(record.external_id, ()))
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            report.written += 1
            report.queued += line["queued"]
            report.impersonation += bool(s.impersonation is not None and s.impersonation.flagged)
            report.stances[line["stance"]] = report.stances.get(line["stance"], 0) + 1
    tmp.replace(output_path)
    return report
