"""Grades out of the gradebook: a CSV for the LMS, feedback pages for students, a report for the lecturer.

    python -m autograder export LAB --csv grades.csv [--feedback] [--report report.html]

- The CSV has one row per student: ``student_id``, one column per graded part (its grade id, points
  earned), ``total``, ``max_score``, ``needs_manual``, ``points_so_far``, ``flagged``, ``submitted``; ready for
  a Moodle or Canvas grade import (map ``student_id`` to the LMS's ID column and ``total`` to the grade item).
  A manually graded part that still waits for a grader (nbgrader's *needs manual grade*, e.g. the capstone's
  written answers) has an empty cell, its grade id is listed in ``needs_manual``, and the student's ``total``
  stays empty (an LMS import skips it) until every part is graded; ``points_so_far`` always has the points
  earned so far. Once a grader has entered the manual grades (formgrader, or
  :func:`autograder.course.grade_manually`), a re-export shows the final totals.
- Feedback: one HTML page per student (``build/grading/feedback/<student>/<lab>/``), without the hidden
  tests (see :mod:`autograder.feedback`).
- The report: one self-contained HTML page with the score distribution, the failure rate of every test
  (which hidden test most students fail) and the grading time per submission.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import REPO_ROOT, WORK_DIR, ensure_venv_on_path


@dataclass
class Row:
    student: str
    parts: dict[str, float | None]
    total: float
    max_score: float
    flagged: bool = False
    submitted: bool = True
    needs_manual: list[str] = field(default_factory=list)  # parts waiting for a grader (their cells are None)
    seconds: float | None = None
    extra: dict = field(default_factory=dict)


def default_db(root: Path) -> str:
    return f"sqlite:///{Path(root) / WORK_DIR / 'gradebook.db'}"


def notebook_order(root: Path, lab: str) -> list[str]:
    """Grade ids in the order the cells appear in the lab's source notebook(s)."""
    import nbformat

    ids: list[str] = []
    for path in sorted((Path(root) / "labs" / lab).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid:
                ids.append(gid)
    return ids


def rows(lab: str, db_url: str, order: list[str] | None = None) -> tuple[list[str], list[Row]]:
    """Part names (notebook order when ``order`` is given, else by name), and one row per student."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        assignment = gb.find_assignment(lab)
        parts = sorted(gc.name for nb in assignment.notebooks for gc in nb.grade_cells)
        rank = {g: i for i, g in enumerate(order or [])}
        parts.sort(key=lambda p: (rank.get(p, len(rank)), p))
        max_score = float(assignment.max_score)
        out = []
        for student in sorted(gb.students, key=lambda s: s.id):
            try:
                sub = gb.find_submission(lab, student.id)
            except MissingEntry:
                out.append(Row(student.id, {p: None for p in parts}, 0.0, max_score, submitted=False))
                continue
            grades = [g for nb in sub.notebooks for g in nb.grades]
            got = {g.name: float(g.score) for g in grades if not g.needs_manual_grade}
            waiting = sorted(g.name for g in grades if g.needs_manual_grade)
            flagged = any(nb.flagged for nb in sub.notebooks)
            out.append(Row(student.id, {p: got.get(p) for p in parts}, float(sub.score), float(sub.max_score),
                           flagged, needs_manual=waiting))
        return parts, out


def write_csv(lab: str, path: Path, db_url: str, order: list[str] | None = None) -> list[Row]:
    parts, table = rows(lab, db_url, order)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", *parts, "total", "max_score", "needs_manual", "points_so_far", "flagged",
                    "submitted"])
        for r in table:
            w.writerow([r.student, *[("" if r.parts[p] is None else f"{r.parts[p]:g}") for p in parts],
                        "" if r.needs_manual else f"{r.total:g}", f"{r.max_score:g}", " ".join(r.needs_manual),
                        f"{r.total:g}", int(r.flagged), int(r.submitted)])
    return table


def generate_feedback(lab: str, root: Path, db_url: str, students: list[str] | None = None) -> list[Path]:
    """HTML feedback for each autograded student (hidden tests removed)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from autograder.config import configure

    ensure_venv_on_path()
    c = configure(Config(), root)
    c.CourseDirectory.db_url = db_url
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    autograded = Path(root) / WORK_DIR / "autograded"
    students = students or sorted(p.name for p in autograded.iterdir() if (p / lab).is_dir())
    pages = []
    for student in students:
        result = api.generate_feedback(lab, student)
        if not result.get("success"):
            raise RuntimeError(f"feedback for {student} failed:\n{result.get('log', '')[-2000:]}")
        pages += sorted((Path(root) / WORK_DIR / "feedback" / student / lab).glob("*.html"))
    return pages


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def write_report(lab: str, path: Path, db_url: str, state_file: Path | None = None,
                 order: list[str] | None = None) -> dict:
    """A self-contained HTML report; returns the figures it shows (for tests and scripts)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts, table = rows(lab, db_url, order)
    graded = [r for r in table if r.submitted]
    state = json.loads(state_file.read_text()) if state_file and state_file.exists() else {}
    seconds = {k: v["result"].get("seconds") for k, v in state.items() if not k.startswith("_")}
    max_points = {p: 0.0 for p in parts}
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        for nb in gb.find_assignment(lab).notebooks:
            for gc in nb.grade_cells:
                max_points[gc.name] = float(gc.max_score)
    # a part waiting for a manual grade has lost nothing yet: the rate is over the students it was graded for
    fail_rate = {}
    for p in parts:
        done = [r for r in graded if p not in r.needs_manual]
        fail_rate[p] = sum(1 for r in done if (r.parts[p] or 0) < max_points[p]) / len(done) if done else 0.0
    totals = [r.total for r in graded]
    waiting = [r for r in graded if r.needs_manual]
    mx = table[0].max_score if table else 0.0

    figs = []
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist([[r.total for r in graded if not r.needs_manual], [r.total for r in waiting]],
            bins=max(5, min(20, int(mx) + 1)), range=(0, mx or 1), stacked=True, color=["#3b7dd8", "#b9c7d8"],
            edgecolor="white", label=["final", "waiting for manual grading"])
    if waiting:
        ax.legend(loc="upper left", fontsize="small")
    ax.set_xlabel(f"total score (of {mx:g})")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    figs.append(_png(fig))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 0.35 * max(3, len(parts)) + 0.8))
    ordered = sorted(parts, key=lambda p: fail_rate[p])
    ax.barh(ordered, [100 * fail_rate[p] for p in ordered], color="#d8573b")
    ax.set_xlabel("% of students who lost points")
    ax.set_xlim(0, 100)
    ax.set_title("Failure rate per test")
    figs.append(_png(fig))
    plt.close(fig)

    times = sorted(s for s in seconds.values() if s is not None)
    if times:
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(range(1, len(times) + 1), times, marker=".", color="#2a9d55")
        ax.set_xlabel("submissions (sorted)")
        ax.set_ylabel("grading time (s)")
        ax.set_title("Grading time per submission")
        figs.append(_png(fig))
        plt.close(fig)

    hardest = max(parts, key=lambda p: fail_rate[p]) if parts and max(fail_rate.values()) > 0 else None
    esc = html.escape
    rows_html = "".join(
        f"<tr><td>{esc(r.student)}</td><td>{r.total:g}</td>"
        f"<td>{'' if seconds.get(r.student) is None else f'{seconds[r.student]:.1f}'}</td>"
        f"<td>{'review' if r.flagged else ''}</td><td>{'' if r.submitted else 'missing'}</td>"
        f"<td>{esc(', '.join(r.needs_manual))}</td></tr>"
        for r in table)
    manual_note = (
        f"<p><b>{len(waiting)} submission(s) wait for manual grading</b> "
        f"({esc(', '.join(sorted({p for r in waiting for p in r.needs_manual})))}): their totals are the points so"
        " far, not final; grade them in the formgrader and export again.</p>") if waiting else ""
    body = f"""<!doctype html><html><head><meta charset="utf-8"><title>{esc(lab)} report</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}td,th{{padding:2px 10px;text-align:left}}
