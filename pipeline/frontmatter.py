"""YAML front matter: a ``---`` fenced block of metadata at the top of a Markdown or text report."""
from __future__ import annotations

import datetime as dt
import re

import yaml

from .knowledge import SAFE_LOADER

_FENCE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


class FrontMatterError(ValueError):
    """The front matter block is present but is not a YAML mapping."""


def split_front_matter(content: str) -> tuple[dict, str]:
    """Return (metadata, body). Content without a front matter block gives ({}, content)."""
    match = _FENCE.match(content)
    if not match:
        if content.lstrip("\ufeff").startswith("---\n") or content.lstrip("\ufeff").startswith("---\r\n"):
            raise FrontMatterError("front matter starts with '---' but has no closing '---' line")
        return {}, content.lstrip("\ufeff")
    try:
        meta = yaml.load(match.group(1), Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(f"front matter must be a mapping of keys to values, not {type(meta).__name__}")
    return {str(k).lower(): _plain(v) for k, v in meta.items()}, content[match.end():]


def _plain(value: object) -> object:
    """YAML turns 2023-04-17 into a date; keep metadata as plain strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
