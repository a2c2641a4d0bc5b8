"""Opsmap's knowledge files: the versioned YAML under ``pipeline/data/`` (actor aliases, trigger
words, region words, name variants...). One cached reader, so each file is parsed once per process."""
from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

#: libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def _parsed(name: str) -> Any:
    text = resources.files("pipeline.data").joinpath(name).read_text("utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


def load_data(name: str) -> Any:
    """The content of ``pipeline/data/<name>``: parsed once per process, a fresh copy each call."""
    return copy.deepcopy(_parsed(name))
