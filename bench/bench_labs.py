"""How long a student waits for each lab's visible tests.

    .venv/bin/python bench/bench_labs.py [lab ...]

For every lab: the student's notebook as released (hidden tests removed) with the solutions filled in,
executed in a fresh kernel, as Validate does. Prints the kernel start plus whole-notebook time, the
time of the visible test cells alone, and both as ratios against a baseline notebook (one trivial
cell) executed the same way in the same run. DESIGN.md's budget: a lab's visible tests < 10 s.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import labs, source_notebook  # noqa: E402

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def student_view(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = HIDDEN.sub("", cell.source)
            cell.source = "\n".join(ln for ln in cell.source.splitlines()
                                    if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb


def run(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, float]:
    """(whole run incl. kernel start, seconds in visible test cells)"""
    tests: list[float] = []

    class Timed(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            t0 = time.perf_counter()
            out = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                tests.append(time.perf_counter() - t0)
            return out

    t0 = time.perf_counter()
    Timed(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
          extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    return time.perf_counter() - t0, sum(tests)


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    chosen = sys.argv[1:] or labs()
    base_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    base, _ = run(base_nb, ROOT)
    print(f"baseline (kernel start + one trivial cell): {base:.2f} s")
    print(f"{'lab':28s} {'notebook s':>10s} {'ratio':>6s} {'visible tests s':>16s} {'ratio':>6s}")
    for lab in chosen:
        path = source_notebook(lab)
        whole, tests = run(student_view(path), path.parent)
        flag = "" if tests < 10 else "  (over the 10 s budget)"
        print(f"{lab:28s} {whole:10.2f} {whole / base:6.1f} {tests:16.2f} {tests / base:6.1f}{flag}")


if __name__ == "__main__":
    main()
