"""One grading worker: a long-lived process that autogrades submissions one at a time.

Started by :mod:`autograder.grade` as ``python -m autograder.worker``; it reads one JSON request per
line on stdin and writes one JSON result per line on stdout. nbgrader runs here, in this trusted
process, against the course gradebook; each student's kernel runs in its own sandbox
(:mod:`autograder.sandbox`). Keeping the process alive across submissions means nbgrader is
imported once per worker, not once per submission.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from autograder.sandbox import BASE_UID, Policy


def _processes_of(uid: int | None, marker: str) -> list[int]:
    """PIDs of the sandbox: every process of its uid, or (same uid as us) those naming its folder."""
    me = os.getpid()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            if uid is not None:
                with open(f"/proc/{entry}/status") as f:
                    real = next(line for line in f if line.startswith("Uid:")).split()[1]
                if int(real) == uid:
                    pids.append(int(entry))
            else:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        pids.append(int(entry))
        except (OSError, StopIteration, ValueError):
            continue
    return pids


def kill_sandbox(uid: int | None, marker: str) -> int:
    pids = _processes_of(uid, marker)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


def without_released_code(nb, released):
    """``nb`` with every code cell that is exactly as released emptied, for the tampering scan.

    Such a cell is the lecturer's code, not the student's: e.g. a lab's set-up cell without nbgrader
    metadata (so not locked) that imports the lab's own autograder helpers (lab02-combinational's
    ``from autograder.comb_checks import ...`` flagged every lab02 submission, the solution included).
    """
    given = {c.source.strip() for c in released.cells if c.cell_type == "code" and c.source.strip()}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip() in given:
            cell.source = ""
    return nb


def _error_text(result: dict[str, Any]) -> str:
    """The useful part of a failed nbgrader run: its ERROR log lines, then the traceback's last lines."""
    log = result.get("log") or ""
    errors = [ln for ln in log.splitlines() if "ERROR" in ln or "Error" in ln][-15:]
    return ("\n".join(errors) + "\n" + (result.get("error") or "")[-1500:]).strip()[-4000:]


