"""The store opens unchanged in Datasette (a real `datasette serve`) and in the sqlite3 shell."""
import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from browser import free_port
from pipeline.event import EVENT_COLUMNS
from pipeline.store import Store
from test_store import sample  # a report with places and events, through the real Store API

pytest.importorskip("datasette")


def test_datasette_serves_the_event_table(tmp_path):
    db = tmp_path / "opsmap.sqlite"
    with Store(db) as store:
        store.save_report(*sample())
    before = db.read_bytes()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port),
                               "--host", "127.0.0.1", "--immutable", str(db)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/opsmap/events.json?_shape=array",
                                            timeout=2) as response:
                    rows = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("datasette did not serve the store")
                time.sleep(0.3)
        assert len(rows) == 2 and set(EVENT_COLUMNS) <= set(rows[0])
        with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/opsmap.json?sql=select+count(*)+as+n+from+places&_shape=array") as r:
            assert json.load(r) == [{"n": 1}]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert db.read_bytes() == before


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_sqlite3_shell_reads_it(tmp_path):
    db = tmp_path / "opsmap.sqlite"
    with Store(db) as store:
        store.save_report(*sample())
    out = subprocess.run(["sqlite3", str(db), "select count(*) from events; pragma user_version;"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["2", "1"]
