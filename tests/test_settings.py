from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_SPACY_MODEL, load_settings


def test_defaults_are_offline_and_local(monkeypatch):
    for var in ("OPSMAP_DB", "OPSMAP_SPACY_MODEL", "OPSMAP_TILES", "OPSMAP_DATA_DIR", "OPSMAP_ONLINE_GEOCODING"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings()
    assert s.db_path == Path("data/opsmap.sqlite")
    assert s.gazetteer_path == Path("data/gazetteer.sqlite")
    assert s.spacy_model == DEFAULT_SPACY_MODEL
    assert s.online_geocoding is False


def test_environment_and_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("OPSMAP_DB", str(tmp_path / "x.sqlite"))
    monkeypatch.setenv("OPSMAP_SPACY_MODEL", "en_core_web_md")
    monkeypatch.setenv("OPSMAP_ONLINE_GEOCODING", "yes")
    s = load_settings(tiles="none")
    assert s.db_path == tmp_path / "x.sqlite"
    assert s.spacy_model == "en_core_web_md"
    assert s.online_geocoding is True
    assert s.tiles == "none"


def test_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("OPSMAP_MAX_FILE_BYTES", "lots")
    with pytest.raises(ValueError, match="OPSMAP_MAX_FILE_BYTES"):
        load_settings()


def test_missing_model_is_a_clear_error():
    from pipeline.nlp import ModelNotInstalled, get_nlp

    with pytest.raises(ModelNotInstalled, match="OPSMAP_SPACY_MODEL"):
        get_nlp("en_core_web_nonexistent")
