"""The sandboxed bulk grader on the real physical-design labs, with its DEFAULT limits and two jobs.

Labs 07, 11 and 12 export Amaranth designs to Verilog (Yosys as WebAssembly, which reserves 4 GiB of address
space); under the old address-space limit the sandbox made those parts score 0. Here the bulk grader
(``autograder.grade.grade``, what ``python -m autograder grade`` runs) grades the solution and one wrong
submission of lab12-capstone and of lab07-synthesis, and the scores must be exactly what the plain nbgrader
round trip gives them (tests/roundtrip_cases.py checks the same numbers outside the sandbox): the solution
every autograded point, a wrong submission its ``# expected:`` score. The capstone's written answers must
be reported as waiting for a grader in the summary and the CSV, and once a grader has entered them
(``course.grade_manually``, as the formgrader does) a re-export and a re-run show the final totals.
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from autograder import course
from autograder.grade import grade, prepare_assignment, sqlite_url

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

#: lab -> the wrong submission graded beside the solution (tests/submissions/<lab>/<name>.py)
CASES = {"lab12-capstone": "flow_at_wrong_clock", "lab07-synthesis": "shared_adder_wrong_pairs"}


def _points(lab: str) -> dict[str, float]:
    """grade_id -> points of every graded cell of the lab's source notebook."""
    nb = nbformat.read(course.source_notebook(lab), as_version=4)
    return {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader.get("points", 0)) for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")}


@pytest.fixture(scope="module", params=sorted(CASES))
def graded(request, tmp_path_factory):
    lab = request.param
    tmp = tmp_path_factory.mktemp(lab)
    root = course.make_course(tmp / "course", [lab])
    db = sqlite_url(root / "build" / "grading" / "gradebook.db")
    prepare_assignment(root, lab, db)  # the release, to build the wrong submission from
    source = course.source_notebook(lab, root / "labs")
    wrong = next(w for w in course.wrong_submissions(lab) if w.name == CASES[lab])
    subs = tmp / "submissions"
    (subs / "solution" / lab).mkdir(parents=True)
    shutil.copy(source, subs / "solution" / lab / f"{lab}.ipynb")
    (subs / wrong.name / lab).mkdir(parents=True)
    nbformat.write(wrong.build(source, course.release_path(root, lab)), subs / wrong.name / lab / f"{lab}.ipynb")
    summary = grade(lab, subs, jobs=2, course_root=root, progress=False)  # default limits and timeouts
    print(summary.text())
    return {"lab": lab, "root": root, "subs": subs, "summary": summary, "wrong": wrong,
            "results": {r.student: r for r in summary.results}}


def test_scores_match_the_plain_round_trip(graded):
    lab, res = graded["lab"], graded["results"]
    points = _points(lab)
    manual = course.manual_parts(lab)
    sol = res["solution"]
    assert sol.ok and not sol.timed_out, f"{lab}: the solution did not grade cleanly:\n{sol.error}"
    assert sol.max_score == sum(points.values())
    # every autograded part full, exactly as in the round trip (test_solution_scores_full_marks)
    lost = {gid: sol.parts.get(gid) for gid, pts in points.items() if gid not in manual and sol.parts.get(gid) != pts}
    assert not lost, f"{lab}: the solution lost points in the sandbox: {lost}"
    assert sol.score == sol.max_score - sum(manual.values())
    wrong = graded["wrong"]
    r = res[wrong.name]
    assert r.ok and not r.timed_out, f"{lab}/{wrong.name}: {r.error}"
    assert r.score == wrong.expected, f"{lab}/{wrong.name}: scored {r.score}, the round trip gives {wrong.expected}"
    assert not sol.flags and not r.flags, f"{lab}: an honest submission was flagged: {sol.flags + r.flags}"


def test_manual_parts_wait_for_a_grader(graded, tmp_path):
    lab, root, res, summary = graded["lab"], graded["root"], graded["results"], graded["summary"]
    manual = course.manual_parts(lab)
    if not manual:
        assert all(r.final for r in res.values()) and "waiting for manual grading" not in summary.text()
        pytest.skip(f"{lab} has no manually graded parts")
    sol = res["solution"]
    assert sol.needs_manual == sorted(manual) and sol.manual_points == sum(manual.values())
    assert all(sol.parts[gid] is None for gid in manual)
    text = summary.text()
    assert "full marks 0 (+1 with every autograded point, waiting for manual grading)" in text, text
    assert "waiting for manual grading: 2 submission(s)" in text, text

    from autograder.export import export

    def table(name: str) -> dict[str, dict[str, str]]:
        out = export(lab, tmp_path / name, root=root, report=tmp_path / f"{name}.html")
        assert set(out["report"]["needs_manual"]) <= {"solution", graded["wrong"].name}
        with open(tmp_path / name) as f:
            return {row["student_id"]: row for row in csv.DictReader(f)}

    before = table("before.csv")["solution"]
    assert before["total"] == "" and before["needs_manual"] == " ".join(sorted(manual))
    assert all(before[gid] == "" for gid in manual)
    assert float(before["points_so_far"]) == sol.score
    assert "wait for manual grading" in (tmp_path / "before.csv.html").read_text()

    # a grader enters the written parts (what the formgrader does): the export and a re-run show final totals
    course.grade_manually(root, lab, "solution", manual)
    after = table("after.csv")["solution"]
    assert after["needs_manual"] == "" and float(after["total"]) == sol.max_score
    assert all(float(after[gid]) == pts for gid, pts in manual.items())
    again = grade(lab, graded["subs"], jobs=2, course_root=root, progress=False)
    assert not again.graded, "unchanged submissions were regraded"
    now = {r.student: r for r in again.results}["solution"]
    assert now.final and now.score == now.max_score
    assert "full marks 1" in again.text(), again.text()
