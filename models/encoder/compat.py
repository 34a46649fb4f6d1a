"""Guard that stored vectors and the current encoder agree on model id and dimension."""

from __future__ import annotations

from typing import Any, Protocol

from models.encoder.errors import EncoderMismatchError


class _HasIdentity(Protocol):
    model_id: str

    @property
    def dim(self) -> int: ...


def encoder_identity(encoder: _HasIdentity) -> dict[str, Any]:
    """The fields every vector set or index must record: model_id and dim."""
    return {"model_id": encoder.model_id, "dim": int(encoder.dim)}


def variant_record(encoder: Any) -> dict[str, Any]:
    """How an encoder computes its vectors, for an index manifest: variant, its measured agreement with
    torch fp32 (min cosine on the probe texts) and, under ``auto``, the choice with its measurement."""
    variant = str(getattr(encoder, "variant", "") or "")
    choice = dict(getattr(encoder, "choice", None) or {})
    from models.encoder.variants import probe_min_cosine

    cosine = 1.0 if variant in ("torch", "use") else probe_min_cosine(variant, choice.get("measured"))
    return {"variant": variant or None, "probe_min_cosine_to_torch": cosine, "choice": choice or None}


def assert_same_vectors(recorded: dict[str, Any] | None, encoder: Any, where: str) -> None:
    """Refuse ``encoder`` when its variant's vectors measurably differ from the recorded variant's.

    The rule (models.encoder.variants.interchangeable): variants share an index only when both agree with
    torch fp32 at probe cosine >= 0.999; so ONNX fp32 and torch mix, int8 and fp32 do not. An index from
    before variants were recorded counts as torch (the only path then).
    """
    from models.encoder.variants import interchangeable

    mine = variant_record(encoder)
    if mine["variant"] is None:  # a wrapper that does not say: nothing to compare
        return
    recorded = recorded or {}
    theirs = recorded.get("variant") or ("use" if mine["variant"] == "use" else "torch")
    cos = recorded.get("probe_min_cosine_to_torch")
    theirs_cos = 1.0 if theirs in ("torch", "use") else cos
    if interchangeable(theirs, theirs_cos, mine["variant"], mine["probe_min_cosine_to_torch"]):
        return
    raise EncoderMismatchError(
        f"{where} holds vectors of the {theirs!r} variant of '{encoder.model_id}', which measurably differ "
        f"from the {mine['variant']!r} variant's (probe cosine to torch {theirs_cos} vs "
        f"{mine['probe_min_cosine_to_torch']}; variants mix only at >= 0.999). Set "
        f"SARING_ENCODER_BACKEND={theirs} or rebuild with `saring kb reindex --full`."
    )


def assert_compatible(manifest_model_id: str, manifest_dim: int, encoder: _HasIdentity) -> None:
    """Raise `EncoderMismatchError` unless the index's recorded model id and dim match `encoder`."""
    same_model = str(manifest_model_id) == encoder.model_id
    same_dim = int(manifest_dim) == int(encoder.dim)
    if same_model and same_dim:
        return
    problems = []
    if not same_model:
        problems.append(f"model '{manifest_model_id}' vs current '{encoder.model_id}'")
    if not same_dim:
        problems.append(f"dimension {manifest_dim} vs current {encoder.dim}")
    raise EncoderMismatchError(
        "The stored vectors were built with a different encoder ("
        + "; ".join(problems)
        + "). Rebuild the index with the current encoder, or set SARING_ENCODER_MODEL back to "
        f"'{manifest_model_id}'. Scores from different encoders are not comparable."
    )
