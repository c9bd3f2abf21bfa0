"""The nbgrader JupyterLab extensions work against the ChipLab configuration.

A real JupyterLab server runs in a scratch course folder (a copy of one lab and our config):
the instructor's formgrader lists and generates the assignment, the student's Validate runs the
tests of a notebook, the assignment list answers, and the lab page loads the nbgrader extension.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from autograder import course
from chiplab.lab import free_port

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

LAB = "lab00-warmup" if "lab00-warmup" in course.labs() else (course.labs() or [None])[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if LAB is None:
        pytest.skip("no lab yet")
    root = course.make_course(tmp_path_factory.mktemp("hub"), [LAB])
    port, token = free_port(19888), "chiplab-test-token"
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])  # as chiplab.lab does
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    proc = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def call(path, data=None, method=None):
        body = None if data is None else json.dumps(data).encode()
        req = urllib.request.Request(base + path, data=body, method=method or ("POST" if body else "GET"),
                                     headers={"Authorization": f"token {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read().decode()
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw

    deadline = time.time() + 90
    while True:
        try:
            call("/api/status")
            break
        except (OSError, urllib.error.URLError):
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise AssertionError("JupyterLab did not start") from None
            time.sleep(0.5)
    yield root, call
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_lab_page_loads_nbgrader_extension(server):
    _, call = server
    page = call("/lab")
    assert "@jupyter/nbgrader" in page


def test_formgrader_lists_and_generates(server):
    root, call = server
    names = [a["name"] for a in call("/formgrader/api/assignments")]
    assert LAB in names
    result = call(f"/formgrader/api/assignment/{LAB}/assign", data={})
    assert result.get("success"), result
    assert course.release_path(root, LAB).exists()


def test_validate_solution_and_blank(server):
    root, call = server
    ok = call("/assignments/validate", data={"path": f"labs/{LAB}/{LAB}.ipynb"})
    assert ok["success"], ok
    course.nbgrader(root, "generate_assignment", LAB, "--force")
    blank = call("/assignments/validate",
                 data={"path": str(course.release_path(root, LAB).relative_to(root))})
    assert blank["success"], blank
    # validating the blank starter reports failing/unanswered cells
    assert blank["value"] and blank["value"] != "{}", blank


def test_assignment_list_answers(server):
    _, call = server
    listing = call("/assignments?course_id=chiplab")
    assert listing["success"], listing
