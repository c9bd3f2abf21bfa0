"""Bulk grading: every submission of a lab, in parallel, each in its own sandbox.

``python -m autograder grade LAB --submissions DIR --jobs N [--db URL]``

- DIR holds one folder per student (nbgrader's ``submitted/`` layout: ``DIR/<student>/<LAB>/*.ipynb``,
  or flat ``DIR/<student>/*.ipynb``), or is a ``.zip`` of such folders.
- N long-lived workers (:mod:`autograder.worker`) run nbgrader; each kernel runs in a sandbox
  (:mod:`autograder.sandbox`) with CPU, memory, process and wall-clock limits and no network.
- Scores go to the nbgrader gradebook (SQLite by default, any SQLAlchemy URL with ``--db``).
- A state file remembers each submission's fingerprint: a re-run grades only new or changed
  submissions (or all of them after the lab itself changed, or with ``--force``).
- One broken or hostile submission never stops the batch: it scores what it earns, and its error
  is reported in the summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.config import REPO_ROOT, WORK_DIR, ensure_venv_on_path

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")

DEFAULT_LIMITS = {
    "cpu_seconds": 600,
    # RLIMIT_DATA (private writable memory) per process; the address-space limit is 8 GiB looser, since
    # Amaranth's Verilog export reserves 4 GiB of address space for Yosys-as-WebAssembly (autograder.sandbox)
    "memory_mb": 4096,
    "max_processes": 64,
    "max_file_mb": 256,
    "max_open_files": 256,
}


class GradingError(RuntimeError):
    """The batch cannot start (bad lab name, unreadable submissions folder, no sandbox)."""


@dataclass
class Result:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    ok: bool = False
    timed_out: bool = False
    seconds: float = 0.0
    error: str = ""
    parts: dict[str, float | None] = field(default_factory=dict)  # None: waits for a manual grade
    flags: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    skipped: bool = False
    #: manually graded parts (e.g. a written answer) that wait for a person; their points count as 0 so far
    needs_manual: list[str] = field(default_factory=list)
    manual_points: float = 0.0

    @property
    def final(self) -> bool:
        """The score is final: no part waits for a manual grade."""
        return not self.needs_manual


@dataclass
class Summary:
    lab: str
    results: list[Result]
    seconds: float
    jobs: int

    @property
    def graded(self) -> list[Result]:
        return [r for r in self.results if not r.skipped]

    def text(self) -> str:
        g = self.graded
        lines = [f"{self.lab}: graded {len(g)} submission(s), skipped {len(self.results) - len(g)} unchanged,"
                 f" in {self.seconds:.1f} s with {self.jobs} job(s)"]
        every = self.results  # scores as the gradebook has them now, unchanged submissions included
        if every:
            mx = max(r.max_score for r in every) or 0
            mean = sum(r.score for r in every) / len(every)
            so_far = sum(not r.final and r.score + r.manual_points == r.max_score for r in every)
            lines.append(f"  mean score {mean:.2f} / {mx:g}; full marks {sum(r.score == mx for r in every)}"
                         + (f" (+{so_far} with every autograded point, waiting for manual grading)" if so_far else "")
                         + f"; zero {sum(r.score == 0 and r.final for r in every)}")
        if g:
            lines.append(f"  throughput {60 * len(g) / max(self.seconds, 1e-9):.1f} submissions/minute")
        waiting = [r for r in self.results if not r.final]
        if waiting:
            parts = sorted({p for r in waiting for p in r.needs_manual})
            lines.append(f"  waiting for manual grading: {len(waiting)} submission(s), part(s) {', '.join(parts)}:"
                         " counted as 0 until a grader enters them (formgrader); then export again")
            names = ", ".join(r.student for r in waiting[:10]) + (", ..." if len(waiting) > 10 else "")
            lines.append(f"    {names}")
        bad = [r for r in g if not r.ok]
        for r in bad:
            why = "wall-clock limit" if r.timed_out else (r.error.strip().splitlines() or ["error"])[-1][:120]
            lines.append(f"  ! {r.student}: {why} (scored {r.score:g})")
        for r in g:
            if r.flags:
                lines.append(f"  ? {r.student}: flagged for review ({len(r.flags)} sign(s) of tampering,"
                             f" e.g. {r.flags[0]})")
        return "\n".join(lines)


# ---- submissions -----------------------------------------------------------------------------------

def _safe_extract(zip_path: Path, dest: Path, max_bytes: int = 2_000_000_000) -> None:
    total = 0
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            name = info.filename
            parts = Path(name).parts
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise GradingError(f"{zip_path.name}: unsafe path in zip: {name!r}")
            total += info.file_size
            if total > max_bytes:
                raise GradingError(f"{zip_path.name}: more than {max_bytes} bytes uncompressed")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                continue  # never extract symlinks
            zf.extract(info, dest)


def discover(submissions: Path, lab: str) -> dict[str, Path]:
    """Map student id -> the folder holding that student's files for ``lab``."""
    base = Path(submissions)
    if not base.exists():
        raise GradingError(f"submissions folder {base} does not exist")
    # a single wrapping folder (e.g. a zip of 'submitted/') is stepped into
    entries = [p for p in base.iterdir() if not p.name.startswith((".", "__"))]
    if len(entries) == 1 and entries[0].is_dir() and not list(entries[0].glob("*.ipynb")) \
            and not (entries[0] / lab).is_dir():
        base = entries[0]
    found: dict[str, Path] = {}
    for student_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        if student_dir.name.startswith((".", "__")):
            continue
        if not STUDENT_ID.match(student_dir.name):
            print(f"warning: skipping folder {student_dir.name!r}: not a valid student id", file=sys.stderr)
            continue
        folder = student_dir / lab if (student_dir / lab).is_dir() else student_dir
        if any(folder.glob("*.ipynb")):
            found[student_dir.name] = folder
    return found


