"""The pins are one truth: constraints.txt, binder/requirements.txt and environment.yml agree,
every top-level requirement is pinned, and the installed venv matches the pins."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_env  # noqa: E402


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned_lines(lines):
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)", line)
        if m:
            out[_norm(m.group(1))] = m.group(3)
    return out


CONSTRAINTS = {_norm(k): v for k, v in sync_env.pins().items()}


def test_binder_requirements_match_constraints():
    binder = _pinned_lines((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    assert binder == CONSTRAINTS


def test_environment_yml_matches_constraints():
    text = (ROOT / "environment.yml").read_text()
    pip_lines = [ln.strip()[2:] for ln in text.splitlines() if ln.startswith("      - ")]
    conda = _pinned_lines(pip_lines)
    assert conda == CONSTRAINTS
    assert "python=3.11" in text


def test_generated_files_up_to_date():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "sync_env.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_every_requirement_is_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        base = _norm(re.split(r"[\[<>=;]", name)[0])
        assert base in CONSTRAINTS, f"requirements.txt names {base} but constraints.txt does not pin it"


def test_binder_apt_has_the_simulators():
    apt = (ROOT / "binder" / "apt.txt").read_text().split()
    for tool in ("iverilog", "ngspice"):
        assert tool in apt


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_installed_version_matches_pin(name):
    try:
        got = md.version(name)
    except md.PackageNotFoundError:
        pytest.fail(f"{name} is pinned in constraints.txt but not installed in this environment")
    assert got == CONSTRAINTS[name], f"{name}: installed {got}, pinned {CONSTRAINTS[name]}"
