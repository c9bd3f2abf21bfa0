"""Bulk grading in sandboxes: hostile submissions score exactly what they earn and harm nothing.

One batch grades a small fixture lab (tests/fixtures/labs/labx-sandbox: three parts, six points)
for an honest student and every hostile submission under tests/fixtures/hostile/, two at a time,
through ``python -m autograder grade``'s code path, and checks the gradebook afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.grade import fingerprint, grade, sqlite_url
from autograder.sandbox import BASE_UID

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
LAB = "labx-sandbox"
HOSTILE = sorted((FIXTURES / "hostile").glob("*.py"))
PORT = 47777
BATCH_MEMORY_MB = 2048
PWNED = [Path("/tmp/chiplab-pwned"), Path("/work/chiplab-pwned"), Path("/root/chiplab-pwned"),
         Path("/chiplab-pwned"), Path("/usr/chiplab-pwned")]


def _sha(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())).hexdigest()


class _Listener:
    """A TCP server on the grader's loopback: a sandboxed kernel must never reach it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", PORT))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.connections = 0
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    for p in PWNED:
        if p.exists():
            p.unlink()
    tmp = tmp_path_factory.mktemp("grading")
    root = course.make_course(tmp / "course", [LAB], labs_dir=FIXTURES / "labs")
    source = course.source_notebook(LAB, root / "labs")
    course.nbgrader(root, "generate_assignment", LAB, "--force")
    release = course.release_path(root, LAB)
    subs = tmp / "submissions"
    expected = {}
    for path in HOSTILE:
        wrong = course.WrongSubmission.read(path)
        folder = subs / wrong.name / LAB
        folder.mkdir(parents=True)
        nbformat.write(wrong.build(source, release), folder / f"{LAB}.ipynb")
        expected[wrong.name] = wrong.expected
    before = {name: _sha(subs / name) for name in expected}
    listener = _Listener()
    try:
        summary = grade(LAB, subs, jobs=2, course_root=root, cell_timeout=8, wall_seconds=150, progress=False,
                        limits={"memory_mb": BATCH_MEMORY_MB})
    finally:
        listener.stop.set()
    print(summary.text())
    return {"root": root, "subs": subs, "summary": summary, "expected": expected, "before": before,
            "listener": listener, "results": {r.student: r for r in summary.results}}


@pytest.mark.parametrize("name", [p.stem for p in HOSTILE])
def test_each_submission_scores_what_it_earns(batch, name):
    r = batch["results"][name]
    assert r.max_score == 6, f"{name}: max score {r.max_score} (metadata tampering changed the points?)"
    assert r.score == batch["expected"][name], f"{name}: scored {r.score}, expected {batch['expected'][name]}" \
                                                 f"\n{r.error}"


def test_batch_finished_every_submission(batch):
    assert set(batch["results"]) == set(batch["expected"])
    assert not any(r.timed_out for r in batch["results"].values())


def test_gradebook_matches_and_is_untouched(batch):
    from nbgrader.api import Gradebook

    db = sqlite_url(batch["root"] / "build" / "grading" / "gradebook.db")
    with Gradebook(db) as gb:
        students = {s.id for s in gb.students}
        assert students == set(batch["expected"]), "a submission added or removed students"
        for sub in gb.assignment_submissions(LAB):
            assert float(sub.score) == batch["results"][sub.student_id].score
            assert float(sub.max_score) == 6
            for nb in sub.notebooks:
                for g in nb.grades:
                    assert g.score <= g.max_score, f"{sub.student_id}: {g.name} has {g.score} > {g.max_score}"


def test_submissions_folder_untouched(batch):
    for name, digest in batch["before"].items():
        assert _sha(batch["subs"] / name) == digest, f"{name}'s submitted files were changed"


def _outputs(batch, name) -> str:
    path = batch["root"] / "build" / "grading" / "autograded" / name / LAB / f"{LAB}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def test_no_student_reads_another(batch):
    text = _outputs(batch, "read-other-student")
    assert "nothing found" in text and "STOLEN:" not in text


