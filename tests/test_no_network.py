"""With default settings, building the store and serving the dashboard open no outbound connection."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import free_port

ROOT = Path(__file__).resolve().parent.parent
NONET = Path(__file__).resolve().parent / "nonet"


def nonet_env(tmp_path, gazetteer_path, log):
    env = dict(os.environ)
    env.update(PYTHONPATH=os.pathsep.join([str(NONET), str(ROOT)]), OPSMAP_NONET_LOG=str(log),
               OPSMAP_DB=str(tmp_path / "opsmap.sqlite"), OPSMAP_GAZETTEER=str(gazetteer_path))
    for var in ("OPSMAP_ONLINE_GEOCODING", "OPSMAP_TILES"):
        env.pop(var, None)
    return env


def test_the_guard_itself_blocks_and_logs(tmp_path, gazetteer_path):
    log = tmp_path / "attempts.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as e:\n    print(e)"
    out = subprocess.run([sys.executable, "-c", code], env=nonet_env(tmp_path, gazetteer_path, log),
                         capture_output=True, text=True, timeout=60)
    assert "blocked by the test" in out.stdout
    assert "192.0.2.1" in log.read_text()


def test_build_and_serve_stay_offline(tmp_path, gazetteer_path):
    log = tmp_path / "attempts.log"
    env = nonet_env(tmp_path, gazetteer_path, log)
    build = subprocess.run([sys.executable, "-m", "pipeline", "build", str(ROOT / "data" / "reports"), "-q"],
                           env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "events:" in build.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("dashboard did not start")
            time.sleep(0.5)
        # load the page and let the app script run once
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
        # the server listens on loopback only
        out = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout \
            if Path("/usr/bin/ss").exists() or Path("/bin/ss").exists() else ""
        for line in out.splitlines():
            if f":{port} " in line:
                assert "127.0.0.1:" in line, line
    finally:
        server.terminate()
        server.wait(timeout=30)
    attempts = log.read_text() if log.exists() else ""
    assert attempts == "", f"outbound connections attempted:\n{attempts}"
