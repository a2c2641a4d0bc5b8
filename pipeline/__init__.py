"""opsmap's pipeline: reports in, an ACLED-style event table out, offline.

Public API: :func:`build` (paths -> event table), :class:`Store`, :func:`load_settings`.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .settings import Settings, load_settings

__all__ = ["build", "Settings", "load_settings", "__version__"]


def build(paths, settings: Settings | None = None, **kwargs):
    """Read reports at ``paths``, extract events, store them, and return the event table."""
    from .builder import build

    return build(paths, settings, **kwargs)
