"""`make lab` starts a real JupyterLab on the course: it answers /api/status, then stops by its PID."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from chiplab.lab import free_port

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _wait_for_url(proc: subprocess.Popen, deadline: float) -> str:
    lines = []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        m = re.search(r"JupyterLab starting at (http://\S+)", line)
        if m:
            return m.group(1)
    raise AssertionError("make lab printed no URL:\n" + "".join(lines[-40:]))


def test_make_lab_serves_and_stops(tmp_path):
    port = free_port(18888)
    pid_file = tmp_path / "lab.pid"
    env = dict(os.environ, PORT=str(port))
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS=--pid-file {pid_file}"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        url = _wait_for_url(proc, time.time() + 240)
        token = re.search(r"token=(\w+)", url).group(1)
        assert f":{port}/" in url
        status = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                             headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=5) as r:
                    status = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer /api/status within 60 s"
        assert "started" in status and "kernels" in status
        # the nbgrader server extensions are loaded (course list answers for the instructor)
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"JupyterLab (PID {pid}) did not stop on SIGTERM")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
