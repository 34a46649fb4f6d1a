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