def test_gradebook_unreachable(batch):
    text = _outputs(batch, "gradebook")
    assert "no gradebook" in text and "GRADEBOOK WRITTEN" not in text


def test_no_network_from_the_sandbox(batch):
    text = _outputs(batch, "network")
    assert "CONNECTED" not in text and "blocked 1.1.1.1" in text
    assert batch["listener"].connections == 0


def test_nothing_written_outside_the_sandbox(batch):
    text = _outputs(batch, "write-outside")
    assert "wrote /" not in text.replace("wrote /tmp/chiplab-pwned", "")  # its own private /tmp is fine
    for p in PWNED:
        assert not p.exists(), f"a submission wrote {p}"


def test_output_flood_is_capped(batch):
    path = batch["root"] / "build" / "grading" / "autograded" / "output-flood" / LAB / f"{LAB}.ipynb"
    assert path.stat().st_size < 2_000_000
    assert "truncated" in _outputs(batch, "output-flood")


def test_no_sandbox_process_survives(batch):
    left = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as f:
                    uid = int(next(ln for ln in f if ln.startswith("Uid:")).split()[1])
            except (OSError, StopIteration):
                continue
            if BASE_UID <= uid < BASE_UID + 64:
                left.append(entry)
    assert not left, f"sandbox processes still running: {left}"


def test_memory_limits_stop_hogs(batch):
    """RLIMIT_DATA stops memory really written to; the address-space backstop stops shared mappings, which
    RLIMIT_DATA does not count (mmap.mmap(-1, n) is MAP_SHARED)."""
    import re

    from autograder.sandbox import Policy, address_space_mb

    res = batch["results"]
    assert res["memory-hog-touched"].score == 4 and res["memory-bomb"].score == 4
    mapped = re.search(r"shared memory mapped: (\d+) GiB", _outputs(batch, "shared-memory-creep"))
    assert mapped, "the shared-memory submission printed nothing"
    assert int(mapped.group(1)) <= address_space_mb(Policy("", "", memory_mb=BATCH_MEMORY_MB)) // 1024


def test_tampering_is_flagged(batch):
    res = batch["results"]
    for name in ("monkeypatch-helper", "monkeypatch-assert", "kill-kernel"):
        assert res[name].flags, f"{name} was not flagged"
    assert not res["victim"].flags
    from nbgrader.api import Gradebook

    with Gradebook(sqlite_url(batch["root"] / "build" / "grading" / "gradebook.db")) as gb:
        assert gb.find_submission_notebook(LAB, LAB, "monkeypatch-helper").flagged
        assert not gb.find_submission_notebook(LAB, LAB, "victim").flagged


def test_rerun_grades_only_changed(batch):
    root, subs = batch["root"], batch["subs"]
    again = grade(LAB, subs, jobs=2, course_root=root, cell_timeout=8, progress=False)
    assert not again.graded, f"unchanged submissions were regraded: {[r.student for r in again.graded]}"
    # change one submission: only it is graded, and it keeps its new score
    nb_path = subs / "victim" / LAB / f"{LAB}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q3-lines":
            cell.source = "def count_lines():\n    return 4"
    nbformat.write(nb, nb_path)
    third = grade(LAB, subs, jobs=2, course_root=root, cell_timeout=8, progress=False)
    assert [r.student for r in third.graded] == ["victim"]
    assert {r.student: r.score for r in third.results}["victim"] == 5


def test_cli_grades_a_zip(tmp_path):
    root = course.make_course(tmp_path / "course", [LAB], labs_dir=FIXTURES / "labs")
    source = course.source_notebook(LAB, root / "labs")
    zpath = tmp_path / "class.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(source, f"submitted/ann/{LAB}/{LAB}.ipynb")  # the source itself: all answers right
        course.nbgrader(root, "generate_assignment", LAB, "--force")
        wrong = course.WrongSubmission.read(FIXTURES / "hostile" / "edit-test-cell.py").build(
            source, course.release_path(root, LAB))
        zf.writestr(f"submitted/ben/{LAB}/{LAB}.ipynb", nbformat.writes(wrong))
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    r = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", LAB,
                        "--submissions", str(zpath), "--jobs", "2", "--no-progress"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "graded 2 submission(s)" in r.stdout
    scores = course.scores(root, LAB)
    assert scores["ann"].total == 6 and scores["ben"].total == 4


