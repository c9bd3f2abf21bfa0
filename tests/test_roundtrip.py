"""nbgrader round trip for labs 00-06 (labs 07-12: test_roundtrip_pd.py); the tests are in roundtrip_cases.py.

Everything runs through the real nbgrader command line in a scratch course folder, and the scores
are read from the gradebook, as a lecturer would see them.
"""

from __future__ import annotations

import nbformat
import pytest
from roundtrip_cases import *  # noqa: F403  (the round trip's tests, collected here)
from roundtrip_cases import round_trip_fixture

from autograder import course

LABS = [lab for lab in course.labs() if lab < "lab07"]
graded = round_trip_fixture(LABS)
pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def test_every_lab_has_graded_parts_with_tests():
    for lab in course.labs():
        nb = nbformat.read(course.source_notebook(lab), as_version=4)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        graded = [m for m in meta if m.get("grade")]
        assert graded, f"{lab}: no autograded cells"
        ids = [m["grade_id"] for m in meta if "grade_id" in m]
        assert len(ids) == len(set(ids)), f"{lab}: duplicate grade_id"
        hidden = [c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source]
        assert hidden, f"{lab}: no hidden tests"
        manual = course.manual_parts(lab)
        for gid in manual:  # graders need the rubric: in the notebook next to the part and in RUBRIC.md
            rubric = course.LABS_DIR / lab / "RUBRIC.md"
            assert rubric.exists() and gid in rubric.read_text(), f"{lab}: RUBRIC.md has no rubric for {gid}"
            i = next(k for k, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            assert nb.cells[i].cell_type == "markdown", f"{lab}/{gid}: a manual answer should be Markdown"
            assert "| criterion |" in nb.cells[i - 1].source, f"{lab}/{gid}: no rubric table right before it"
