"""Geo evaluation on a few documents of the shared corpora (light), the metric arithmetic, and the
`opsmap geoparse` / `opsmap eval geo` commands."""
from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluation.geo import evaluate_geo, summarise_errors
from pipeline.gazetteer.geometry import MAX_ERROR_KM


def test_metric_arithmetic() -> None:
    perfect = summarise_errors([0.0, 0.0, 0.0])
    assert perfect["acc@161"] == 1.0 and perfect["auc"] == 0.0 and perfect["median_km"] == 0.0
    worst = summarise_errors([MAX_ERROR_KM] * 4)
    assert worst["acc@161"] == 0.0 and math.isclose(worst["auc"], 1.0, abs_tol=1e-4)
    mixed = summarise_errors([0.0, 100.0, 1000.0])
    assert mixed["acc@161"] == round(2 / 3, 4) and mixed["acc@50"] == round(1 / 3, 4)
    assert 0.0 < mixed["auc"] < 1.0 and mixed["mean_km"] == pytest.approx(366.7, abs=0.1)


@pytest.fixture(scope="module")
def tr_news(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "geo" / "tr_news.jsonl"


@pytest.fixture(scope="module")
def lgl(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "geo" / "lgl.jsonl"


def test_spans_mode_on_20_documents(tr_news: Path, lgl: Path, settings) -> None:
    for corpus, floor in ((tr_news, 0.75), (lgl, 0.7)):
        result = evaluate_geo(corpus, settings, spans=True, limit=20)
        assert result["documents"] == 20 and result["resolved_scored"] == result["gold_toponyms"] > 50
        assert result["acc@161"] >= floor, result
        assert result["auc"] < 0.3 and result["median_km"] < 50


def test_end_to_end_on_20_documents(tr_news: Path, settings) -> None:
    result = evaluate_geo(tr_news, settings, spans=False, limit=20)
    assert result["f1"] >= 0.65 and result["precision"] >= 0.7, result
    assert result["acc@161"] >= 0.75


def test_cli_geoparse_and_eval(tmp_path: Path, settings) -> None:
    src = tmp_path / "in.jsonl"
    text = "HOLEB, Syria — Fighting was reported near Manbij and in Mosul."
    src.write_text(json.dumps({"id": "a", "text": text}) + "\n" +
                   json.dumps({"id": "b", "text": text, "toponyms": [{"start": 0, "end": 5}]}) + "\n",
                   encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["geoparse", str(src), "--gazetteer", str(settings.gazetteer_path)]) == 0
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["id"] == "a"
    by_text = {t["text"]: t for t in first["toponyms"]}
    assert by_text["HOLEB"]["geonameid"] == 170063 and by_text["HOLEB"]["precision"] == 1
    assert {"start", "end", "name", "lat", "lon", "geonameid", "country_code", "precision", "score",
            "reason"} <= set(by_text["Mosul"])
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["geoparse", str(src), "--spans", "--gazetteer", str(settings.gazetteer_path)]) == 0
    second = json.loads(out.getvalue().splitlines()[1])
    assert [t["geonameid"] for t in second["toponyms"]] == [170063]

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "c", "text": "Clashes in Mosul and Aleppo.", "excluded": [],
                                  "toponyms": [{"start": 11, "end": 16, "name": "Mosul", "lat": 36.335,
                                                "lon": 43.11889, "geonameid": 99072},
                                               {"start": 21, "end": 27, "name": "Aleppo", "lat": 36.20124,
                                                "lon": 37.16117, "geonameid": 170063}]}) + "\n", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["eval", "geo", "--corpus", str(corpus), "--gazetteer", str(settings.gazetteer_path)]) == 0
    result = json.loads(out.getvalue())
    assert result["f1"] == 1.0 and result["acc@161"] == 1.0 and result["auc"] == 0.0
