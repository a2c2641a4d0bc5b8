"""Scoring opsmap against evaluation corpora (geoparsing, event coding)."""
