"""The `opsmap` command as a user runs it."""
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def opsmap(*args, cwd, env_extra=None, timeout=600):
    import os

    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_help_lists_the_commands(tmp_path):
    out = opsmap("--help", cwd=tmp_path)
    assert out.returncode == 0
    for command in ("build", "serve", "gazetteer", "geoparse", "extract", "eval", "export", "rebuild",
                    "import-reference"):
        assert command in out.stdout


def test_build_summary_errors_and_rerun(tmp_path, gazetteer_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("2025-07-25-al-bab-raid.md", "2024-01-04-baghdad-drone-strike.md"):
        shutil.copy(ROOT / "data" / "reports" / name, reports / name)
    (reports / "empty.md").write_text("")
    (reports / "broken.md").write_text("---\ntitle: [oops\n---\nBody text.")
    db = tmp_path / "out" / "store.sqlite"

    first = opsmap("build", reports, "--db", db, "--gazetteer", gazetteer_path, "-q", cwd=tmp_path)
    assert first.returncode == 1  # something failed; the rest was still stored
    assert "reports: 2 processed, 0 unchanged" in first.stdout
    assert f"{reports / 'empty.md'}: file is empty" in first.stderr
    assert "broken.md: front matter is not valid YAML" in first.stderr
    events = int(first.stdout.split("events: ")[1].split()[0])
    assert events >= 2

    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM ingest_errors").fetchone()[0] == 2
    con.close()

    (reports / "empty.md").unlink()
    (reports / "broken.md").unlink()
    again = opsmap("build", reports, "--db", db, "--gazetteer", gazetteer_path, "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "reports: 0 processed, 2 unchanged" in again.stdout
    assert f"events: {events}" in again.stdout

    rebuilt = opsmap("rebuild", "--db", db, "--gazetteer", gazetteer_path, "-q", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "reports: 2 processed" in rebuilt.stdout and f"events: {events}" in rebuilt.stdout


def test_a_store_that_is_not_sqlite_is_refused_and_kept(tmp_path, gazetteer_path):
    db = tmp_path / "precious.sqlite"
    db.write_bytes(b"not a database" * 50)
    out = opsmap("build", ROOT / "data" / "reports" / "2025-07-25-al-bab-raid.md", "--db", db,
                 "--gazetteer", gazetteer_path, "-q", cwd=tmp_path)
    assert out.returncode == 2
    assert "not an opsmap store" in out.stderr and "Traceback" not in out.stderr
    assert db.read_bytes() == b"not a database" * 50