#: folders of a lab that are not part of it (running the notebook in place writes build/)
LAB_IGNORE = ("build", "__pycache__", "sim_build")


def fingerprint(folder: Path, skip: tuple[str, ...] = ()) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).parts
        if p.is_file() and ".ipynb_checkpoints" not in rel and not set(rel[:-1]) & set(skip):
            h.update(str(p.relative_to(folder)).encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


# ---- workers ---------------------------------------------------------------------------------------

class _WorkerProcess:
    def __init__(self, init: dict[str, Any], log_path: Path) -> None:
        self.init = init
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()

    def start(self) -> None:
        env = dict(os.environ)
        env.pop("PYTEST_CURRENT_TEST", None)
        log = open(self.log_path, "a")  # noqa: SIM115 - lives as long as the worker
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log, text=True, env=env, cwd=str(REPO_ROOT), start_new_session=True,
        )
        self.lines = queue.Queue()
        proc = self.proc

        def pump() -> None:
            for line in proc.stdout:
                self.lines.put(line)
            self.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self.proc.stdin.write(json.dumps(self.init) + "\n")
        self.proc.stdin.flush()
        ready = self.lines.get(timeout=300)
        if not ready or not json.loads(ready).get("ready"):
            raise GradingError(f"grading worker failed to start; see {self.log_path}")

    def grade(self, student: str, source: Path, timeout: float) -> dict[str, Any]:
        assert self.proc is not None
        self.proc.stdin.write(json.dumps({"student": student, "source": str(source)}) + "\n")
        self.proc.stdin.flush()
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise RuntimeError("worker exited")
        return json.loads(line)

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            if kill:
                os.killpg(self.proc.pid, 9)
            else:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)


def gradebook_score(db_url: str, lab: str, student: str) -> dict[str, Any]:
    """A student's score, parts and parts waiting for a manual grade, as the gradebook has them now."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            sub = gb.find_submission(lab, student)
        except MissingEntry:
            return {"score": 0.0, "max_score": 0.0, "parts": {}, "needs_manual": [], "manual_points": 0.0}
        grades = [g for nb in sub.notebooks for g in nb.grades]
        # nbgrader counts a manually graded answer that waits for a person as 0 points: keep it apart
        waiting = [g for g in grades if g.needs_manual_grade]
        return {
            "score": float(sub.score), "max_score": float(sub.max_score),
            "parts": {g.name: None if g.needs_manual_grade else float(g.score) for g in grades},
            "needs_manual": sorted(g.name for g in waiting),
            "manual_points": sum(float(g.max_score) for g in waiting),
        }


def sqlite_url(path: Path) -> str:
    # several workers write to one SQLite file: wait for each other's locks instead of failing
    return f"sqlite:///{path}?timeout=120"


def prepare_assignment(root: Path, lab: str, db_url: str) -> None:
    """Record the lab (cells, points, hidden tests) in the gradebook, as generate_assignment does."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from autograder.config import configure

    ensure_venv_on_path()
    if not (root / "labs" / lab / f"{lab}.ipynb").exists():
        raise GradingError(f"no lab {lab!r}: expected {root / 'labs' / lab / (lab + '.ipynb')}")
    c = configure(Config(), root)
    c.CourseDirectory.db_url = db_url
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    result = api.generate_assignment(lab, force=True)
    if not result.get("success"):
        raise GradingError(f"generate_assignment {lab} failed:\n{result.get('log', '')[-3000:]}\n{result.get('error', '')}")


