"""The nbgrader round trip's tests: solution = full marks, blank = 0, each wrong submission = its score.

Not collected by itself: tests/test_roundtrip.py (labs 00-06) and tests/test_roundtrip_pd.py (labs 07-12)
import these tests and give each its own ``graded`` fixture, so that pytest-xdist (``--dist loadfile``) runs
the two halves on different workers.

Everything runs through the real nbgrader command line in a scratch course folder, and the scores
are read from the gradebook, as a lecturer would see them.

A lab may have manually graded parts (Markdown answers a person reads, e.g. the capstone's design notes).
The autograder scores those as nothing and flags them "needs manual grade"; the round trip then enters a
lecturer's grades through nbgrader's Gradebook API (as the formgrader does) and checks that the total
becomes full marks and that the student's feedback shows the grades and comments.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def round_trip_fixture(labs: list[str]):
    """A module-scoped ``graded`` fixture: (lab, course root, scores) for each lab of ``labs``."""

    @pytest.fixture(scope="module", params=labs)
    def graded(request, tmp_path_factory):
        lab = request.param
        root = tmp_path_factory.mktemp(lab)
        return lab, root, course.round_trip(root, lab)

    return graded


def test_solution_scores_full_marks(graded):
    """Every autograded part full; every manually graded part waits for a grader (and scores 0 until then)."""
    lab, _, scores = graded
    sol = scores["solution"]
    manual = course.manual_parts(lab)
    assert sol.max_total > 0, f"{lab} has no graded points"
    assert sol.total == sol.max_total - sum(manual.values()), (
        f"{lab}: solution lost points: {course.describe({'solution': sol})}")
    assert sol.needs_manual == sorted(manual), f"{lab}: parts waiting for manual grading: {sol.needs_manual}"
    assert all(sol.parts[gid] == 0 for gid in manual), f"{lab}: a manual part was scored automatically"


def test_manual_grading_gives_full_marks_and_feedback(graded):
    """A lecturer grades the manual parts (Gradebook API, as the formgrader does): the solution reaches full
    marks, nothing waits for grading, and generate_feedback shows the grades and the grader's comments."""
    lab, root, _ = graded
    manual = course.manual_parts(lab)
    if not manual:
        pytest.skip(f"{lab} has no manually graded parts")
    comments = {gid: f"Rubric for {gid}: every criterion at its top level ({pts:g} of {pts:g} points)."
                for gid, pts in manual.items()}
    after = course.grade_manually(root, lab, "solution", manual, comments)
    assert after.total == after.max_total, f"{lab}: after manual grading: {course.describe({'solution': after})}"
    assert after.needs_manual == []
    course.nbgrader(root, "generate_feedback", lab, "--student", "solution", "--force")
    pages = list((root / "build" / "grading" / "feedback" / "solution" / lab).glob("*.html"))
    assert pages, f"{lab}: no feedback page generated"
    import html as _html

    raw = "\n".join(p.read_text() for p in pages)
    text = re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    assert f"(Score: {after.total:.1f} / {after.max_total:.1f})" in text, f"{lab}: feedback lacks the total"
    for gid, pts in manual.items():
        assert comments[gid] in text, f"{lab}: feedback lacks the grader's comment on {gid}"
        # the page's table of contents: '<a href="#design_notes">Written response</a> (Score: 7.0 / 7.0)'
        assert f'href="#{gid}">Written response</a> (Score: {pts:.1f} / {pts:.1f})' in raw, (
            f"{lab}: feedback lacks the manual points of {gid}")


def test_blank_starter_scores_zero(graded):
    lab, _, scores = graded
    assert scores["blank"].total == 0, f"{lab}: blank starter earned points: {course.describe(scores)}"
    # untouched manual answers score 0 at once: nothing waits for a grader
    assert scores["blank"].needs_manual == [], f"{lab}: blank starter needs manual grading"


def test_wrong_submissions_score_exactly(graded):
    lab, _, scores = graded
    wrongs = course.wrong_submissions(lab)
    assert len(wrongs) >= 2, f"{lab}: keep at least two wrong submissions under tests/submissions/{lab}/"
    got = {w.name: scores[f"wrong-{w.name}"].total for w in wrongs}
    want = {w.name: w.expected for w in wrongs}
    assert got == want, f"{lab}: wrong submissions scored {got}, expected {want}"
    for w in wrongs:
        assert 0 < w.expected < scores["solution"].max_total, f"{lab}/{w.name}: expected score must be partial"
    if course.manual_parts(lab):  # a lab with manual parts: at least 3 wrong submissions, distinct scores
        assert len(wrongs) >= 3 and len(set(want.values())) == len(want), f"{lab}: {want}"


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
