"""Shared fixtures: the real spaCy model, a real gazetteer built once per session, real SQLite files."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from pipeline.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_REPORTS = ROOT / "data" / "reports"

# The trained typer caches its weights under $OPSMAP_CACHE: a fresh folder per test session, so the
# tests train it once from the shipped examples and never touch the user's cache.
os.environ.setdefault("OPSMAP_CACHE", tempfile.mkdtemp(prefix="opsmap-test-cache-"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (evaluation data under its own licences); tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: evaluation data not available on this machine")
    return SHARED


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gazetteer built from the pip-installed GeoNames data, once for the whole session."""
    from pipeline.gazetteer import ensure_gazetteer

    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    ensure_gazetteer(path)
    return path


@pytest.fixture
def settings(tmp_path: Path, gazetteer_path: Path) -> Settings:
    """Settings with a fresh store in a temporary folder and the session's gazetteer."""
    return load_settings(data_dir=tmp_path, db_path=tmp_path / "opsmap.sqlite",
                         gazetteer_path=gazetteer_path)