img{{max-width:100%}}</style></head><body>
<h1>{esc(lab)}: grading report</h1>
<p>{len(graded)} graded submission(s), {len(table) - len(graded)} missing; mean
{(sum(totals) / len(totals) if totals else 0):.2f} of {mx:g}; hardest test:
<b>{esc(hardest or '-')}</b> ({100 * fail_rate.get(hardest, 0):.0f}% lost points).</p>
{manual_note}
{''.join(f'<img src="{f}">' for f in figs)}
<h2>Students</h2><table><tr><th>student</th><th>total</th><th>seconds</th><th>flag</th><th></th>
<th>waiting for a grader</th></tr>
{rows_html}</table></body></html>"""
    Path(path).write_text(body)
    return {"fail_rate": fail_rate, "totals": totals, "hardest": hardest, "seconds": seconds, "figures": len(figs),
            "needs_manual": {r.student: r.needs_manual for r in waiting}}


def export(lab: str, csv_path: Path | None, root: Path = REPO_ROOT, db_url: str | None = None,
           feedback: bool = False, report: Path | None = None) -> dict:
    db_url = db_url or default_db(root)
    order = notebook_order(root, lab)
    out: dict = {}
    if csv_path:
        out["rows"] = write_csv(lab, csv_path, db_url, order)
    if feedback:
        out["feedback"] = generate_feedback(lab, root, db_url)
    if report:
        state = Path(root) / WORK_DIR / "autograder" / f"{lab}.state.json"
        out["report"] = write_report(lab, report, db_url, state, order)
    return out
