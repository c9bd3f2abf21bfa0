"""nbgrader settings for a ChipLab course, in one place.

``configure(c, root)`` is called by the repository's ``nbgrader_config.py`` (with the repository as
root: sources under ``labs/``, everything nbgrader generates under the git-ignored ``build/grading/``)
and by the round-trip tests (with a scratch course folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

#: seconds one notebook cell may run during autograding or Validate before it is interrupted and
#: counted as failed (nbgrader's default is 30 s; flow and simulation cells need more).
CELL_TIMEOUT_S = 120

#: the course id nbgrader uses in its exchange and gradebook
COURSE_ID = "chiplab"

#: where nbgrader writes what it generates, relative to the course root
WORK_DIR = "build/grading"


def configure(
    c: Any,
    root: str | Path = REPO_ROOT,
    source_directory: str = "labs",
    work_dir: str = WORK_DIR,
    exchange: str | Path | None = None,
) -> Any:
    """Fill the nbgrader config object ``c`` for a course rooted at ``root``."""
    root = Path(root).resolve()
    work = root / work_dir
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = source_directory
    c.CourseDirectory.release_directory = f"{work_dir}/release"
    c.CourseDirectory.submitted_directory = f"{work_dir}/submitted"
    c.CourseDirectory.autograded_directory = f"{work_dir}/autograded"
    c.CourseDirectory.feedback_directory = f"{work_dir}/feedback"
    c.CourseDirectory.solution_directory = f"{work_dir}/solution"
    c.CourseDirectory.source_with_tests_directory = f"{work_dir}/source_with_tests"
    c.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}"
    # Lab folders may hold Verilog, data and pictures beside the notebook; never copy build junk. "build":
    # running a lab notebook in place writes labs/<lab>/build/ (flow results, GDS, reports), which
    # generate_assignment would otherwise release to every student (and autograde copy into submissions).
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "sim_build", "build", "*.vcd",
                                "results.xml"]
    c.CourseDirectory.max_file_size = 10_000  # kB

    # Per-cell time budget while autograding and validating.
    c.Execute.timeout = CELL_TIMEOUT_S
    c.Execute.interrupt_on_timeout = True
    c.Execute.error_on_timeout = {
        "ename": "TimeoutError",
        "evalue": "this cell ran longer than its time limit and was stopped",
        "traceback": ["TimeoutError: this cell ran longer than its time limit and was stopped "
                      "(an endless loop, or a much too slow computation?)"],
    }
    # What a student sees in a blank answer cell.
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    # Hidden tests are stripped from released notebooks and restored at autograde time...
    c.ClearHiddenTests.enforce_metadata = True
    # ...and kept out of every feedback page (nbgrader's feedback would show them).
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from autograder.feedback import HideHiddenTests

    c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]

    # A local exchange for a laptop course; a JupyterHub deployment sets its own shared root.
    exchange = Path(exchange) if exchange else root / "build" / "exchange"
    try:
        exchange.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only or shared location: nbgrader reports it when used
        pass
    c.Exchange.root = str(exchange)
    c.Exchange.path_includes_course = True
    return c


def ensure_venv_on_path() -> None:
    """nbgrader runs ``alembic`` (and kernels run tools) by name: put this Python's bin folder on PATH."""
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in path:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *path])
