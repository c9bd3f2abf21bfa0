"""autograder.mutation: a testbench is graded by the buggy designs it catches; lab05's mutants are fair.

Acceptance: every hidden mutant of lab05 is caught by the lab's solution testbench and missed by at least
one weak (but reference-passing) testbench, so each point of the lab measures something.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from autograder import mutation as mut
from autograder.course import WrongSubmission

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "labs" / "lab05-testbench"
REFERENCE = LAB / "updown_counter.v"
SUBMISSIONS = ROOT / "tests" / "submissions" / "lab05-testbench"


def _lab_cells() -> dict[str, str]:
    nb = nbformat.read(LAB / "lab05-testbench.ipynb", as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id", c.get("id")): c.source for c in nb.cells}


def _lab_mutants() -> list[tuple[str, list[tuple[str, str]]]]:
    """The mutants exactly as the lab's hidden tests define them (``_MUTANTS`` and ``_SANITY``)."""
    src = _lab_cells()["test_runs_on_reference"]
    found = []
    for var in ("_MUTANTS", "_SANITY"):
        m = re.search(rf"^{var} = (\[.*?^\])$", src, flags=re.M | re.S)
        assert m, f"no {var} in the lab's hidden test"
        found += ast.literal_eval(m.group(1))
    return found


def _solution_testbench() -> str:
    ns: dict = {}
    exec(_lab_cells()["testbench"], ns)  # noqa: S102 - our own solution cell
    return ns["TESTBENCH"]


def _submission_testbench(name: str) -> str:
    ns: dict = {}
    exec(WrongSubmission.read(SUBMISSIONS / f"{name}.py").cells["testbench"], ns)  # noqa: S102
    return ns["TESTBENCH"]


# a weak testbench that never looks at the value after reset: it loads a value, then counts from there
LOAD_THEN_COUNT = """\
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


@cocotb.test()
async def test_from_a_load(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.load.value, dut.en.value, dut.up.value, dut.d.value = 1, 0, 0, 1, 0
    await FallingEdge(dut.clk)
    dut.rst.value, dut.load.value, dut.d.value = 0, 1, 16
    await FallingEdge(dut.clk)
    dut.load.value, dut.en.value = 0, 1
    for k in range(1, 5):
        await FallingEdge(dut.clk)
        await Timer(1, unit="ns")
        assert int(dut.q.value) == 16 + k, f"q = {int(dut.q.value)}, expected {16 + k}"
"""


# ---- apply_mutant ----------------------------------------------------------------------------------------


def test_apply_mutant_edits_once_and_refuses_ambiguous_edits() -> None:
    ref = REFERENCE.read_text()
    text = mut.apply_mutant(REFERENCE, ("m", [("q <= d;", "q <= ~d;")]))
    assert "q <= ~d;" in text and text.replace("q <= ~d;", "q <= d;") == ref
    with pytest.raises(ValueError, match="occurs 0 times"):
        mut.apply_mutant(ref, ("m", [("no such text", "x")]))
    with pytest.raises(ValueError, match="occurs 2 times"):
        mut.apply_mutant(ref, mut.Mutant("m", [("8'd1;", "8'd2;")]))
    with pytest.raises(ValueError, match="changes nothing"):
        mut.apply_mutant(ref, {"name": "m", "edits": [("q <= d;", "q <= d;")]})
    with pytest.raises(ValueError, match="no edits"):
        mut.apply_mutant(ref, ("m", []))


def test_every_lab_mutant_applies_and_differs() -> None:
    muts = _lab_mutants()
    assert len(muts) >= 6 and len({n for n, _ in muts}) == len(muts)
    ref = REFERENCE.read_text()
    texts = {mut.apply_mutant(ref, m) for m in muts}
    assert len(texts) == len(muts) and ref not in texts


# ---- grading ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_solution_catches_every_mutant_and_weak_testbenches_miss_each() -> None:
    muts = _lab_mutants()
    solution = mut.grade_testbench(_solution_testbench(), REFERENCE, muts)
    assert solution.reference_passed, solution.summary()
    assert solution.missed == [], f"the solution testbench misses mutants:\n{solution.summary()}"
    assert solution.score == len(muts)

    weak = {name: mut.grade_testbench(tb, REFERENCE, muts)
            for name, tb in (("reset_only", _submission_testbench("reset_only")),
                             ("weak_counts_only", _submission_testbench("weak_counts_only")),
                             ("load_then_count", LOAD_THEN_COUNT))}
    for name, report in weak.items():
        assert report.reference_passed, f"{name} should pass on the reference:\n{report.summary()}"
    for m, _ in muts:
        missed_by = [name for name, report in weak.items() if m in report.missed]
        assert missed_by, f"mutant {m} is caught by every weak testbench: it tests nothing specific"
    assert weak["reset_only"].caught == ["reset_value"]
    assert set(weak["weak_counts_only"].caught) == {"reset_value", "missing_enable", "never_counts"}
    assert "reset_value" in weak["load_then_count"].missed
    # a caught mutant says which test failed and why
    assert solution["tc_off_by_one"].failed_tests and "tc" in solution["tc_off_by_one"].message


@pytest.mark.slow
def test_a_testbench_failing_on_the_reference_earns_nothing() -> None:
    report = mut.grade_testbench(_submission_testbench("fails_on_reference"), REFERENCE, _lab_mutants())
    assert not report.reference_passed
    assert report.results == [] and report.score == 0
    assert "expected" in report.reference_message  # the student's own assertion message
    with pytest.raises(AssertionError, match="fails on the correct design"):
        mut.require_caught(report, "reset_value")


def test_not_a_testbench_earns_nothing() -> None:
    report = mut.grade_testbench(None, REFERENCE, _lab_mutants())  # type: ignore[arg-type]
    assert not report.reference_passed and report.score == 0
    with pytest.raises(ValueError, match="same name"):
        mut.grade_testbench(LOAD_THEN_COUNT, REFERENCE, [("a", [("q <= d;", "q <= ~d;")]),
                                                         ("a", [("q <= d;", "q <= ~d;")])])


@pytest.mark.slow
def test_require_caught_names_the_behaviour_not_the_bug() -> None:
    down = ("down_saturates", [("q <= q - 8'd1;", "q <= (q == 8'd0) ? q : q - 8'd1;")])
    report = mut.grade_testbench(_submission_testbench("reset_only"), REFERENCE, [down])
    assert report.reference_passed and report.missed == ["down_saturates"]
    with pytest.raises(AssertionError) as err:
        mut.require_caught(report, "down_saturates", hint="counting down through 0")
    assert "counting down through 0" in str(err.value) and "8'd1" not in str(err.value)


WAIT_FOR_TC = """\
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge


@cocotb.test()
async def test_tc_comes(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.load.value, dut.en.value, dut.up.value, dut.d.value = 1, 0, 0, 1, 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value, dut.en.value = 0, 1
    await RisingEdge(dut.tc)  # no time limit: waits forever on a design whose tc never rises
"""


@pytest.mark.slow
def test_a_testbench_that_hangs_on_a_mutant_catches_it_within_the_limit() -> None:
    never = ("tc_never", [("assign tc = en &&", "assign tc = 1'b0 &&")])
    report = mut.grade_testbench(WAIT_FOR_TC, REFERENCE, [never], mutant_timeout_s=3)
    assert report.reference_passed, report.summary()
    assert report.caught == ["tc_never"] and "run stopped" in report["tc_never"].message
    assert report["tc_never"].wall_s < 10