def test_cli_reports_a_missing_lab(tmp_path):
    r = subprocess.run([sys.executable, "-m", "autograder", "--course", str(tmp_path), "grade", "nolab",
                        "--submissions", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "no lab 'nolab'" in r.stderr
    assert "Traceback" not in r.stderr


def test_fingerprint_changes_with_content(tmp_path):
    (tmp_path / "a.ipynb").write_text("1")
    f1 = fingerprint(tmp_path)
    (tmp_path / "a.ipynb").write_text("2")
    assert fingerprint(tmp_path) != f1
    shutil.rmtree(tmp_path)


def test_export_csv_matches_gradebook(batch, tmp_path):
    from nbgrader.api import Gradebook

    from autograder.export import export

    root = batch["root"]
    csv_path = tmp_path / "grades.csv"
    report = tmp_path / "report.html"
    out = export(LAB, csv_path, root=root, feedback=False, report=report)
    import csv

    with open(csv_path) as f:
        table = list(csv.DictReader(f))
    assert len(table) >= 5
    assert list(table[0])[:4] == ["student_id", "q1-test", "q2-test", "q3-test"]  # notebook order
    with Gradebook(sqlite_url(root / "build" / "grading" / "gradebook.db")) as gb:
        for row in table:
            sub = gb.find_submission(LAB, row["student_id"])
            assert float(row["total"]) == float(sub.score)
            assert float(row["max_score"]) == float(sub.max_score) == 6
            grades = {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}
            for part, points in grades.items():
                assert float(row[part]) == points, (row["student_id"], part)
            assert int(row["flagged"]) == int(any(nb.flagged for nb in sub.notebooks))
    # the report names the test most students fail and draws its three plots
    assert out["report"]["figures"] == 3
    fail = out["report"]["fail_rate"]
    assert out["report"]["hardest"] == max(fail, key=fail.get)
    text = report.read_text()
    assert text.count("data:image/png;base64,") == 3


def test_feedback_never_shows_hidden_tests(batch):
    from autograder.export import default_db, generate_feedback

    root = batch["root"]
    pages = generate_feedback(LAB, root, default_db(root), students=["edit-test-cell", "victim"])
    assert len(pages) == 2
    page = {p.parts[-3]: p.read_text() for p in pages}
    for text in page.values():
        for hidden in ("for x in range(-5, 6)", "fresh()", "count_lines() == 3", "BEGIN HIDDEN"):
            assert hidden not in text, f"feedback shows the hidden test line {hidden!r}"
    # a failed hidden test shows its message, not its code
    assert "is wrong" in page["edit-test-cell"] and "2 / 6" not in page["victim"]


def test_tools_work_inside_the_sandbox(tmp_path):
    """Student code may use /tmp, the simulators and the course package inside the sandbox."""
    from autograder.sandbox import Policy

    box = tmp_path / "box"
    (box / "work").mkdir(parents=True)
    (box / "ipc").mkdir()
    os.chmod(tmp_path, 0o711)
    os.chmod(box, 0o711)
    code = ("import tempfile, subprocess, chiplab.logic\n"
            "with tempfile.NamedTemporaryFile('w', suffix='.v', delete=False) as f:\n"
            "    f.write('module m; endmodule')\n"
            "r = subprocess.run(['iverilog', '-o', f.name + '.vvp', f.name], capture_output=True, text=True)\n"
            "print('iverilog', r.returncode, r.stderr.strip(), tempfile.gettempdir())\n")
    policy = Policy(workdir=str(box / "work"), ipc_dir=str(box / "ipc"), uid=BASE_UID + 40 if os.geteuid() == 0
                    else None)
    r = subprocess.run([sys.executable, "-m", "autograder.sandbox", "--policy", policy.to_json(), "--",
                        sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "iverilog 0  /tmp" in r.stdout, r.stdout + r.stderr


def _run_in_sandbox(tmp_path: Path, code: str, **limits) -> subprocess.CompletedProcess:
    """``python -c code`` in the grading sandbox, with the bulk grader's default limits (or ``limits``)."""
    from autograder.grade import DEFAULT_LIMITS
    from autograder.sandbox import Policy

    box = tmp_path / "box"
    (box / "work").mkdir(parents=True)
    (box / "ipc").mkdir()
    os.chmod(tmp_path, 0o711)
    os.chmod(box, 0o711)
    policy = Policy(workdir=str(box / "work"), ipc_dir=str(box / "ipc"),
                    uid=BASE_UID + 41 if os.geteuid() == 0 else None, **{**DEFAULT_LIMITS, **limits})
    return subprocess.run([sys.executable, "-m", "autograder.sandbox", "--policy", policy.to_json(), "--",
                           sys.executable, "-c", code], capture_output=True, text=True, timeout=180)


EXPORT = """
from amaranth import Module, Signal
from amaranth.back import verilog
m = Module()
a, y = Signal(8), Signal(8)
m.d.sync += y.eq(a + 1)
print('exported', 'module top' in verilog.convert(m, ports=[a, y], name='top'))
"""


def test_amaranth_verilog_export_in_the_sandbox(tmp_path):
    """Amaranth's Verilog export (Yosys as WebAssembly under wasmtime, which reserves 4 GiB + 64 MiB of
    address space) works in the sandbox with the default limits: labs 07, 11 and 12 depend on it."""
    r = _run_in_sandbox(tmp_path, EXPORT)
    assert "exported True" in r.stdout, r.stdout + r.stderr[-3000:]


def test_an_address_space_limit_alone_breaks_the_export(tmp_path):
    """Why memory is limited by RLIMIT_DATA: the old limit (4096 MiB of address space) breaks the export."""
    r = _run_in_sandbox(tmp_path, EXPORT, address_space_mb=4096)
    assert "exported True" not in r.stdout
    assert "mmap failed to reserve" in r.stderr, r.stderr[-3000:]


def test_build_folder_is_never_released(tmp_path):
    """Running a lab notebook in place writes labs/<lab>/build/: generate_assignment must not release it."""
    from traitlets.config import Config

    from autograder.config import configure

    assert "build" in configure(Config(), tmp_path / "c").CourseDirectory.ignore
    root = course.make_course(tmp_path / "course", [LAB], labs_dir=FIXTURES / "labs")
    junk = root / "labs" / LAB / "build" / "flow"
    junk.mkdir(parents=True)
    (junk / "top.gds").write_bytes(b"GDS")
    course.nbgrader(root, "generate_assignment", LAB, "--force")
    release = course.release_path(root, LAB).parent
    assert (release / "data.txt").exists(), "the lab's data file was not released"
    assert not (release / "build").exists(), f"released the build folder: {sorted(release.rglob('*'))}"


def test_released_code_is_not_flagged():
    """A cell exactly as released is the lecturer's code: lab02's set-up cell (no nbgrader metadata, so not
    locked) imports autograder.comb_checks, which flagged every lab02 submission. A student's own import
    of a grading module still flags."""
    from nbformat.v4 import new_code_cell, new_notebook

    from autograder.integrity import scan_notebook
    from autograder.worker import without_released_code

    setup = "import warnings\n\nfrom autograder.comb_checks import check_sop, ports\n"
    released = new_notebook(cells=[new_code_cell(setup), new_code_cell("# YOUR CODE HERE")])

    def student(answer: str):
        return new_notebook(cells=[new_code_cell(setup), new_code_cell(answer)])

    assert scan_notebook(student("x = 1")), "the scan no longer sees the set-up cell's import"
    assert scan_notebook(without_released_code(student("x = 1"), released)) == []
    found = [str(f) for f in scan_notebook(without_released_code(student("import builtins"), released))]
    assert len(found) == 1 and found[0].endswith("line 1: imports builtins"), found
    changed = student("x = 1")
    changed.cells[0].source = setup + "import autograder.checks\n"  # an edited set-up cell is the student's
    assert scan_notebook(without_released_code(changed, released))
