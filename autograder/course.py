"""Drive nbgrader for a course folder: generate, submit, autograde, read scores.

Used by the round-trip tests (every lab: solution = full marks, blank = 0, each wrong submission =
its expected score) and handy for a lecturer's own scripts. Everything runs the real nbgrader
command line in the course folder, exactly as a lecturer would.

Manually graded parts (nbgrader's "Manually graded answer" cells: ``solution`` and ``grade`` both set,
e.g. a Markdown answer read by a person) are autograded to nothing: nbgrader flags an answered one as
*needs manual grade* (and gives an untouched one 0 at once). :func:`manual_parts` lists them,
:attr:`Score.needs_manual` says which still wait for a grader, and :func:`grade_manually` enters a
grader's scores and comments through nbgrader's Gradebook API, as the formgrader does when a grader
types a score.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.config import REPO_ROOT, WORK_DIR, ensure_venv_on_path

LABS_DIR = REPO_ROOT / "labs"
SUBMISSIONS_DIR = REPO_ROOT / "tests" / "submissions"


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds its output."""


def labs() -> list[str]:
    """Names of the lab folders that hold a source notebook (labs/<name>/<name>.ipynb)."""
    return sorted(p.parent.name for p in LABS_DIR.glob("*/*.ipynb") if p.stem == p.parent.name)


def source_notebook(lab: str, labs_dir: Path = LABS_DIR) -> Path:
    return labs_dir / lab / f"{lab}.ipynb"


def make_course(root: Path, lab_names: list[str], labs_dir: Path = LABS_DIR) -> Path:
    """A scratch course folder at ``root`` holding copies of the given labs and a config."""
    root = Path(root)
    (root / "labs").mkdir(parents=True, exist_ok=True)
    (root / WORK_DIR).mkdir(parents=True, exist_ok=True)  # nbgrader creates the gradebook file, not its folder
    for lab in lab_names:
        # build/: what running a lab notebook in place writes (flow results, reports): never part of the lab
        shutil.copytree(labs_dir / lab, root / "labs" / lab, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "sim_build", "build"))
    (root / "nbgrader_config.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        "from autograder.config import configure\n"
        "c = get_config()  # noqa: F821\n"
        f"configure(c, {str(root)!r})\n"
    )
    return root


def nbgrader(root: Path, *args: str, timeout: float = 900) -> str:
    """Run ``nbgrader ARGS`` in the course folder; return its output, raise NbgraderError on failure."""
    ensure_venv_on_path()
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
    )
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{out[-4000:]}")
    return out


def release_path(root: Path, lab: str) -> Path:
    return Path(root) / WORK_DIR / "release" / lab / f"{lab}.ipynb"


def submit(root: Path, lab: str, student: str, notebook: nbformat.NotebookNode | Path) -> Path:
    """Place a notebook where nbgrader expects a student's submission."""
    dest = Path(root) / WORK_DIR / "submitted" / student / lab
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"{lab}.ipynb"
    if isinstance(notebook, Path):
        shutil.copy(notebook, target)
    else:
        nbformat.write(notebook, target)
    # nbgrader copies the other files of the assignment in from the source on autograde
    return target


@dataclass
class Score:
    student: str
    total: float
    max_total: float
    parts: dict[str, float] = field(default_factory=dict)
    #: grade ids of the parts that wait for a person's grade (manually graded answers that were answered)
    needs_manual: list[str] = field(default_factory=list)


def scores(root: Path, lab: str) -> dict[str, Score]:
    """Scores of every autograded student of ``lab``, read from the gradebook."""
    from nbgrader.api import Gradebook

    db = f"sqlite:///{Path(root) / WORK_DIR / 'gradebook.db'}"
    result: dict[str, Score] = {}
    with Gradebook(db) as gb:
        for sub in gb.assignment_submissions(lab):
            grades = [g for nb in sub.notebooks for g in nb.grades]
            parts = {g.name: float(g.score) for g in grades}
            waiting = sorted(g.name for g in grades if g.needs_manual_grade)
            result[sub.student_id] = Score(sub.student_id, float(sub.score), float(sub.max_score), parts, waiting)
    return result