class Worker:
    def __init__(self, init: dict[str, Any]) -> None:
        from autograder import course

        self.lab: str = init["lab"]
        self.slot: int = int(init["slot"])
        self.db_url: str = init["db_url"]
        self.limits: dict[str, int] = init.get("limits", {})
        self.wall_seconds: float = float(init.get("wall_seconds", 600))
        self.cell_timeout: int | None = init.get("cell_timeout")
        self.release_dir = Path(init["release_dir"])
        self.central_autograded = Path(init["autograded_dir"])
        self.root = Path(init["work_dir"]) / f"slot-{self.slot}"
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        os.chmod(self.root, 0o700)
        course.make_course(self.root, [self.lab], labs_dir=Path(init["labs_dir"]))
        self.uid = BASE_UID + self.slot if os.geteuid() == 0 else None

    def _config(self):
        from nbgrader.converters.autograde import Autograde
        from nbgrader.preprocessors import Execute
        from traitlets.config import Config

        from autograder.config import configure
        from autograder.sandbox_kernel import SandboxedExecute

        c = configure(Config(), self.root)
        c.CourseDirectory.db_url = self.db_url
        # a busy or flooding kernel may be slow to go idle: that must not fail the whole notebook
        c.Execute.raise_on_iopub_timeout = False
        c.Execute.iopub_timeout = 15
        if self.cell_timeout:
            c.Execute.timeout = int(self.cell_timeout)
        default = Autograde.class_traits()["autograde_preprocessors"].default()
        c.Autograde.autograde_preprocessors = [SandboxedExecute if p is Execute else p for p in default]
        return c

    def grade(self, student: str, source: str) -> dict[str, Any]:
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        from autograder import sandbox_kernel

        t0 = time.time()
        sub = self.root / "build" / "grading" / "submitted" / student / self.lab
        shutil.rmtree(sub.parent, ignore_errors=True)
        shutil.copytree(source, sub, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        repairs = self._restore(sub)
        box = Path(tempfile.mkdtemp(prefix="cl-"))
        os.chmod(box, 0o711)
        work, ipc = box / "work", box / "ipc"
        work.mkdir()
        ipc.mkdir()
        sandbox_kernel.POLICY = Policy(workdir=str(work), ipc_dir=str(ipc), uid=self.uid, **self.limits)

        killed = threading.Event()

        def watchdog() -> None:
            killed.set()
            kill_sandbox(self.uid, str(work))

        timer = threading.Timer(self.wall_seconds, watchdog)
        timer.daemon = True
        timer.start()
        log = io.StringIO()
        try:
            config = self._config()
            coursedir = CourseDirectory(config=config)
            api = NbGraderAPI(coursedir=coursedir, config=config)
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                result = api.autograde(self.lab, student, force=True, create=True)
        except Exception:  # noqa: BLE001 - a broken submission must never stop the batch
            result = {"success": False, "error": traceback.format_exc(), "log": ""}
        finally:
            timer.cancel()
            kill_sandbox(self.uid, str(work))
            shutil.rmtree(box, ignore_errors=True)
        findings = self._integrity(student, sub)
        out = self.root / "build" / "grading" / "autograded" / student / self.lab
        if out.exists():
            dest = self.central_autograded / student / self.lab
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(out, dest)
        shutil.rmtree(sub.parent, ignore_errors=True)
        score = self._score(student)
        return {
            "student": student,
            "ok": bool(result.get("success")) and not killed.is_set(),
            "timed_out": killed.is_set(),
            "seconds": round(time.time() - t0, 3),
            "error": "" if result.get("success") else _error_text(result),
            "flags": [str(f) for f in findings],
            "repairs": repairs,
            **score,
        }

    def _restore(self, folder: Path) -> list[str]:
        """Repair each notebook's grading structure against the released version (autograder.restore)."""
        import nbformat

        from autograder.restore import restore

        notes = []
        for path in sorted(folder.glob("*.ipynb")):
            released = self.release_dir / path.name
            if not released.exists():
                continue
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - nbgrader will report an unreadable notebook
                notes.append(f"{path.name}: unreadable ({exc.__class__.__name__})")
                continue
            found = restore(nb, nbformat.read(released, as_version=4))
            if found:
                nbformat.write(nb, path)
                notes += [f"{path.name}: {n}" for n in found]
        return notes

    def _integrity(self, student: str, folder: Path) -> list:
        """Scan the submitted notebooks for tampering; flag them in the gradebook if anything is found."""
        import nbformat
        from nbgrader.api import Gradebook, MissingEntry

        from autograder.integrity import scan_notebook

        findings = []
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # noqa: BLE001 - an unreadable notebook is nbgrader's problem, not a flag
                continue
            released = self.release_dir / path.name
            if released.exists():
                with contextlib.suppress(Exception):
                    nb = without_released_code(nb, nbformat.read(released, as_version=4))
            found = scan_notebook(nb)
            findings += found
            if found:
                with Gradebook(self.db_url) as gb:
                    try:
                        gb.find_submission_notebook(path.stem, self.lab, student).flagged = True
                        gb.db.commit()
                    except MissingEntry:
                        pass
        return findings

    def _score(self, student: str) -> dict[str, Any]:
        from autograder.grade import gradebook_score

        return gradebook_score(self.db_url, self.lab, student)


def main() -> None:
    # the protocol uses the real stdout; everything else nbgrader prints goes to stderr
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from autograder.config import ensure_venv_on_path

    ensure_venv_on_path()
    init = json.loads(sys.stdin.readline())
    worker = Worker(init)
    proto.write(json.dumps({"ready": True, "slot": worker.slot}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        t0 = time.time()
        result = worker.grade(task["student"], task["source"])
        print(f"[worker {worker.slot}] {task['student']}: {time.time() - t0:.2f} s", file=sys.stderr, flush=True)
        proto.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