def grade(
    lab: str,
    submissions: Path,
    jobs: int = 2,
    db_url: str | None = None,
    course_root: Path = REPO_ROOT,
    force: bool = False,
    limits: dict[str, int] | None = None,
    wall_seconds: float = 600,
    cell_timeout: int | None = None,
    progress: bool = True,
) -> Summary:
    from autograder import sandbox

    t0 = time.time()
    ensure_venv_on_path()
    root = Path(course_root).resolve()
    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    db_url = db_url or sqlite_url(work / "gradebook.db")
    sandbox.check_available()
    prepare_assignment(root, lab, db_url)

    tmp_extract = None
    submissions = Path(submissions)
    if submissions.is_file() and zipfile.is_zipfile(submissions):
        tmp_extract = Path(tempfile.mkdtemp(prefix="chiplab-submissions-"))
        _safe_extract(submissions, tmp_extract)
        submissions = tmp_extract
    try:
        found = discover(submissions, lab)
        state_file = work / "autograder" / f"{lab}.state.json"
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
        lab_hash = fingerprint(root / "labs" / lab, skip=LAB_IGNORE)
        if state.get("_lab") != lab_hash:
            state = {"_lab": lab_hash}
        results: dict[str, Result] = {}
        todo: list[tuple[str, Path, str]] = []
        for student, folder in found.items():
            fp = fingerprint(folder)
            prev = state.get(student)
            if not force and prev and prev.get("hash") == fp:
                # unchanged: not regraded, but its score is read again (a grader may have graded manual parts)
                known = {k: v for k, v in prev["result"].items() if k in Result.__dataclass_fields__}
                results[student] = Result(**{**known, **gradebook_score(db_url, lab, student), "skipped": True})
            else:
                todo.append((student, folder, fp))

        init = {
            "lab": lab, "db_url": db_url, "labs_dir": str(root / "labs"),
            "work_dir": str(work / "sandbox"), "autograded_dir": str(work / "autograded"),
            "release_dir": str(work / "release" / lab),
            "limits": {**DEFAULT_LIMITS, **(limits or {})}, "wall_seconds": wall_seconds,
            "cell_timeout": cell_timeout,
        }
        n = max(1, min(jobs, len(todo)))
        tasks: queue.Queue = queue.Queue()
        for item in todo:
            tasks.put(item)
        lock = threading.Lock()
        bar = None
        if progress and todo:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc=f"grading {lab}", unit="sub", file=sys.stderr)

        def record(student: str, fp: str, res: Result) -> None:
            with lock:
                results[student] = res
                state[student] = {"hash": fp, "result": {k: v for k, v in res.__dict__.items() if k != "skipped"}}
                tmp = state_file.with_suffix(".tmp")
                tmp.write_text(json.dumps(state, indent=1))
                tmp.replace(state_file)
                if bar:
                    bar.update(1)
                    bar.set_postfix_str(f"{student}: {res.score:g}/{res.max_score:g}")

        def run_slot(slot: int) -> None:
            wp = _WorkerProcess({**init, "slot": slot}, work / "autograder" / f"worker-{slot}.log")
            wp.start()
            try:
                while True:
                    try:
                        student, folder, fp = tasks.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        out = wp.grade(student, folder, timeout=wall_seconds + 180)
                        res = Result(**{k: out[k] for k in Result.__dataclass_fields__ if k in out})
                    except Exception as exc:  # noqa: BLE001 - the worker died or hung: restart it
                        wp.stop(kill=True)
                        res = Result(student, ok=False, error=f"grading worker failed: {exc!r}",
                                     **gradebook_score(db_url, lab, student))
                        wp.start()
                    record(student, fp, res)
            finally:
                wp.stop()

        threads = [threading.Thread(target=run_slot, args=(i,)) for i in range(n)] if todo else []
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if bar:
            bar.close()
        summary = Summary(lab, [results[s] for s in sorted(results)], time.time() - t0, n)
        return summary
    finally:
        if tmp_extract:
            shutil.rmtree(tmp_extract, ignore_errors=True)
