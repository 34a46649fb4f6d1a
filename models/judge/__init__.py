"""The match judge: P(same claim) per (post, fact check) pair, P(spreads) per post, and the bands."""

from __future__ import annotations

from models.judge.model import (
    DEFAULT_DIR,
    REFUTES,
    SPREADS,
    UNCLEAR,
    UNRELATED,
    JudgeConfig,
    JudgeThresholds,
    LinearHead,
    MatchJudge,
    default_judge,
)
from models.judge.versions import JudgeRegistry, JudgeRegistryError, judge_for

__all__ = [
    "DEFAULT_DIR",
    "REFUTES",
    "SPREADS",
    "UNCLEAR",
    "UNRELATED",
    "JudgeConfig",
    "JudgeRegistry",
    "JudgeRegistryError",
    "JudgeThresholds",
    "LinearHead",
    "MatchJudge",
    "default_judge",
    "judge_for",
]
