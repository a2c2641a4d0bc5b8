"""The offline GeoNames gazetteer: build it, extend it, look names up in it.

`ensure_gazetteer(path)` is what the pipeline calls: it opens the gazetteer, building it from the
GeoNames data pip installed the first time.
"""
from __future__ import annotations

from pathlib import Path

from .entry import Candidate, Entry
from .pipdata import build_from_pip, pip_build_fingerprint
from .store import Gazetteer, GazetteerMissing

__all__ = ["Candidate", "Entry", "Gazetteer", "GazetteerMissing", "build_gazetteer", "download_geonames",
           "ensure_gazetteer", "import_geonames"]

_OPEN: dict[Path, Gazetteer] = {}


def build_gazetteer(path: Path | str, progress: bool = True) -> dict:
    """(Re)build the gazetteer at ``path`` from pip data; returns what was written."""
    path = Path(path)
    stale = _OPEN.pop(path.resolve(), None)
    if stale is not None:
        stale.close()
    return build_from_pip(path, progress=progress)


def ensure_gazetteer(path: Path | str, progress: bool = False) -> Gazetteer:
    """The gazetteer at ``path``, built from pip data first if it does not exist (cached per process)."""
    path = Path(path)
    key = path.resolve()
    if key in _OPEN:
        return _OPEN[key]
    if not path.exists():
        build_from_pip(path, progress=progress)
    gazetteer = Gazetteer.open(path)
    if _stale_pip_build(gazetteer):
        gazetteer.close()
        build_from_pip(path, progress=progress)
        gazetteer = Gazetteer.open(path)
    _OPEN[key] = gazetteer
    return gazetteer


def _stale_pip_build(gazetteer: Gazetteer) -> bool:
    """A gazetteer built from pip data by older code or data files (and not extended since)."""
    meta = gazetteer.meta()
    stamp = meta.get("pip_fingerprint")
    if stamp is None or "last_import" in meta:
        return False
    return stamp != pip_build_fingerprint()


def import_geonames(path: Path | str, files: list[str], progress: bool = True) -> dict:
    """Import GeoNames dump files into the gazetteer at ``path`` (adds and updates)."""
    from .geonames_import import import_files

    _OPEN.pop(Path(path).resolve(), None)
    return import_files(Path(path), [Path(f) for f in files], progress=progress)


def download_geonames(path: Path | str, countries: list[str], base_url: str, timeout: float = 20.0,
                      progress: bool = True) -> dict:
    """Download GeoNames country dumps (online) and import them."""
    from .download import download_and_import

    _OPEN.pop(Path(path).resolve(), None)
    return download_and_import(Path(path), countries, base_url=base_url, timeout=timeout, progress=progress)
