"""Fixtures for the geocoding tests: the session gazetteer opened once, and a geoparser over it.

Import them into a test module (``from geo_fixtures import gazetteer, geoparser``); the
gazetteer itself is built by the root conftest's session-scoped ``gazetteer_path``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.gazetteer import Gazetteer, ensure_gazetteer
from pipeline.geoparse import Geoparser


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path: Path) -> Gazetteer:
    return ensure_gazetteer(gazetteer_path)


@pytest.fixture(scope="session")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)
