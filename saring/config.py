"""Settings from the environment and `.env` (prefix ``SARING_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    return Path.home() / ".saring"


def _default_data_dir() -> Path | None:
    for candidate in (PROJECT_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    return None


class Settings(BaseSettings):
    """Everything configurable; read once per process through :func:`get_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="SARING_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=_default_home, description="All state: database, indexes, model cache")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under home by default")
    data_dir: Path | None = Field(default_factory=_default_data_dir, description="Real data (../shared/data)")

    model_cache_dir_override: Path | None = Field(
        default=None, alias="SARING_MODEL_CACHE_DIR", description="Where converted encoders are kept"
    )

    encoder_model: str = Field(
        default="multilingual-e5-small",
        description="Built-in name, sentence-transformers id, or local folder (plain BERT folders work too)",
    )
    encoder_backend: str = Field(
        default="auto",
        description="auto | torch | onnx | onnx-int8 | use (sentence-transformers = torch); auto: the "
        "fastest variant that keeps quality, as measured on this machine when the ONNX export is made",
    )
    encoder_threads: int | None = Field(
        default=None, description="ONNX Runtime threads per encoder (default: the cores this process may use)"
    )
    encoder_cache_mb: int = Field(
        default=1024,
        description="Bound of the vector cache under home/cache/embeddings (per model variant, by content "
        "hash); 0 turns it off",
    )
    encoder_query_prefix: str | None = None
    encoder_passage_prefix: str | None = None
    encoder_max_seq_length: int | None = None
    encoder_batch_size: int = 32
    encoder_device: str = "cpu"

    kabupaten: str = Field(default="Kotabaru", description="The Pemda this install serves")
    sources_file: Path | None = Field(default=None, description="YAML file of configured sources")

    # --- flows, scoring and the queue (issue 4) ---
    flow_chunk_size: int = Field(default=256, description="Posts per Prefect task (chunked maps)")
    task_runner: str = Field(default="thread", description="thread | dask (SARING_TASK_RUNNER)")
    dask_address: str | None = Field(default=None, description="Existing Dask scheduler; else a LocalCluster")
    dask_workers: int = Field(
        default=2,
        description="LocalCluster workers when no dask_address is given; else the scheduler's worker threads",
    )
    dask_processes: bool = Field(default=True, description="LocalCluster workers as processes (else threads)")
    flow_max_workers: int = Field(default=2, description="Concurrent chunk tasks with the thread runner")
    source_retries: int = Field(default=3, description="Retries of a source read on a transient error")
    source_retry_delay_seconds: list[float] = Field(default_factory=lambda: [2.0, 10.0, 30.0])
    priority_threshold: float = Field(default=0.40, description="Queue a post at or above this priority")
    hoax_base_rate: float = Field(
        default=0.2,
        gt=0.0,
        lt=1.0,
        description="Share of hoaxes among the posts watched; the classifier's text probability is moved "
        "from its training share of hoaxes to this one (Bayes' rule on the odds) before it is combined",
    )
    recency_half_life_hours: float = Field(default=48.0, description="Recency halves every this many hours")
    match_top_k: int = Field(default=3, description="Matches stored per post")
    gazetteer_file: Path | None = Field(default=None, description="Place/SKPD names YAML (demo Kotabaru)")
    score_cron: str = Field(default="*/10 * * * *", description="Schedule of the score flow in `flows serve`")
    # --- end of flows block ---

    # --- media: images on posts and fact checks, OCR, perceptual hashes (issue 12) ---
    media_max_bytes: int = Field(default=10 * 1024 * 1024, description="Largest image file kept (bytes)")
    media_max_pixels: int = Field(default=40_000_000, description="Largest decoded image kept (pixels)")
    media_max_per_post: int = Field(default=4, description="Images kept per post (the rest are quarantined)")
    media_fetch_timeout_s: float = Field(default=10.0, description="Timeout of one media URL fetch")
    ocr_enabled: bool = Field(default=True, description="Read the text in images with Tesseract")
    ocr_languages: str = Field(default="ind", description="Tesseract languages, e.g. ind or ind+eng")
    ocr_workers: int | None = Field(
        default=None, description="Images read at once (one Tesseract process each); default: the cores"
    )
    image_match_max_distance: int = Field(
        default=28, description="pHash Hamming distance (of 256) at or below which two images are the same"
    )
    image_match_min_agreement: float = Field(
        default=0.75,
        description="Share of aligned cells that must agree for a local-feature (ORB) image match; "
        "calibrated with eval.image_dedup; above 1 switches local features off (pHash only)",
    )
    # --- end of media block ---

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'saring.db'}"

    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache_dir_override or self.home / "models"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def registry_dir(self) -> Path:
        return self.home / "registry"

    @property
    def media_dir(self) -> Path:
        return self.home / "media"

    def ensure_dirs(self) -> None:
        for path in (self.home, self.model_cache_dir, self.index_dir, self.registry_dir):
            path.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()


def quiet_offline_environment() -> None:
    """Keep every library offline and Prefect quiet; call before importing Prefect or transformers."""
    defaults = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    if "PREFECT_HOME" not in os.environ:
        # Prefect's state lives beside Saring's, so one SARING_HOME holds everything a run leaves behind.
        home = Path(os.environ.get("SARING_HOME") or _default_home()).expanduser()
        (home / "prefect").mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home / "prefect")
