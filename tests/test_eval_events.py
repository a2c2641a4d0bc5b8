"""`opsmap eval events`: CASE 2021 typing scored on a slice, and gold matching on reports written here."""
from __future__ import annotations

import json

import pytest

from pipeline.evaluation.events import NO_OPERATION, evaluate_case, evaluate_gold, f1_table, read_case

ROOT_SHARED = "eval/events/case2021_task2.tsv"


def test_f1_table_weights_by_support():
    table = f1_table(["A", "A", "A", "B"], ["A", "A", "B", "B"])
    assert table["per_label"]["A"]["f1"] == pytest.approx(0.8)
    assert table["per_label"]["B"]["f1"] == pytest.approx(2 / 3, abs=1e-3)
    assert table["weighted_f1"] == pytest.approx(0.75 * 0.8 + 0.25 * 2 / 3, abs=1e-4)
    assert table["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2, abs=1e-4)


def test_case_slice_is_well_above_chance(shared_dir, settings):
    result = evaluate_case(shared_dir / ROOT_SHARED, settings, limit=150)
    assert result["snippets"] == 150
    # a majority-class or broken classifier scores below 0.2 here; the rules reach about 0.75
    assert result["weighted_f1"] >= 0.65, result["top_confusions"]
    assert NO_OPERATION in result["per_label"]


def test_case_halves_split_the_file_and_heldout_shows_no_errors(shared_dir, settings):
    path = shared_dir / ROOT_SHARED
    every, dev, held = read_case(path), read_case(path, half="dev"), read_case(path, half="heldout")
    assert dev + held == every and len(dev) == (len(every) + 1) // 2
    result = evaluate_case(path, settings, limit=20, half="heldout")
    assert result["half"] == "heldout" and result["snippets"] == 20
    assert "per_label" not in result and "top_confusions" not in result  # averages only


def test_gold_matching(tmp_path, settings):
    gold = [
        {"id": "hit", "published": "2024-05-10",
         "text": "QAMISHLI, Syria — Turkish drones struck a car near Qamishli on Tuesday, killing two SDF fighters.",
         "events": [{"event_date": "2024-05-07", "date_tolerance_days": 1, "latitude": 37.05, "longitude": 41.23,
                     "tolerance_km": 50, "actor1": ["Turkish forces"], "actor2": ["SDF"],
                     "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
                     "fatalities": 2}]},
        {"id": "background", "published": "2024-05-10",
         "text": "The coalition has been conducting raids against the group for several years.", "events": []},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(g) for g in gold), encoding="utf-8")
    result = evaluate_gold(path, settings)
    assert result["gold_events"] == 1
    assert result["predicted_events"] == 1, result["reports_detail"]
    assert result["precision"] == 1.0 and result["recall"] == 1.0
    on = result["on_matched"]
    assert on["actor1"] == on["actor2"] == on["sub_event_type"] == on["fatalities"] == on["date"] == 1.0