def manual_parts(lab: str, labs_dir: Path = LABS_DIR) -> dict[str, float]:
    """grade_id -> points of each manually graded answer cell of ``lab`` (``solution`` and ``grade`` set)."""
    out: dict[str, float] = {}
    for path in sorted((Path(labs_dir) / lab).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and meta.get("grade"):
                out[meta["grade_id"]] = float(meta.get("points", 0))
    return out


def grade_manually(root: Path, lab: str, student: str, grades: dict[str, float],
                   comments: dict[str, str] | None = None) -> Score:
    """Enter a grader's scores (grade_id -> points) and comments for ``student`` in the gradebook.

    This is what nbgrader's formgrader does when a grader types a score or a comment (its ``/api/grade``
    and ``/api/comment`` handlers): the grade's ``manual_score`` is set, and it no longer needs manual
    grading. Returns the student's score afterwards.
    """
    from nbgrader.api import Gradebook

    db = f"sqlite:///{Path(root) / WORK_DIR / 'gradebook.db'}"
    comments = comments or {}
    with Gradebook(db) as gb:
        sub = gb.find_submission(lab, student)
        found = {g.name: g for nb in sub.notebooks for g in nb.grades}
        notes = {c.name: c for nb in sub.notebooks for c in nb.comments}
        unknown = (set(grades) - set(found)) | (set(comments) - set(notes))
        if unknown:
            raise ValueError(f"{lab}/{student}: no graded part {sorted(unknown)} (parts: {sorted(found)})")
        for gid, points in grades.items():
            grade = found[gid]
            if not 0 <= float(points) <= float(grade.max_score):
                raise ValueError(f"{lab}/{gid}: {points} points is outside 0..{grade.max_score:g}")
            grade.manual_score = float(points)
            grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        for gid, text in comments.items():
            notes[gid].manual_comment = text
        gb.db.commit()
    return scores(root, lab)[student]


# ---- wrong submissions kept under tests/submissions/<lab>/<name>.py -------------------------------

_CELL = re.compile(r"^# %% (cell|delete|meta): *(\S+) *$", re.M)


@dataclass
class WrongSubmission:
    """A realistic wrong answer: the solution (or the blank starter) with some cells changed.

    Sections: ``# %% cell: ID`` replaces the source of the cell with that grade_id,
    ``# %% delete: ID`` removes it, ``# %% meta: ID`` merges a JSON object into its nbgrader metadata.
    """

    name: str
    expected: float
    description: str
    base: str  # "solution" or "blank"
    cells: dict[str, str]
    delete: set[str] = field(default_factory=set)
    meta: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> WrongSubmission:
        text = Path(path).read_text()
        header, *rest = _CELL.split(text)
        meta = dict(re.findall(r"^# (expected|description|base): *(.*)$", header, re.M))
        if "expected" not in meta:
            raise ValueError(f"{path}: missing '# expected: N' header")
        cells: dict[str, str] = {}
        delete: set[str] = set()
        patches: dict[str, dict] = {}
        for i in range(0, len(rest), 3):
            kind, gid, body = rest[i], rest[i + 1], rest[i + 2]
            if kind == "cell":
                cells[gid] = body.strip("\n") + "\n"
            elif kind == "delete":
                delete.add(gid)
            else:
                patches[gid] = json.loads(body)
        return cls(Path(path).stem, float(meta["expected"]), meta.get("description", ""),
                   meta.get("base", "solution").strip(), cells, delete, patches)

    def build(self, source_nb: Path, release_nb: Path) -> nbformat.NotebookNode:
        """The notebook a student would hand in: the released notebook, its answer cells filled in with
        the solutions (``base: solution``) or left blank (``base: blank``), then this file's changes."""
        nb = nbformat.read(release_nb, as_version=4)
        if self.base == "solution":
            solutions = {c.metadata.nbgrader["grade_id"]: c.source
                         for c in nbformat.read(source_nb, as_version=4).cells
                         if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
            for cell in nb.cells:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in solutions:
                    cell.source = _strip_markers(solutions[gid])
        seen = set()
        kept = []
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in self.delete:
                seen.add(gid)
                continue
            if gid in self.cells:
                cell.source = self.cells[gid].rstrip("\n")
                seen.add(gid)
            if gid in self.meta:
                cell.metadata.nbgrader.update(self.meta[gid])
                seen.add(gid)
            kept.append(cell)
        nb.cells = kept
        missing = (set(self.cells) | self.delete | set(self.meta)) - seen
        if missing:
            raise ValueError(f"wrong submission {self.name}: no cell with grade_id {sorted(missing)}")
        return nb


def _strip_markers(source: str) -> str:
    """A solution cell's text as a student would have typed it (no nbgrader markers)."""
    keep = [ln for ln in source.splitlines() if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
    return "\n".join(keep)


def wrong_submissions(lab: str, directory: Path = SUBMISSIONS_DIR) -> list[WrongSubmission]:
    return [WrongSubmission.read(p) for p in sorted((directory / lab).glob("*.py"))]


def round_trip(root: Path, lab: str, extra: dict[str, nbformat.NotebookNode] | None = None) -> dict[str, Score]:
    """Generate ``lab`` in a scratch course, autograde solution, blank and each wrong submission.

    Students are named ``solution``, ``blank`` and ``wrong-<name>``; returns their scores.
    """
    make_course(root, [lab])
    nbgrader(root, "generate_assignment", lab, "--force")
    source = source_notebook(lab, Path(root) / "labs")
    release = release_path(root, lab)
    submit(root, lab, "solution", source)
    submit(root, lab, "blank", release)
    for wrong in wrong_submissions(lab):
        submit(root, lab, f"wrong-{wrong.name}", wrong.build(source, release))
    for student, nb in (extra or {}).items():
        submit(root, lab, student, nb)
    nbgrader(root, "autograde", lab, "--force")
    return scores(root, lab)


def describe(scores_: dict[str, Score]) -> str:
    return json.dumps({k: {"total": v.total, "max": v.max_total, "parts": v.parts, "needs_manual": v.needs_manual}
                       for k, v in scores_.items()}, indent=1)
