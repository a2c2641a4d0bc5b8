"""Killing `opsmap build` with SIGKILL at many points leaves a consistent store; a re-run completes it."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "reports"

pytestmark = pytest.mark.slow


def make_inputs(folder: Path, copies: int = 3) -> int:
    """Several distinct reports per demo report (other URLs and publication years)."""
    count = 0
    for path in sorted(DEMO.glob("*.md")):
        content = path.read_text(encoding="utf-8")
        for i in range(copies):
            changed = content.replace('url: "https://', f'url: "https://copy{i}.', 1)
            (folder / f"{path.stem}-{i}.md").write_text(changed, encoding="utf-8")
            count += 1
    return count


def run_build(folder, env, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(folder), "-q"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def snapshot(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every event has at least one source, every source an existing report and event
        assert con.execute("SELECT COUNT(*) FROM events e WHERE source_dataset='opsmap' AND NOT EXISTS "
                           "(SELECT 1 FROM event_sources s WHERE s.event_id=e.event_id)").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM event_sources s WHERE NOT EXISTS "
                           "(SELECT 1 FROM events e WHERE e.event_id=s.event_id) OR NOT EXISTS "
                           "(SELECT 1 FROM reports r WHERE r.report_id=s.report_id)").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM places p WHERE NOT EXISTS "
                           "(SELECT 1 FROM reports r WHERE r.report_id=p.report_id)").fetchone()[0] == 0
        return {
            "reports": con.execute("SELECT COUNT(*) FROM reports").fetchone()[0],
            "events": sorted(con.execute(
                "SELECT event_date, sub_event_type, location, fatalities, actor1, actor2, source FROM events")),
            "sources": con.execute("SELECT COUNT(*) FROM event_sources").fetchone()[0],
            "places": con.execute("SELECT COUNT(*) FROM places").fetchone()[0],
        }
    finally:
        con.close()


def count_reports(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def test_sigkill_at_many_points_then_rerun(tmp_path, gazetteer_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    total = make_inputs(inputs)
    env = dict(os.environ, OPSMAP_GAZETTEER=str(gazetteer_path), PYTHONPATH=str(ROOT))

    reference_db = tmp_path / "reference.sqlite"
    done = run_build(inputs, dict(env, OPSMAP_DB=str(reference_db)))
    assert done.wait(timeout=600) == 0, done.stderr.read().decode()
    expected = snapshot(reference_db)
    assert expected["reports"] == total and expected["events"]

    db = tmp_path / "crashy.sqlite"
    env = dict(env, OPSMAP_DB=str(db))
    kill_after = [1, 4, 9, 15, 22, total - 2]  # reports stored when the kill lands
    killed_mid_run = 0
    for target in kill_after:
        proc = run_build(inputs, env)
        deadline = time.monotonic() + 300
        while proc.poll() is None and count_reports(db) < target and time.monotonic() < deadline:
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        if proc.wait(timeout=60) == -signal.SIGKILL:
            killed_mid_run += 1
        if db.exists():
            state = snapshot(db)  # consistent after every kill
            assert state["reports"] <= total
    assert killed_mid_run >= 3  # most kills really landed while it was writing

    final = run_build(inputs, env)
    assert final.wait(timeout=600) == 0, final.stderr.read().decode()
    result = snapshot(db)
    assert result == expected
