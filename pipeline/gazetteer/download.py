"""Downloading GeoNames country dumps (the only part of the gazetteer that goes online).

Fetches ``<base_url>/XX.zip`` for each country plus ``admin1CodesASCII.txt`` and
``admin2Codes.txt`` into a ``geonames/`` folder beside the gazetteer, then imports them.
"""
from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path

from .geonames_import import import_files

CODE_FILES = ("admin1CodesASCII.txt", "admin2Codes.txt")
USER_AGENT = "opsmap-gazetteer (+https://github.com/opsmap)"


def download_and_import(path: Path, countries: list[str], base_url: str, timeout: float = 20.0,
                        progress: bool = True) -> dict:
    """Download the dumps of ``countries`` (ISO codes, or ``allCountries``) and import them."""
    codes = [c.strip() for c in countries if c.strip()]
    for code in codes:
        if not (re.fullmatch(r"[A-Za-z]{2}", code) or code == "allCountries"):
            raise ValueError(f"not an ISO country code: {code!r}")
    folder = Path(path).parent / "geonames"
    folder.mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/") + "/"
    fetched: list[Path] = []
    for name in [f"{c.upper() if c != 'allCountries' else c}.zip" for c in codes] + list(CODE_FILES):
        fetched.append(_fetch(base + name, folder / name, timeout))
    stats = import_files(Path(path), fetched, progress=progress)
    stats["downloaded"] = [f.name for f in fetched]
    return stats


def _fetch(url: str, target: Path, timeout: float) -> Path:
    """Stream ``url`` into ``target`` (via a temporary file, so a failed download leaves nothing)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OSError(f"download of {url} failed: {exc}") from None
    partial.replace(target)
    return target
