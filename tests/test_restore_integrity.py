"""Repairing a submission's grading structure, and the tampering scan."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from autograder.checks import check_cases, fresh, same
from autograder.integrity import scan_code, scan_notebook
from autograder.restore import restore

FIXTURE = Path(__file__).parent / "fixtures" / "labs" / "labx-sandbox" / "labx-sandbox.ipynb"


@pytest.fixture
def released():
    nb = nbformat.read(FIXTURE, as_version=4)
    for cell in nb.cells:  # what a student receives: answers blank, hidden tests gone
        ng = cell.metadata.get("nbgrader", {})
        if ng.get("solution"):
            cell.source = "raise NotImplementedError()"
        cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    return nb


def _ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_untouched_submission_needs_no_repair(released):
    assert restore(copy.deepcopy(released), released) == []


def test_restores_points_grade_ids_and_locked_source(released):
    sub = copy.deepcopy(released)
    sub.cells[2].metadata.nbgrader["points"] = 100
    sub.cells[6].metadata.nbgrader["grade_id"] = "free"
    sub.cells[2].source = "pass"
    sub.cells[1].source = "def double(x):\n    return 2 * x"
    notes = restore(sub, released)
    assert sub.cells[2].metadata.nbgrader == released.cells[2].metadata.nbgrader
    assert sub.cells[2].source == released.cells[2].source
    assert _ids(sub) == _ids(released)
    assert sub.cells[1].source == "def double(x):\n    return 2 * x"  # the student's answer is kept
    assert any("q1-test" in n for n in notes)


def test_puts_back_deleted_cells_in_place(released):
    sub = copy.deepcopy(released)
    del sub.cells[4]  # q2-test
    del sub.cells[1]  # q1-double (an answer cell)
    notes = restore(sub, released)
    assert _ids(sub) == _ids(released)
    assert len([n for n in notes if "put back" in n]) == 2


def test_unknown_nbgrader_cells_lose_their_metadata(released):
    sub = copy.deepcopy(released)
    extra = nbformat.v4.new_code_cell("x = 1", id="extra")
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 50, "locked": True,
                                  "solution": False, "schema_version": 3, "task": False}
    sub.cells.append(extra)
    restore(sub, released)
    assert "nbgrader" not in sub.cells[-1].metadata


@pytest.mark.parametrize("code", [
    "import builtins\nbuiltins.len = lambda x: 0",
    "import autograder.checks as c\nc.check_cases = print",
    "__builtins__['abs'] = max",
    "get_ipython().run_cell = None",
    "f.__code__ = g.__code__",
    "import sys\nsys.modules['autograder'] = None",
    "exec('x = 1')",
    "!rm -rf /",
])
def test_scan_flags_tampering(code):
    assert scan_code(code), code


@pytest.mark.parametrize("code", [
    "def xor_gate(a, b):\n    return (a | b) & ~(a & b) & 1",
    "from chiplab.logic import parse\ny = parse('a & b')",
    "import numpy as np\nx = np.arange(4)",
    "for i in range(3):\n    print(i)",
])
def test_scan_accepts_ordinary_answers(code):
    assert scan_code(code) == []


def test_scan_skips_locked_cells(released):
    released.cells[2].source = "import autograder.checks"
    assert scan_notebook(released) == []
    released.cells[1].source = "import builtins"
    assert scan_notebook(released)


def test_fresh_copy_is_independent_of_patches():
    import autograder.checks as mod

    original = mod.check_cases
    try:
        mod.check_cases = lambda *a, **k: None
        chk = fresh()
        with pytest.raises(AssertionError, match="returned 3"):
            chk.check_cases(lambda x: x + 1, [((2,), 2)], "f")
    finally:
        mod.check_cases = original


def test_check_cases_messages():
    with pytest.raises(AssertionError, match=r"f\(1\) returned True \(a bool, expected a int\)"):
        check_cases(lambda x: True, [((1,), 1)], "f")
    with pytest.raises(AssertionError, match="not written yet"):
        check_cases(lambda x: (_ for _ in ()).throw(NotImplementedError()), [((1,), 1)], "f")
    assert same(1.0, 1.0) and not same(True, 1) and not same("1", 1)
