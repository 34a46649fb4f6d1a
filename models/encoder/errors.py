"""Errors of the encoder package, each with a message that tells the user what to do."""

from __future__ import annotations


class EncoderError(RuntimeError):
    """Base class for encoder problems."""


class EncoderNotAvailableError(EncoderError, FileNotFoundError):
    """The requested model is not on this machine (Saring never downloads models)."""


class EncoderMismatchError(EncoderError):
    """Stored vectors were made by a different encoder (model id or dimension) than the current one."""
