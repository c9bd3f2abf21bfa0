"""Binder, replayed: what repo2docker does with binder/ (apt.txt, runtime.txt, requirements.txt,
postBuild), into a fresh virtual environment, then course 01 executed there from a fresh kernel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BINDER = REPO / "binder"

pytestmark = pytest.mark.slow


def test_apt_packages_are_debian_packages_and_installed():
    for name in (BINDER / "apt.txt").read_text().split():
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
        assert "install ok installed" in r.stdout, f"binder/apt.txt names {name}, which is not installed here"


def test_runtime_matches_this_python():
    m = re.fullmatch(r"python-(\d+\.\d+)\s*", (BINDER / "runtime.txt").read_text())
    assert m, "binder/runtime.txt must read python-X.Y"
    assert m.group(1) == f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.network  # pip downloads from the package registry, as repo2docker does
def test_replay_binder_and_run_course01(tmp_path):
    # repo2docker copies the repository and builds from it: work on a copy of the tracked files
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    for rel in files.stdout.split("\0"):
        if rel and (REPO / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, repo / rel)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(repo / "binder" / "requirements.txt")],
                       cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    nb = repo / "course" / "01-logic-gates" / "01-logic-gates.ipynb"
    r = subprocess.run([str(py), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=300", "--output", str(tmp_path / "out.ipynb"), str(nb)],
                       cwd=nb.parent, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    # it ran in the Binder environment, not in ours
    r = subprocess.run([str(py), "-c", "import chiplab, sys; print(chiplab.__file__)"], env=env,
                       capture_output=True, text=True, cwd=tmp_path)
    assert str(repo) in r.stdout, r.stdout + r.stderr
