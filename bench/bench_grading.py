"""Grading throughput: plain sequential ``nbgrader autograde`` vs ``python -m autograder grade --jobs N``.

    .venv/bin/python bench/bench_grading.py [--students 40] [--jobs 2]

Builds a scratch course with a small cocotb lab (the student writes a Verilog counter and an adder;
hidden cocotb testbenches run them on Icarus through chiplab.verify), makes N synthetic submissions
(three in four correct, the rest with a bug), grades them both ways on the same machine in the same
run, checks that both give the same scores, and prints submissions per minute and the ratio.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import course  # noqa: E402
from autograder.grade import grade  # noqa: E402

LAB = "benchx-cocotb"

COUNTER = '''COUNTER_V = """
module counter(input clk, input rst, output reg [3:0] q);
  always @(posedge clk) if (rst) q <= 0; else q <= q + 1;
endmodule
"""'''
COUNTER_BUG = COUNTER.replace("q + 1", "q + 2")
ADDER = '''ADDER_V = """
module adder(input [7:0] a, input [7:0] b, output [8:0] s);
  assign s = a + b;
endmodule
"""'''
ADDER_BUG = ADDER.replace("assign s = a + b", "assign s = a | b")

TB_COUNTER = '''
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge, ReadOnly

@cocotb.test()
async def counts(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    for i in range(20):
        await RisingEdge(dut.clk)
        await ReadOnly()
        assert int(dut.q.value) == (i + 1) % 16, f"cycle {i}: q = {int(dut.q.value)}"
'''
TB_ADDER = '''
import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def adds(dut):
    rng = random.Random(1)
    for _ in range(50):
        a, b = rng.randrange(256), rng.randrange(256)
        dut.a.value, dut.b.value = a, b
        await Timer(1, unit="ns")
        assert int(dut.s.value) == a + b, f"{a} + {b} gave {int(dut.s.value)}"
'''


def _meta(gid: str, kind: str, points: int | None = None) -> dict:
    m = {"grade": kind == "test", "grade_id": gid, "locked": kind == "test", "schema_version": 3,
         "solution": kind == "solution", "task": False}
    if points:
        m["points"] = points
    return {"nbgrader": m}


def make_lab(folder: Path) -> None:
    # answer cells without BEGIN/END SOLUTION markers: nbgrader blanks the whole cell in the release
    def test(var: str, tb: str) -> str:
        return (f"from chiplab.verify import run_cocotb\n### BEGIN HIDDEN TESTS\n"
                f"_res = run_cocotb({var}, {tb!r})\nassert _res.passed, _res.summary()\n### END HIDDEN TESTS")

    cells = [
        new_markdown_cell("# Bench lab: a counter and an adder in Verilog", id="intro"),
        new_code_cell(COUNTER, metadata=_meta("counter", "solution"), id="counter"),
        new_code_cell(test("COUNTER_V", TB_COUNTER), metadata=_meta("counter-test", "test", 2), id="counter-t"),
        new_code_cell(ADDER, metadata=_meta("adder", "solution"), id="adder"),
        new_code_cell(test("ADDER_V", TB_ADDER), metadata=_meta("adder-test", "test", 2), id="adder-t"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, folder / f"{LAB}.ipynb")


def submissions(release: Path, n: int, seed: int = 7) -> dict[str, nbformat.NotebookNode]:
    rng = random.Random(seed)
    out = {}
    for i in range(n):
        nb = nbformat.read(release, as_version=4)
        bug = rng.random() < 0.25
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid == "counter":
                cell.source = COUNTER_BUG if bug and i % 2 else COUNTER
            elif gid == "adder":
                cell.source = ADDER_BUG if bug and not i % 2 else ADDER
        out[f"s{i:03d}"] = nb
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="chiplab-bench-grading-"))
    try:
        labs = tmp / "labs-src"
        make_lab(labs / LAB)
        a = course.make_course(tmp / "plain", [LAB], labs_dir=labs)
        course.nbgrader(a, "generate_assignment", LAB, "--force")
        subs = submissions(course.release_path(a, LAB), args.students)
        for student, nb in subs.items():
            course.submit(a, LAB, student, nb)

        t0 = time.time()
        course.nbgrader(a, "autograde", LAB, "--force", timeout=7200)
        plain_s = time.time() - t0
        plain = {k: v.total for k, v in course.scores(a, LAB).items()}

        b = course.make_course(tmp / "sandboxed", [LAB], labs_dir=labs)
        folder = tmp / "submitted"
        for student, nb in subs.items():
            (folder / student / LAB).mkdir(parents=True)
            nbformat.write(nb, folder / student / LAB / f"{LAB}.ipynb")
        t0 = time.time()
        summary = grade(LAB, folder, jobs=args.jobs, course_root=b, progress=True)
        ours_s = time.time() - t0
        ours = {r.student: r.score for r in summary.results}

        n = args.students
        print(f"{n} submissions of a cocotb lab (Icarus), same machine, same run")
        print(f"  nbgrader autograde, sequential:        {plain_s:7.1f} s  {60 * n / plain_s:6.1f} submissions/min")
        print(f"  python -m autograder grade --jobs {args.jobs}: {ours_s:7.1f} s  {60 * n / ours_s:6.1f}"
              f" submissions/min (sandboxed)")
        print(f"  ratio (sandboxed parallel / plain sequential throughput): {plain_s / ours_s:.2f}x")
        same = plain == ours
        print(f"  scores identical: {same} (mean {sum(ours.values()) / n:.2f} of 4)")
        if not same:
            diff = {k: (plain.get(k), ours.get(k)) for k in ours if plain.get(k) != ours.get(k)}
            print(f"  differences: {diff}")
            sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
