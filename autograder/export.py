"""Grades out of the gradebook: a CSV for the LMS, feedback pages for students, a report for the lecturer.

    python -m autograder export LAB --csv grades.csv [--feedback] [--report report.html]

- The CSV has one row per student: ``student_id``, one column per graded part (its grade id, points
  earned), ``total``, ``max_score``, ``flagged``; ready for a Moodle or Canvas grade import (map
  ``student_id`` to the LMS's ID column and ``total`` to the grade item).
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
            got = {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}
            flagged = any(nb.flagged for nb in sub.notebooks)
            out.append(Row(student.id, {p: got.get(p) for p in parts}, float(sub.score), float(sub.max_score),
                           flagged))
        return parts, out


def write_csv(lab: str, path: Path, db_url: str, order: list[str] | None = None) -> list[Row]:
    parts, table = rows(lab, db_url, order)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", *parts, "total", "max_score", "flagged", "submitted"])
        for r in table:
            w.writerow([r.student, *[("" if r.parts[p] is None else f"{r.parts[p]:g}") for p in parts],
                        f"{r.total:g}", f"{r.max_score:g}", int(r.flagged), int(r.submitted)])
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
    fail_rate = {p: (sum(1 for r in graded if (r.parts[p] or 0) < max_points[p]) / len(graded) if graded else 0.0)
                 for p in parts}
    totals = [r.total for r in graded]
    mx = table[0].max_score if table else 0.0

    figs = []
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(totals, bins=max(5, min(20, int(mx) + 1)), range=(0, mx or 1), color="#3b7dd8", edgecolor="white")
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

    hardest = max(parts, key=lambda p: fail_rate[p]) if parts else None
    esc = html.escape
    rows_html = "".join(
        f"<tr><td>{esc(r.student)}</td><td>{r.total:g}</td>"
        f"<td>{'' if seconds.get(r.student) is None else f'{seconds[r.student]:.1f}'}</td>"
        f"<td>{'review' if r.flagged else ''}</td><td>{'' if r.submitted else 'missing'}</td></tr>"
        for r in table)
    body = f"""<!doctype html><html><head><meta charset="utf-8"><title>{esc(lab)} report</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}td,th{{padding:2px 10px;text-align:left}}
img{{max-width:100%}}</style></head><body>
<h1>{esc(lab)}: grading report</h1>
<p>{len(graded)} graded submission(s), {len(table) - len(graded)} missing; mean
{(sum(totals) / len(totals) if totals else 0):.2f} of {mx:g}; hardest test:
<b>{esc(hardest or '-')}</b> ({100 * fail_rate.get(hardest, 0):.0f}% lost points).</p>
{''.join(f'<img src="{f}">' for f in figs)}
<h2>Students</h2><table><tr><th>student</th><th>total</th><th>seconds</th><th>flag</th><th></th></tr>
{rows_html}</table></body></html>"""
    Path(path).write_text(body)
    return {"fail_rate": fail_rate, "totals": totals, "hardest": hardest, "seconds": seconds, "figures": len(figs)}


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
