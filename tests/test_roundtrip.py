"""nbgrader round trip for every lab: solution = full marks, blank = 0, each wrong submission = its score.

Everything runs through the real nbgrader command line in a scratch course folder, and the scores
are read from the gradebook, as a lecturer would see them.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course

LABS = course.labs()

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


@pytest.fixture(scope="module", params=LABS)
def graded(request, tmp_path_factory):
    lab = request.param
    root = tmp_path_factory.mktemp(lab)
    return lab, root, course.round_trip(root, lab)


def test_solution_scores_full_marks(graded):
    lab, _, scores = graded
    sol = scores["solution"]
    assert sol.max_total > 0, f"{lab} has no graded points"
    assert sol.total == sol.max_total, f"{lab}: solution lost points: {course.describe({'solution': sol})}"


def test_blank_starter_scores_zero(graded):
    lab, _, scores = graded
    assert scores["blank"].total == 0, f"{lab}: blank starter earned points: {course.describe(scores)}"


def test_wrong_submissions_score_exactly(graded):
    lab, _, scores = graded
    wrongs = course.wrong_submissions(lab)
    assert len(wrongs) >= 2, f"{lab}: keep at least two wrong submissions under tests/submissions/{lab}/"
    got = {w.name: scores[f"wrong-{w.name}"].total for w in wrongs}
    want = {w.name: w.expected for w in wrongs}
    assert got == want, f"{lab}: wrong submissions scored {got}, expected {want}"
    for w in wrongs:
        assert 0 < w.expected < scores["solution"].max_total, f"{lab}/{w.name}: expected score must be partial"


def test_release_hides_solutions_and_hidden_tests(graded):
    lab, root, _ = graded
    released = course.release_path(root, lab).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released, f"{lab}: released notebook contains {marker!r}"
    # no line of any hidden test may leak into the student's notebook
    source = nbformat.read(course.source_notebook(lab), as_version=4)
    release_cells = {c.get("id"): c.source for c in nbformat.read(course.release_path(root, lab), as_version=4).cells}
    for cell in source.cells:
        for hidden in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S):
            for line in hidden.strip().splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in release_cells.get(cell.get("id"), ""), (
                        f"{lab}: hidden test line leaked: {line.strip()!r}")


def test_every_lab_has_graded_parts_with_tests():
    for lab in LABS:
        nb = nbformat.read(course.source_notebook(lab), as_version=4)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        graded = [m for m in meta if m.get("grade")]
        assert graded, f"{lab}: no autograded cells"
        ids = [m["grade_id"] for m in meta if "grade_id" in m]
        assert len(ids) == len(set(ids)), f"{lab}: duplicate grade_id"
        hidden = [c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source]
        assert hidden, f"{lab}: no hidden tests"


def test_feedback_hides_hidden_tests(graded):
    """What the student receives back (nbgrader generate_feedback) holds no hidden test either."""
    lab, root, scores = graded
    student = next((s for s in scores if s.startswith("wrong-")), "blank")
    course.nbgrader(root, "generate_feedback", lab, "--student", student, "--force")
    pages = list((root / "build" / "grading" / "feedback" / student / lab).glob("*.html"))
    assert pages, f"{lab}: no feedback page generated"
    import html as _html

    # compare against the visible text: syntax highlighting splits code into many <span>s
    html = _html.unescape(re.sub(r"<[^>]+>", "", "\n".join(p.read_text() for p in pages)))
    source = nbformat.read(course.source_notebook(lab), as_version=4)
    for cell in source.cells:
        for hidden in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S):
            for line in hidden.strip().splitlines():
                line = line.strip()
                if len(line) > 12 and not line.startswith("#"):
                    assert line not in html, f"{lab}: feedback shows hidden test line {line!r}"
